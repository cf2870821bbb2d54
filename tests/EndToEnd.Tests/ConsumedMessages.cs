using System.Collections.Concurrent;
using MassTransit;
using Pipeline.Testing;

namespace Pipeline.EndToEnd.Tests;

/// <summary>The messages of one type a host's bus finished consuming: a positive signal that a late message arrived.</summary>
public sealed class ConsumedMessages<T> : IConsumeMessageObserver<T>, IDisposable
    where T : class
{
    private readonly ConcurrentQueue<(T Message, bool? Persistent)> _deliveries = new();
    private readonly ConnectHandle _handle;

    public ConsumedMessages(IBus bus) => _handle = bus.ConnectConsumeMessageObserver(this);

    public IReadOnlyCollection<T> Messages => _deliveries.Select(d => d.Message).ToList();

    /// <summary>Each message with whether the broker delivered it as persistent (null off RabbitMQ).</summary>
    public IReadOnlyCollection<(T Message, bool? Persistent)> Deliveries => _deliveries;

    /// <summary>Waits (30 s at most) until a message that matches has been consumed.</summary>
    public Task WaitForAsync(Func<T, bool> match, string because) =>
        Eventually.TrueAsync(() => Task.FromResult(_deliveries.Any(d => match(d.Message))), TimeSpan.FromSeconds(30), because);

    public Task PreConsume(ConsumeContext<T> context) => Task.CompletedTask;

    public Task PostConsume(ConsumeContext<T> context)
    {
        _deliveries.Enqueue((context.Message,
            context.ReceiveContext.TryGetPayload<RabbitMqBasicConsumeContext>(out var delivery) ? delivery.Properties.Persistent : null));
        return Task.CompletedTask;
    }

    public Task ConsumeFault(ConsumeContext<T> context, Exception exception) => Task.CompletedTask;

    public void Dispose() => _handle.Disconnect();
}
