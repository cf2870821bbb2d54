using Microsoft.AspNetCore.Http.HttpResults;
using Pipeline.Api.Security;
using Pipeline.Platform.ErrorQueues;

namespace Pipeline.Api.Operations;

/// <summary><c>/api/ops/errors</c>: the bus's error queues with their counts, and redelivery once a cause is fixed (admin).</summary>
internal static class ErrorQueueEndpoints
{
    /// <summary>The outcome of a redelivery.</summary>
    internal sealed record Redelivered(string Queue, string SourceQueue, int Messages);

    public static IEndpointRouteBuilder MapErrorQueueEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/ops/errors").RequireAdmin().WithTags("Operations");
        group.MapGet("/", ListAsync).WithSummary("The bus's error queues with their message counts");
        group.MapPost("/{queue}/redeliver", RedeliverAsync)
            .WithSummary("Move the messages in an error queue now back to the queue they failed in")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return routes;
    }

    private static async Task<Ok<IReadOnlyList<ErrorQueue>>> ListAsync(ErrorQueueBrowser browser, CancellationToken cancellationToken) =>
        TypedResults.Ok(await browser.ListAsync(cancellationToken));

    private static async Task<Results<Ok<Redelivered>, ValidationProblem, ProblemHttpResult>> RedeliverAsync(
        string queue, ErrorQueueBrowser browser, ErrorQueueRedelivery redelivery, CancellationToken cancellationToken)
    {
        if (!ErrorQueueNames.IsErrorQueue(queue))
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["queue"] = [$"'{queue}' is not an error queue (its name ends in {ErrorQueueNames.Suffix})."] });
        if (await browser.FindAsync(queue, cancellationToken) is not { } found)
            return TypedResults.Problem(title: "No such error queue", detail: $"The broker has no queue '{queue}'.", statusCode: StatusCodes.Status404NotFound);

        var moved = await redelivery.RedeliverAsync(found, cancellationToken);
        return TypedResults.Ok(new Redelivered(found.Name, found.SourceQueue, moved));
    }
}
