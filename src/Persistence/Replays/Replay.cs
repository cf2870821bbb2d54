namespace Pipeline.Persistence.Replays;

/// <summary>An operator's replay of archived traffic through the current routing, in shadow-only mode.</summary>
public sealed class Replay
{
    public Guid Id { get; set; }
    public DateTime From { get; set; }
    public DateTime To { get; set; }
    public string FlagName { get; set; } = "";

    /// <summary>How many archived requests were re-published; progress is measured against it.</summary>
    public int Total { get; set; }

    public DateTime CreatedAt { get; set; }
    public string CreatedBy { get; set; } = "";
}
