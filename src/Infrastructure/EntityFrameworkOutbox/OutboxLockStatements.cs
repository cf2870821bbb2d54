using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Pipeline.Infrastructure.Persistence;

namespace Pipeline.Infrastructure.EntityFrameworkOutbox;

/// <summary>PostgreSQL row-lock statements, with table and column names read from the EF model (naming conventions apply).</summary>
internal static class OutboxLockStatements
{
    private static readonly HashSet<string> SystemColumns = new(StringComparer.Ordinal) { "xmin", "xmax", "cmin", "cmax", "ctid", "tableoid" };

    /// <summary>Locks one inbox row by (message id, consumer id): parameters {0} and {1}.</summary>
    public static string InboxRow(DbContext db)
    {
        var names = StoreNames.Of<InboxState>(db);
        return $$"""SELECT * FROM {{names.Table}} WHERE {{names.Column(nameof(InboxState.MessageId))}} = {0} AND {{names.Column(nameof(InboxState.ConsumerId))}} = {1} FOR UPDATE""";
    }

    /// <summary>
    /// Inserts the inbox row of a first receipt and returns it, locked by the inserting transaction until it ends:
    /// parameters {0} message id, {1} consumer id, {2} lock id, {3} received. Returns nothing when the row exists
    /// (a redelivery), after waiting for a concurrent inserter's transaction to end.
    /// </summary>
    public static string InsertInboxRow(DbContext db)
    {
        var names = StoreNames.Of<InboxState>(db);
        return $$"""
            INSERT INTO {{names.Table}} ({{names.Column(nameof(InboxState.MessageId))}}, {{names.Column(nameof(InboxState.ConsumerId))}}, {{names.Column(nameof(InboxState.LockId))}}, {{names.Column(nameof(InboxState.Received))}}, {{names.Column(nameof(InboxState.ReceiveCount))}})
            VALUES ({0}, {1}, {2}, {3}, 1)
            ON CONFLICT DO NOTHING
            RETURNING {{SelectList<InboxState>(db)}}
            """;
    }

    /// <summary>Claims the oldest outbox that no other delivery service holds.</summary>
    public static string NextOutbox(DbContext db)
    {
        var names = StoreNames.Of<OutboxState>(db);
        return $"""SELECT * FROM {names.Table} ORDER BY {names.Column(nameof(OutboxState.Created))} LIMIT 1 FOR UPDATE SKIP LOCKED""";
    }

    /// <summary>Claims one outbox by id (parameter {0}) unless another delivery holds it.</summary>
    public static string OutboxById(DbContext db)
    {
        var names = StoreNames.Of<OutboxState>(db);
        return $$"""SELECT * FROM {{names.Table}} WHERE {{names.Column(nameof(OutboxState.OutboxId))}} = {0} FOR UPDATE SKIP LOCKED""";
    }

    /// <summary>Locks one saga row by correlation id: parameter {0}.</summary>
    public static string SagaRow<TSaga>(DbContext db, string keyProperty)
        where TSaga : class
    {
        var names = StoreNames.Of<TSaga>(db);
        return $$"""SELECT {{SelectList<TSaga>(db)}} FROM {{names.Table}} WHERE {{names.Column(keyProperty)}} = {0} FOR UPDATE""";
    }

    // PostgreSQL's * leaves out system columns, but EF needs every mapped one back from FromSql: a row version
    // mapped to xmin must be named.
    private static string SelectList<T>(DbContext db)
        where T : class
    {
        var names = StoreNames.Of<T>(db);
        var system = names.Entity.GetProperties()
            .Where(p => p.GetColumnName(names.StoreObject) is { } column && SystemColumns.Contains(column))
            .Select(p => $", {names.Column(p.Name)}");
        return "*" + string.Concat(system);
    }
}
