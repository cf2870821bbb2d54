using System.Collections.Concurrent;

namespace Pipeline.Components.Tests.EntityFrameworkOutbox;

/// <summary>What the tests observe from outside the saga: published changes and deliberate failures.</summary>
public sealed class TallyProbe
{
    private readonly ConcurrentQueue<TallyChanged> _changes = new();
    private int _failures;

    public IReadOnlyList<TallyChanged> Changes(Guid tallyId) => _changes.Where(c => c.TallyId == tallyId).ToList();

    public int Failures => Volatile.Read(ref _failures);

    public void Changed(TallyChanged change) => _changes.Enqueue(change);

    public void Failed() => Interlocked.Increment(ref _failures);
}
