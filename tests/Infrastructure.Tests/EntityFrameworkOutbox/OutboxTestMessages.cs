namespace Pipeline.Infrastructure.Tests.EntityFrameworkOutbox;

/// <summary>A message published through the bus outbox by the tests.</summary>
public sealed record OrderPlaced(Guid OrderId);

/// <summary>A command consumed behind the consumer outbox by the tests.</summary>
public sealed record RecordVisit(Guid VisitId, bool Fail);

/// <summary>What the test consumer publishes from behind the consumer outbox.</summary>
public sealed record VisitRecorded(Guid VisitId);
