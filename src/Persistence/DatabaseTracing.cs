using Npgsql;
using Pipeline.EntityFrameworkOutbox;

namespace Pipeline.Persistence;

/// <summary>
/// Which database commands get a span. Not the savepoints Entity Framework wraps around a save inside an open
/// transaction, and, unless asked for, not the inbox and outbox bookkeeping (locking the inbox row, writing and
/// removing outbox rows): a dozen statements per request that the message spans around them already time, and that
/// made up most of a traced request's spans. No time-to-first-row event on the rest.
/// </summary>
public static class DatabaseTracing
{
    /// <summary>Spans for the inbox and outbox bookkeeping statements too (off: only the pipelines' own queries and the saga's).</summary>
    public const string TraceOutboxStatementsKey = "Telemetry:TraceOutboxStatements";

    public static Action<NpgsqlTracingOptionsBuilder> Configure(bool traceOutboxStatements) =>
        tracing => tracing.ConfigureCommandFilter(command => IsWorthASpan(command, traceOutboxStatements)).EnableFirstResponseEvent(false);

    public static bool IsWorthASpan(NpgsqlCommand command, bool traceOutboxStatements)
    {
        var sql = command.CommandText;
        if (sql.StartsWith("SAVEPOINT ", StringComparison.Ordinal) || sql.StartsWith("RELEASE SAVEPOINT ", StringComparison.Ordinal))
            return false;
        if (traceOutboxStatements)
            return true;
        foreach (var table in OutboxTables.All)
        {
            if (sql.Contains(table, StringComparison.Ordinal))
                return false;
        }

        return true;
    }
}
