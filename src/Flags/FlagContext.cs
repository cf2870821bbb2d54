
namespace Pipeline.Flags;

/// <summary>Who a flag is evaluated for: the bucketing key (user id, else session id, else request id) plus targeting data.</summary>
public readonly record struct FlagContext(string BucketingKey, string? UserId, string? Group);
