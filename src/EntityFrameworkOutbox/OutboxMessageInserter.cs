using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Npgsql;

namespace Pipeline.EntityFrameworkOutbox;

/// <summary>
/// Writes a consume step's captured messages in one batch of prepared inserts on the step's connection and
/// transaction, and gives each its sequence number; the step's inbox row update, when there is one, goes in the same
/// batch (through EF's save it was a round trip of its own on every consumed message). Through EF's change tracker the
/// same rows were the largest share of what the pipeline allocated (column modifications, parameters and SQL generated
/// anew for every row of every save); columns and conversions still come from the EF model.
/// </summary>
internal static class OutboxMessageInserter
{
    private static readonly ConditionalWeakTable<IModel, Shape> Shapes = new();

    /// <summary>
    /// Inserts <paramref name="messages"/>, updates <paramref name="inbox"/>'s row to its values and releases
    /// <paramref name="claim"/>, each when there is one; with <paramref name="commit"/>, ends the batch with the
    /// transaction's <c>COMMIT</c> (see <see cref="DbContextOutboxConsumeContext{TDbContext,TMessage}.SetConsumed"/>).
    /// </summary>
    public static async Task InsertAsync(DbContext db, IReadOnlyList<OutboxMessage> messages, InboxState? inbox, InboxClaim? claim,
        bool commit, CancellationToken cancellationToken)
    {
        if (messages.Count == 0 && inbox is null && claim is null && !commit)
            return;

        var shape = Shapes.GetValue(db.Model, static model => new Shape(model));
        await using var batch = db.Database.CreateNpgsqlBatch();
        foreach (var message in messages)
            batch.BatchCommands.Add(shape.Insert(message));
        // Last: the inserts' results are read in order below, and an update returns none.
        if (inbox is not null)
            batch.BatchCommands.Add(shape.Update(inbox));
        var update = batch.BatchCommands.Count - 1;
        if (claim is { } release)
            batch.BatchCommands.Add(OutboxLockStatements.ReleaseInboxClaim(release));
        // Last of all: a statement that fails makes the server skip the rest of the batch, COMMIT included, and leaves
        // the transaction failed for the step's rollback.
        if (commit)
            batch.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));

        await using (var reader = await batch.ExecuteReaderAsync(cancellationToken))
        {
            foreach (var message in messages)
            {
                if (!await reader.ReadAsync(cancellationToken))
                    throw new InvalidOperationException("An outbox message insert returned no sequence number.");
                message.SequenceNumber = reader.GetInt64(0);
                await reader.NextResultAsync(cancellationToken);
            }
        }

        // Read once the reader has gone through every result.
        if (inbox is not null && batch.BatchCommands[update].RecordsAffected != 1)
            throw new InvalidOperationException($"The inbox row of message {inbox.MessageId} was not there to update.");
    }

    /// <summary>
    /// The statements and their columns for one model: the message insert (every stored property but the generated
    /// sequence number) and the inbox row update (every stored property but the keys, by its key).
    /// </summary>
    private sealed class Shape
    {
        private readonly (IProperty Property, ValueConverter? Converter)[] _insertColumns;
        private readonly string _insert;
        private readonly (IProperty Property, ValueConverter? Converter)[] _updateColumns;
        private readonly string _update;

        public Shape(IModel model)
        {
            var messages = StoreNames.Of<OutboxMessage>(model);
            _insertColumns = Columns(messages, p => p.ValueGenerated == ValueGenerated.Never);
            var columns = string.Join(", ", _insertColumns.Select(c => messages.Column(c.Property.Name)));
            var values = string.Join(", ", _insertColumns.Select((_, i) => $"${i + 1}"));
            _insert = $"INSERT INTO {messages.Table} ({columns}) VALUES ({values}) RETURNING {messages.Column(nameof(OutboxMessage.SequenceNumber))}";

            var inbox = StoreNames.Of<InboxState>(model);
            // The set columns first, then the primary key's, as the parameters follow them.
            var keys = inbox.Entity.FindPrimaryKey()!.Properties;
            _updateColumns = Columns(inbox, p => !p.IsKey()).Concat(Columns(inbox, keys.Contains)).ToArray();
            var sets = string.Join(", ", _updateColumns.Take(_updateColumns.Length - keys.Count).Select((c, i) => $"{inbox.Column(c.Property.Name)} = ${i + 1}"));
            var where = string.Join(" AND ", keys.Select((k, i) => $"{inbox.Column(k.Name)} = ${_updateColumns.Length - keys.Count + i + 1}"));
            _update = $"UPDATE {inbox.Table} SET {sets} WHERE {where}";
        }

        public NpgsqlBatchCommand Insert(OutboxMessage message) => Command(_insert, _insertColumns, message);

        public NpgsqlBatchCommand Update(InboxState inbox) => Command(_update, _updateColumns, inbox);

        private static (IProperty Property, ValueConverter? Converter)[] Columns(StoreNames names, Func<IProperty, bool> include) =>
            names.Entity.GetProperties()
                .Where(p => p.PropertyInfo is not null && include(p))
                .Select(p => (p, p.GetTypeMapping().Converter))
                .ToArray();

        private static NpgsqlBatchCommand Command(string sql, (IProperty Property, ValueConverter? Converter)[] columns, object entity)
        {
            var command = new NpgsqlBatchCommand(sql);
            foreach (var (property, converter) in columns)
            {
                var value = property.GetGetter().GetClrValue(entity);
                if (value is not null && converter is not null)
                    value = converter.ConvertToProvider(value);
                command.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
            }

            return command;
        }
    }
}
