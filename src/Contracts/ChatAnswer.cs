namespace Pipeline.Contracts;

/// <summary>What a pipeline answered: grounded text with citation markers and the sources they point to.</summary>
public sealed record ChatAnswer(
    string Text,
    IReadOnlyList<ChatCitation> Citations,
    IReadOnlyList<ChatSource> Sources,
    bool Cached,
    long DurationMs,
    ChatUsage Usage);

/// <summary>A citation marker <c>[Index]</c> in the answer text and the source it refers to.</summary>
public sealed record ChatCitation(int Index, string SourceId);

/// <summary>A retrieved passage (or web page) an answer may cite.</summary>
public sealed record ChatSource(
    string Id,
    string? DocumentId,
    string Title,
    int? ArticleNumber,
    double Score,
    string Type,
    string? Url);

/// <summary>Model usage and its cost for one answer.</summary>
public sealed record ChatUsage(int InputTokens, int OutputTokens, decimal CostUsd);
