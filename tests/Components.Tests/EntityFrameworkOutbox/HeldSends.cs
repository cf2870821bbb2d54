using MassTransit;

namespace Pipeline.Components.Tests.EntityFrameworkOutbox;

/// <summary>
/// Holds every send of one bus before it reaches the broker until <see cref="Open"/>, as a broker that does not answer
/// would, and records how many were held at once and which messages went out. (The outbox sends serialized bodies,
/// so messages are told apart by id, not type.)
/// </summary>
public sealed class HeldSends : ISendObserver
{
    private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<Guid> _sent = [];
    private int _held;
    private int _mostHeld;

    public int Held => Volatile.Read(ref _held);

    public int MostHeld => Volatile.Read(ref _mostHeld);

    public IReadOnlyList<Guid> Sent
    {
        get
        {
            lock (_sent)
                return _sent.ToList();
        }
    }

    public void Open() => _open.TrySetResult();

    public async Task PreSend<TMessage>(SendContext<TMessage> context)
        where TMessage : class
    {
        var held = Interlocked.Increment(ref _held);
        int most;
        while (held > (most = Volatile.Read(ref _mostHeld)) && Interlocked.CompareExchange(ref _mostHeld, held, most) != most)
        {
        }

        try
        {
            await _open.Task;
        }
        finally
        {
            Interlocked.Decrement(ref _held);
        }
    }

    public Task PostSend<TMessage>(SendContext<TMessage> context)
        where TMessage : class
    {
        lock (_sent)
            _sent.Add(context.MessageId ?? Guid.Empty);

        return Task.CompletedTask;
    }

    public Task SendFault<TMessage>(SendContext<TMessage> context, Exception exception)
        where TMessage : class => Task.CompletedTask;
}
