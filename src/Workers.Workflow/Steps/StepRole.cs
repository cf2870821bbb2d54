namespace Pipeline.Workers.Workflow.Steps;

/// <summary>Whether a step implementation runs for the served result or only to be compared in shadow.</summary>
/// <remarks>A step with side effects the caller can see (streaming tokens) performs them only when <see cref="Served"/>.</remarks>
public enum StepRole
{
    /// <summary>Its result is the one the pipeline goes on with (off, on, or the legacy side of shadow).</summary>
    Served,

    /// <summary>The new implementation in shadow: its result is only compared, never shown.</summary>
    Shadow,
}
