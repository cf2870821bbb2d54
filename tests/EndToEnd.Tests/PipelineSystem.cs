using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Pipeline.Api;
using Pipeline.Api.Hosting;
using Pipeline.Persistence;
using Microsoft.EntityFrameworkCore;
using Pipeline.Persistence.Flags;
using Pipeline.Persistence.Routing;
using Pipeline.Testing;
using Pipeline.Flags;
using System.Net.Http.Json;
using System.Text.Json;
using Pipeline.Coordinator;
using Pipeline.Workers.Legacy;
using Pipeline.Workers.Workflow;
using Pipeline.ServiceDefaults;

namespace Pipeline.EndToEnd.Tests;

/// <summary>
/// The whole system on the real broker and database: the API on real Kestrel, the coordination host (routing saga),
/// the legacy and workflow workers, each a separate host with its own bus connection, built by the same composition
/// code the executables run. Hosts can be stopped and started to inject faults.
/// </summary>
public class PipelineSystem : IsolatedInfrastructure
{
    private readonly Dictionary<string, string?> _overrides = new()
    {
        ["Routing:Deadline"] = "00:00:20",
        ["Routing:SweepInterval"] = "00:00:00.100",
        ["Chat:CallerTimeout"] = "00:00:30",
        ["Admin:ApiKeys:0"] = AdminKey,
        ["Flags:PollInterval"] = "00:00:01",
        ["KnowledgeBase:SamplePath"] = RepositoryPaths.SampleKnowledgeBase,
    };

    public const string AdminKey = "end-to-end-tests-admin-key";

    public WebApplication Api { get; private set; } = null!;
    public Uri ApiAddress { get; private set; } = null!;
    public IHost Coordinator { get; private set; } = null!;
    public IHost LegacyWorker { get; private set; } = null!;
    public IHost WorkflowWorker { get; private set; } = null!;

    /// <summary>Settings that every host of this system gets on top of the database and broker (set before start).</summary>
    protected virtual IDictionary<string, string?> Overrides => _overrides;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await SeedAsync();
        Coordinator = await StartCoordinatorAsync();
        LegacyWorker = await StartLegacyWorkerAsync();
        WorkflowWorker = await StartWorkflowWorkerAsync();
        Api = await StartApiHostAsync();
        ApiAddress = new Uri(Api.Urls.First());
        await TestHosts.WaitUntilReadyAsync(ApiAddress);
    }



    public override async Task DisposeAsync()
    {
        foreach (var host in new IHost?[] { Api, LegacyWorker, WorkflowWorker, Coordinator })
            await TestHosts.StopQuietlyAsync(host);
        await base.DisposeAsync();
    }

    public HttpClient CreateClient() => new() { BaseAddress = ApiAddress, Timeout = TimeSpan.FromSeconds(60) };

    public HttpClient CreateAdminClient()
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", AdminKey);
        return client;
    }

    public Task<IHost> StartCoordinatorAsync(IDictionary<string, string?>? extra = null) =>
        StartWorkerAsync(b => b.AddPipelineDefaults(CoordinatorServices.ServiceName).AddCoordinatorServices(), extra);

    public Task<IHost> StartLegacyWorkerAsync(IDictionary<string, string?>? extra = null) =>
        StartWorkerAsync(b => b.AddPipelineDefaults(LegacyWorkerServices.ServiceName).AddLegacyWorkerServices(), extra);

    public Task<IHost> StartWorkflowWorkerAsync(IDictionary<string, string?>? extra = null) =>
        StartWorkerAsync(b => b.AddPipelineDefaults(WorkflowWorkerServices.ServiceName).AddWorkflowWorkerServices(), extra);

    public async Task RestartCoordinatorAsync(Func<Task> whileStopped, IDictionary<string, string?>? extra = null)
    {
        await Coordinator.StopAsync();
        Coordinator.Dispose();
        await whileStopped();
        Coordinator = await StartCoordinatorAsync(extra);
    }

    /// <summary>Stops the in-process legacy worker, for a test that runs its own (e.g. as a separate process).</summary>
    public async Task StopLegacyWorkerAsync() => await TestHosts.StopQuietlyAsync(LegacyWorker);

    /// <summary>Stops the legacy worker and, unless <paramref name="extra"/> is null, starts it again with those settings.</summary>
    public async Task ReplaceLegacyWorkerAsync(IDictionary<string, string?>? extra)
    {
        await TestHosts.StopQuietlyAsync(LegacyWorker);
        LegacyWorker = extra is null ? null! : await StartLegacyWorkerAsync(extra);
    }

    /// <summary>Restarts the workflow worker with extra settings (e.g. injected faults).</summary>
    public async Task ReplaceWorkflowWorkerAsync(IDictionary<string, string?> extra)
    {
        await TestHosts.StopQuietlyAsync(WorkflowWorker);
        WorkflowWorker = await StartWorkflowWorkerAsync(extra);
    }

    /// <summary>
    /// Waits until the saga has recorded each request as finished: a worker answers the caller first and the saga
    /// records the answer a hop later, so what reads the records (metrics, summaries) must wait for them.
    /// </summary>
    public Task WaitUntilRecordedAsync(IEnumerable<JsonElement> results) =>
        Eventually.TrueAsync(async () =>
        {
            var requestIds = results.Select(r => r.GetProperty("requestId").GetGuid()).ToList();
            await using var db = CreateDbContext();
            return await db.Set<ChatRoutingState>().CountAsync(s => requestIds.Contains(s.CorrelationId) && s.FinishedAt != null) == requestIds.Count;
        }, because: "the saga records every served request");

    /// <summary>Sets a flag through the admin API, as an operator would.</summary>
    public async Task SetFlagAsync(string name, string status, double? rolloutPercentage = null)
    {
        using var http = CreateAdminClient();
        var flag = await http.GetFromJsonAsync<JsonElement>($"/api/flags/{name}");
        var response = await http.PatchAsJsonAsync($"/api/flags/{name}",
            new { status, rolloutPercentage, version = flag.GetProperty("version").GetInt64() });
        response.EnsureSuccessStatusCode();
        // Every router must see it before the test goes on; the coordinator's snapshot is the one that routes.
        var evaluator = Coordinator.Services.GetRequiredService<IFlagEvaluator>();
        var expected = status switch { FlagStatus.Shadow => FlagMode.Shadow, FlagStatus.Enabled => FlagMode.On, _ => FlagMode.Off };
        await Eventually.TrueAsync(() => Task.FromResult(evaluator.Evaluate(name, new FlagContext("probe", "probe", null)).Mode == expected || rolloutPercentage is not null),
            TimeSpan.FromSeconds(10), $"{name} should become {status} in the coordinator");
        await Eventually.TrueAsync(() => Task.FromResult(
            WorkflowWorker.Services.GetRequiredService<FlagSnapshotStore>().Current.TryGet(name, out var seen, out _) && seen.Status == status),
            TimeSpan.FromSeconds(10), $"{name} should become {status} in the workflow worker");
        // The API routes too: with the routing flag off for everyone it dispatches the legacy run itself.
        await Eventually.TrueAsync(() => Task.FromResult(
            Api.Services.GetRequiredService<FlagSnapshotStore>().Current.TryGet(name, out var seen, out _)
            && seen.Status == status && seen.RolloutPercentage == (rolloutPercentage is { } percentage ? Math.Round(percentage, 2) : null)),
            TimeSpan.FromSeconds(10), $"{name} should become {status} at {rolloutPercentage?.ToString() ?? "no"} % in the API");
    }

    /// <summary>Another API instance, owned by the caller: disposing it stops it.</summary>
    public async Task<StartedWebApp> StartApiAsync(IDictionary<string, string?>? extra = null) =>
        new(await StartApiHostAsync(extra));

    private Task<WebApplication> StartApiHostAsync(IDictionary<string, string?>? extra = null) =>
        TestHosts.StartWebAsync(HostSettings(extra), b => b.AddPipelineDefaults(ApiServices.ServiceName).AddApiServices(), a => a.MapPipelineDefaultEndpoints().MapApi(), typeof(ApiServices).Assembly.GetName().Name!);

    private Task<IHost> StartWorkerAsync(Action<IHostApplicationBuilder> compose, IDictionary<string, string?>? extra) =>
        TestHosts.StartBusWorkerAsync(HostSettings(extra), compose);

    /// <summary>Every host's configuration: the isolated servers, the fixture's overrides, then <paramref name="extra"/>.</summary>
    public Dictionary<string, string?> HostSettings(IDictionary<string, string?>? extra)
    {
        var settings = new Dictionary<string, string?>(base.Settings);
        foreach (var (key, value) in Overrides)
            settings[key] = value;
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
            settings[key] = value;
        return settings;
    }

    private Task SeedAsync() => SeedAsync(HostSettings(null));

    /// <summary>What the <c>migrate</c> verb does: schema, flag hierarchy, sample knowledge base.</summary>
    public static async Task SeedAsync(IDictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = TestHosts.Environment, ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.AddPipelineDefaults(ApiServices.ServiceName).AddApiServices();
        await using var app = builder.Build();
        await MigrateCommand.MigrateAndSeedAsync(app.Services, CancellationToken.None);
    }
}
