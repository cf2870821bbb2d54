using Microsoft.FeatureManagement;
using Microsoft.FeatureManagement.FeatureFilters;

namespace Pipeline.Flags;

/// <summary>
/// The feature filter behind every flag: "enabled" means the flag evaluates <see cref="FlagMode.On"/> for the
/// targeting context (shadow is not enabled: the old path still serves). Flags are per user, so callers
/// pass a targeting context.
/// </summary>
[FilterAlias(Alias)]
internal sealed class PipelineFlagFilter(IFlagEvaluator flags) : IContextualFeatureFilter<ITargetingContext>
{
    public const string Alias = "PipelineFlag";
    private const string AnonymousKey = "";

    public Task<bool> EvaluateAsync(FeatureFilterEvaluationContext context, ITargetingContext targetingContext)
    {
        var user = targetingContext.UserId;
        var decision = flags.Evaluate(context.FeatureName, new FlagContext(user ?? AnonymousKey, user, targetingContext.Groups?.FirstOrDefault()));
        return Task.FromResult(decision.Mode == FlagMode.On);
    }
}
