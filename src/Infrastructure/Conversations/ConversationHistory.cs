using MassTransit;
using Microsoft.EntityFrameworkCore;
using Pipeline.Contracts;
using Pipeline.Infrastructure.Persistence;

namespace Pipeline.Infrastructure.Conversations;

/// <summary>
/// Conversation memory. Only served, live executions are remembered: a shadow or replayed run must leave no trace a
/// user could see. Rows are added to the unit of work and commit with the execution's outbox transaction.
/// </summary>
public sealed class ConversationHistory(PipelineDbContext db, TimeProvider time)
{
    public const string UserRole = "user";
    public const string AssistantRole = "assistant";

    /// <summary>True when an execution may write history at all.</summary>
    public static bool MayRemember(ExecuteChat command) => !command.Shadow && command.ReplayId is null;

    /// <summary>Adds the question and the answer, unless this request's answer is already remembered.</summary>
    public async Task RememberAsync(ExecuteChat command, ChatAnswer answer, CancellationToken cancellationToken)
    {
        if (!MayRemember(command))
            return;
        if (await db.Set<ConversationMessage>().AnyAsync(m => m.RequestId == command.RequestId && m.Role == AssistantRole, cancellationToken))
            return;

        var now = time.GetUtcNow().UtcDateTime;
        if (!await db.Set<ConversationMessage>().AnyAsync(m => m.RequestId == command.RequestId && m.Role == UserRole, cancellationToken))
            db.Add(new ConversationMessage { Id = NewId.NextGuid(), ConversationId = command.ConversationId, RequestId = command.RequestId, Role = UserRole, Content = command.Message, CreatedAt = now });
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
