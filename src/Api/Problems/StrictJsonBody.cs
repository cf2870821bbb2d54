using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pipeline.Api.Problems;

/// <summary>
/// Reads a JSON body strictly (unknown fields, wrong types, trailing garbage are errors) and says exactly what was
/// wrong, which the framework's default binding failure does not.
/// </summary>
public static class StrictJsonBody
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        PropertyNameCaseInsensitive = false,
        MaxDepth = 16,
        AllowTrailingCommas = false,
        ReadCommentHandling = JsonCommentHandling.Disallow,
    };

    /// <summary>The body as <typeparamref name="T"/>, or a description of what was wrong with it.</summary>
    public static async Task<(T? Value, string? Error)> ReadAsync<T>(HttpRequest request, CancellationToken cancellationToken)
        where T : class
    {
        if (!request.HasJsonContentType())
            return (null, "The body must be JSON (Content-Type: application/json).");

        try
        {
            var value = await JsonSerializer.DeserializeAsync<T>(request.Body, Options, cancellationToken);
            return value is null ? (null, "The body must be a JSON object.") : (value, null);
        }
        catch (JsonException ex)
        {
            return (null, $"Malformed JSON body: {ex.Message}");
        }
    }
}
