using MassTransit;
using Microsoft.EntityFrameworkCore;
using Pipeline.Contracts;
using Pipeline.Persistence;
using Pipeline.Persistence.Flags;

namespace Pipeline.Flags;

/// <summary>
/// Creates the migration hierarchy's missing flags, each with a "created" audit event. Existing flags are never
/// touched, so a restart keeps every operator change.
/// </summary>
internal sealed class FlagSeeder(PipelineDbContext db, IPublishEndpoint publish, TimeProvider time) : IDatabaseSeeder
{
    public const string SystemActor = "system";

    public async Task SeedAsync(CancellationToken cancellationToken)
    {
        var existing = await db.Set<FeatureFlag>().Select(f => f.Name).ToListAsync(cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        foreach (var (name, parent, status, percentage, description) in MigrationFlags.Hierarchy.Where(f => !existing.Contains(f.Name)))
        {
            var flag = new FeatureFlag
            {
                Id = NewId.NextGuid(),
                Name = name,
                Parent = parent,
                Status = status,
                RolloutPercentage = percentage,
                Description = description,
                CreatedAt = now,
                UpdatedAt = now,
                UpdatedBy = SystemActor,
                Version = 1,
            };
            db.Add(flag);
            db.Add(new FeatureFlagEvent
            {
                Id = NewId.NextGuid(),
                FlagName = name,
                At = now,
                Type = FlagEventTypes.Created,
                Actor = SystemActor,
                After = FlagJson.Serialize(flag),
                Reason = "seeded on first start",
            });
            await publish.Publish(new FlagChanged(NewId.NextGuid(), name, status, percentage, flag.Version, SystemActor, now), cancellationToken);
        }

        await db.SaveChangesAsync(cancellationToken);
    }
}
