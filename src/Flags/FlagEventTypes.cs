
namespace Pipeline.Flags;

/// <summary>Kinds of audit event.</summary>
public static class FlagEventTypes
{
    public const string Created = "created";
    public const string Updated = "updated";
    public const string Killed = "killed";
    public const string Failure = "failure";
    public const string Rollout = "rollout";
}
