namespace Pipeline.Components.Tests.EntityFrameworkOutbox;

/// <summary>A message published through the bus outbox by the tests.</summary>
public sealed record OrderPlaced(Guid OrderId);

/// <summary>
/// A command consumed behind the consumer outbox by the tests; <paramref name="Echoes"/> is how many events it publishes;
/// with <paramref name="ArchiveUnsaved"/> its consumer also adds a row (an archived request with the visit's id) and
/// leaves it to the outbox's save.
/// </summary>
public sealed record RecordVisit(Guid VisitId, bool Fail, int Echoes = 1, bool ArchiveUnsaved = false);

/// <summary>A command whose consumer publishes one event with the event's delivery failing on the first attempt.</summary>
public sealed record RelayVisit(Guid VisitId);

/// <summary>What the test consumer publishes from behind the consumer outbox, numbered from 0.</summary>
public sealed record VisitRecorded(Guid VisitId, int Echo = 0);
