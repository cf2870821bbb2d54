using Pipeline.Api.Security;
using System.Globalization;
using Pipeline.Contracts;
using Pipeline.Persistence.Requests;

namespace Pipeline.Api.Chat;

/// <summary>
/// <c>GET /api/chat/{requestId}</c>: a request's answer fetched afterwards, from any API instance, by the caller that
/// made it — for a caller whose connection or API instance died while it waited.
/// </summary>
internal static class ChatAnswerEndpoints
{
    public const string Name = "ChatAnswer";
    public const string RequestIdHeader = "X-Request-Id";

    /// <summary>Seconds a caller is told to wait (Retry-After) before asking again about a request still running.</summary>
    public const int RunningRetryAfterSeconds = 1;

    public static string PathOf(Guid requestId) => $"/api/chat/{requestId}";

    /// <summary>Names an accepted request on the POST's response, so the caller can find it again.</summary>
    public static void NameRequest(HttpResponse response, Guid requestId)
    {
        response.Headers[RequestIdHeader] = requestId.ToString();
        response.Headers.Location = PathOf(requestId);
    }

    public static IEndpointRouteBuilder MapChatAnswerEndpoint(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/chat/{requestId}", GetAsync)
            .WithName(Name)
            .WithTags("Chat")
            .WithSummary("A request's answer by its id: 200 with the ChatResult once answered, 202 while it runs")
            .WithDescription("Only the identity that made the request (API key, else X-User-Id, else X-Session-Id, else anonymous) sees it; "
                + "anyone else gets 404, as for an unknown id. A failed request answers with the status and title its caller was sent (502, 504).")
            .Produces<ChatResult>(StatusCodes.Status200OK)
            .Produces(StatusCodes.Status202Accepted)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status502BadGateway)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .ProducesProblem(StatusCodes.Status504GatewayTimeout);
        return routes;
    }

    private static async Task<IResult> GetAsync(string requestId, HttpContext http, ChatRequestLookup lookup, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(requestId, out var id))
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["requestId"] = ["The request id must be a uuid."] }, title: "Invalid request id");
        if (CallerIdentity.Validate(http.Request.Headers) is { Count: > 0 } headerErrors)
            return TypedResults.ValidationProblem(headerErrors, title: "Invalid request id lookup");

        switch (await lookup.FindAsync(id, CallerIdentity.FromHttp(http).Owner, cancellationToken))
        {
            case ChatRequestRunning:
                http.Response.Headers.RetryAfter = RunningRetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
                NameRequest(http.Response, id);
                return TypedResults.Accepted(PathOf(id), new { requestId = id, status = "running" });
            case ChatRequestEnded { Outcome.Status: ChatRequestOutcome.ServedStatus } ended:
                return TypedResults.Ok(ToResult(ended));
            case ChatRequestEnded ended:
                return TypedResults.Problem(title: ended.Outcome.Title, statusCode: ended.Outcome.Status,
                    extensions: new Dictionary<string, object?> { ["requestId"] = id });
            default:
                return TypedResults.Problem(title: "Request not found", detail: $"There is no request '{id}' for this caller.",
                    statusCode: StatusCodes.Status404NotFound);
        }
    }

    /// <summary>The answer as its caller received it; the latency is the request's, acceptance to answer.</summary>
    private static ChatResult ToResult(ChatRequestEnded ended)
    {
        var (request, outcome) = (ended.Request, ended.Outcome);
        var served = new ChatServed(request.RequestId, request.ConversationId, outcome.PoweredBy!.Value, outcome.Mode!.Value, outcome.Fallback,
            outcome.Attempt, outcome.ReadAnswer()!, TokenCount: 0);
        return ChatResultMapper.ToResult(served, (long)(outcome.CompletedAt - request.RequestedAt).TotalMilliseconds);
    }
}
