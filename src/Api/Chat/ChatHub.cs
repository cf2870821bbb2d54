using System.Runtime.CompilerServices;
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
    public async IAsyncEnumerable<ChatEvent> Chat(ChatRequestBody request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var headers = Context.GetHttpContext()?.Request.Headers ?? new HeaderDictionary();
        var (submission, unavailable) = await SubmitAsync(request, CallerIdentity.FromHeaders(headers), cancellationToken);
        if (unavailable is not null)
        {
            // The hub's 503: the request was not taken, the caller may retry (HTTP callers get Retry-After).
            yield return new ErrorEvent(Guid.Empty, StatusCodes.Status503ServiceUnavailable, unavailable);
            yield break;
        }

        if (submission is ChatRejected rejected)
        {
            var problems = string.Join(" ", rejected.Errors.SelectMany(e => e.Value.Select(v => $"{e.Key}: {v}")));
            yield return new ErrorEvent(Guid.Empty, StatusCodes.Status400BadRequest, $"Invalid chat request. {problems}");
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
