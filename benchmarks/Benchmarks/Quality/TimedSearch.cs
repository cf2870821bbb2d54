using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.KnowledgeBase;

namespace Pipeline.Benchmarks.Quality;

/// <summary>
/// What <see cref="TimedSearch"/> measured during one retrieval, and how the next one is to search: the searches of a
/// retrieval together (the product's way, one round trip) or one after another (one round trip each, the product's
/// way before), so both can be timed alternately in one process under the same load.
/// </summary>
public sealed class SearchClock
{
    public bool OneByOne { get; set; }

    /// <summary>Time spent in the knowledge base's searches (query embedding and database) since the last reset.</summary>
    public TimeSpan Searching { get; private set; }

    public void Reset() => Searching = TimeSpan.Zero;

    public void Add(TimeSpan elapsed) => Searching += elapsed;
}

/// <summary>The knowledge base's search, timed, and sent together or one by one as <see cref="SearchClock.OneByOne"/> says.</summary>
public sealed class TimedSearch(IKnowledgeSearch inner, SearchClock clock) : IKnowledgeSearch
{
    /// <summary>Puts this decorator around the registered search.</summary>
    public static IServiceCollection Decorate(IServiceCollection services)
    {
        var registered = services.Single(d => d.ServiceType == typeof(IKnowledgeSearch));
        services.Remove(registered);
        services.AddSingleton<SearchClock>();
        return services.AddScoped<IKnowledgeSearch>(sp => new TimedSearch(
            (IKnowledgeSearch)ActivatorUtilities.CreateInstance(sp, registered.ImplementationType!), sp.GetRequiredService<SearchClock>()));
    }

    public Task<IReadOnlyList<RetrievedChunk>> SearchKeywordsAsync(string query, int topK, SearchFilter? filter, CancellationToken cancellationToken) =>
        TimeAsync(() => inner.SearchKeywordsAsync(query, topK, filter, cancellationToken));

    public Task<IReadOnlyList<RetrievedChunk>> SearchVectorAsync(string query, int topK, SearchFilter? filter, CancellationToken cancellationToken) =>
        TimeAsync(() => inner.SearchVectorAsync(query, topK, filter, cancellationToken));

    public Task<IReadOnlyList<IReadOnlyList<RetrievedChunk>>> SearchAsync(IReadOnlyList<SearchRequest> searches, CancellationToken cancellationToken) =>
        clock.OneByOne
            ? IKnowledgeSearch.OneByOneAsync(this, searches, cancellationToken)
            : TimeAsync(() => inner.SearchAsync(searches, cancellationToken));

    public Task<KnowledgeBaseStats> GetStatsAsync(CancellationToken cancellationToken) => inner.GetStatsAsync(cancellationToken);

    private async Task<T> TimeAsync<T>(Func<Task<T>> search)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            return await search();
        }
        finally
        {
            clock.Add(Stopwatch.GetElapsedTime(started));
        }
    }
}
