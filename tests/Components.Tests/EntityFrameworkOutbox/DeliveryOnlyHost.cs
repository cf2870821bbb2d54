using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Pipeline.Platform.Bus;
using Pipeline.EntityFrameworkOutbox;
using Pipeline.Persistence;

namespace Pipeline.Components.Tests.EntityFrameworkOutbox;

/// <summary>A second process's bus-outbox delivery service on the same database, with no consumers: it only competes for outboxes.</summary>
public static class DeliveryOnlyHost
{
    public static async Task<IHost> StartAsync(IConfiguration configuration, SendCounter counter)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Testing" });
        builder.Configuration.AddConfiguration(configuration);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddPipelineDatabase(builder.Configuration);
        builder.Services.AddPipelineBus(builder.Configuration, bus => bus.AddEntityFrameworkOutbox<PipelineDbContext>(o =>
        {
            o.UseBusOutbox();
            o.DisableInboxCleanupService();
            // It hears no commit notifications from the other process: a short poll keeps it competing.
            o.QueryDelay = TimeSpan.FromMilliseconds(50);
        }));
        var host = builder.Build();
        host.Services.GetRequiredService<IBusControl>().ConnectSendObserver(counter);
        await host.StartAsync();
        await host.Services.GetRequiredService<IBusControl>().WaitForHealthStatus(BusHealthStatus.Healthy, TimeSpan.FromSeconds(30));
        return host;
    }
}
