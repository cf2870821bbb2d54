using MassTransit;
using MassTransit.Clients;
using MassTransit.DependencyInjection;
using MassTransit.Middleware;
using MassTransit.Middleware.Outbox;
using MassTransit.Serialization;
using MassTransit.Transports;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace Pipeline.EntityFrameworkOutbox;

/// <summary>
/// The bus outbox for code outside a consumer (an API handler): the scoped publish and send endpoints write
/// <see cref="OutboxState"/> and <see cref="OutboxMessage"/> rows into the scoped DbContext, so the application's own
/// <c>SaveChanges</c> commits them with its rows; once committed, they are delivered (see <see cref="ICommittedOutboxes"/>).
/// </summary>
public sealed class EntityFrameworkScopedBusContext<TBus, TDbContext> : ScopedBusContext, OutboxSendContext, IDisposable
    where TBus : class, IBus
    where TDbContext : DbContext
{
    private readonly TBus _bus;
    private readonly IClientFactory _clientFactory;
    private readonly TDbContext _db;
    private readonly ICommittedOutboxes _committed;
    private readonly OutboxTransactionCommitInterceptor _commits;
    private readonly TimeProvider _time;
    private readonly IServiceProvider _provider;
    private OutboxState? _outboxState;
    private List<OutboxMessage> _outboxMessages = [];
    private IPublishEndpoint? _publishEndpoint;
    private ISendEndpointProvider? _sendEndpointProvider;
    private IScopedClientFactory? _scopedClientFactory;

    public EntityFrameworkScopedBusContext(TBus bus, TDbContext db, ICommittedOutboxes committed, OutboxTransactionCommitInterceptor commits,
        IClientFactory clientFactory, TimeProvider time, IServiceProvider provider)
    {
        _time = time;
        _bus = bus;
        _db = db;
        _committed = committed;
        _commits = commits;
        _clientFactory = clientFactory;
        _provider = provider;
        // Wake the delivery service the moment the application's transaction commits, not at the next poll.
        _db.SavedChanges += OnSavedChanges;
    }

    public ISendEndpointProvider SendEndpointProvider => _sendEndpointProvider ??= new OutboxSendEndpointProvider(this, _bus);

    public IPublishEndpoint PublishEndpoint => _publishEndpoint ??= new PublishEndpoint(new OutboxPublishEndpointProvider(this, _bus));

    public IScopedClientFactory ClientFactory =>
        _scopedClientFactory ??= new ScopedClientFactory(new ClientFactory(new ScopedClientFactoryContext(_clientFactory, _provider)), null);

    public Task AddSend<T>(SendContext<T> context)
        where T : class
    {
        var set = _db.Set<OutboxState>();
        Guid outboxId;
        lock (set)
        {
            // An outbox takes messages only while its row is still to be inserted. Once saved, or dropped with the rest
            // of a failed unit of work (ChangeTracker.Clear before a retry), the next message starts a new outbox with
            // its own row: a message under an outbox id without a row to claim is never delivered.
            if (_outboxState is null || StateOf(_outboxState) != EntityState.Added)
            {
                // Marked with the on-commit delivery's hold, if this process has one: no other deliverer takes it meanwhile.
                _outboxState = new OutboxState { OutboxId = NewId.NextGuid(), Created = _time.GetUtcNow().UtcDateTime, LockId = _committed.Holder };
                _outboxMessages = [];
                _db.Add(_outboxState);
            }

            outboxId = _outboxState.OutboxId;
            var message = _db.Set<OutboxMessage>().AddSend(context, SystemTextJsonMessageSerializer.Instance, outboxId: outboxId);
            // Kept with its outbox, to be sent from memory once the outbox commits.
            _outboxMessages.Add(message);
        }

        return Task.CompletedTask;
    }

    public object? GetService(Type serviceType) => _provider.GetService(serviceType);

    public void Dispose()
    {
        _db.SavedChanges -= OnSavedChanges;
        _commits.Forget(_db);
        _outboxState = null;
    }

    private void OnSavedChanges(object? sender, SavedChangesEventArgs e)
    {
        if (_outboxState is null || StateOf(_outboxState) != EntityState.Unchanged)
            return;

        // Without an explicit transaction SaveChanges has committed already; inside one, the rows become visible
        // (and deliverable) only when it commits.
        if (_db.Database.CurrentTransaction is null)
            _committed.Committed(_outboxState, _outboxMessages);
        else
            _commits.ReportOnCommit(_db, _outboxState, _outboxMessages);
    }

    /// <summary>
    /// Asked of the context each time, not of an <see cref="EntityEntry"/> kept from <c>Add</c>: after
    /// <c>ChangeTracker.Clear</c> such an entry still shows the state it last had.
    /// </summary>
    private EntityState StateOf(OutboxState outbox) => _db.Entry(outbox).State;
}
