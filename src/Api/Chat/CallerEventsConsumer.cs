using MassTransit;
using Pipeline.Contracts;

namespace Pipeline.Api.Chat;

/// <summary>Hands the events addressed to this instance to the caller sessions waiting for them.</summary>
public sealed class CallerEventsConsumer(CallerSessionRegistry sessions) :
    IConsumer<ChatRouted>,
    IConsumer<ChatTokenStreamed>,
    IConsumer<ChatServed>,
    IConsumer<ChatFailed>
{
    public Task Consume(ConsumeContext<ChatRouted> context)
    {
        sessions.Find(context.Message.RequestId)?.OnRouted(context.Message);
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<ChatTokenStreamed> context)
    {
        sessions.Find(context.Message.RequestId)?.OnToken(context.Message);
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<ChatServed> context)
    {
        sessions.Find(context.Message.RequestId)?.OnServed(context.Message);
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<ChatFailed> context)
    {
        sessions.Find(context.Message.RequestId)?.OnFailed(context.Message.Status, context.Message.Title);
        return Task.CompletedTask;
    }
}
