using Pipeline.Flags;

namespace Pipeline.Rollouts;

/// <summary>
/// The flags an automated rollout can judge, because each has two ways of answering a chat request to compare: the
/// routing flag (legacy against the workflow, per request) and each workflow step flag (the step off against on, among
/// the requests the workflow ran). Anything else has no evidence a gate could read, so starting one is refused.
/// </summary>
public static class RolloutTargets
{
    public static bool IsStep(string flag) => MigrationFlags.WorkflowSteps.Contains(flag);

    /// <summary>What a stage of the flag's rollout compares, named in each decision's evidence.</summary>
    public static string Sides(string flag, RolloutStage stage) => (IsStep(flag), stage.IsShadow) switch
    {
        (true, true) => $"the {flag} step's pairs in the workflow's runs: its new implementation against its legacy one",
        (true, false) => $"requests the workflow served with {flag} on against those with it off",
        (false, true) => "each request's shadow pair: the workflow's answer against legacy's",
        (false, false) => "requests the workflow served against those legacy served",
    };

    /// <param name="isParent">Other flags hang below this one: a kill switch over them.</param>
    /// <returns>Why <paramref name="flag"/> cannot be rolled out automatically; null when it can.</returns>
    public static string? Refusal(string flag, string routingFlag, bool isParent)
    {
        if (flag == routingFlag || IsStep(flag))
            return null;
        var applies = $"automated rollout applies to the routing flag '{routingFlag}' or a workflow step flag ({string.Join(", ", MigrationFlags.WorkflowSteps)})";
        return isParent
            ? $"'{flag}' is a kill switch over other flags: it is switched, never rolled out by stages; {applies}."
            : $"'{flag}' does not choose between two ways of answering a chat request, so no gate has evidence to judge it by; {applies}.";
    }
}
