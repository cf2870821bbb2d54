using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Pipeline.Contracts;
using Pipeline.Platform.Bus;
using Pipeline.EntityFrameworkOutbox;
using Pipeline.Persistence;
using Pipeline.Rollouts;

namespace Pipeline.Components.Tests.Rollouts;

/// <summary>
/// A rollout controller on the real broker and database with the bus outbox, and a consumer that hears every
/// <see cref="FlagChanged"/> the way the other processes' flag snapshots do.
/// </summary>
public static class RolloutTestHost
{
    public static async Task<IHost> StartAsync(IConfiguration configuration)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Testing" });
        builder.Configuration.AddConfiguration(configuration);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton<Announcements>();
        builder.Services.AddPipelineDatabase(builder.Configuration);
        builder.Services.AddRollouts(builder.Configuration);
        builder.Services.AddPipelineBus(builder.Configuration, bus =>
        {
            bus.AddEntityFrameworkOutbox<PipelineDbContext>(o =>
            {
                o.UseBusOutbox();
                // Beyond any test's wait: what arrives was delivered on its own commit's signal.
                o.QueryDelay = TimeSpan.FromSeconds(30);
            });
            bus.AddConsumer<AnnouncementConsumer>();
        });
        // Added after the outbox's commit interceptor, so the delivery service is already woken when this one waits for it.
        builder.Services.AddSingleton<DeliveredBetweenTransactions>();
        builder.Services.ConfigureDbContext<PipelineDbContext>(
            (provider, options) => options.AddInterceptors(provider.GetRequiredService<DeliveredBetweenTransactions>()),
            ServiceLifetime.Singleton);
        var host = builder.Build();
        await host.StartAsync();
        await host.Services.GetRequiredService<IBusControl>().WaitForHealthStatus(BusHealthStatus.Healthy, TimeSpan.FromSeconds(30));
        return host;
    }

    /// <summary>Every flag change announced on the broker.</summary>
    public sealed class Announcements
    {
        private readonly List<FlagChanged> _heard = [];

        public void Add(FlagChanged change)
        {
            lock (_heard)
                _heard.Add(change);
        }

        public bool Heard(string flag, long version)
        {
            lock (_heard)
                return _heard.Any(c => c.Name == flag && c.Version == version);
        }
    }

    public sealed class AnnouncementConsumer(Announcements announcements) : IConsumer<FlagChanged>
    {
        public Task Consume(ConsumeContext<FlagChanged> context)
        {
            announcements.Add(context.Message);
            return Task.CompletedTask;
        }
    }
}
