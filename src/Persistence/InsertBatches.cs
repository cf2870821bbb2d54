using System.Diagnostics.CodeAnalysis;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Update;
using Npgsql.EntityFrameworkCore.PostgreSQL.Infrastructure.Internal;
using Npgsql.EntityFrameworkCore.PostgreSQL.Update.Internal;

namespace Pipeline.Persistence;

/// <summary>
/// Lets a <c>SaveChanges</c> that is one batch of inserts run without EF's own transaction: one round trip where
/// <c>BEGIN</c> with the batch, then <c>COMMIT</c>, were two. What keeps it all or nothing is the protocol: Npgsql sends
/// a batch with one Sync at its end, and PostgreSQL runs everything before a Sync outside an explicit transaction as one
/// implicit transaction, so a failing insert rolls back the ones before it and skips the rest. EF asks for a
/// transaction for any batch of more than one statement because that does not hold for every database. Only inserts:
/// an update or delete checks its affected rows in the client after the batch has run, and a concurrency failure
/// found there must still roll back the batch, which only a transaction EF holds can do. Several batches, or a
/// transaction the application holds, go EF's way unchanged. Written here because the provider has no setting for it
/// (EF Core issue 27532 discusses the round trips a transaction costs).
/// </summary>
[SuppressMessage("Usage", "EF1001", Justification = "The provider's batch is the one to extend; only its transaction rule changes.")]
internal sealed class InsertBatchFactory(ModificationCommandBatchFactoryDependencies dependencies, IDbContextOptions options) : IModificationCommandBatchFactory
{
    /// <summary>The provider's own bound on statements per batch, applied as it applies it.</summary>
    private const int ProviderMaxBatchSize = 1000;

    private readonly int _maxBatchSize = Math.Min(options.FindExtension<NpgsqlOptionsExtension>()?.MaxBatchSize ?? ProviderMaxBatchSize, ProviderMaxBatchSize);

    public ModificationCommandBatch Create() => new InsertBatch(dependencies, _maxBatchSize);

    private sealed class InsertBatch(ModificationCommandBatchFactoryDependencies dependencies, int maxBatchSize)
        : NpgsqlModificationCommandBatch(dependencies, maxBatchSize)
    {
        private bool _insertsOnly = true;
        private bool _firstNeedsTransaction;

        protected override void AddCommand(IReadOnlyModificationCommand modificationCommand)
        {
            var first = ModificationCommands.Count == 0;
            base.AddCommand(modificationCommand);
            // The base rule is "more than one statement, or a statement that needs one"; the first command's own need
            // is all it says alone. Npgsql writes every insert as one INSERT … RETURNING, which needs none.
            if (first)
                _firstNeedsTransaction = RequiresTransaction;
            _insertsOnly &= modificationCommand.EntityState == EntityState.Added;
            if (_insertsOnly && !_firstNeedsTransaction)
                SetRequiresTransaction(false);
        }
    }
}
