namespace Pipeline.Contracts;

/// <summary>A request's deadline passed before it finished; raised by the deadline sweeper.</summary>
public sealed record ChatDeadlinePassed(Guid RequestId, DateTime Deadline);
