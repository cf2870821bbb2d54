namespace Pipeline.Contracts;

/// <summary>An alert rule's condition started to hold over its window.</summary>
public sealed record AlertFired(string Rule, string Severity, double Value, double Threshold, DateTime Since);
