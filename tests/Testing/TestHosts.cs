using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Pipeline.Testing;

/// <summary>Starts the real hosts in-process, composed by the same extension methods their executables call.</summary>
public static class TestHosts
{
    public const string Environment = "Testing";

    /// <summary>A web host on real Kestrel at a free loopback port.</summary>
    public static async Task<WebApplication> StartWebAsync(
        IReadOnlyDictionary<string, string?> settings, Action<WebApplicationBuilder> compose, Action<WebApplication> map, string applicationName)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = Environment,
            ApplicationName = applicationName,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        compose(builder);
        var app = builder.Build();
        map(app);
        await app.StartAsync();
        return app;
    }

    public static async Task<IHost> StartWorkerAsync(IReadOnlyDictionary<string, string?> settings, Action<IHostApplicationBuilder> compose)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            EnvironmentName = Environment,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        compose(builder);
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    /// <summary>
    /// A worker host whose bus consumes: a host's start returns while its bus is still connecting, so a caller that
    /// replaces a worker must neither stop a half-started bus nor send before the new one listens.
    /// </summary>
    public static async Task<IHost> StartBusWorkerAsync(IReadOnlyDictionary<string, string?> settings, Action<IHostApplicationBuilder> compose)
    {
        var host = await StartWorkerAsync(settings, compose);
        var status = await host.Services.GetRequiredService<IBusControl>().WaitForHealthStatus(BusHealthStatus.Healthy, BusStartTimeout);
        if (status != BusHealthStatus.Healthy)
        {
            await StopQuietlyAsync(host);
            throw new InvalidOperationException($"A worker's bus did not become healthy within {BusStartTimeout.TotalSeconds:0} s (it is {status}).");
        }

        return host;
    }

    private static readonly TimeSpan BusStartTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Waits, as a load balancer would, until a web host reports ready.</summary>
    public static async Task WaitUntilReadyAsync(Uri address)
    {
        using var http = new HttpClient { BaseAddress = address };
        await Eventually.TrueAsync(async () => (await http.GetAsync("/health/ready")).IsSuccessStatusCode, TimeSpan.FromSeconds(60), "the API never became ready");
    }

    public static async Task StopQuietlyAsync(IHost? host)
    {
        if (host is null)
            return;
        try
        {
            await host.StopAsync(TimeSpan.FromSeconds(10));
        }
        finally
        {
            (host as IDisposable)?.Dispose();
        }
    }
}
