using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

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
        var submission = await submitter.SubmitAsync(request, CallerIdentity.FromHeaders(headers), cancellationToken);
        if (submission is ChatRejected rejected)
        {
            var problems = string.Join(" ", rejected.Errors.SelectMany(e => e.Value.Select(v => $"{e.Key}: {v}")));
            yield return new ErrorEvent(Guid.Empty, StatusCodes.Status400BadRequest, $"Invalid chat request. {problems}");
            yield break;
        }

        var session = ((ChatAccepted)submission).Session;
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
}
