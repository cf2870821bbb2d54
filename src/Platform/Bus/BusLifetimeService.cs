using MassTransit;
using MassTransit.RabbitMqTransport.Configuration;
using MassTransit.Transports;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Pipeline.Platform.Bus;

/// <summary>Set when the host stops its bus: receive endpoints stop reconnecting (see <see cref="BusLifetimeService"/>).</summary>
internal sealed class BusStopSignal
{
    private volatile bool _stopping;

    public bool IsStopping => _stopping;

    public void Stop() => _stopping = true;
}

/// <summary>
/// Starts the bus without waiting for the broker, and ends a start still in progress when the host stops.
/// MassTransit's own hosted service cannot: while the bus waits for its broker, a stop is refused as "not started",
/// and the receive endpoints go on reconnecting after the host is gone (a stopped test host reconnected for the rest of
/// the run). Cancelling the start alone does not end it either: when an endpoint's failure wins the race, MassTransit
/// stops the half-started bus with the same, already cancelled, token, which stops nothing. So a stop also closes the
/// broker connection's supervisor (no new connection is attempted after it) and raises <see cref="BusStopSignal"/>,
/// after which the endpoints' reconnect policy (<see cref="BusServiceCollectionExtensions"/>) gives up.
/// </summary>
internal sealed partial class BusLifetimeService(
    IBusDepot depot, IEnumerable<IBusInstance> buses, BusStopSignal signal, IOptions<HostOptions> host, ILogger<BusLifetimeService> logger)
    : IHostedService, IAsyncDisposable
{
    // Cancelled only by a stop: a start with no token at all would give up on the broker after 60 s.
    private readonly CancellationTokenSource _startLifetime = new();
    private Task? _starting;
    private int _stopped;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // The host goes on without the broker: requests get 503 and messages wait in the outbox until the bus is up.
        _starting = depot.Start(_startLifetime.Token);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1 || _starting is null)
            return;

        if (_starting.IsCompletedSuccessfully)
        {
            await depot.Stop(cancellationToken);
            return;
        }

        signal.Stop();
        foreach (var bus in buses)
        {
            if (bus.HostConfiguration is IRabbitMqHostConfiguration rabbit)
                await rabbit.ConnectionContextSupervisor.Stop("The host stopped before its bus reached the broker", cancellationToken);
        }

        await _startLifetime.CancelAsync();
        try
        {
            await _starting.WaitAsync(cancellationToken);
        }
        catch (Exception ex)
        {
            // MassTransit has logged how the start failed; stopping goes on.
            LogStartEnded(ex.GetType().Name);
        }

        if (_starting.IsCompletedSuccessfully)
            await depot.Stop(cancellationToken); // the broker answered just as the host stopped
    }

    public async ValueTask DisposeAsync()
    {
        // A host disposed without being stopped still ends its bus, within the time the host allows a stop.
        using (var bound = new CancellationTokenSource(host.Value.ShutdownTimeout))
            await StopAsync(bound.Token);
        _startLifetime.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "The host stopped before its bus reached the broker ({Outcome})")]
    private partial void LogStartEnded(string outcome);
}
