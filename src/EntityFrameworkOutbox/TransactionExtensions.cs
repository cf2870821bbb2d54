using Microsoft.EntityFrameworkCore.Storage;

namespace Pipeline.EntityFrameworkOutbox;

/// <summary>Rollback that never masks the failure that caused it.</summary>
internal static class TransactionExtensions
{
    public static async Task RollBackQuietlyAsync(this IDbContextTransaction transaction)
    {
        try
        {
            await transaction.RollbackAsync(CancellationToken.None);
        }
        catch (Exception)
        {
            // The connection may already be gone; the transaction is gone with it.
        }
    }
}
