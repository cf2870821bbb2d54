using Npgsql;

namespace Pipeline.Infrastructure.Persistence;

/// <summary>
/// Which database commands get a span: not the savepoints Entity Framework wraps around a save inside an open
/// transaction (two per save, no information a trace reader needs), and no time-to-first-row event on the rest.
/// </summary>
public static class DatabaseTracing
{
    public static void Configure(NpgsqlTracingOptionsBuilder tracing) =>
        tracing.ConfigureCommandFilter(IsWorthASpan).EnableFirstResponseEvent(false);

    public static bool IsWorthASpan(NpgsqlCommand command) =>
        !command.CommandText.StartsWith("SAVEPOINT ", StringComparison.Ordinal)
        && !command.CommandText.StartsWith("RELEASE SAVEPOINT ", StringComparison.Ordinal);
}
