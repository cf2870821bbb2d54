namespace Pipeline.Api.Chat;

/// <summary>The answer a caller receives (docs/api.md §1 ChatResult).</summary>
public sealed record ChatResult(
    Guid RequestId,
    Guid ConversationId,
    string Text,
    IReadOnlyList<ChatResultCitation> Citations,
    IReadOnlyList<ChatResultSource> Sources,
    bool Cached,
    string PoweredBy,
    string Mode,
    bool Fallback,
    long LatencyMs,
    ChatResultUsage Usage);

/// <summary>A citation marker and the source it points to.</summary>
public sealed record ChatResultCitation(int Index, string SourceId);

/// <summary>A source an answer may cite.</summary>
public sealed record ChatResultSource(
    string Id,
    string? DocumentId,
    string Title,
    int? ArticleNumber,
    double Score,
    string Type,
    string? Url);

/// <summary>Tokens and cost of an answer.</summary>
public sealed record ChatResultUsage(int InputTokens, int OutputTokens, decimal CostUsd);
