using MassTransit;
using MassTransit.Clients;
using MassTransit.DependencyInjection;
using MassTransit.Middleware;
using MassTransit.Middleware.Outbox;
using MassTransit.Serialization;
using MassTransit.Transports;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace Pipeline.Infrastructure.EntityFrameworkOutbox;

/// <summary>
/// The bus outbox for code outside a consumer (an API handler): the scoped publish and send endpoints write
/// <see cref="OutboxState"/> and <see cref="OutboxMessage"/> rows into the scoped DbContext, so the application's own
/// <c>SaveChanges</c> commits them with its rows; once committed, the delivery service is woken.
/// </summary>
public sealed class EntityFrameworkScopedBusContext<TBus, TDbContext> : ScopedBusContext, OutboxSendContext, IDisposable
    where TBus : class, IBus
    where TDbContext : DbContext
{
    private readonly TBus _bus;
    private readonly IClientFactory _clientFactory;
    private readonly TDbContext _db;
    private readonly IBusOutboxNotification _notification;
    private readonly OutboxTransactionCommitInterceptor _commits;
    private readonly IServiceProvider _provider;
    private Guid _outboxId = NewId.NextGuid();
    private EntityEntry<OutboxState>? _outboxState;
    private IPublishEndpoint? _publishEndpoint;
    private ISendEndpointProvider? _sendEndpointProvider;
    private IScopedClientFactory? _scopedClientFactory;

    public EntityFrameworkScopedBusContext(TBus bus, TDbContext db, IBusOutboxNotification notification, OutboxTransactionCommitInterceptor commits,
        IClientFactory clientFactory, IServiceProvider provider)
    {
        _bus = bus;
        _db = db;
        _notification = notification;
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
        lock (set)
        {
            if (WasSaved())
            {
                // A new unit of work in the same scope starts a new outbox.
                _outboxId = NewId.NextGuid();
                _outboxState = null;
            }

            _outboxState ??= _db.Add(new OutboxState { OutboxId = _outboxId, Created = DateTime.UtcNow });
        }

        return _db.Set<OutboxMessage>().AddSend(context, SystemTextJsonMessageSerializer.Instance, outboxId: _outboxId);
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
        if (!WasSaved())
            return;

        // Without an explicit transaction SaveChanges has committed already; inside one, the rows become visible
        // (and worth a wake-up) only when it commits.
        if (_db.Database.CurrentTransaction is null)
            _notification.Delivered();
        else
            _commits.WakeOnCommit(_db);
    }

    private bool WasSaved() => _outboxState?.State == EntityState.Unchanged;
}
