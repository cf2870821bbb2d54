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
            if (value is null)
                return (null, "The body must be a JSON object.");
            // A typed read decodes every string; a document keeps them raw, so invalid UTF-8 would surface later as a 500.
            if (value is JsonDocument document && FirstInvalidUtf8(document.RootElement, "$") is { } path)
            {
                document.Dispose();
                return (null, $"The body is not valid UTF-8 (at {path}).");
            }

            return (value, null);
        }
        catch (JsonException ex)
        {
            return (null, $"Malformed JSON body: {ex.Message}");
        }
    }

    private static string? FirstInvalidUtf8(JsonElement element, string path)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                return Decodes(() => element.GetString()) ? null : path;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (FirstInvalidUtf8(item, $"{path}[{index++}]") is { } inItem)
                        return inItem;
                }

                return null;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (!Decodes(() => property.Name))
                        return $"{path} (a property name)";
                    if (FirstInvalidUtf8(property.Value, $"{path}.{property.Name}") is { } inValue)
                        return inValue;
                }

                return null;
            default:
                return null;
        }
    }

    private static bool Decodes(Func<string?> read)
    {
        try
        {
            read();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
