using Pipeline.ServiceDefaults;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
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
        // A port that accepts connections and closes them at once, so every attempt of the bus to reach a broker is seen.
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var attempts = 0;
        using var listening = new CancellationTokenSource();
        var counting = Task.Run(async () =>
        {
            while (!listening.IsCancellationRequested)
            {
                using var client = await listener.AcceptTcpClientAsync(listening.Token);
                Interlocked.Increment(ref attempts);
            }
        });
        try
        {
            var settings = api.HostSettings();
            settings["RabbitMq:Port"] = ((IPEndPoint)listener.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture);
            var started = new StartedWebApp(await TestHosts.StartWebAsync(settings, b => b.AddPipelineDefaults(ApiServices.ServiceName).AddApiServices(), a => a.MapPipelineDefaultEndpoints().MapApi(), typeof(ApiServices).Assembly.GetName().Name!));
            var stopped = started.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopped;
            var bus = started.Services.GetRequiredService<IBusControl>();
            Assert.NotEqual(BusHealthStatus.Healthy, bus.CheckHealth().Status);
            await Eventually.TrueAsync(() => Task.FromResult(Volatile.Read(ref attempts) > 0), TimeSpan.FromSeconds(30), "the bus should try the broker");

            await started.DisposeAsync();
            var afterStop = Volatile.Read(ref attempts);
            await Task.Delay(QuietPeriod);

            Assert.True(stopped.IsCancellationRequested, "the host was disposed without being stopped");
            Assert.Equal(afterStop, Volatile.Read(ref attempts));
        }
        finally
        {
            await listening.CancelAsync();
            listener.Stop();
            await counting.ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    /// <summary>Several reconnect intervals (RabbitMq:ReconnectInterval, MassTransit's connection retry): long enough to see one more attempt.</summary>
    private static readonly TimeSpan QuietPeriod = TimeSpan.FromSeconds(8);
}
