using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pipeline.Contracts;
using Pipeline.Answering;

namespace Pipeline.Answering.WebSearch;

/// <summary>
/// Adds web pages to the passages when the caller asked for web search and it is configured; a failing search
/// engine costs the answer its web sources, never the answer itself.
/// </summary>
public sealed partial class WebAugmentation(IWebSearchProvider provider, IOptions<WebSearchOptions> options, ILogger<WebAugmentation> logger)
{
    public async Task<IReadOnlyList<RetrievedPassage>> AppendAsync(ExecuteChat command, IReadOnlyList<RetrievedPassage> passages, CancellationToken cancellationToken)
    {
        if (!command.Question.WebSearchEnabled || !options.Value.Enabled)
            return passages;

        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.Value.Timeout);
            var results = await provider.SearchAsync(command.Question.Message, options.Value.MaxResults, timeout.Token);
            var web = results.Select((r, rank) => new RetrievedPassage(
                new ChatSource(WebSourceId(r.Url), null, r.Title, null, Math.Round(1.0 / (rank + 1), 4), SourceTypes.Web, r.Url),
                r.Snippet.Length > 0 ? r.Snippet : r.Title));
            // Documents first: the web only adds to what the knowledge base says.
            return passages.Take(Math.Max(0, passages.Count - results.Count)).Concat(web).ToList();
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException)
        {
            LogSearchFailed(ex, command.RequestId);
            return passages;
        }
    }

    private static string WebSourceId(string url) => "web-" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(url)))[..16].ToLowerInvariant();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Web search failed for request {RequestId}; answering from documents only")]
    private partial void LogSearchFailed(Exception exception, Guid requestId);
}
