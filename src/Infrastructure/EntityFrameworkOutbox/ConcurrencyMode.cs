namespace Pipeline.Infrastructure.EntityFrameworkOutbox;

/// <summary>How saga rows are protected from concurrent updates.</summary>
public enum ConcurrencyMode
{
    /// <summary>Version column (PostgreSQL xmin); a conflicting update fails and the message is retried.</summary>
    Optimistic,

    /// <summary>The row is locked with <c>SELECT … FOR UPDATE</c> for the duration of the message.</summary>
    Pessimistic,
}
