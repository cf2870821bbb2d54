using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Npgsql;

namespace Pipeline.EntityFrameworkOutbox;

/// <summary>
/// Writes a consume step's captured messages in one batch of prepared inserts on the step's connection and
/// transaction, and gives each its sequence number. Through EF's change tracker the same rows were the largest share
/// of what the pipeline allocated (column modifications, parameters and SQL generated anew for every row of every
/// save); columns and conversions still come from the EF model.
/// </summary>
internal static class OutboxMessageInserter
{
    private static readonly ConditionalWeakTable<IModel, Shape> Shapes = new();

    public static async Task InsertAsync(DbContext db, IReadOnlyList<OutboxMessage> messages, CancellationToken cancellationToken)
    {
        if (messages.Count == 0)
            return;

        var shape = Shapes.GetValue(db.Model, static model => new Shape(model));
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        var transaction = (NpgsqlTransaction?)db.Database.CurrentTransaction?.GetDbTransaction();
        await using var batch = new NpgsqlBatch(connection, transaction);
        foreach (var message in messages)
            batch.BatchCommands.Add(shape.Insert(message));

        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        foreach (var message in messages)
        {
            if (!await reader.ReadAsync(cancellationToken))
                throw new InvalidOperationException("An outbox message insert returned no sequence number.");
            message.SequenceNumber = reader.GetInt64(0);
            await reader.NextResultAsync(cancellationToken);
        }
    }

    /// <summary>The insert statement and its columns for one model: every stored property but the generated sequence number.</summary>
    private sealed class Shape
    {
        private readonly (IProperty Property, ValueConverter? Converter)[] _columns;
        private readonly string _sql;

        public Shape(IModel model)
        {
            var names = StoreNames.Of<OutboxMessage>(model);
            _columns = names.Entity.GetProperties()
                .Where(p => p.PropertyInfo is not null && p.ValueGenerated == ValueGenerated.Never)
                .Select(p => (p, p.GetTypeMapping().Converter))
                .ToArray();
            var columns = string.Join(", ", _columns.Select(c => names.Column(c.Property.Name)));
            var values = string.Join(", ", _columns.Select((_, i) => $"${i + 1}"));
            _sql = $"INSERT INTO {names.Table} ({columns}) VALUES ({values}) RETURNING {names.Column(nameof(OutboxMessage.SequenceNumber))}";
        }

        public NpgsqlBatchCommand Insert(OutboxMessage message)
        {
            var command = new NpgsqlBatchCommand(_sql);
            foreach (var (property, converter) in _columns)
            {
                var value = property.GetGetter().GetClrValue(message);
                if (value is not null && converter is not null)
                    value = converter.ConvertToProvider(value);
                command.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
            }

            return command;
        }
    }
}
