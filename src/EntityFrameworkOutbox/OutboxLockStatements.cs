using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Npgsql;

namespace Pipeline.EntityFrameworkOutbox;

/// <summary>
/// PostgreSQL row-lock statements, with table and column names read from the EF model (naming conventions apply),
/// built once per model: built per message, they were ~2 % of everything the pipeline allocated.
/// </summary>
internal static class OutboxLockStatements
{
    private static readonly ConditionalWeakTable<IModel, ConcurrentDictionary<(string Statement, Type? Entity, string? Key), string>> Statements = new();

    private static readonly HashSet<string> SystemColumns = new(StringComparer.Ordinal) { "xmin", "xmax", "cmin", "cmax", "ctid", "tableoid" };

    /// <summary>
    /// Locks one inbox row by (message id, consumer id): parameters {0} and {1}; {2} and {3} are its claim's keys
    /// (<see cref="InboxClaim"/>). The claim is waited for first: the row is only locked once the row comes out of the
    /// join with the claim, so whoever delivers a consumer's outbox from memory is never waited for by a holder of the
    /// row lock it needs to finish.
    /// </summary>
    public static string InboxRow(DbContext db)
        => Memoized(db, nameof(InboxRow), static (db, _) =>
        {
            var names = StoreNames.Of<InboxState>(db);
            return $$"""
                SELECT inbox.* FROM (SELECT pg_advisory_xact_lock({2}, {3})) AS claim, {{names.Table}} AS inbox
                WHERE inbox.{{names.Column(nameof(InboxState.MessageId))}} = {0} AND inbox.{{names.Column(nameof(InboxState.ConsumerId))}} = {1}
                FOR UPDATE OF inbox
                """;
        });

    /// <summary>
    /// Inserts the inbox row of a first receipt and returns its id, the row locked by the inserting transaction until it
    /// ends, and takes the row's claim (<see cref="InboxClaim"/>) for the session: positional parameters $1 message id,
    /// $2 consumer id, $3 lock id, $4 received, $5 and $6 the claim's keys. Returns nothing and claims nothing when the
    /// row exists (a redelivery), after waiting for a concurrent inserter's transaction to end.
    /// </summary>
    public static string InsertInboxRow(DbContext db)
        => Memoized(db, nameof(InsertInboxRow), static (db, _) =>
        {
            var names = StoreNames.Of<InboxState>(db);
            var id = names.Column(nameof(InboxState.Id));
            // The claim is taken per inserted row (LATERAL over the insert's result), so a conflicting insert takes none.
            return $$"""
                WITH inserted AS (
                    INSERT INTO {{names.Table}} ({{names.Column(nameof(InboxState.MessageId))}}, {{names.Column(nameof(InboxState.ConsumerId))}}, {{names.Column(nameof(InboxState.LockId))}}, {{names.Column(nameof(InboxState.Received))}}, {{names.Column(nameof(InboxState.ReceiveCount))}})
                    VALUES ($1, $2, $3, $4, 1)
                    ON CONFLICT DO NOTHING
                    RETURNING {{id}})
                SELECT inserted.{{id}} FROM inserted
                CROSS JOIN LATERAL (SELECT pg_advisory_lock($5, $6) WHERE inserted.{{id}} IS NOT NULL) AS claim
                """;
        });

    /// <summary>
    /// Records how far an outbox delivered from memory got: positional parameters $1 message id, $2 consumer id,
    /// $3 delivered (null while messages are left), $4 the last sequence number sent (null when nothing was captured).
    /// With <see cref="RemoveInboxMessages"/> and <see cref="ReleaseInboxClaim"/> it finishes the delivery in one
    /// round trip.
    /// </summary>
    public static string RecordInboxProgress(DbContext db)
        => Memoized(db, nameof(RecordInboxProgress), static (db, _) =>
        {
            var inbox = StoreNames.Of<InboxState>(db);
            return $$"""
                UPDATE {{inbox.Table}} SET {{inbox.Column(nameof(InboxState.Delivered))}} = $3, {{inbox.Column(nameof(InboxState.LastSequenceNumber))}} = $4
                WHERE {{inbox.Column(nameof(InboxState.MessageId))}} = $1 AND {{inbox.Column(nameof(InboxState.ConsumerId))}} = $2
                """;
        });

    /// <summary>Removes the stored messages of one inbox row's outbox: positional parameters $1 message id, $2 consumer id.</summary>
    public static string RemoveInboxMessages(DbContext db)
        => Memoized(db, nameof(RemoveInboxMessages), static (db, _) =>
        {
            var messages = StoreNames.Of<OutboxMessage>(db);
            return $"DELETE FROM {messages.Table} WHERE {messages.Column(nameof(OutboxMessage.InboxMessageId))} = $1 AND {messages.Column(nameof(OutboxMessage.InboxConsumerId))} = $2";
        });

    /// <summary>Releases an inbox row's claim: parameters {0} and {1}, its keys.</summary>
    public static NpgsqlBatchCommand ReleaseInboxClaim(InboxClaim claim) => new("SELECT pg_advisory_unlock($1, $2)")
    {
        Parameters = { new NpgsqlParameter<int> { TypedValue = claim.Space }, new NpgsqlParameter<int> { TypedValue = claim.Key } },
    };

    /// <summary>
    /// Claims the oldest outbox that no other delivery holds: not locked by another claim, and not held by the process
    /// that committed it (marked by its on-commit delivery) unless created before parameter {0}, when the hold has passed.
    /// </summary>
    public static string NextOutbox(DbContext db)
        => Memoized(db, nameof(NextOutbox), static (db, _) =>
        {
            var names = StoreNames.Of<OutboxState>(db);
            var created = names.Column(nameof(OutboxState.Created));
            return $$"""
                SELECT * FROM {{names.Table}}
                WHERE {{names.Column(nameof(OutboxState.LockId))}} = '{{Guid.Empty}}' OR {{created}} < {0}
                ORDER BY {{created}} LIMIT 1 FOR UPDATE SKIP LOCKED
                """;
        });

    /// <summary>Claims one outbox by id (parameter {0}) unless another delivery holds it.</summary>
    public static string OutboxById(DbContext db)
        => Memoized(db, nameof(OutboxById), static (db, _) =>
        {
            var names = StoreNames.Of<OutboxState>(db);
            return $$"""SELECT * FROM {{names.Table}} WHERE {{names.Column(nameof(OutboxState.OutboxId))}} = {0} FOR UPDATE SKIP LOCKED""";
        });

    /// <summary>
    /// Claims one outbox by id (positional parameter $1) unless another delivery holds it, and removes it, its messages and its
    /// row, in one round trip; affects one row when it claimed the outbox, none otherwise. Removed before the messages
    /// are sent, in the delivery's transaction: the removal stays invisible, and the rows locked, until the sends
    /// are confirmed and it commits; a failed send rolls it back.
    /// </summary>
    public static string ClaimAndRemoveOutbox(DbContext db)
        => Memoized(db, nameof(ClaimAndRemoveOutbox), static (db, _) =>
        {
            var messages = StoreNames.Of<OutboxMessage>(db);
            var state = StoreNames.Of<OutboxState>(db);
            var id = state.Column(nameof(OutboxState.OutboxId));
            return $$"""
                WITH claimed AS (SELECT {{id}} FROM {{state.Table}} WHERE {{id}} = $1 FOR UPDATE SKIP LOCKED),
                removed AS (DELETE FROM {{messages.Table}} WHERE {{messages.Column(nameof(OutboxMessage.OutboxId))}} IN (SELECT {{id}} FROM claimed))
                DELETE FROM {{state.Table}} WHERE {{id}} IN (SELECT {{id}} FROM claimed)
                """;
        });

    /// <summary>
    /// Removes one outbox (positional parameter $1), its messages and its row, in one statement and so all or nothing:
    /// what its holder runs once the messages it sent from memory are confirmed.
    /// </summary>
    public static string RemoveOutbox(DbContext db)
        => Memoized(db, nameof(RemoveOutbox), static (db, _) =>
        {
            var messages = StoreNames.Of<OutboxMessage>(db);
            var state = StoreNames.Of<OutboxState>(db);
            return $$"""
                WITH removed AS (DELETE FROM {{messages.Table}} WHERE {{messages.Column(nameof(OutboxMessage.OutboxId))}} = $1)
                DELETE FROM {{state.Table}} WHERE {{state.Column(nameof(OutboxState.OutboxId))}} = $1
                """;
        });

    /// <summary>Gives up its holder's mark on one outbox (positional parameter $1): the delivery service may take it at once.</summary>
    public static string ReleaseOutbox(DbContext db)
        => Memoized(db, nameof(ReleaseOutbox), static (db, _) =>
        {
            var state = StoreNames.Of<OutboxState>(db);
            return $$"""UPDATE {{state.Table}} SET {{state.Column(nameof(OutboxState.LockId))}} = '{{Guid.Empty}}' WHERE {{state.Column(nameof(OutboxState.OutboxId))}} = $1""";
        });

    /// <summary>Locks one saga row by correlation id: parameter {0}.</summary>
    public static string SagaRow<TSaga>(DbContext db, string keyProperty)
        where TSaga : class =>
        Memoized(db, nameof(SagaRow), static (db, keyProperty) =>
        {
            var names = StoreNames.Of<TSaga>(db);
            return $$"""SELECT {{SelectList<TSaga>(db)}} FROM {{names.Table}} WHERE {{names.Column(keyProperty!)}} = {0} FOR UPDATE""";
        }, typeof(TSaga), keyProperty);

    /// <summary>The statement built by <paramref name="build"/> for this model (and <paramref name="entity"/>, <paramref name="key"/>), built once.</summary>
    private static string Memoized(DbContext db, string statement, Func<DbContext, string?, string> build, Type? entity = null, string? key = null) =>
        Statements.GetValue(db.Model, static _ => new ConcurrentDictionary<(string, Type?, string?), string>())
            .GetOrAdd((statement, entity, key), static (id, state) => state.build(state.db, id.Key), (build, db));

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
