using Microsoft.EntityFrameworkCore;
using Pipeline.Persistence;
using Pipeline.Persistence.Dashboard;

namespace Pipeline.Api.Security;

/// <summary>
/// Sessions their operator ended, kept in the database so that every API instance refuses their tickets, until the
/// tickets would have expired anyway.
/// </summary>
internal sealed class DashboardSignOuts(PipelineDbContext db, TimeProvider time)
{
    public Task<bool> IsSignedOutAsync(Guid sessionId, CancellationToken cancellationToken) =>
        db.Set<DashboardSignOut>().AsNoTracking().AnyAsync(s => s.SessionId == sessionId, cancellationToken);

    public async Task SignOutAsync(DashboardSession session, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        // Rows outlive their use only until their ticket has expired; each sign-out sweeps them.
        await db.Set<DashboardSignOut>().Where(s => s.ExpiresAt < now).ExecuteDeleteAsync(cancellationToken);
        await db.Database.ExecuteSqlAsync(
            $"INSERT INTO dashboard_sign_outs (session_id, expires_at) VALUES ({session.Id}, {session.ExpiresAt.UtcDateTime}) ON CONFLICT (session_id) DO NOTHING",
            cancellationToken);
    }
}
