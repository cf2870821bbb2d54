namespace Pipeline.Api.OpenApi;

/// <summary>
/// The shape of a flag write (<c>PUT</c>/<c>PATCH /api/flags/{name}</c>) as the OpenAPI document shows it. The
/// endpoints read the body field by field (an absent field keeps its value, an explicit null clears it), so this record
/// describes the body and is never bound.
/// </summary>
public sealed record FlagWriteBody(
    string? Description,
    string? Status,
    double? RolloutPercentage,
    IReadOnlyList<string>? TargetUsers,
    IReadOnlyList<string>? TargetGroups,
    string? Parent,
    long? Version,
    string? Reason);

/// <summary>The optional body of <c>POST /api/flags/{name}/kill</c> as the OpenAPI document shows it.</summary>
public sealed record FlagKillBody(string? Reason, long? Version);
