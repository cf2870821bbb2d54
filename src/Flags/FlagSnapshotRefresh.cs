using Pipeline.Platform.Hosting;

namespace Pipeline.Flags;

/// <summary>Reloads the flag snapshot at start and every poll interval: the backstop should a <c>FlagChanged</c> event be missed.</summary>
internal sealed class FlagSnapshotRefresh(FlagSnapshotStore store) : IPeriodicJob
{
    // A failed refresh leaves the store's last good snapshot in place, so evaluation goes on while the database is away.
    public Task RunAsync(CancellationToken cancellationToken) => store.RefreshAsync(cancellationToken);
}
