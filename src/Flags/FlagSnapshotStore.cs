using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Persistence;
using Pipeline.Persistence.Flags;

namespace Pipeline.Flags;

/// <summary>This process's current flag snapshot, swapped atomically on refresh; evaluation never waits for the database.</summary>
public sealed class FlagSnapshotStore(IServiceScopeFactory scopes) : IFlagEvaluator
{
    private readonly SemaphoreSlim _refreshing = new(1, 1);
    private volatile FlagSnapshot _current = FlagSnapshot.Empty;

    public FlagSnapshot Current => _current;

    /// <summary>When the snapshot was last loaded (UTC).</summary>
    public DateTime? LoadedAt { get; private set; }

    public FlagDecision Evaluate(string flagName, in FlagContext context) => FlagEvaluation.Evaluate(_current, flagName, context);

    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        await _refreshing.WaitAsync(cancellationToken);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<PipelineDbContext>();
            var flags = await db.Set<FeatureFlag>().AsNoTracking().ToListAsync(cancellationToken);
            _current = new FlagSnapshot(flags.Select(f => f.ToDefinition()));
            LoadedAt = DateTime.UtcNow;
        }
        finally
        {
            _refreshing.Release();
        }
    }
}
