using System.Text;

namespace Pipeline.EndToEnd.Tests.Hostile;

/// <summary>One generated bad request: what it attacks, how to send it, and how to describe it when it fails.</summary>
public sealed record HostileRequest(
    string Category,
    HttpMethod Method,
    string Path,
    byte[]? Body = null,
    string? ContentType = "application/json",
    bool Admin = false,
    IReadOnlyList<KeyValuePair<string, string>>? Headers = null)
{
    public const int LargeBody = 64 * 1024;

    public HttpRequestMessage ToMessage(string adminKey)
    {
        var message = new HttpRequestMessage(Method, Path);
        if (Body is not null)
        {
            message.Content = new ByteArrayContent(Body);
            if (ContentType is not null)
                message.Content.Headers.TryAddWithoutValidation("Content-Type", ContentType);
        }

        // Kestrel answers an over-limit Content-Length at once and closes the connection; a client still uploading
        // would see a reset instead of the 413. Clients sending large bodies ask first, as HTTP/1.1 intends.
        if (Body is { Length: > LargeBody })
            message.Headers.ExpectContinue = true;
        if (Admin)
            message.Headers.TryAddWithoutValidation("Authorization", $"Bearer {adminKey}");
        foreach (var (name, value) in Headers ?? [])
            message.Headers.TryAddWithoutValidation(name, value);
        return message;
    }

    public override string ToString()
    {
        var body = Body is null ? "" : Body.Length > 200
            ? $" body[{Body.Length} bytes]: {Preview(Body[..120])}…"
            : $" body: {Preview(Body)}";
        var headers = Headers is null ? "" : $" headers: {string.Join(", ", Headers.Select(h => $"{h.Key}[{h.Value.Length}]"))}";
        return $"[{Category}] {Method} {(Path.Length > 200 ? Path[..200] + "…" : Path)} ({ContentType}){(Admin ? " admin" : "")}{body}{headers}";
    }

    private static string Preview(byte[] bytes) =>
        new(Encoding.UTF8.GetString(bytes).Select(c => char.IsControl(c) ? '·' : c).ToArray());
}
