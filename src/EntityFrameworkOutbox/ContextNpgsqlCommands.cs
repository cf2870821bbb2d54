using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Pipeline.EntityFrameworkOutbox;

/// <summary>
/// Npgsql commands on a context's own connection and in its current transaction, for the per-message statements whose
/// cost EF's raw-SQL path (query cache, parameter rewriting, materializer) would only add to.
/// </summary>
internal static class ContextNpgsqlCommands
{
    public static NpgsqlCommand CreateNpgsqlCommand(this DatabaseFacade database, string sql) =>
        new(sql, (NpgsqlConnection)database.GetDbConnection(), CurrentTransaction(database));

    public static NpgsqlBatch CreateNpgsqlBatch(this DatabaseFacade database) =>
        new((NpgsqlConnection)database.GetDbConnection(), CurrentTransaction(database));

    private static NpgsqlTransaction? CurrentTransaction(DatabaseFacade database) =>
        (NpgsqlTransaction?)database.CurrentTransaction?.GetDbTransaction();
}
