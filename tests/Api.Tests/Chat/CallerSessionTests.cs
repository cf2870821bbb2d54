using Pipeline.Api.Chat;
using Pipeline.Contracts;
using Xunit;

namespace Pipeline.Api.Tests.Chat;

public sealed class CallerSessionTests
{
    private static readonly Guid RequestId = Guid.NewGuid();
    private static readonly Guid ConversationId = Guid.NewGuid();

    [Fact]
    public async Task Tokens_arriving_out_of_order_and_before_routing_are_delivered_in_order_after_routed()
    {
        using var session = NewSession();
        session.OnToken(Token(attempt: 0, sequence: 2, "c"));
        session.OnToken(Token(attempt: 0, sequence: 0, "a "));
        session.OnRouted(Routed(attempt: 0, fallback: false));
        session.OnToken(Token(attempt: 0, sequence: 1, "b "));
        session.OnServed(Served(attempt: 0, "a b c", tokenCount: 3));

        var events = await ReadAllAsync(session);

        Assert.Equal(["routed", "token", "token", "token", "done"], events.Select(e => e.Type));
        Assert.Equal("a b c", string.Concat(events.OfType<TokenEvent>().Select(t => t.Text)));
        Assert.Equal("a b c", events.OfType<DoneEvent>().Single().Answer.Text);
    }

    [Fact]
    public async Task Done_waits_for_tokens_still_in_flight_when_the_answer_overtakes_them()
    {
        using var session = NewSession();
        session.OnRouted(Routed(attempt: 0, fallback: false));
        session.OnServed(Served(attempt: 0, "x y", tokenCount: 2));
        session.OnToken(Token(attempt: 0, sequence: 1, "y"));
        session.OnToken(Token(attempt: 0, sequence: 0, "x "));

        var events = await ReadAllAsync(session);

        Assert.Equal(["routed", "token", "token", "done"], events.Select(e => e.Type));
    }

    [Fact]
    public async Task Fallback_emits_reset_and_drops_the_failed_attempts_late_tokens()
    {
        using var session = NewSession();
        session.OnRouted(Routed(attempt: 0, fallback: false, ChatPipeline.Workflow));
        session.OnToken(Token(attempt: 0, sequence: 0, "wrong "));
        session.OnRouted(Routed(attempt: 1, fallback: true, ChatPipeline.Legacy));
        session.OnToken(Token(attempt: 0, sequence: 1, "late "));
        session.OnToken(Token(attempt: 1, sequence: 0, "right"));
        session.OnServed(Served(attempt: 1, "right", tokenCount: 1, fallback: true));

        var events = await ReadAllAsync(session);

        Assert.Equal(["routed", "token", "reset", "routed", "token", "done"], events.Select(e => e.Type));
        Assert.Equal("right", events.OfType<TokenEvent>().Last().Text);
        var done = events.OfType<DoneEvent>().Single();
        Assert.True(done.Answer.Fallback);
        Assert.Equal("legacy", done.Answer.PoweredBy);
    }

    [Fact]
    public async Task Duplicate_token_pieces_from_a_redelivered_execution_are_shown_once()
    {
        using var session = NewSession();
        session.OnRouted(Routed(attempt: 0, fallback: false));
        session.OnToken(Token(attempt: 0, sequence: 0, "one "));
        session.OnToken(Token(attempt: 0, sequence: 0, "one "));
        session.OnToken(Token(attempt: 0, sequence: 1, "two"));
        session.OnServed(Served(attempt: 0, "one two", tokenCount: 2));

        var events = await ReadAllAsync(session);

        Assert.Equal("one two", string.Concat(events.OfType<TokenEvent>().Select(t => t.Text)));
    }

    [Fact]
    public async Task Missing_tokens_do_not_hold_done_beyond_the_grace_period()
    {
        using var session = new CallerSession(RequestId, ConversationId, TimeProvider.System, TimeSpan.FromMilliseconds(50));
        session.OnRouted(Routed(attempt: 0, fallback: false));
        session.OnToken(Token(attempt: 0, sequence: 0, "only "));
        session.OnServed(Served(attempt: 0, "only part", tokenCount: 2));

        var events = await ReadAllAsync(session);

        Assert.Equal("done", events[^1].Type);
        Assert.Equal("only part", ((DoneEvent)events[^1]).Answer.Text);
    }

    [Fact]
    public async Task Failure_ends_the_stream_with_an_error_event()
    {
        using var session = NewSession();
        session.OnRouted(Routed(attempt: 0, fallback: false));
        session.OnFailed(504, "late");
        session.OnServed(Served(attempt: 0, "ignored", tokenCount: 0));

        var events = await ReadAllAsync(session);

        var error = Assert.IsType<ErrorEvent>(events[^1]);
        Assert.Equal(504, error.Status);
        Assert.DoesNotContain(events, e => e is DoneEvent);
    }

    [Fact]
    public async Task A_caller_timeout_ends_the_stream_with_a_504_error()
    {
        using var session = NewSession();
        session.OnRouted(Routed(attempt: 0, fallback: false));

        var events = new List<ChatEvent>();
        await foreach (var e in session.ReadToEndAsync(TimeSpan.FromMilliseconds(50), CancellationToken.None))
            events.Add(e);

        Assert.Equal(504, Assert.IsType<ErrorEvent>(events[^1]).Status);
    }

    private static CallerSession NewSession() => new(RequestId, ConversationId, TimeProvider.System, TimeSpan.FromSeconds(5));

    private static async Task<List<ChatEvent>> ReadAllAsync(CallerSession session)
    {
        var events = new List<ChatEvent>();
        await foreach (var e in session.ReadToEndAsync(TimeSpan.FromSeconds(10), CancellationToken.None))
            events.Add(e);
        return events;
    }

    private static ChatTokenStreamed Token(int attempt, int sequence, string text) =>
        new(RequestId, ChatPipeline.Legacy, attempt, sequence, text);

    private static ChatRouted Routed(int attempt, bool fallback, ChatPipeline pipeline = ChatPipeline.Legacy) =>
        new(RequestId, ConversationId, pipeline, RoutingMode.Disabled, attempt, fallback, fallback ? "workflow failed" : null);

    private static ChatServed Served(int attempt, string text, int tokenCount, bool fallback = false) =>
        new(RequestId, ConversationId, ChatPipeline.Legacy, RoutingMode.Disabled, fallback, attempt,
            new ChatAnswer(text, [], [], false, 1, new ChatUsage(0, 0, 0m)), tokenCount);
}
