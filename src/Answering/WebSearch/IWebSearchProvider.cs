namespace Pipeline.Answering.WebSearch;

/// <summary>Finds web pages for a question.</summary>
public interface IWebSearchProvider
{
    Task<IReadOnlyList<WebResult>> SearchAsync(string query, int count, CancellationToken cancellationToken);
}

/// <summary>One web page found.</summary>
public sealed record WebResult(string Url, string Title, string Snippet);
