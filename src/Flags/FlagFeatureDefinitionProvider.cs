using System.Runtime.CompilerServices;
using Microsoft.FeatureManagement;

namespace Pipeline.Flags;

/// <summary>
/// Exposes the flag store to Microsoft.FeatureManagement: every stored flag is a feature decided by
/// <see cref="PipelineFlagFilter"/>, so application code can ask <c>IFeatureManager.IsEnabledAsync</c>.
/// </summary>
internal sealed class FlagFeatureDefinitionProvider(FlagSnapshotStore store) : IFeatureDefinitionProvider
{
    public Task<FeatureDefinition> GetFeatureDefinitionAsync(string featureName) => Task.FromResult(Define(featureName));

    public async IAsyncEnumerable<FeatureDefinition> GetAllFeatureDefinitionsAsync()
    {
        foreach (var flag in store.Current.Flags)
            yield return Define(flag.Name);
        await Task.CompletedTask;
    }

    private static FeatureDefinition Define(string name) => new()
    {
        Name = name,
        EnabledFor = [new FeatureFilterConfiguration { Name = PipelineFlagFilter.Alias }],
    };
}
