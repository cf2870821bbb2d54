using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Pipeline.EntityFrameworkOutbox;
using Pipeline.Persistence;
using Pipeline.Persistence.Serving;

namespace Pipeline.Answering.Serving;

/// <summary>
/// Settles the one race between a served execution and its saga: the worker answers the caller directly (one bus hop
/// fewer than through the saga) while the saga may, at the same moment, fall back or fail the request on a deadline.
/// Each side claims the attempt in its own transaction with <c>INSERT … ON CONFLICT DO NOTHING</c>: PostgreSQL makes
/// the second claimant wait for the first to commit or roll back, so exactly one of them acts, and a rolled-back
/// execution leaves the attempt unclaimed for its redelivery.
/// </summary>
public static class ServingClaims
{
    public const string Served = "served";
    public const string Abandoned = "abandoned";

    // The statement depends only on the model, which EF builds once per context type: build it once per model.
    private static readonly ConditionalWeakTable<IModel, string> ClaimStatements = new();

    /// <summary>True when this execution may serve the caller and record the answer's effects.</summary>
    public static Task<bool> TryServeAsync(DbContext db, Guid requestId, int attempt, DateTime now, CancellationToken cancellationToken) =>
        TryClaimAsync(db, requestId, attempt, Served, now, cancellationToken);

    /// <summary>
    /// As <see cref="TryServeAsync(DbContext, Guid, int, DateTime, CancellationToken)"/>, and inside the caller's
    /// transaction opens <paramref name="savepoint"/> after the claim in the same round trip: the effects saved after
    /// it can be undone alone, without a round trip of their own to open it.
    /// </summary>
    public static Task<bool> TryServeAsync(DbContext db, Guid requestId, int attempt, DateTime now, string savepoint, CancellationToken cancellationToken) =>
        TryClaimAsync(db, requestId, attempt, Served, now, cancellationToken, db.Database.CurrentTransaction is null ? null : savepoint);

    /// <summary>True when the saga may give up on the attempt; false when its answer is already on the way to the caller.</summary>
    public static Task<bool> TryAbandonAsync(DbContext db, Guid requestId, int attempt, DateTime now, CancellationToken cancellationToken) =>
        TryClaimAsync(db, requestId, attempt, Abandoned, now, cancellationToken);

    private static async Task<bool> TryClaimAsync(DbContext db, Guid requestId, int attempt, string outcome, DateTime now, CancellationToken cancellationToken, string? savepointAfter = null)
    {
        var statement = ClaimStatements.GetValue(db.Model, ClaimStatement);
        // A savepoint reports no rows: the count stays the claim's.
        if (savepointAfter is not null)
            statement += $";\nSAVEPOINT {savepointAfter}";
#pragma warning disable EF1002 // Table and column names come from the model, values are parameters.
        var claimed = await db.Database.ExecuteSqlRawAsync(statement, [requestId, attempt, outcome, now], cancellationToken);
#pragma warning restore EF1002
        return claimed == 1;
    }

    private static string ClaimStatement(IModel model)
    {
        var names = StoreNames.Of<ServingClaim>(model);
        return $$"""
            INSERT INTO {{names.Table}} ({{names.Column(nameof(ServingClaim.RequestId))}}, {{names.Column(nameof(ServingClaim.Attempt))}}, {{names.Column(nameof(ServingClaim.Outcome))}}, {{names.Column(nameof(ServingClaim.ClaimedAt))}})
            VALUES ({0}, {1}, {2}, {3}) ON CONFLICT DO NOTHING
            """;
    }
}
