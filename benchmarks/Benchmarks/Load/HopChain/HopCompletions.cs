using System.Collections.Concurrent;

namespace Pipeline.Benchmarks.Load.HopChain;

/// <summary>
/// The router's memory of the executions it waits for, and their answers: what the saga keeps in its row, kept in
/// memory here because the chain measures the hops, not the saga's state.
/// </summary>
public sealed class HopCompletions
{
    private readonly ConcurrentDictionary<Guid, (int Pending, string? Served)> _requests = new();

    public void Expect(Guid id, int executions) => _requests[id] = (executions, null);

    /// <summary>Records one completion; returns the pair once the last of a shadow request's two executions completed.</summary>
    public (string Served, string Shadow)? Complete(Guid id, string answer)
    {
        while (_requests.TryGetValue(id, out var request))
        {
            if (request.Pending == 1)
            {
                if (!_requests.TryRemove(KeyValuePair.Create(id, request)))
                    continue;
                return request.Served is { } served ? (served, answer) : null;
            }

            if (_requests.TryUpdate(id, (request.Pending - 1, answer), request))
                return null;
        }

        return null;
    }
}
