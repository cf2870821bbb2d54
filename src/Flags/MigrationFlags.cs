using Pipeline.Persistence.Flags;

namespace Pipeline.Flags;

/// <summary>The flags that exist on first start (contract §2): the migration hierarchy and its initial states.</summary>
public static class MigrationFlags
{
    public const string Migration = "migration";
    public const string Telemetry = "telemetry";
    public const string WorkflowComplete = "workflow-complete";
    public const string WorkflowAnalysis = "workflow-analysis";
    public const string WorkflowEnhancement = "workflow-enhancement";
    public const string WorkflowCache = "workflow-cache";
    public const string WorkflowRetrieval = "workflow-retrieval";
    public const string WorkflowGeneration = "workflow-generation";
    public const string EvalsSampling = "evals-sampling";
    public const string MemoryLoading = "memory-loading";
    public const string MemorySummarization = "memory-summarization";

    /// <summary>The workflow's step flags, in the order its steps run: each switches one step from legacy to new.</summary>
    public static IReadOnlyList<string> WorkflowSteps { get; } =
        [WorkflowAnalysis, WorkflowEnhancement, WorkflowCache, WorkflowRetrieval, WorkflowGeneration];

    /// <summary>Default share of served answers sent to evaluation.</summary>
    public const double DefaultEvalSamplePercentage = 10;

    /// <summary>Everything starts on the legacy path: only the parent, telemetry and eval sampling are live.</summary>
    public static IReadOnlyList<(string Name, string? Parent, string Status, double? Percentage, string Description)> Hierarchy { get; } =
    [
        (Migration, null, FlagStatus.Enabled, null, "Parent of every migration flag: disable to send everything to legacy."),
        (Telemetry, Migration, FlagStatus.Enabled, null, "OpenTelemetry traces and metrics (read-only, no functional change)."),
        (WorkflowComplete, Migration, FlagStatus.Disabled, null, "Routes whole chat requests: legacy vs workflow."),
        (WorkflowAnalysis, WorkflowComplete, FlagStatus.Disabled, null, "Workflow step: query analysis."),
        (WorkflowEnhancement, WorkflowComplete, FlagStatus.Disabled, null, "Workflow step: query enhancement."),
        (WorkflowCache, WorkflowComplete, FlagStatus.Disabled, null, "Workflow step: semantic cache."),
        (WorkflowRetrieval, WorkflowComplete, FlagStatus.Disabled, null, "Workflow step: hybrid retrieval with reranking."),
        (WorkflowGeneration, WorkflowComplete, FlagStatus.Disabled, null, "Workflow step: generation."),
        (EvalsSampling, Migration, FlagStatus.Enabled, DefaultEvalSamplePercentage, "Share of served answers sent to evaluation."),
        (MemoryLoading, Migration, FlagStatus.Disabled, null, "Load conversation history into the prompt."),
        (MemorySummarization, Migration, FlagStatus.Disabled, null, "Summarise long conversations."),
    ];
}
