namespace Pipeline.Contracts;

/// <summary>An alert rule's condition no longer holds.</summary>
public sealed record AlertResolved(string Rule, string Severity, double Value, double Threshold, DateTime Since, DateTime ResolvedAt);
