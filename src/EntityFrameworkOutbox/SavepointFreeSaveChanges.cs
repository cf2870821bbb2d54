using Microsoft.EntityFrameworkCore;

namespace Pipeline.EntityFrameworkOutbox;

/// <summary>
/// <c>SaveChanges</c> inside an explicit transaction without EF's automatic savepoint. EF wraps every such save in
/// <c>SAVEPOINT</c> ... <c>RELEASE SAVEPOINT</c>, two extra database round trips that under load were a third of all
/// the statements a chat request cost. The outbox's own bookkeeping (inbox row, outbox rows, saga row) never
/// continues after a failed save — the step's transaction is rolled back and retried whole — so it needs no savepoint;
/// a consumer that must go on after a failed save opens a savepoint of its own where it costs no round trip.
/// </summary>
public static class SavepointFreeSaveChanges
{
    public static async Task<int> SaveChangesWithoutSavepointAsync(this DbContext db, CancellationToken cancellationToken)
    {
        var database = db.Database;
        var previous = database.AutoSavepointsEnabled;
        database.AutoSavepointsEnabled = false;
        try
        {
            return await db.SaveChangesAsync(cancellationToken);
        }
        finally
        {
            database.AutoSavepointsEnabled = previous;
        }
    }
}
