using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Pipeline.Platform.Bus;
using Pipeline.EntityFrameworkOutbox;

namespace Pipeline.Components.Tests.EntityFrameworkOutbox;

/// <summary>A host on the real broker with the tally saga on the EF repository over <see cref="SagaTestDbContext"/>.</summary>
public sealed class TallyTestHost : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly TallySetup _setup;

    private TallyTestHost(IHost host, TallySetup setup)
    {
        _host = host;
        _setup = setup;
    }

    public TallyProbe Probe => _host.Services.GetRequiredService<TallyProbe>();

    public static async Task<TallyTestHost> StartAsync(SagaTestInfrastructure infrastructure, TallySetup setup)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Testing" });
        builder.Configuration.AddConfiguration(infrastructure.Configuration());
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton(setup);
        builder.Services.AddSingleton<TallyProbe>();
        builder.Services.AddDbContextPool<SagaTestDbContext>(o =>
        {
            SagaTestDbContext.Configure(o, infrastructure.ConnectionString);
            if (setup.Statements is { } statements)
                o.AddInterceptors(statements);
        });
        builder.Services.AddPipelineBus(builder.Configuration, bus =>
        {
            bus.AddEntityFrameworkOutbox<SagaTestDbContext>(o => o.DisableInboxCleanupService());
            bus.AddSagaStateMachine<TallyStateMachine, TallyState, TallyStateDefinition>()
                .EntityFrameworkRepository(r =>
                {
                    r.ConcurrencyMode = setup.Mode;
                    if (setup.ConflictRetryLimit is { } limit)
                        r.ConflictRetryLimit = limit;
                    r.ExistingDbContext<SagaTestDbContext>();
                });
            bus.AddConsumer<TallyChangedConsumer>().Endpoint(e => e.Name = $"{setup.EndpointName}-changes");
        });
        var host = builder.Build();
        await host.StartAsync();
        await host.Services.GetRequiredService<IBusControl>().WaitForHealthStatus(BusHealthStatus.Healthy, TimeSpan.FromSeconds(30));
        return new TallyTestHost(host, setup);
    }

    public async Task SendAsync<T>(T message, Guid? messageId = null)
        where T : class
    {
        var endpoint = await _host.Services.GetRequiredService<IBus>().GetSendEndpoint(new Uri($"exchange:{_setup.EndpointName}"));
        await endpoint.Send(message, c =>
        {
            if (messageId is { } id)
                c.MessageId = id;
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
