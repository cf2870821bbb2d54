using MassTransit;
using Pipeline.Contracts;

namespace Pipeline.Persistence.Routing;

/// <summary>The routing saga's record of one chat request, from its acceptance to its end.</summary>
public sealed class ChatRoutingState : SagaStateMachineInstance
{
    public Guid CorrelationId { get; set; }
    public string CurrentState { get; set; } = "";

    /// <summary>PostgreSQL's xmin: optimistic concurrency between the saga's consumers and the deadline sweeper.</summary>
    public uint Version { get; set; }

    public Guid ConversationId { get; set; }
    public string Message { get; set; } = "";
    public bool WebSearchEnabled { get; set; }
    public string? UserId { get; set; }
    public string? UserGroup { get; set; }
    public string BucketingKey { get; set; } = "";
    public string? CallerAddress { get; set; }

    /// <summary>Whether the caller reads token pieces (SSE, SignalR) or waits for the whole answer (JSON).</summary>
    public bool StreamTokens { get; set; }

    public Guid? ReplayId { get; set; }

    public RoutingMode Mode { get; set; }
    public ChatPipeline ServedPipeline { get; set; }
    public int Attempt { get; set; }
    public bool Fallback { get; set; }
    public ChatPipeline? ShadowPipeline { get; set; }

    /// <summary>
    /// The workflow step flags on in the workflow's run of this request (served, failed or in shadow), as its worker
    /// reported them; null when the workflow did not run or did not report. A step flag's rollout splits requests by it.
    /// </summary>
    public List<string>? WorkflowSteps { get; set; }
    public ShadowOutcome ShadowOutcome { get; set; }

    /// <summary>The old pipeline's second run on noise-floor samples (legacy vs legacy).</summary>
    public ShadowOutcome NoiseOutcome { get; set; }

    /// <summary>The answers kept for the comparator, as JSON.</summary>
    public string? ServedAnswer { get; set; }
    public string? ShadowAnswer { get; set; }
    public string? NoiseAnswer { get; set; }

    public DateTime RequestedAt { get; set; }
    /// <summary>The next deadline the sweeper watches: the workflow's own in <c>on</c> mode, else the request's.</summary>
    public DateTime? DeadlineAt { get; set; }

    /// <summary>The request's overall deadline, after which the caller gets 504 whatever the mode.</summary>
    public DateTime? FinalDeadlineAt { get; set; }
    public DateTime? DeadlineSignalledAt { get; set; }
    public DateTime? ServedAt { get; set; }
    public DateTime? FinishedAt { get; set; }
    public string? FailureReason { get; set; }

    /// <summary>Outcome figures of the served answer, kept as columns so the metrics summary aggregates them in SQL.</summary>
    public long? LatencyMs { get; set; }
    public bool Cached { get; set; }
    public int InputTokens { get; set; }
    public int OutputTokens { get; set; }
    public decimal CostUsd { get; set; }

    /// <summary>
    /// The saga's record of a flag-off request the API dispatched to legacy itself, as the saga would have recorded it
    /// from the request: written in the request's own transaction, so the saga's first message is the run's outcome.
    /// </summary>
    public static ChatRoutingState Dispatched(
        Guid requestId, Guid conversationId, ChatQuestion question, Uri callerAddress, bool streamTokens, DateTime requestedAt, DateTime deadline) => new()
    {
        CorrelationId = requestId,
        CurrentState = ChatRoutingStates.Executing,
        ConversationId = conversationId,
        Message = question.Message,
        WebSearchEnabled = question.WebSearchEnabled,
        UserId = question.UserId,
        UserGroup = question.UserGroup,
        BucketingKey = question.BucketingKey,
        CallerAddress = callerAddress.ToString(),
        StreamTokens = streamTokens,
        Mode = RoutingMode.Disabled,
        ServedPipeline = ChatPipeline.Legacy,
        RequestedAt = requestedAt,
        DeadlineAt = deadline,
        FinalDeadlineAt = deadline,
    };
}
