using Npgsql;
using Pipeline.Infrastructure.Persistence;
using Xunit;

namespace Pipeline.Infrastructure.Tests.Persistence;

public sealed class DatabaseTracingTests
{
    [Theory]
    [InlineData("SAVEPOINT \"__EFSavePoint\";", false)]
    [InlineData("RELEASE SAVEPOINT \"__EFSavePoint\";", false)]
    [InlineData("SELECT * FROM \"inbox_state\" WHERE \"message_id\" = @p0", true)]
    [InlineData("INSERT INTO savepoints_audit (id) VALUES (@p0)", true)]
    public void Only_entity_framework_savepoints_go_without_a_span(string sql, bool traced) =>
        Assert.Equal(traced, DatabaseTracing.IsWorthASpan(new NpgsqlCommand(sql)));
}
