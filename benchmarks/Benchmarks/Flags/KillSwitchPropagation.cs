using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Pipeline.Api;
using Pipeline.Api.Hosting;
using Pipeline.Platform.Bus;
using Pipeline.Flags;
using Pipeline.Persistence;
using Pipeline.Persistence.Flags;
using Pipeline.Benchmarks.Load;
using Pipeline.Testing;
using Pipeline.ServiceDefaults;

namespace Pipeline.Benchmarks.Flags;

/// <summary>
/// Time from the PATCH response to the moment every one of three separate router processes (own bus connection,
/// ten-minute poll so only the event counts) evaluates the new mode; 50 toggles, p50/p99. Goal: p99 ≤ 250 ms.
/// </summary>
public static class KillSwitchPropagation
{
    private const int Routers = 3;
    private const int Toggles = 50;
    private const string AdminKey = "benchmark-admin-key-0123456789";
    private static readonly TimeSpan GiveUp = TimeSpan.FromSeconds(10);

    public static async Task<int> RunAsync()
    {
        var infrastructure = new IsolatedInfrastructure();
        await infrastructure.InitializeAsync();
        var settings = new Dictionary<string, string?>(infrastructure.Settings) { ["Admin:ApiKeys:0"] = AdminKey, ["Flags:PollInterval"] = "00:10:00" };
        var api = await TestHosts.StartWebAsync(settings, b => b.AddPipelineDefaults(ApiServices.ServiceName).AddApiServices(), a => a.MapPipelineDefaultEndpoints().MapApi(), typeof(ApiServices).Assembly.GetName().Name!);
        var routers = new List<IHost>();
        try
        {
            await MigrateCommand.MigrateAndSeedAsync(api.Services, CancellationToken.None);
            for (var i = 0; i < Routers; i++)
            {
                routers.Add(await TestHosts.StartWorkerAsync(settings, builder =>
                {
                    builder.Services.AddPipelineDatabase(builder.Configuration);
                    builder.Services.AddFlagEvaluation(builder.Configuration);
                    builder.Services.AddPipelineBus(builder.Configuration, bus => bus.AddFlagSnapshotRefresh(), (context, cfg) => cfg.AddFlagRefreshEndpoint(context));
                }));
            }

            foreach (var router in routers)
                await router.Services.GetRequiredService<IBusControl>().WaitForHealthStatus(BusHealthStatus.Healthy, TimeSpan.FromSeconds(30));
            await TestHosts.WaitUntilReadyAsync(new Uri(api.Urls.First()));

            using var http = new HttpClient { BaseAddress = new Uri(api.Urls.First()) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
            var evaluators = routers.Select(r => r.Services.GetRequiredService<IFlagEvaluator>()).ToList();
            var context = new FlagContext("benchmark-user", "benchmark-user", null);
            var samples = new List<double>();
            for (var toggle = 0; toggle < Toggles; toggle++)
            {
                var target = toggle % 2 == 0 ? FlagMode.On : FlagMode.Off;
                var flag = await http.GetFromJsonAsync<JsonElement>("/api/flags/workflow-complete");
                var body = new { status = target == FlagMode.On ? FlagStatus.Enabled : FlagStatus.Disabled, version = flag.GetProperty("version").GetInt64() };
                (await http.PatchAsJsonAsync("/api/flags/workflow-complete", body)).EnsureSuccessStatusCode();
                var clock = Stopwatch.StartNew();
                while (evaluators.Any(e => e.Evaluate(MigrationFlags.WorkflowComplete, context).Mode != target))
                {
                    if (clock.Elapsed > GiveUp)
                        throw new TimeoutException($"toggle {toggle} did not reach every router within {GiveUp.TotalSeconds} s");
                    await Task.Delay(1);
                }

                samples.Add(clock.Elapsed.TotalMilliseconds);
            }

            samples.Sort();
            Console.WriteLine($"kill-switch propagation to {Routers} routers over {Toggles} toggles: " +
                $"p50 {LoadResult.PercentileOf(samples, 0.50):0.0} ms, p99 {LoadResult.PercentileOf(samples, 0.99):0.0} ms, max {samples[^1]:0.0} ms");
            return 0;
        }
        finally
        {
            foreach (var router in routers)
                await TestHosts.StopQuietlyAsync(router);
            await TestHosts.StopQuietlyAsync(api);
            await infrastructure.DisposeAsync();
        }
    }
}
