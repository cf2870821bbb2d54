using MassTransit;
using Pipeline.Contracts;
using Pipeline.Infrastructure.Telemetry;

namespace Pipeline.Infrastructure.Execution;

/// <summary>
/// Streams an execution's answer pieces straight to the API instance holding the caller. Sent on the bus itself,
/// not through the consumer outbox: tokens must flow while the answer is written, not after the transaction commits.
/// Pieces go out without waiting for each broker confirmation in turn (the receiver restores order by sequence
/// number); <see cref="FlushAsync"/> waits for all of them before the execution reports completion. A redelivered
/// execution resends the same sequence numbers, which the receiver de-duplicates. Pieces are sent untraced: the
/// request's trace keeps its hops and steps, not four spans per piece of text.
/// </summary>
public sealed class CallerTokenStream
{
    private readonly ISendEndpoint? _caller;
    private readonly ExecuteChat _command;
    private readonly List<Task> _pending = [];

    private CallerTokenStream(ISendEndpoint? caller, ExecuteChat command)
    {
        _caller = caller;
        _command = command;
    }

    /// <summary>Pieces sent so far.</summary>
    public int Count { get; private set; }

    /// <summary>A stream for <paramref name="command"/>; silent for shadow and replayed runs, which have no caller.</summary>
    public static async Task<CallerTokenStream> OpenAsync(IBus bus, ExecuteChat command)
    {
        var caller = command is { Shadow: false, StreamAddress: { } address } ? await bus.GetSendEndpoint(address) : null;
        return new CallerTokenStream(caller, command);
    }

    public Task SendAsync(string piece, CancellationToken cancellationToken)
    {
        var sequence = Count++;
        if (_caller is not null)
        {
            var token = new ChatTokenStreamed(_command.RequestId, _command.Pipeline, _command.Attempt, sequence, piece);
            _pending.Add(Untraced.RunAsync(() => _caller.Send(token, cancellationToken)));
        }
        return Task.CompletedTask;
    }

    /// <summary>Waits until the broker confirmed every piece sent.</summary>
    public Task FlushAsync() => Task.WhenAll(_pending);
}
