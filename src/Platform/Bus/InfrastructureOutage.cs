using System.Net.Sockets;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Pipeline.Platform.Bus;

/// <summary>Tells a failure of the database or the network (worth waiting out) from a failure of the message itself.</summary>
public static class InfrastructureOutage
{
    /// <summary>57014: a statement cancelled, by its statement timeout or on request; the statement's own doing.</summary>
    public const string QueryCanceled = "57014";

    public static bool IsOutage(Exception exception) => exception switch
    {
        // One request's query running past its time is that request's problem, not a database that is away: retrying
        // it as an outage would hold the database again and again.
        PostgresException { SqlState: QueryCanceled } => false,
        NpgsqlException { IsTransient: true } => true,
        // 57P01-57P03: the server is shutting down or starting up; class 08: connection failures.
        PostgresException postgres => postgres.SqlState.StartsWith("57P", StringComparison.Ordinal) || postgres.SqlState.StartsWith("08", StringComparison.Ordinal),
        NpgsqlException { InnerException: SocketException or IOException or TimeoutException } => true,
        TimeoutException or SocketException => true,
        DbUpdateException { InnerException: { } inner } => IsOutage(inner),
        AggregateException aggregate => aggregate.InnerExceptions.Any(IsOutage),
        { InnerException: { } inner } => IsOutage(inner),
        _ => false,
    };
}
