using System.Net;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.ServiceDefaults;
using Pipeline.Testing;
using Pipeline.Coordinator;
using Pipeline.Workers.Legacy;
using Pipeline.Workers.Workflow;
using Xunit;

namespace Pipeline.EndToEnd.Tests;

/// <summary>
/// Every worker host serves the probes its container health check uses, composed as its Program.cs composes it:
/// live while the process runs, ready only while the database and the bus are both up.
/// </summary>
public sealed class WorkerHealthTests(IsolatedInfrastructure infrastructure) : IClassFixture<IsolatedInfrastructure>
{
    public static TheoryData<string> Workers => ["legacy", "workflow", "coordinator"];

    [Theory]
    [MemberData(nameof(Workers))]
    public async Task A_worker_is_live_and_ready_with_database_and_bus_up_and_not_ready_without_its_bus(string worker)
    {
        var app = await TestHosts.StartWebAsync(infrastructure.Settings, Compose(worker), a => a.MapPipelineDefaultEndpoints(), $"Pipeline.Workers.{worker}");
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
            await TestHosts.WaitUntilReadyAsync(http.BaseAddress);
            using (var ready = await http.GetAsync("/health/ready"))
                Assert.Equal("Healthy", await ready.Content.ReadAsStringAsync());

            await app.Services.GetRequiredService<IBusControl>().StopAsync();

            using var notReady = await http.GetAsync("/health/ready");
            using var live = await http.GetAsync("/health/live");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, notReady.StatusCode);
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        }
        finally
        {
            await TestHosts.StopQuietlyAsync(app);
        }
    }

    private static Action<WebApplicationBuilder> Compose(string worker) => worker switch
    {
        "legacy" => b => b.AddPipelineDefaults(LegacyWorkerServices.ServiceName).AddLegacyWorkerServices(),
        "workflow" => b => b.AddPipelineDefaults(WorkflowWorkerServices.ServiceName).AddWorkflowWorkerServices(),
        "coordinator" => b => b.AddPipelineDefaults(CoordinatorServices.ServiceName).AddCoordinatorServices(),
        _ => throw new ArgumentOutOfRangeException(nameof(worker), worker, null),
    };
}
