using MassTransit;

namespace Pipeline.Components.Tests.EntityFrameworkOutbox;

/// <summary>Counts the messages one bus sent to the broker (the outbox delivery service sends every captured message).</summary>
public sealed class SendCounter : ISendObserver
{
    private int _sent;

    public int Sent => Volatile.Read(ref _sent);

    public Task PreSend<T>(SendContext<T> context)
        where T : class => Task.CompletedTask;

    public Task PostSend<T>(SendContext<T> context)
        where T : class
    {
        Interlocked.Increment(ref _sent);
        return Task.CompletedTask;
    }

    public Task SendFault<T>(SendContext<T> context, Exception exception)
        where T : class => Task.CompletedTask;
}
