using MassTransit;
using Microsoft.EntityFrameworkCore;
using Pipeline.Contracts;
using Pipeline.Persistence;
using Pipeline.Persistence.Conversations;

namespace Pipeline.Answering.Conversations;

/// <summary>
/// Conversation memory. Only served, live executions are remembered: a shadow or replayed run must leave no trace a
/// user could see. Rows are added to the unit of work and commit with the execution's outbox transaction.
/// </summary>
public sealed class ConversationHistory(PipelineDbContext db, TimeProvider time)
{
    public const string UserRole = "user";
    public const string AssistantRole = "assistant";

    /// <summary>True when an execution may write history at all.</summary>
    public static bool MayRemember(ExecuteChat command) => !command.Execution.Shadow && command.Execution.ReplayId is null;

    /// <summary>
    /// Adds the question and the answer. Called once per request: only the execution holding the request's serving
    /// claim remembers (see <see cref="Serving.ServingClaims"/>), and a redelivery of it is stopped by the inbox or
    /// finds the claim taken; the unique (request, role) index stays as the last guard.
    /// </summary>
    public void Remember(ExecuteChat command, ChatAnswer answer)
    {
        if (!MayRemember(command))
            return;

        var now = time.GetUtcNow().UtcDateTime;
        db.Add(new ConversationMessage { Id = NewId.NextGuid(), ConversationId = command.ConversationId, RequestId = command.RequestId, Role = UserRole, Content = command.Question.Message, CreatedAt = now });
        db.Add(new ConversationMessage
        {
            Id = NewId.NextGuid(),
            ConversationId = command.ConversationId,
            RequestId = command.RequestId,
            Role = AssistantRole,
            Content = answer.Text,
            Pipeline = command.Pipeline.ToString().ToLowerInvariant(),
            CreatedAt = now,
        });
    }

    /// <summary>The latest turns of a conversation, oldest first.</summary>
    public async Task<IReadOnlyList<ConversationMessage>> RecentAsync(Guid conversationId, int turns, CancellationToken cancellationToken)
    {
        var recent = await db.Set<ConversationMessage>().AsNoTracking()
            .Where(m => m.ConversationId == conversationId)
            .OrderByDescending(m => m.CreatedAt).ThenByDescending(m => m.Role)
            .Take(turns)
            .ToListAsync(cancellationToken);
        recent.Reverse();
        return recent;
    }
}
