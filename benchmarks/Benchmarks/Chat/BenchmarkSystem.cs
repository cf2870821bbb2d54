using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;
using Pipeline.Api;
using Pipeline.Api.Hosting;
using Pipeline.Persistence.Routing;
using Pipeline.Testing;
using Pipeline.Coordinator;
using Pipeline.Workers.Legacy;
using Pipeline.Workers.Workflow;
using Pipeline.ServiceDefaults;
using Pipeline.Platform.Routing;

namespace Pipeline.Benchmarks.Chat;

/// <summary>
/// The whole system on the real broker and database, with its own database and virtual host: in one process, or
/// with the three worker hosts as processes of their own, as deployed (each with its own telemetry pipeline).
/// </summary>
public sealed class BenchmarkSystem : IAsyncDisposable
{
    public const string AdminKey = "benchmark-admin-key-0123456789";
    private readonly IsolatedInfrastructure _infrastructure = new();
    private readonly List<IHost> _hosts = [];
    private readonly List<WorkerProcess> _processes = [];
    private IHost? _coordinator;
    private IHost? _legacy;

    public Uri ApiAddress { get; private set; } = null!;

    /// <summary>The coordination host (saga and comparator), when it runs in this process.</summary>
    public IHost Coordinator => _coordinator ?? throw new InvalidOperationException("The coordination host runs as a process of its own.");
    public IHost Api { get; private set; } = null!;

    /// <summary>The legacy worker host, when it runs in this process.</summary>
    public IHost Legacy => _legacy ?? throw new InvalidOperationException("The legacy worker runs as a process of its own.");
    public Dictionary<string, string?> Settings { get; private set; } = [];

    public static async Task<BenchmarkSystem> StartAsync(IDictionary<string, string?>? overrides = null, bool workersAsProcesses = false)
    {
        var system = new BenchmarkSystem();
        await system._infrastructure.InitializeAsync();
        system.Settings = new Dictionary<string, string?>(system._infrastructure.Settings)
        {
            ["Admin:ApiKeys:0"] = AdminKey,
            ["KnowledgeBase:SamplePath"] = RepositoryPaths.SampleKnowledgeBase,
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
            system.Settings[key] = value;

        var api = await TestHosts.StartWebAsync(system.Settings, b => b.AddPipelineDefaults(ApiServices.ServiceName).AddApiServices(), a => a.MapPipelineDefaultEndpoints().MapApi(), typeof(ApiServices).Assembly.GetName().Name!);
        system._hosts.Add(api);
        system.Api = api;
        await MigrateCommand.MigrateAndSeedAsync(api.Services, CancellationToken.None);
        if (workersAsProcesses)
        {
            var routing = new RoutingOptions();
            foreach (var (project, queue) in new[] { ("Comparator", routing.SagaEndpoint), ("Legacy", routing.LegacyEndpoint), ("Workflow", routing.WorkflowEndpoint) })
            {
                system._processes.Add(await WorkerProcess.StartAsync($"Workers.{project}", $"Pipeline.Workers.{project}", system.Settings,
                    system._infrastructure.Endpoints, system._infrastructure.VirtualHost, queue));
            }
        }
        else
        {
            system._coordinator = await TestHosts.StartWorkerAsync(system.Settings, b => b.AddPipelineDefaults(CoordinatorServices.ServiceName).AddCoordinatorServices());
            system._hosts.Add(system._coordinator);
            system._legacy = await TestHosts.StartWorkerAsync(system.Settings, b => b.AddPipelineDefaults(LegacyWorkerServices.ServiceName).AddLegacyWorkerServices());
            system._hosts.Add(system._legacy);
            system._hosts.Add(await TestHosts.StartWorkerAsync(system.Settings, b => b.AddPipelineDefaults(WorkflowWorkerServices.ServiceName).AddWorkflowWorkerServices()));
        }

        system.ApiAddress = new Uri(api.Urls.First());
        await TestHosts.WaitUntilReadyAsync(system.ApiAddress);
        return system;
    }

    public string DatabaseConnectionString => _infrastructure.DatabaseConnectionString;

    public Pipeline.Persistence.PipelineDbContext CreateDbContext() => _infrastructure.CreateDbContext();

    public async Task SetFlagAsync(string name, string status)
    {
        using var http = new HttpClient { BaseAddress = ApiAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        var flag = await http.GetFromJsonAsync<JsonElement>($"/api/flags/{name}");
        (await http.PatchAsJsonAsync($"/api/flags/{name}", new { status, version = flag.GetProperty("version").GetInt64() })).EnsureSuccessStatusCode();
        // Let every process's snapshot catch up before measuring.
        await Task.Delay(TimeSpan.FromSeconds(1));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes)
            await process.DisposeAsync();
        foreach (var host in Enumerable.Reverse(_hosts))
            await TestHosts.StopQuietlyAsync(host);
        await _infrastructure.DisposeAsync();
    }
}
