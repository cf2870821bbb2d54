using System.Text.RegularExpressions;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Pipeline.Contracts;
using Pipeline.Persistence;
using Pipeline.Persistence.Flags;

namespace Pipeline.Flags;

/// <summary>
/// Every change to a flag: validated against the hierarchy, guarded by the version the writer read, recorded in the
/// audit trail with actor, before, after and reason, and announced as <see cref="FlagChanged"/> — all in one
/// transaction (the bus outbox), so no process can miss a change that happened.
/// </summary>
public sealed partial class FlagAdministration(PipelineDbContext db, IPublishEndpoint publish, TimeProvider time)
{
    public const int MaxTargets = 1_000;
    public const int MaxTargetLength = 256;
    public const int MaxDescriptionLength = 1_024;
    private const int KillAttempts = 5;

    public static bool IsValidName(string name) => NamePattern().IsMatch(name);

    public async Task<FlagWriteResult> CreateAsync(string name, FlagChange change, string actor, string? reason, CancellationToken cancellationToken)
    {
        if (await db.Set<FeatureFlag>().AnyAsync(f => f.Name == name, cancellationToken))
            return new FlagWriteResult(FlagWriteOutcome.VersionConflict);

        var now = time.GetUtcNow().UtcDateTime;
        var flag = new FeatureFlag { Id = NewId.NextGuid(), Name = name, CreatedAt = now, Version = 0 };
        var errors = await ApplyAsync(flag, change, replace: true, cancellationToken);
        if (errors.Count > 0)
            return new FlagWriteResult(FlagWriteOutcome.Invalid, Errors: errors);

        db.Add(flag);
        await CommitAsync(flag, before: null, FlagEventTypes.Created, actor, reason, cancellationToken);
        return new FlagWriteResult(FlagWriteOutcome.Created, flag);
    }

    /// <summary>Replaces (PUT) or patches the flag, but only if it is still at <paramref name="expectedVersion"/>.</summary>
    public async Task<FlagWriteResult> UpdateAsync(string name, long expectedVersion, FlagChange change, bool replace, string actor, string? reason, CancellationToken cancellationToken)
    {
        var flag = await db.Set<FeatureFlag>().SingleOrDefaultAsync(f => f.Name == name, cancellationToken);
        if (flag is null)
            return new FlagWriteResult(FlagWriteOutcome.NotFound);
        if (flag.Version != expectedVersion)
            return new FlagWriteResult(FlagWriteOutcome.VersionConflict, flag);

        var before = FlagJson.Serialize(flag);
        var errors = await ApplyAsync(flag, change, replace, cancellationToken);
        if (errors.Count > 0)
        {
            db.ChangeTracker.Clear();
            return new FlagWriteResult(FlagWriteOutcome.Invalid, Errors: errors);
        }

        try
        {
            await CommitAsync(flag, before, FlagEventTypes.Updated, actor, reason, cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            return new FlagWriteResult(FlagWriteOutcome.VersionConflict);
        }

        return new FlagWriteResult(FlagWriteOutcome.Updated, flag);
    }

    /// <summary>The kill switch: disabled at once, whatever version the caller last saw.</summary>
    public async Task<FlagWriteResult> KillAsync(string name, string actor, string? reason, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var flag = await db.Set<FeatureFlag>().SingleOrDefaultAsync(f => f.Name == name, cancellationToken);
            if (flag is null)
                return new FlagWriteResult(FlagWriteOutcome.NotFound);

            var before = FlagJson.Serialize(flag);
            flag.Status = FlagStatus.Disabled;
            try
            {
                await CommitAsync(flag, before, FlagEventTypes.Killed, actor, reason ?? "kill switch", cancellationToken);
                return new FlagWriteResult(FlagWriteOutcome.Updated, flag);
            }
            catch (DbUpdateConcurrencyException) when (attempt < KillAttempts)
            {
                // Someone changed it meanwhile; the kill still wins, on top of their version.
                db.ChangeTracker.Clear();
            }
        }
    }

    /// <summary>An audit entry that is not a change of the flag itself (a fallback failure, a rollout decision).</summary>
    public async Task RecordEventAsync(string name, string type, string actor, string reason, string? evidenceJson, CancellationToken cancellationToken)
    {
        db.Add(new FeatureFlagEvent
        {
            Id = NewId.NextGuid(),
            FlagName = name,
            At = time.GetUtcNow().UtcDateTime,
            Type = type,
            Actor = actor,
            After = evidenceJson,
            Reason = reason,
        });
        await db.SaveChangesAsync(cancellationToken);
    }

    private async Task CommitAsync(FeatureFlag flag, string? before, string type, string actor, string? reason, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        flag.Version++;
        flag.UpdatedAt = now;
        flag.UpdatedBy = actor;
        db.Add(new FeatureFlagEvent
        {
            Id = NewId.NextGuid(),
            FlagName = flag.Name,
            At = now,
            Type = type,
            Actor = actor,
            Before = before,
            After = FlagJson.Serialize(flag),
            Reason = reason,
        });
        await publish.Publish(new FlagChanged(NewId.NextGuid(), flag.Name, flag.Status, flag.RolloutPercentage, flag.Version, actor, now), cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
    }

    private async Task<Dictionary<string, string[]>> ApplyAsync(FeatureFlag flag, FlagChange change, bool replace, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var status = change.Status.Or(replace ? "" : flag.Status);
        if (!FlagStatus.All.Contains(status))
            errors["status"] = [$"status must be one of {string.Join(", ", FlagStatus.All)}."];

        var percentage = change.RolloutPercentage.Or(replace ? null : flag.RolloutPercentage);
        if (percentage is < 0 or > 100 || (percentage is { } p && double.IsNaN(p)))
            errors["rolloutPercentage"] = ["rolloutPercentage must be between 0 and 100, or null for everyone."];

        var description = change.Description.Or(replace ? "" : flag.Description) ?? "";
        if (description.Length > MaxDescriptionLength)
            errors["description"] = [$"description must be at most {MaxDescriptionLength} characters."];

        var users = change.TargetUsers.Or(replace ? [] : flag.TargetUsers) ?? [];
        var groups = change.TargetGroups.Or(replace ? [] : flag.TargetGroups) ?? [];
        if (!ValidTargets(users))
            errors["targetUsers"] = [$"targetUsers must hold at most {MaxTargets} non-empty ids of at most {MaxTargetLength} characters."];
        if (!ValidTargets(groups))
            errors["targetGroups"] = [$"targetGroups must hold at most {MaxTargets} non-empty names of at most {MaxTargetLength} characters."];

        var parent = change.Parent.Or(replace ? null : flag.Parent);
        if (parent is not null)
        {
            if (!IsValidName(parent))
                errors["parent"] = ["parent must be a flag name (lowercase letters, digits and dashes, 1 to 64)."];
            else if (parent == flag.Name)
                errors["parent"] = ["a flag cannot be its own parent."];
            else
            {
                var parents = await db.Set<FeatureFlag>().AsNoTracking().ToDictionaryAsync(f => f.Name, f => f.Parent, cancellationToken);
                if (!parents.ContainsKey(parent))
                    errors["parent"] = [$"unknown parent flag '{parent}'."];
                else if (CreatesCycle(flag.Name, parent, parents))
                    errors["parent"] = [$"making '{parent}' the parent of '{flag.Name}' would create a cycle."];
            }
        }

        if (errors.Count == 0)
        {
            flag.Status = status;
            flag.RolloutPercentage = percentage is { } value ? Math.Round(value, 2) : null;
            flag.Description = description;
            flag.TargetUsers = users.Distinct(StringComparer.Ordinal).ToList();
            flag.TargetGroups = groups.Distinct(StringComparer.Ordinal).ToList();
            flag.Parent = parent;
        }

        return errors;
    }

    private static bool ValidTargets(IReadOnlyList<string> targets) =>
        targets.Count <= MaxTargets && targets.All(t => !string.IsNullOrWhiteSpace(t) && t.Length <= MaxTargetLength);

    private static bool CreatesCycle(string name, string parent, Dictionary<string, string?> parents)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var current = parent; current is not null && seen.Add(current); current = parents.GetValueOrDefault(current))
        {
            if (current == name)
                return true;
        }

        return false;
    }

    // \z, not $: $ also matches before a final newline, which would let "name\n" pass as a look-alike of "name".
    [GeneratedRegex(@"\A[a-z0-9-]{1,64}\z")]
    private static partial Regex NamePattern();
}
