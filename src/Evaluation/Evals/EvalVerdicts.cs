
namespace Pipeline.Evaluation.Evals;

/// <summary>What a human reviewer can decide about a flagged eval.</summary>
public static class EvalVerdicts
{
    public const string Approved = "approved";
    public const string Rejected = "rejected";

    public static bool IsValid(string? verdict) => verdict is Approved or Rejected;
}
