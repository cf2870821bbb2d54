
namespace Pipeline.Persistence.Evals;

/// <summary>Why an answer was sampled for evaluation (<c>ResultSampled.Reason</c>).</summary>
public static class EvalReasons
{
    /// <summary>A served answer picked by the <c>evals-sampling</c> flag.</summary>
    public const string Sampled = "sampled";

    /// <summary>The workflow's answer of a shadow pair that did not match the served one.</summary>
    public const string ShadowMismatch = "shadow-mismatch";
}
