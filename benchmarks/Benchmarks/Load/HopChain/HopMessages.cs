namespace Pipeline.Benchmarks.Load.HopChain;

/// <summary>The caller's request, as <c>ChatRequested</c>: published by the caller, consumed by the router.</summary>
public sealed record HopRequested(Guid Id, Uri Caller, string Message, HopShape Shape);

/// <summary>The router's command to an executor, as <c>ExecuteChat</c>.</summary>
public sealed record HopExecute(Guid Id, Uri Caller, string Message);

/// <summary>The router's word to the caller, as <c>ChatRouted</c>.</summary>
public sealed record HopRouted(Guid Id);

/// <summary>The served executor's answer to the caller, as <c>ChatServed</c>.</summary>
public sealed record HopServed(Guid Id, string Answer);

/// <summary>An executor's outcome for the router, as <c>ChatCompleted</c>.</summary>
public sealed record HopCompleted(Guid Id, string Answer);

/// <summary>The router's pair for the comparator, as <c>CompareResults</c>.</summary>
public sealed record HopCompare(Guid Id, string Served, string Shadow);

/// <summary>The comparator's outcome, as <c>ComparisonRecorded</c>.</summary>
public sealed record HopCompared(Guid Id);
