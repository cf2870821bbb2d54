using System.Globalization;
using System.Net.Http.Headers;

namespace Pipeline.Api.Hosting;

/// <summary>
/// What the operator verbs (<c>replay</c>, <c>experiment</c>) share: each is a client of a running API, found at
/// <c>--url</c>, else <c>PIPELINE_URL</c>, else the default address, that presents the admin key from
/// <c>PIPELINE_ADMIN_KEY</c>; their options are <c>--name value</c> pairs.
/// </summary>
public static class OperatorClient
{
    public const string UrlVariable = "PIPELINE_URL";
    public const string KeyVariable = "PIPELINE_ADMIN_KEY";
    private const string DefaultUrl = "http://127.0.0.1:5080";

    /// <summary>The admin key from the environment, or null when there is none.</summary>
    public static string? AdminKey() => Environment.GetEnvironmentVariable(KeyVariable) is { Length: > 0 } key ? key : null;

    /// <summary>The API's address as the operator gave it: <c>--url</c>, else <c>PIPELINE_URL</c>, else the default.</summary>
    public static string Url(IReadOnlyDictionary<string, string> options) =>
        options.GetValueOrDefault("url") ?? Environment.GetEnvironmentVariable(UrlVariable) ?? DefaultUrl;

    /// <summary>A client of the API at <paramref name="address"/> that presents <paramref name="key"/> as a bearer key.</summary>
    public static HttpClient Create(Uri address, string key, HttpMessageHandler? handler)
    {
        var http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        http.BaseAddress = address;
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return http;
    }

    /// <summary>
    /// The <c>--name value</c> pairs of <paramref name="args"/> from <paramref name="start"/> on; null when one is
    /// malformed or, given <paramref name="allowed"/>, names an option not in it.
    /// </summary>
    public static Dictionary<string, string>? ParseOptions(string[] args, int start, IReadOnlyCollection<string>? allowed = null)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = start; i < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length || (allowed is not null && !allowed.Contains(args[i][2..])))
                return null;
            options[args[i][2..]] = args[i + 1];
        }

        return options;
    }

    /// <summary>A <c>--limit</c> as the API reads it: a number when it is one, else the text, which the API refuses by name.</summary>
    public static object Limit(string limit) =>
        int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : limit;
}
