using System.ComponentModel.DataAnnotations;

namespace Pipeline.Platform.Routing;

/// <summary>How the routing saga routes and how long it waits (<c>Routing:*</c>).</summary>
public sealed class RoutingOptions
{
    public const string SectionName = "Routing";

    /// <summary>The flag that decides legacy vs workflow for whole chat requests (contract §2).</summary>
    [Required] public string FlagName { get; set; } = "workflow-complete";

    /// <summary>
    /// When the routing flag is off for everyone (disabled, killed or absent; not at a percentage, whose two arms must
    /// take the same path), the API sends the legacy execution itself and writes the saga's record of the request in
    /// the same transaction, instead of publishing <c>ChatRequested</c>: one hop fewer before the first token, one
    /// fewer per request. Off: every request goes through the saga first.
    /// </summary>
    public bool DirectDispatch { get; set; } = true;

    /// <summary>The routing saga's queue.</summary>
    [Required] public string SagaEndpoint { get; set; } = "chat-routing";

    /// <summary>Queue of the legacy workers.</summary>
    [Required] public string LegacyEndpoint { get; set; } = "legacy-chat";

    /// <summary>Queue of the workflow workers.</summary>
    [Required] public string WorkflowEndpoint { get; set; } = "workflow-chat";

    /// <summary>The comparator's queue.</summary>
    [Required] public string ComparatorEndpoint { get; set; } = "chat-comparisons";

    /// <summary>Share of shadow requests whose old pipeline runs twice, so the comparator can measure its noise floor.</summary>
    [Range(0.0, 1.0)] public double NoiseSampleRate { get; set; } = 0.05;

    /// <summary>A request that has not been answered by then fails with 504: nobody waits forever.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")] public TimeSpan Deadline { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>In <c>on</c> mode, how long the workflow may take before the saga falls back to legacy; unset: derived from the legacy p95.</summary>
    public TimeSpan? WorkflowDeadline { get; set; }

    /// <summary>The derived workflow deadline is this multiple of the legacy pipeline's observed p95.</summary>
    [Range(1.0, 100.0)] public double WorkflowDeadlineMultiplier { get; set; } = 3.0;

    /// <summary>The derived workflow deadline is never shorter than this.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")] public TimeSpan WorkflowDeadlineFloor { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How often the legacy latency baseline is recomputed.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")] public TimeSpan BaselineRefreshInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Most recent legacy requests the baseline looks at.</summary>
    [Range(10, 1_000_000)] public int BaselineSampleLimit { get; set; } = 5_000;

    /// <summary>After the served answer, how long the saga still waits for the shadow answer before recording it as missing.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")] public TimeSpan ShadowWait { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the deadline sweeper looks for overdue requests.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")] public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Overdue requests signalled per sweep transaction.</summary>
    [Range(1, 10_000)] public int SweepBatchSize { get; set; } = 200;

    /// <summary>Messages of one request are processed one at a time in a process, to avoid optimistic-concurrency retries.</summary>
    [Range(1, 1024)] public int PartitionCount { get; set; } = 64;
}
