namespace Pipeline.Benchmarks.Load.HopChain;

/// <summary>Which request's messages the hop chain carries.</summary>
public enum HopShape
{
    /// <summary>Flag off (or on): requested, execute, routed, served, completed; three consumer hops.</summary>
    Off,

    /// <summary>
    /// Shadow: besides those, a second execution and its completion, the pair for the comparator and its outcome;
    /// six consumer hops, nine messages.
    /// </summary>
    Shadow,
}
