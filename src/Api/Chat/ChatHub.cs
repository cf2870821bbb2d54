using Pipeline.Api.Security;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using Pipeline.Api.Problems;

namespace Pipeline.Api.Chat;

/// <summary>
/// <c>/hubs/chat</c>: <c>Chat(request)</c> streams the request's events to the connection that started it, and to
/// no other: events are read from a session only this invocation holds.
/// </summary>
public sealed class ChatHub(ChatSubmitter submitter, CallerSessionRegistry sessions, IOptions<ChatOptions> options) : Hub
{
    public const string NotAnObject = "Invalid chat request: the argument must be a JSON object such as {\"message\": \"…\"}.";

    /// <param name="request">
    /// Taken as raw JSON and bound here with the HTTP body's strict rules: the hub's own binding would accept unknown
    /// fields and answer a wrong type with a generic failure that says nothing.
    /// </param>
    public async IAsyncEnumerable<ChatEvent> Chat(JsonElement request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var http = Context.GetHttpContext();
        var headers = http?.Request.Headers ?? new HeaderDictionary();
        var headerErrors = CallerIdentity.Validate(headers);
        if (headerErrors.Count > 0)
        {
            yield return Invalid(headerErrors);
            yield break;
        }

        // Not a request at all (a bare id, a number): the invocation itself is wrong, as when SignalR cannot bind it,
        // and a HubException's message reaches the caller where a binding failure's does not.
        if (request.ValueKind != JsonValueKind.Object)
            throw new HubException(NotAnObject);

        var (body, bodyError) = StrictJsonBody.Parse<ChatRequestBody>(System.Text.Encoding.UTF8.GetBytes(request.GetRawText()));
        if (body is null)
        {
            yield return new ErrorEvent(Guid.Empty, StatusCodes.Status400BadRequest, $"Invalid chat request. {bodyError}");
            yield break;
        }

        var caller = CallerIdentity.FromHeaders(headers) with { KeyIdentity = CallerIdentity.KeyIdentityOf(Context.User ?? new()) };
        var (submission, unavailable) = await SubmitAsync(body, caller, cancellationToken);
        if (unavailable is not null)
        {
            // The hub's 503: the request was not taken, the caller may retry (HTTP callers get Retry-After).
            yield return new ErrorEvent(Guid.Empty, StatusCodes.Status503ServiceUnavailable, unavailable);
            yield break;
        }

        if (submission is ChatRejected rejected)
        {
            yield return Invalid(rejected.Errors);
            yield break;
        }

        if (submission is ChatConversationNotFound notFound)
        {
            yield return new ErrorEvent(Guid.Empty, StatusCodes.Status404NotFound, $"{ChatConversationNotFound.Title}. {notFound.Detail}");
            yield break;
        }

        if (submission is ChatRequestIdTaken taken)
        {
            yield return new ErrorEvent(taken.RequestId, StatusCodes.Status409Conflict, $"{ChatRequestIdTaken.Title}. {taken.Detail}");
            yield break;
        }

        var session = ((ChatAccepted)submission!).Session;
        try
        {
            await foreach (var chatEvent in session.ReadToEndAsync(options.Value.CallerTimeout, cancellationToken))
                yield return chatEvent;
        }
        finally
        {
            sessions.Remove(session);
        }
    }

    private static ErrorEvent Invalid(IDictionary<string, string[]> errors)
    {
        var problems = string.Join(" ", errors.SelectMany(e => e.Value.Select(v => $"{e.Key}: {v}")));
        return new ErrorEvent(Guid.Empty, StatusCodes.Status400BadRequest, $"Invalid chat request. {problems}");
    }

    /// <summary>Submits, or says why the request could not be taken (an iterator cannot yield from a catch).</summary>
    private async Task<(ChatSubmission? Submission, string? Unavailable)> SubmitAsync(ChatRequestBody request, CallerIdentity caller, CancellationToken cancellationToken)
    {
        try
        {
            return (await submitter.SubmitAsync(request, caller, streamTokens: true, cancellationToken), null);
        }
        catch (Exception ex) when (ProblemResponseHandler.IsUnavailable(ex, out var detail))
        {
            return (null, detail);
        }
    }
}
