using System.Diagnostics.CodeAnalysis;
using System.Text;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Update;
using Npgsql.EntityFrameworkCore.PostgreSQL.Update.Internal;

namespace Pipeline.EntityFrameworkOutbox;

/// <summary>
/// Writes a saga instance's insert as <c>INSERT … ON CONFLICT (key) DO NOTHING RETURNING …</c>. A message that finds
/// its instance already written (a served run's outcome that overtook its request, two first messages at once) then
/// gets no row back instead of a unique violation, and EF reports the missing row as a concurrency failure: the same
/// lost race the repository and the endpoint's retry already handle (<see cref="SagaConflicts"/>), rolled back and run
/// again against the winner's row, but without EF logging a failed command and save at error level for what is an
/// expected race. Only the key is a conflict target, so any other unique constraint still fails as before. Only inside
/// a transaction the application holds (a consume step's), which rolls the whole step back on that failure: EF finds
/// the missing row in the client after the batch has run, so outside one (a save of inserts in one implicit
/// transaction, such as the API's request with its saga row) the other rows would already be committed. There a plain
/// insert fails on the key and the server rolls the batch back. Written here because neither EF Core nor the provider
/// has a conflict clause for <c>SaveChanges</c>.
/// </summary>
[SuppressMessage("Usage", "EF1001", Justification = "The provider's generator is the one to extend; only a saga insert's conflict clause changes.")]
internal sealed class SagaInsertSqlGenerator(UpdateSqlGeneratorDependencies dependencies) : NpgsqlUpdateSqlGenerator(dependencies)
{
    public override ResultSetMapping AppendInsertOperation(
        StringBuilder commandStringBuilder, IReadOnlyModificationCommand command, int commandPosition, bool overridingSystemValue, out bool requiresTransaction)
    {
        // Every other row's insert goes to the provider before anything is collected: this runs for each insert saved.
        if (overridingSystemValue || command.Table?.PrimaryKey is not { } key
            || command.Entries.FirstOrDefault(e => typeof(ISaga).IsAssignableFrom(e.EntityType.ClrType)) is not { } saga
            || saga.Context.Database.CurrentTransaction is null)
            return base.AppendInsertOperation(commandStringBuilder, command, commandPosition, overridingSystemValue, out requiresTransaction);

        // EF sees a skipped insert only by the row it reads back (the saga's xmin): without one, insert as before.
        var readOperations = command.ColumnModifications.Where(o => o.IsRead).ToList();
        if (readOperations.Count == 0)
            return base.AppendInsertOperation(commandStringBuilder, command, commandPosition, overridingSystemValue, out requiresTransaction);

        var writeOperations = command.ColumnModifications.Where(o => o.IsWrite).ToList();
        AppendInsertCommandHeader(commandStringBuilder, command.TableName, command.Schema, writeOperations);
        AppendValuesHeader(commandStringBuilder, writeOperations);
        AppendValues(commandStringBuilder, command.TableName, command.Schema, writeOperations);
        commandStringBuilder.AppendLine().Append("ON CONFLICT (");
        commandStringBuilder.AppendJoin(", ", key.Columns.Select(c => SqlGenerationHelper.DelimitIdentifier(c.Name)));
        commandStringBuilder.Append(") DO NOTHING");
        AppendReturningClause(commandStringBuilder, readOperations);
        commandStringBuilder.AppendLine(SqlGenerationHelper.StatementTerminator);
        requiresTransaction = true;
        return ResultSetMapping.LastInResultSet;
    }
}

/// <summary>Registers <see cref="SagaInsertSqlGenerator"/> for a context that holds saga instances.</summary>
public static class SagaInsertOptionsExtensions
{
    /// <summary>Saga instances are inserted skipping a row another message wrote first, reported as a lost race.</summary>
    public static DbContextOptionsBuilder InsertSagaInstancesSkippingExisting(this DbContextOptionsBuilder options) =>
        options.ReplaceService<IUpdateSqlGenerator, SagaInsertSqlGenerator>();
}
