namespace Pipeline.Components.Tests.EntityFrameworkOutbox;

/// <summary>Creates a tally (the saga's initial message; a duplicate for an existing tally is counted in <see cref="TallyState.Opened"/>).</summary>
public sealed record OpenTally(Guid TallyId);

/// <summary>Adds one to a tally; <paramref name="FailAfterSaga"/> makes the test filter throw after the saga has saved.</summary>
public sealed record AddToTally(Guid TallyId, bool FailAfterSaga = false);

/// <summary>What the tally publishes after each addition.</summary>
public sealed record TallyChanged(Guid TallyId, int Count);
