using Pipeline.Rollouts.Experiments;

namespace Pipeline.Rollouts;

/// <summary>
/// What a stage observed since it began. Treatment is the new pipeline, control the old one in the same window
/// (a concurrent baseline, as a canary analysis uses). In the shadow stage both come from the comparisons (each
/// pipeline's own duration, shadow failures as errors); in percentage stages from the requests each pipeline served
/// (caller latency; a fallback or a failure is an error of the new pipeline). Improvement rollouts also weigh the eval
/// scores of the answers each pipeline served in the stage and, in shadow, the flag's latest finished experiment.
/// For a step flag both sides are the workflow: its step pairs in shadow, and at a percentage the requests the workflow
/// served with the step on (treatment) or off (control). <c>Blocked</c> says why the stage cannot gather evidence at all
/// (a step flag whose workflow gets no traffic); the stage then holds.
/// </summary>
public sealed record StageEvidence(
    int Comparisons,
    int Matches,
    int TreatmentRequests,
    int TreatmentErrors,
    int ControlRequests,
    int ControlErrors,
    IReadOnlyList<double> TreatmentLatencies,
    IReadOnlyList<double> ControlLatencies,
    IReadOnlyList<double>? TreatmentScores = null,
    IReadOnlyList<double>? ControlScores = null,
    ExperimentEvidence? Experiment = null,
    string? Blocked = null)
{
    /// <summary>The observations that count towards the stage's minimum sample size.</summary>
    public int Samples(RolloutStage stage) => stage.IsShadow ? Comparisons : TreatmentRequests;
}
