using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Pipeline.Infrastructure.EntityFrameworkOutbox;

/// <summary>PostgreSQL row-lock statements, with table and column names read from the EF model (naming conventions apply).</summary>
internal static class OutboxLockStatements
{
    private static readonly HashSet<string> SystemColumns = new(StringComparer.Ordinal) { "xmin", "xmax", "cmin", "cmax", "ctid", "tableoid" };

    /// <summary>Locks one inbox row by (message id, consumer id): parameters {0} and {1}.</summary>
    public static string InboxRow(DbContext db)
    {
        var (table, column) = Names<InboxState>(db);
        return $$"""SELECT * FROM {{table}} WHERE "{{column(nameof(InboxState.MessageId))}}" = {0} AND "{{column(nameof(InboxState.ConsumerId))}}" = {1} FOR UPDATE""";
    }

    /// <summary>
    /// Inserts the inbox row of a first receipt and returns it, locked by the inserting transaction until it ends:
    /// parameters {0} message id, {1} consumer id, {2} lock id, {3} received. Returns nothing when the row exists
    /// (a redelivery), after waiting for a concurrent inserter's transaction to end.
    /// </summary>
    public static string InsertInboxRow(DbContext db)
    {
        var (table, column) = Names<InboxState>(db);
        return $$"""
            INSERT INTO {{table}} ("{{column(nameof(InboxState.MessageId))}}", "{{column(nameof(InboxState.ConsumerId))}}", "{{column(nameof(InboxState.LockId))}}", "{{column(nameof(InboxState.Received))}}", "{{column(nameof(InboxState.ReceiveCount))}}")
            VALUES ({0}, {1}, {2}, {3}, 1)
            ON CONFLICT DO NOTHING
            RETURNING {{SelectList<InboxState>(db)}}
            """;
    }

    /// <summary>Claims the oldest outbox that no other delivery service holds.</summary>
    public static string NextOutbox(DbContext db)
    {
        var (table, column) = Names<OutboxState>(db);
        return $"""SELECT * FROM {table} ORDER BY "{column(nameof(OutboxState.Created))}" LIMIT 1 FOR UPDATE SKIP LOCKED""";
    }

    /// <summary>Claims one outbox by id (parameter {0}) unless another delivery holds it.</summary>
    public static string OutboxById(DbContext db)
    {
        var (table, column) = Names<OutboxState>(db);
        return $$"""SELECT * FROM {{table}} WHERE "{{column(nameof(OutboxState.OutboxId))}}" = {0} FOR UPDATE SKIP LOCKED""";
    }

    /// <summary>Locks one saga row by correlation id: parameter {0}.</summary>
    public static string SagaRow<TSaga>(DbContext db, string keyProperty)
        where TSaga : class
    {
        var (table, column) = Names<TSaga>(db);
        return $$"""SELECT {{SelectList<TSaga>(db)}} FROM {{table}} WHERE "{{column(keyProperty)}}" = {0} FOR UPDATE""";
    }

    // PostgreSQL's * leaves out system columns, but EF needs every mapped one back from FromSql: a row version
    // mapped to xmin must be named.
    private static string SelectList<T>(DbContext db)
        where T : class
    {
        var entity = db.Model.FindEntityType(typeof(T))!;
        var store = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        var system = entity.GetProperties()
            .Select(p => p.GetColumnName(store))
            .Where(c => c is not null && SystemColumns.Contains(c))
            .Select(c => $", \"{c}\"");
        return "*" + string.Concat(system);
    }

    private static (string Table, Func<string, string> Column) Names<T>(DbContext db)
        where T : class
    {
        var entity = db.Model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not mapped in {db.GetType().Name}.");
        var tableName = entity.GetTableName()!;
        var schema = entity.GetSchema();
        var store = StoreObjectIdentifier.Table(tableName, schema);
        var table = schema is null ? $"\"{tableName}\"" : $"\"{schema}\".\"{tableName}\"";
        return (table, property => entity.FindProperty(property)!.GetColumnName(store)!);
    }
}
