using Microsoft.EntityFrameworkCore;
using Pipeline.Persistence.Comparisons;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.Components.Tests.Persistence;

/// <summary>Every time column is <c>timestamptz</c>, so what is read back is UTC without anyone re-marking it.</summary>
public sealed class StoredTimesTests : IClassFixture<IsolatedInfrastructure>
{
    private readonly IsolatedInfrastructure _database;

    public StoredTimesTests(IsolatedInfrastructure database) => _database = database;

    [Fact]
    public async Task Times_read_back_from_the_database_are_utc_whether_tracked_or_projected()
    {
        var written = new DateTime(2026, 11, 26, 12, 30, 15, DateTimeKind.Utc);
        var comparison = new Comparison { Id = Guid.NewGuid(), RequestId = Guid.NewGuid(), FlagName = "workflow-complete", Kind = "chat", Diff = "{}", NewOutcome = "completed", OldResult = "{}", CreatedAt = written };
        await using (var db = _database.CreateDbContext())
        {
            db.Add(comparison);
            await db.SaveChangesAsync();
        }

        await using var read = _database.CreateDbContext();
        var entity = await read.Set<Comparison>().AsNoTracking().SingleAsync(c => c.Id == comparison.Id);
        var projected = await read.Set<Comparison>().Where(c => c.Id == comparison.Id).Select(c => new { c.CreatedAt }).SingleAsync();

        Assert.Equal(DateTimeKind.Utc, entity.CreatedAt.Kind);
        Assert.Equal(written, entity.CreatedAt);
        Assert.Equal(DateTimeKind.Utc, projected.CreatedAt.Kind);
    }
}
