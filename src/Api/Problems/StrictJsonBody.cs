using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Unicode;

namespace Pipeline.Api.Problems;

/// <summary>
/// Reads a JSON body strictly (unknown fields, wrong types, trailing garbage, text that is not valid Unicode are
/// errors) and says exactly what was wrong, which the framework's default binding failure does not, without naming
/// the server's own types.
/// </summary>
internal static class StrictJsonBody
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

        return Parse<T>(await BufferAsync(request, cancellationToken));
    }

    /// <summary>
    /// Like <see cref="ReadAsync{T}"/> for a body that may be left out: an empty body (whatever its declared type)
    /// gives neither a value nor an error.
    /// </summary>
    public static async Task<(T? Value, string? Error)> ReadOptionalAsync<T>(HttpRequest request, CancellationToken cancellationToken)
        where T : class
    {
        var bytes = await BufferAsync(request, cancellationToken);
        if (IsBlank(bytes.Span))
            return (null, null);
        if (!request.HasJsonContentType())
            return (null, "The body must be JSON (Content-Type: application/json).");
        return Parse<T>(bytes);
    }

    /// <summary>Bytes already in hand (a hub argument, a buffered body) as <typeparamref name="T"/>, or what was wrong.</summary>
    public static (T? Value, string? Error) Parse<T>(ReadOnlyMemory<byte> bytes)
        where T : class
    {
        // The stream reader this replaced skipped a byte-order mark; the span reader does not.
        if (bytes.Span.StartsWith(Utf8Bom))
            bytes = bytes[Utf8Bom.Length..];
        // JsonDocument and JsonElement keep strings raw, and invalid UTF-8 or an escaped lone surrogate in them would
        // only surface when a handler reads them (or the database stores them), as a 500.
        if (!Utf8.IsValid(bytes.Span))
            return (null, "The body is not valid UTF-8.");
        if (InvalidText(bytes.Span) is { } invalid)
            return (null, invalid);

        try
        {
            var value = JsonSerializer.Deserialize<T>(bytes.Span, Options);
            return value is null ? (null, "The body must be a JSON object.") : (value, null);
        }
        catch (JsonException ex)
        {
            return (null, $"Malformed JSON body: {Describe(ex)}");
        }
    }

    /// <summary>What was wrong, in the caller's terms: the serializer's own message names the server's types.</summary>
    internal static string Describe(JsonException exception)
    {
        var message = exception.Message;
        var at = exception.Path is { Length: > 0 } path ? $" at {path}" : "";
        if (message.Contains("could not be mapped to any .NET member", StringComparison.Ordinal))
            return $"unknown field{UnknownField(message)}; only the documented fields are accepted.";
        if (message.Contains("could not be converted", StringComparison.Ordinal))
            return $"a value has the wrong type{at}.";
        if (message.Contains("missing required properties", StringComparison.Ordinal))
            return "a required field is missing.";
        if (exception.LineNumber is { } line && exception.BytePositionInLine is { } position)
            return $"not well-formed JSON{at} (line {line + 1}, byte {position + 1}).";
        return $"not well-formed JSON{at}.";
    }

    private static string UnknownField(string message)
    {
        // "The JSON property 'x' could not be mapped …": the field is the caller's own text, the type is ours.
        var start = message.IndexOf('\'');
        var end = start < 0 ? -1 : message.IndexOf('\'', start + 1);
        return end > start ? $" '{message[(start + 1)..end]}'" : "";
    }

    /// <summary>A description of the first string (value or field name) that is not valid UTF-16 text, naming its field.</summary>
    private static string? InvalidText(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = Options.MaxDepth, CommentHandling = JsonCommentHandling.Disallow });
        var field = "body";
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType is not (JsonTokenType.String or JsonTokenType.PropertyName))
                    continue;
                string text;
                try
                {
                    // An escaped lone surrogate ("\ud800") cannot become a string at all.
                    text = reader.GetString()!;
                }
                catch (InvalidOperationException)
                {
                    return $"{field} contains text that is not valid Unicode (a lone surrogate).";
                }

                if (reader.TokenType == JsonTokenType.PropertyName)
                    field = text;
            }
        }
        catch (JsonException)
        {
            // Not well-formed: the deserializer says where.
        }

        return null;
    }

    private static async Task<ReadOnlyMemory<byte>> BufferAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        // Buffered (the size limits bound it) so the bytes can be checked before anything reads them.
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken);
        return buffer.ToArray();
    }

    private static bool IsBlank(ReadOnlySpan<byte> bytes)
    {
        if (bytes.StartsWith(Utf8Bom))
            bytes = bytes[Utf8Bom.Length..];
        foreach (var b in bytes)
        {
            if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
                return false;
        }

        return true;
    }
}
