using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Pipeline.Contracts;

namespace Pipeline.Api.Chat;

/// <summary>
/// The events of one caller's request, put back in order: token pieces and the final answer travel straight from a
/// worker while the routing comes from the saga, so they can arrive in any order and must be re-sequenced here.
/// </summary>
public sealed class CallerSession : IDisposable
{
    private readonly object _gate = new();
    private readonly Channel<ChatEvent> _events = Channel.CreateUnbounded<ChatEvent>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Dictionary<int, SortedDictionary<int, string>> _pendingTokens = new();
    private readonly TimeProvider _time;
    private readonly long _acceptedAt;
    private readonly TimeSpan _tokenGrace;
    private ITimer? _graceTimer;
    private bool _routed;
    private int _attempt;
    private int _nextSequence;
    private ChatServed? _served;
    private bool _finished;

    public CallerSession(Guid requestId, Guid conversationId, TimeProvider time, TimeSpan tokenGrace)
    {
        RequestId = requestId;
        ConversationId = conversationId;
        _time = time;
        _tokenGrace = tokenGrace;
        _acceptedAt = time.GetTimestamp();
    }

    public Guid RequestId { get; }
    public Guid ConversationId { get; }

    /// <summary>The pipeline serving the answer, once routed.</summary>
    public ChatPipeline? PoweredBy { get; private set; }

    public const string DeadlineTitle = "The answer did not arrive before the deadline.";

    /// <summary>The request's events in order, ending with <c>done</c> or <c>error</c>; a 504 <c>error</c> if <paramref name="timeout"/> passes first.</summary>
    public async IAsyncEnumerable<ChatEvent> ReadToEndAsync(TimeSpan timeout, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        while (true)
        {
            bool more;
            try
            {
                more = await _events.Reader.WaitToReadAsync(deadline.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                more = false;
                OnFailed(StatusCodes.Status504GatewayTimeout, DeadlineTitle);
            }

            while (_events.Reader.TryRead(out var chatEvent))
                yield return chatEvent;

            if (!more)
                yield break;
        }
    }

    public void OnRouted(ChatRouted routed)
    {
        lock (_gate)
        {
            if (_finished || (_routed && routed.Attempt <= _attempt))
                return;

            ApplyRouting(routed.Attempt, routed.Fallback, routed.Reason, routed.PoweredBy, routed.Mode);
        }
    }

    public void OnToken(ChatTokenStreamed token)
    {
        lock (_gate)
        {
            if (_finished || token.Attempt < _attempt)
                return;

            if (!_pendingTokens.TryGetValue(token.Attempt, out var pieces))
                _pendingTokens[token.Attempt] = pieces = new SortedDictionary<int, string>();
            pieces.TryAdd(token.Sequence, token.Text);
            if (_routed)
                DrainTokens();
        }
    }

    public void OnServed(ChatServed served)
    {
        lock (_gate)
        {
            if (_finished)
                return;

            if (!_routed || served.Attempt != _attempt)
            {
                // The routing message was overtaken; the served answer names the attempt that counts.
                ApplyRouting(served.Attempt, served.Fallback, reason: null, served.PoweredBy, served.Mode);
            }

            _served = served;
            if (_nextSequence >= served.TokenCount)
            {
                Finish();
                return;
            }

            _graceTimer = _time.CreateTimer(_ => CompleteAfterGrace(), null, _tokenGrace, Timeout.InfiniteTimeSpan);
        }
    }

    public void OnFailed(int status, string title)
    {
        lock (_gate)
        {
            if (_finished)
                return;
            _finished = true;
            Write(new ErrorEvent(RequestId, status, title));
            _events.Writer.TryComplete();
        }
    }

    public void Dispose()
    {
        _graceTimer?.Dispose();
        _events.Writer.TryComplete();
    }

    private void ApplyRouting(int attempt, bool fallback, string? reason, ChatPipeline poweredBy, RoutingMode mode)
    {
        if (_routed && fallback)
            Write(new ResetEvent(RequestId, reason ?? "fallback"));

        _routed = true;
        _attempt = attempt;
        _nextSequence = 0;
        PoweredBy = poweredBy;
        Write(new RoutedEvent(RequestId, ConversationId, ChatWireNames.Of(poweredBy), ChatWireNames.Of(mode)));
        DrainTokens();
    }

    private void CompleteAfterGrace()
    {
        lock (_gate)
        {
            if (!_finished)
                Finish();
        }
    }

    private void DrainTokens()
    {
        if (!_pendingTokens.TryGetValue(_attempt, out var pieces))
            return;

        while (pieces.Remove(_nextSequence, out var text))
        {
            Write(new TokenEvent(RequestId, text));
            _nextSequence++;
        }

        if (_served is not null && _nextSequence >= _served.TokenCount)
            Finish();
    }

    private void Finish()
    {
        var served = _served!;
        _finished = true;
        _graceTimer?.Dispose();
        var latency = (long)_time.GetElapsedTime(_acceptedAt).TotalMilliseconds;
        Write(new DoneEvent(RequestId, ChatResultMapper.ToResult(served, latency)));
        _events.Writer.TryComplete();
    }

    private void Write(ChatEvent chatEvent) => _events.Writer.TryWrite(chatEvent);
}
