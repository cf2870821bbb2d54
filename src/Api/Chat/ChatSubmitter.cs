using Pipeline.Api.Security;
using System.Diagnostics;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Microsoft.Extensions.Options;
using Pipeline.Api.Problems;
using Pipeline.Contracts;
using Pipeline.Answering.Conversations;
using Pipeline.Persistence;
using Pipeline.Persistence.Requests;
using Pipeline.Persistence.Routing;
using Pipeline.Flags;
using Pipeline.Platform.Routing;
using Pipeline.ServiceDefaults.Telemetry;

namespace Pipeline.Api.Chat;

/// <summary>
/// Accepts a chat request: archives it and publishes <see cref="ChatRequested"/> in one transaction (through the bus
/// outbox), after registering the caller's session so that no event can arrive before someone listens for it. When the
/// routing flag is off for everyone, the transaction instead sends the legacy execution and writes the saga's record
/// of the request as the saga would have (<see cref="ChatRoutingState.Dispatched"/>): the worker starts without
/// waiting for the saga, whose first message is the run's outcome (<see cref="RoutingOptions.DirectDispatch"/>).
/// </summary>
public sealed class ChatSubmitter(
    PipelineDbContext db,
    IPublishEndpoint publish,
    ISendEndpointProvider sendEndpoints,
    IFlagEvaluator flags,
    IOptions<RoutingOptions> routing,
    IBusControl bus,
    CallerSessionRegistry sessions,
    CallerInstance instance,
    ConversationOwnership conversations,
    IOptions<ChatOptions> options,
    TimeProvider time)
{
    /// <param name="streamTokens">Whether the caller reads the answer's pieces as they come (SSE, SignalR) or waits for all of it (JSON).</param>
    public async Task<ChatSubmission> SubmitAsync(ChatRequestBody body, CallerIdentity caller, bool streamTokens, CancellationToken cancellationToken)
    {
        var errors = ChatRequestValidator.Validate(body, options.Value);
        if (errors.Count > 0)
            return new ChatRejected(errors);

        if (bus.CheckHealth().Status != BusHealthStatus.Healthy)
            throw new ServiceUnavailableException("The message broker is not reachable.");

        var requestId = body.RequestId ?? NewId.NextGuid();
        if (body.RequestId is not null && await db.Set<ArchivedChatRequest>().AnyAsync(r => r.RequestId == requestId, cancellationToken))
            return new ChatRequestIdTaken(requestId);
        // Random, not time-ordered like NewId: a conversation id is all that guards an anonymous caller's history.
        var conversationId = body.ConversationId ?? Guid.NewGuid();
        if (body.ConversationId is null)
            conversations.Start(conversationId, caller.Owner);
        else if (await conversations.ClaimAsync(conversationId, caller.Owner, cancellationToken) == ConversationClaim.NotFound)
            return new ChatConversationNotFound(conversationId);
        var requestedAt = time.GetUtcNow().UtcDateTime;
        var bucketingKey = caller.BucketingKey(requestId);
        var message = body.Message!.Trim();

        Activity.Current?.SetTag(PipelineTelemetry.RequestIdTag, requestId);
        var session = new CallerSession(requestId, conversationId, time, options.Value.TokenGrace);
        if (!sessions.TryAdd(session))
        {
            session.Dispose();
            return new ChatRequestIdTaken(requestId);
        }

        try
        {
            db.Add(new ArchivedChatRequest
            {
                RequestId = requestId,
                ConversationId = conversationId,
                Message = message,
                WebSearchEnabled = body.WebSearchEnabled,
                UserId = caller.UserId,
                UserGroup = caller.UserGroup,
                BucketingKey = bucketingKey,
                RequestedAt = requestedAt,
            });
            var question = new ChatQuestion(message, body.WebSearchEnabled, caller.UserId, caller.UserGroup, bucketingKey);
            var dispatched = routing.Value.DirectDispatch && IsRoutingFlagOffForEveryone(question);
            if (dispatched)
            {
                var deadline = requestedAt + routing.Value.Deadline;
                db.Add(ChatRoutingState.Dispatched(requestId, conversationId, question, instance.Address, streamTokens, requestedAt, deadline));
                await DispatchLegacyAsync(requestId, conversationId, question, deadline, streamTokens, cancellationToken);
                session.OnRouted(new ChatRouted(requestId, conversationId, ChatPipeline.Legacy, RoutingMode.Disabled, Attempt: 0, Fallback: false, Reason: null));
            }
            else
            {
                await publish.Publish(
                    new ChatRequested(requestId, conversationId, message, body.WebSearchEnabled, caller.UserId, caller.UserGroup,
                        bucketingKey, instance.Address, requestedAt, StreamTokens: streamTokens),
                    cancellationToken);
            }

            await db.SaveChangesAsync(cancellationToken);
        }
        // Two submissions of one caller-chosen id through two instances raced past the check above, or the id is a
        // replay's or an experiment's (a saga row and no archive row): the archive's or the saga row's key refuses it,
        // and the server rolls the whole batch back.
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            sessions.Remove(session);
            return new ChatRequestIdTaken(requestId);
        }
        catch
        {
            sessions.Remove(session);
            throw;
        }

        return new ChatAccepted(session);
    }

    /// <summary>
    /// Off, killed or absent: no caller is routed elsewhere. A caller left out of a percentage is not dispatched: both
    /// arms of a rollout then take the same path, so their latencies compare the pipelines, not the routes.
    /// </summary>
    private bool IsRoutingFlagOffForEveryone(ChatQuestion question) =>
        flags.Evaluate(routing.Value.FlagName, new FlagContext(question.BucketingKey, question.UserId, question.UserGroup)) is
        {
            Mode: FlagMode.Off,
            Reason: DecisionReason.Disabled or DecisionReason.KilledByParent or DecisionReason.UnknownFlag,
        };

    /// <summary>The served legacy execution as the saga would have sent it for a flag-off request (attempt 0, the request's deadline).</summary>
    private async Task DispatchLegacyAsync(
        Guid requestId, Guid conversationId, ChatQuestion question, DateTime deadline, bool streamTokens, CancellationToken cancellationToken)
    {
        var command = new ExecuteChat(requestId, conversationId, ChatPipeline.Legacy, Attempt: 0, question,
            new ExecutionSettings(Shadow: false, deadline, RoutingMode.Disabled),
            new StreamTarget(instance.Address, streamTokens));
        var endpoint = await sendEndpoints.GetSendEndpoint(new Uri($"exchange:{routing.Value.LegacyEndpoint}"));
        await endpoint.Send(command, cancellationToken);
    }
}
