namespace Pipeline.Infrastructure.Rollouts;

/// <summary>
/// What a stage observed since it began. Treatment is the new pipeline, control the old one in the same window
/// (a concurrent baseline, as a canary analysis uses). In the shadow stage both come from the comparisons (each
/// pipeline's own duration, shadow failures as errors); in percentage stages from the requests each pipeline served
/// (caller latency; a fallback or a failure is an error of the new pipeline).
/// </summary>
public sealed record StageEvidence(
    int Comparisons,
    int Matches,
    int TreatmentRequests,
    int TreatmentErrors,
    int ControlRequests,
    int ControlErrors,
    IReadOnlyList<double> TreatmentLatencies,
    IReadOnlyList<double> ControlLatencies)
{
    /// <summary>The observations that count towards the stage's minimum sample size.</summary>
    public int Samples(RolloutStage stage) => stage.IsShadow ? Comparisons : TreatmentRequests;
}
