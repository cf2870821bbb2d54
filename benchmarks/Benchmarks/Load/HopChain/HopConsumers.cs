using MassTransit;

namespace Pipeline.Benchmarks.Load.HopChain;

/// <summary>The router, as the saga: routes a request, hears its executions complete, hands a shadow pair on.</summary>
public sealed class HopRouter(HopCompletions completions) : IConsumer<HopRequested>, IConsumer<HopCompleted>
{
    public const string Queue = "route";

    public async Task Consume(ConsumeContext<HopRequested> context)
    {
        var request = context.Message;
        var shadow = request.Shape == HopShape.Shadow;
        completions.Expect(request.Id, shadow ? 2 : 1);
        var command = new HopExecute(request.Id, request.Caller, request.Message);
        await SendAsync(context, HopChainBaseline.QueueAddress(HopExecutor.Queue), command);
        await SendAsync(context, request.Caller, new HopRouted(request.Id));
        if (shadow)
            await SendAsync(context, HopChainBaseline.QueueAddress(HopShadowExecutor.Queue), command);
    }

    public async Task Consume(ConsumeContext<HopCompleted> context)
    {
        if (completions.Complete(context.Message.Id, context.Message.Answer) is var (served, shadow))
            await SendAsync(context, HopChainBaseline.QueueAddress(HopComparator.Queue), new HopCompare(context.Message.Id, served, shadow));
    }

    private static async Task SendAsync<T>(ConsumeContext context, Uri address, T message)
        where T : class
    {
        var endpoint = await context.GetSendEndpoint(address);
        await endpoint.Send(message, context.CancellationToken);
    }
}

/// <summary>The served execution, as a worker: answers the caller directly and publishes the outcome.</summary>
public sealed class HopExecutor : IConsumer<HopExecute>
{
    public const string Queue = "execute";

    public async Task Consume(ConsumeContext<HopExecute> context)
    {
        var command = context.Message;
        var caller = await context.GetSendEndpoint(command.Caller);
        await caller.Send(new HopServed(command.Id, HopChainBaseline.Answer), context.CancellationToken);
        await context.Publish(new HopCompleted(command.Id, HopChainBaseline.Answer), context.CancellationToken);
    }
}

/// <summary>The shadow execution: publishes its outcome only, the caller never hears of it.</summary>
public sealed class HopShadowExecutor : IConsumer<HopExecute>
{
    public const string Queue = "execute-shadow";

    public Task Consume(ConsumeContext<HopExecute> context) =>
        context.Publish(new HopCompleted(context.Message.Id, HopChainBaseline.Answer), context.CancellationToken);
}

/// <summary>The comparator: consumes the pair and publishes that it was recorded.</summary>
public sealed class HopComparator : IConsumer<HopCompare>
{
    public const string Queue = "compare";

    public Task Consume(ConsumeContext<HopCompare> context) =>
        context.Publish(new HopCompared(context.Message.Id), context.CancellationToken);
}
