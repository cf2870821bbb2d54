using Pipeline.ServiceDefaults;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Pipeline.Api.Hosting;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.Api.Tests.Testing;

/// <summary>
/// Fault: an API started by a test with a broker nobody listens on (port 1), as the unreachable-broker tests do.
/// Invariant: when the test disposes it, the host is stopped, its bus with it, so nothing goes on reconnecting for the
/// rest of the test run.
/// </summary>
public sealed class StartedWebAppTests(ApiHost api) : IClassFixture<ApiHost>
{
    [Fact]
    public async Task An_api_that_cannot_reach_the_broker_stops_when_its_test_disposes_it()
    {
        var settings = api.HostSettings();
        settings["RabbitMq:Port"] = "1";
        var started = new StartedWebApp(await TestHosts.StartWebAsync(settings, b => b.AddPipelineDefaults(ApiServices.ServiceName).AddApiServices(), a => a.MapPipelineDefaultEndpoints().MapApi(), typeof(ApiServices).Assembly.GetName().Name!));
        var stopped = started.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopped;
        var bus = started.Services.GetRequiredService<IBusControl>();
        Assert.NotEqual(BusHealthStatus.Healthy, bus.CheckHealth().Status);

        await started.DisposeAsync();

        Assert.True(stopped.IsCancellationRequested, "the host was disposed without being stopped: its bus keeps reconnecting");
    }
}
