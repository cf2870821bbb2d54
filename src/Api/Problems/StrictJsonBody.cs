using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Unicode;

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

    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    /// <summary>The body as <typeparamref name="T"/>, or a description of what was wrong with it.</summary>
    public static async Task<(T? Value, string? Error)> ReadAsync<T>(HttpRequest request, CancellationToken cancellationToken)
        where T : class
    {
        if (!request.HasJsonContentType())
            return (null, "The body must be JSON (Content-Type: application/json).");

        // Buffered (the size limits bound it) so the bytes can be checked as UTF-8 first: JsonDocument and JsonElement
        // keep strings raw, and invalid UTF-8 in them would only surface when a handler reads them, as a 500.
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken);
        var bytes = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
        // The stream reader this replaced skipped a byte-order mark; the span reader does not.
        if (bytes.Span.StartsWith(Utf8Bom))
            bytes = bytes[Utf8Bom.Length..];
        if (!Utf8.IsValid(bytes.Span))
            return (null, "The body is not valid UTF-8.");

        try
        {
            var value = JsonSerializer.Deserialize<T>(bytes.Span, Options);
            return value is null ? (null, "The body must be a JSON object.") : (value, null);
        }
        catch (JsonException ex)
        {
            return (null, $"Malformed JSON body: {ex.Message}");
        }
    }
}
