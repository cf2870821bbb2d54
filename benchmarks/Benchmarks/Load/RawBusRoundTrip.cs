using MassTransit;

namespace Pipeline.Benchmarks.Load;

/// <summary>A trivial request of the raw-bus baseline.</summary>
public sealed record Ping(Guid Id);

/// <summary>Its trivial response.</summary>
public sealed record Pong(Guid Id);

/// <summary>
/// The bus itself as the baseline: MassTransit request/response to a consumer that only answers, on the same broker,
/// in the same process, at the same concurrency as the pipeline's load.
/// </summary>
public static class RawBusRoundTrip
{
    public const string Queue = "benchmark-raw-echo";

    /// <summary>Warms the round trip up, then measures it.</summary>
    public static async Task<LoadResult> RunAsync(IBus bus, int clients, TimeSpan warmup, TimeSpan duration)
    {
        var echo = bus.ConnectReceiveEndpoint(Queue, e => e.Handler<Ping>(context => context.RespondAsync(new Pong(context.Message.Id))));
        await echo.Ready;
        try
        {
            await MeasureAsync(bus, clients, warmup);
            return await MeasureAsync(bus, clients, duration);
        }
        finally
        {
            // Disconnect, not just stop: a stopped endpoint left on the bus makes its health (and so the API) unhealthy.
            await echo.StopAsync(CancellationToken.None);
        }
    }

    private static Task<LoadResult> MeasureAsync(IBus bus, int clients, TimeSpan duration)
    {
        var client = bus.CreateRequestClient<Ping>(new Uri($"queue:{Queue}"));
        return ClosedLoop.RunAsync(clients, duration, "bus", async () =>
        {
            var id = Guid.NewGuid();
            try
            {
                await client.GetResponse<Pong>(new Ping(id));
                return (id, true);
            }
            catch (RequestTimeoutException)
            {
                return (id, false);
            }
        });
    }
}
