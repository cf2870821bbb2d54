using System.Diagnostics;
using System.Text;
using MassTransit;
using Pipeline.Contracts;
using Pipeline.ServiceDefaults.Telemetry;

namespace Pipeline.Answering.Execution;

/// <summary>
/// Streams an execution's answer pieces straight to the API instance holding the caller. Sent on the bus itself,
/// not through the consumer outbox: tokens must flow while the answer is written, not after the transaction commits.
/// Consecutive pieces share a message as <see cref="TokenBatchSizes"/> says (first piece alone, then growing batches).
/// Messages go out without waiting for each broker confirmation in turn (the receiver restores order by sequence
/// number); <see cref="FlushAsync"/> sends what is left and waits for all of them before the execution reports
/// completion. A redelivered execution resends the same sequence numbers, which the receiver de-duplicates.
/// Messages are sent untraced: the request's trace keeps its hops and steps, not four spans per message of text.
/// They are transient too: the broker keeps them in memory only, so their confirmations do not wait for its disk. A
/// piece lost with a broker restart costs the caller nothing it keeps, since the served message (persistent, through
/// the outbox) carries the whole answer and the session finishes with it after its grace.
/// </summary>
public sealed class CallerTokenStream
{
    /// <summary>The span event marking when the first piece left for the caller: where a first token's time ends in the worker.</summary>
    public const string FirstPieceEvent = "pipeline.first_piece";

    private static readonly IPipe<SendContext<ChatTokenStreamed>> Transient = Pipe.Execute<SendContext<ChatTokenStreamed>>(context => context.Durable = false);

    private readonly ISendEndpoint? _caller;
    private readonly ExecuteChat _command;
    private readonly TokenBatchSizes _sizes;
    private readonly List<Task> _pending = [];
    private readonly StringBuilder _batch = new();
    private int _batchPieces;
    private int _batchSize;

    private CallerTokenStream(ISendEndpoint? caller, ExecuteChat command, int piecesPerMessageLimit)
    {
        _caller = caller;
        _command = command;
        _sizes = new TokenBatchSizes(piecesPerMessageLimit);
        _batchSize = _sizes.Next();
    }

    /// <summary>Token messages sent so far (each carrying one or more pieces); the receiver waits for this many.</summary>
    public int Count { get; private set; }

    /// <summary>
    /// A stream for <paramref name="command"/>; silent (sending and counting nothing) for shadow and replayed runs,
    /// which have no caller, and for callers that wait for the whole answer, which arrives with the served message.
    /// </summary>
    public static async Task<CallerTokenStream> OpenAsync(IBus bus, ExecuteChat command, int piecesPerMessageLimit)
    {
        var caller = command is { Execution.Shadow: false, Caller: { StreamTokens: true, Address: var address } } ? await bus.GetSendEndpoint(address) : null;
        return new CallerTokenStream(caller, command, piecesPerMessageLimit);
    }

    public Task SendAsync(string piece, CancellationToken cancellationToken)
    {
        if (_caller is null)
            return Task.CompletedTask;

        _batch.Append(piece);
        if (++_batchPieces >= _batchSize)
            SendBatch(cancellationToken);
        return Task.CompletedTask;
    }

    /// <summary>Sends the last, partial batch and waits until the broker confirmed every message.</summary>
    public Task FlushAsync(CancellationToken cancellationToken)
    {
        if (_batchPieces > 0)
            SendBatch(cancellationToken);
        return Task.WhenAll(_pending);
    }

    private void SendBatch(CancellationToken cancellationToken)
    {
        if (Count == 0)
            Activity.Current?.AddEvent(new ActivityEvent(FirstPieceEvent));
        var message = new ChatTokenStreamed(_command.RequestId, _command.Pipeline, _command.Attempt, Count++, _batch.ToString());
        _pending.Add(Untraced.RunAsync(() => _caller!.Send(message, Transient, cancellationToken)));
        _batch.Clear();
        _batchPieces = 0;
        _batchSize = _sizes.Next();
    }
}
