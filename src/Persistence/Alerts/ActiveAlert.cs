namespace Pipeline.Persistence.Alerts;

/// <summary>An alert that fired (and, once <see cref="ResolvedAt"/> is set, resolved): the history of every rule's firings.</summary>
public sealed class ActiveAlert
{
    public Guid Id { get; set; }
    public string Rule { get; set; } = "";
    public string Severity { get; set; } = "";
    public double Value { get; set; }
    public double Threshold { get; set; }
    public DateTime Since { get; set; }
    public DateTime EvaluatedAt { get; set; }
    public DateTime? ResolvedAt { get; set; }
}
