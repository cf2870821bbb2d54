using Pipeline.Flags;

namespace Pipeline.Rollouts.Experiments;

/// <summary>
/// What an experiment can run: the legacy pipeline, the workflow with every step flag on, or the workflow with one step
/// flag on and the others off (the variant is named after that flag), whatever the flags say for live traffic.
/// </summary>
public static class ExperimentVariants
{
    public const string Legacy = "legacy";
    public const string Workflow = "workflow";

    public static IReadOnlyList<string> Steps => MigrationFlags.WorkflowSteps;

    public static IReadOnlyList<string> All { get; } = [Legacy, Workflow, .. Steps];

    /// <summary>The step flags on in a workflow variant (every other one off); null for the legacy variant.</summary>
    public static IReadOnlyList<string>? EnabledSteps(string variant) =>
        variant == Legacy ? null : variant == Workflow ? Steps : [variant];

    /// <summary>The variant a flag's improvement gate weighs against legacy: the whole workflow, or the step alone.</summary>
    public static string? TreatmentFor(string flag) =>
        flag == MigrationFlags.WorkflowComplete ? Workflow : Steps.Contains(flag) ? flag : null;
}
