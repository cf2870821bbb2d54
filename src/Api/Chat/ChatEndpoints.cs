using Pipeline.Api.Security;
using Pipeline.Api.OpenApi;
using System.Net.ServerSentEvents;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Pipeline.Api.Limits;
using Pipeline.Api.Problems;

namespace Pipeline.Api.Chat;

/// <summary><c>POST /api/chat</c>: waits for the answer (JSON) or streams its events (SSE).</summary>
internal static class ChatEndpoints
{
    public const string PoweredByHeader = "X-Powered-By";
    public const string Name = "Chat";

    public static IEndpointRouteBuilder MapChatEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/api/chat", HandleAsync)
            .WithName(Name)
            .WithTags("Chat")
            .WithSummary("Ask a question: the whole answer as JSON, or its events as Server-Sent Events")
            .WithDescription("Accept: application/json (default) waits for the ChatResult; Accept: text/event-stream streams routed, token, reset, done and error events. "
                + "Optional headers X-User-Id, X-User-Group and X-Session-Id pick the caller's flag bucket. X-Powered-By on the stream names the serving pipeline.")
            .RequireChatRateLimit()
            .AcceptsJson<ChatRequestBody>()
            .AddOpenApiOperationTransformer(ChatStreamSchema.DescribeAsync)
            .Produces<ChatResult>(StatusCodes.Status200OK, "application/json", "text/event-stream")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .ProducesProblem(StatusCodes.Status504GatewayTimeout);
        routes.MapHub<ChatHub>("/hubs/chat");
        routes.MapChatAnswerEndpoint();
        return routes;
    }

    private static async Task<IResult> HandleAsync(
        HttpContext http,
        ChatSubmitter submitter,
        CallerSessionRegistry sessions,
        IOptions<ChatOptions> options,
        CancellationToken cancellationToken)
    {
        var sizeLimit = http.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (sizeLimit is { IsReadOnly: false })
            sizeLimit.MaxRequestBodySize = options.Value.MaxBodyBytes;

        var (body, error) = await StrictJsonBody.ReadAsync<ChatRequestBody>(http.Request, cancellationToken);
        if (body is null)
            return TypedResults.Problem(title: "Invalid chat request", detail: error, statusCode: StatusCodes.Status400BadRequest);

        if (CallerIdentity.Validate(http.Request.Headers) is { Count: > 0 } headerErrors)
            return TypedResults.ValidationProblem(headerErrors, title: "Invalid chat request");

        var wantsStream = http.Request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals("text/event-stream", StringComparison.OrdinalIgnoreCase));
        var submission = await submitter.SubmitAsync(body, CallerIdentity.FromHttp(http), wantsStream, cancellationToken);
        if (submission is ChatRejected rejected)
            return TypedResults.ValidationProblem(rejected.Errors, title: "Invalid chat request");
        if (submission is ChatConversationNotFound notFound)
            return TypedResults.Problem(title: ChatConversationNotFound.Title, detail: notFound.Detail, statusCode: StatusCodes.Status404NotFound);
        if (submission is ChatRequestIdTaken taken)
            return TypedResults.Problem(title: ChatRequestIdTaken.Title, detail: taken.Detail, statusCode: StatusCodes.Status409Conflict);

        var session = ((ChatAccepted)submission).Session;
        ChatAnswerEndpoints.NameRequest(http.Response, session.RequestId);
        if (wantsStream)
            return await StreamAsync(http, session, sessions, options.Value, cancellationToken);

        try
        {
            return await WaitForResultAsync(session, options.Value, cancellationToken);
        }
        finally
        {
            sessions.Remove(session);
        }
    }

    private static async Task<IResult> WaitForResultAsync(CallerSession session, ChatOptions options, CancellationToken cancellationToken)
    {
        await foreach (var chatEvent in session.ReadToEndAsync(options.CallerTimeout, cancellationToken))
        {
            switch (chatEvent)
            {
                case DoneEvent done:
                    return TypedResults.Ok(done.Answer);
                case ErrorEvent failed:
                    return TypedResults.Problem(title: failed.Title, statusCode: failed.Status,
                        extensions: new Dictionary<string, object?> { ["requestId"] = session.RequestId });
            }
        }

        throw new OperationCanceledException(cancellationToken);
    }

    private static async Task<IResult> StreamAsync(
        HttpContext http, CallerSession session, CallerSessionRegistry sessions, ChatOptions options, CancellationToken cancellationToken)
    {
        var events = session.ReadToEndAsync(options.CallerTimeout, cancellationToken).GetAsyncEnumerator(cancellationToken);
        try
        {
            // Headers go out once routing is decided, so X-Powered-By can name the serving pipeline.
            if (!await events.MoveNextAsync())
                throw new OperationCanceledException(cancellationToken);
        }
        catch
        {
            await events.DisposeAsync();
            sessions.Remove(session);
            throw;
        }

        if (session.PoweredBy is { } poweredBy)
            http.Response.Headers[PoweredByHeader] = ChatWireNames.Of(poweredBy);
        http.Response.Headers.CacheControl = "no-cache";
        return TypedResults.ServerSentEvents(Stream(events, session, sessions));
    }

    private static async IAsyncEnumerable<SseItem<string>> Stream(
        IAsyncEnumerator<ChatEvent> events, CallerSession session, CallerSessionRegistry sessions)
    {
        try
        {
            do
            {
                yield return new SseItem<string>(ChatEventJson.Serialize(events.Current), events.Current.Type);
            }
            while (await events.MoveNextAsync());
        }
        finally
        {
            await events.DisposeAsync();
            sessions.Remove(session);
        }
    }
}
