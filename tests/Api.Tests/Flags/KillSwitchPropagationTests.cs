using System.Net.Http.Json;
using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.FeatureManagement;
using Microsoft.FeatureManagement.FeatureFilters;
using Pipeline.Platform.Bus;
using Pipeline.Flags;
using Pipeline.Persistence;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.Api.Tests.Flags;

/// <summary>
/// A flag change made through the API reaches a separate evaluating process (its own bus connection) by the
/// FlagChanged event: that process polls only every ten minutes, so nothing else can explain a prompt change.
/// </summary>
public sealed class KillSwitchPropagationTests(ApiHost api) : IClassFixture<ApiHost>, IAsyncLifetime
{
    private static readonly TimeSpan Propagation = TimeSpan.FromSeconds(5);
    private IHost _router = null!;

    public async Task InitializeAsync()
    {
        var settings = api.HostSettings();
        settings["Flags:PollInterval"] = "00:10:00";
        _router = await TestHosts.StartWorkerAsync(settings, builder =>
        {
            builder.Services.AddPipelineDatabase(builder.Configuration);
            builder.Services.AddFlagEvaluation(builder.Configuration);
            builder.Services.AddPipelineBus(builder.Configuration, bus => bus.AddFlagSnapshotRefresh(), (context, cfg) => cfg.AddFlagRefreshEndpoint(context));
        });
        await _router.Services.GetRequiredService<IBusControl>().WaitForHealthStatus(BusHealthStatus.Healthy, TimeSpan.FromSeconds(30));
        await Eventually.TrueAsync(() => Task.FromResult(_router.Services.GetRequiredService<FlagSnapshotStore>().Current.Count > 0));
    }

    public Task DisposeAsync() => TestHosts.StopQuietlyAsync(_router);

    [Fact]
    public async Task A_patch_to_disabled_is_obeyed_by_a_separate_routing_process()
    {
        using var http = api.Client();
        var evaluator = _router.Services.GetRequiredService<IFlagEvaluator>();
        var context = new FlagContext("user-42", "user-42", null);
        var flag = await http.GetFromJsonAsync<JsonElement>("/api/flags/workflow-complete");

        await http.PatchAsJsonAsync("/api/flags/workflow-complete", new { status = "enabled", rolloutPercentage = (double?)null, version = flag.GetProperty("version").GetInt64() });
        await Eventually.TrueAsync(() => Task.FromResult(evaluator.Evaluate(MigrationFlags.WorkflowComplete, context).Mode == FlagMode.On), Propagation, "enabling should propagate");

        flag = await http.GetFromJsonAsync<JsonElement>("/api/flags/workflow-complete");
        await http.PatchAsJsonAsync("/api/flags/workflow-complete", new { status = "disabled", version = flag.GetProperty("version").GetInt64() });

        await Eventually.TrueAsync(() => Task.FromResult(evaluator.Evaluate(MigrationFlags.WorkflowComplete, context).Mode == FlagMode.Off), Propagation, "the kill should propagate");
    }

    [Fact]
    public async Task Feature_manager_reports_a_flag_enabled_only_while_it_is_on_for_the_target()
    {
        using var http = api.Client();
        var features = _router.Services.GetRequiredService<IFeatureManager>();
        var alice = new TargetingContext { UserId = "alice", Groups = [] };
        await http.PutAsJsonAsync("/api/flags/fm-test", new { status = "enabled", targetUsers = new[] { "alice" }, rolloutPercentage = 0 });

        await Eventually.TrueAsync(() => features.IsEnabledAsync("fm-test", alice), Propagation);
        Assert.False(await features.IsEnabledAsync("fm-test", new TargetingContext { UserId = "bob", Groups = [] }));

        await http.PostAsync("/api/flags/fm-test/kill", null);
        await Eventually.TrueAsync(async () => !await features.IsEnabledAsync("fm-test", alice), Propagation);
    }
}
