using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Pipeline.EntityFrameworkOutbox;

/// <summary>Recognises the failures that mean "another message changed this saga first": worth running the message again.</summary>
internal static class SagaConflicts
{
    public static bool IsConflict(Exception exception)
    {
        // State machines and EF wrap the database error; any level of the chain decides.
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is DbUpdateConcurrencyException)
                return true;
            if (current is PostgresException
                {
                    SqlState: PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected,
                })
                return true;
        }

        return false;
    }
}
