namespace Pipeline.Answering;

/// <summary>
/// The translations learnt from the knowledge base's parallel acts, as of the last refresh
/// (<see cref="ParallelTermRefresh"/>); requests read it without waiting for the database.
/// </summary>
public sealed class ParallelTermStore
{
    private volatile Snapshot _current = new("", ParallelTerms.None);

    public ParallelTerms Current => _current.Terms;

    internal string Fingerprint => _current.Fingerprint;

    internal void Replace(string fingerprint, ParallelTerms terms) => _current = new Snapshot(fingerprint, terms);

    private sealed record Snapshot(string Fingerprint, ParallelTerms Terms);
}
