using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;
using Pipeline.EntityFrameworkOutbox;

namespace Pipeline.Components.Tests.EntityFrameworkOutbox;

/// <summary>
/// Fails the inbox-row insert of one message (by id), once, after the server has taken the row's claim: an
/// <c>AFTER INSERT</c> trigger runs at the end of the statement, after the claim's <c>pg_advisory_lock</c>, and raises,
/// so the client sees the statement fail although its session holds the lock (as when a consume is cancelled while
/// the insert's reply is on its way). Done in the database, it reaches the statement however the outbox sends it.
/// Then counts the sessions holding an inbox claim at the moment the failed consume hands its connection back to the
/// pool: counted later, a reuse of the connection would have reset the session and hidden a claim it kept.
/// </summary>
internal sealed class FailAfterInboxInsert(string connectionString) : DbConnectionInterceptor, IDbTransactionInterceptor
{
    private const string Function = "test_fail_after_inbox_insert";
    private const string Once = "test_fail_after_inbox_insert_once";

    private readonly TaskCompletionSource<int> _holdersAtReturn = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private DbContext? _failed;
    private int _counted;

    /// <summary>How many sessions held an inbox claim as the failed consume closed its connection.</summary>
    public Task<int> ClaimHoldersAtReturn => _holdersAtReturn.Task;

    /// <summary>Makes the next inbox insert of <paramref name="messageId"/> fail after it has taken its claim, once.</summary>
    public async Task ArmAsync(DbContext db, Guid messageId)
    {
        var inbox = StoreNames.Of<InboxState>(db);
        // A sequence is not rolled back with the failing statement: the redelivery's insert goes through.
        await ExecuteAsync($$"""
            CREATE SEQUENCE IF NOT EXISTS {{Once}};
            CREATE OR REPLACE FUNCTION {{Function}}() RETURNS trigger LANGUAGE plpgsql AS $f$
            BEGIN
                IF NEW.{{inbox.Column(nameof(InboxState.MessageId))}} = '{{messageId}}' AND nextval('{{Once}}') = 1 THEN
                    RAISE EXCEPTION 'inbox insert failed after its claim (injected by the test)';
                END IF;
                RETURN NEW;
            END $f$;
            DROP TRIGGER IF EXISTS {{Function}} ON {{inbox.Table}};
            CREATE TRIGGER {{Function}} AFTER INSERT ON {{inbox.Table}} FOR EACH ROW EXECUTE FUNCTION {{Function}}();
            """);
    }

    /// <summary>Removes the trigger.</summary>
    public async Task DisarmAsync(DbContext db) =>
        await ExecuteAsync($"DROP TRIGGER IF EXISTS {Function} ON {StoreNames.Of<InboxState>(db).Table}; DROP FUNCTION IF EXISTS {Function}(); DROP SEQUENCE IF EXISTS {Once};");

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        // The failed insert's step rolls back; the same context's next close ends that consume.
        Interlocked.CompareExchange(ref _failed, eventData.Context, null);
        return Task.CompletedTask;
    }

    public override async ValueTask<InterceptionResult> ConnectionClosingAsync(DbConnection connection, ConnectionEventData eventData, InterceptionResult result)
    {
        if (_failed is null || !ReferenceEquals(eventData.Context, _failed) || Interlocked.Exchange(ref _counted, 1) == 1)
            return result;

        try
        {
            _holdersAtReturn.TrySetResult(await SessionsHoldingAClaimAsync());
        }
        catch (Exception e)
        {
            _holdersAtReturn.TrySetException(e);
        }

        return result;
    }

    private async Task<int> SessionsHoldingAClaimAsync()
    {
        // A pool of its own: the host's would hand out idle connections of the consume's, resetting them. Only one
        // message is in flight, so any inbox claim held now is the failed consume's.
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var command = dataSource.CreateCommand(
            "SELECT count(*)::int FROM pg_locks WHERE locktype = 'advisory' AND objsubid = 2 AND classid::bigint = $1 "
            + "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())");
        command.Parameters.Add(new NpgsqlParameter { Value = (long)InboxClaim.For(Guid.Empty, Guid.Empty).Space });
        return (int)(await command.ExecuteScalarAsync())!;
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var command = dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }
}
