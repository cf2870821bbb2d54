using Npgsql;
using Pipeline.Persistence;
using Xunit;

namespace Pipeline.Components.Tests.Persistence;

public sealed class DatabaseTracingTests
{
    [Theory]
    [InlineData("SAVEPOINT \"__EFSavePoint\";", false)]
    [InlineData("RELEASE SAVEPOINT \"__EFSavePoint\";", false)]
    [InlineData("SELECT * FROM \"inbox_state\" WHERE \"message_id\" = @p0 FOR UPDATE", false)]
    [InlineData("DELETE FROM outbox_message AS o WHERE o.inbox_message_id = @p0", false)]
    [InlineData("SELECT c.correlation_id FROM chat_routing_state AS c WHERE c.correlation_id = @p0", true)]
    [InlineData("INSERT INTO savepoints_audit (id) VALUES (@p0)", true)]
    public void Savepoints_and_outbox_bookkeeping_go_without_a_span(string sql, bool traced) =>
        Assert.Equal(traced, DatabaseTracing.IsWorthASpan(new NpgsqlCommand(sql), traceOutboxStatements: false));

    [Fact]
    public void Outbox_bookkeeping_is_traced_when_asked_for_and_savepoints_never_are()
    {
        Assert.True(DatabaseTracing.IsWorthASpan(new NpgsqlCommand("UPDATE inbox_state SET consumed = @p0"), traceOutboxStatements: true));
        Assert.False(DatabaseTracing.IsWorthASpan(new NpgsqlCommand("SAVEPOINT \"__EFSavePoint\";"), traceOutboxStatements: true));
    }
}
