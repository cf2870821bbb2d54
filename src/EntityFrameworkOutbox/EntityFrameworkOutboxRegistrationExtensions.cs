using MassTransit;
using MassTransit.Configuration;
using MassTransit.DependencyInjection;
using MassTransit.Middleware;
using MassTransit.Middleware.Outbox;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Pipeline.EntityFrameworkOutbox;

/// <summary>
/// Registration with the same names as MassTransit.EntityFrameworkCore, so that package could replace this folder:
/// <c>AddEntityFrameworkOutbox</c> on the bus, <c>UseEntityFrameworkOutbox</c> on an endpoint.
/// </summary>
public static class EntityFrameworkOutboxRegistrationExtensions
{
    public static void AddEntityFrameworkOutbox<TDbContext>(this IBusRegistrationConfigurator configurator, Action<EntityFrameworkOutboxConfigurator>? configure = null)
        where TDbContext : DbContext
    {
        var settings = new EntityFrameworkOutboxConfigurator();
        configure?.Invoke(settings);
        settings.Validate();

        configurator.TryAddScoped<IOutboxContextFactory<TDbContext>, EntityFrameworkOutboxContextFactory<TDbContext>>();
        configurator.AddOptions<EntityFrameworkOutboxOptions<TDbContext>>().Configure(o =>
        {
            o.IsolationLevel = settings.IsolationLevel;
            o.MessageDeliveryLimit = settings.MessageDeliveryLimit;
            o.OnCommitDeliveryLimit = settings.OnCommitDeliveryLimit;
            o.OnCommitHold = settings.OnCommitHold;
        });
        configurator.TryAddSingleton(TimeProvider.System);

        if (settings.InboxCleanup)
        {
            configurator.AddOptions<InboxCleanupServiceOptions>().Configure(o =>
            {
                o.DuplicateDetectionWindow = settings.DuplicateDetectionWindow;
                o.QueryDelay = settings.QueryDelay * 60;
                o.QueryMessageLimit = settings.QueryMessageLimit;
                o.QueryTimeout = settings.QueryTimeout;
            });
            configurator.TryAddScoped<InboxCleanup<TDbContext>>();
            configurator.AddHostedService<InboxCleanupService<TDbContext>>();
        }

        if (settings.BusOutbox is { } busOutbox)
        {
            configurator.AddOptions<OutboxDeliveryServiceOptions>().Configure(o =>
            {
                o.QueryDelay = settings.QueryDelay;
                o.QueryMessageLimit = settings.QueryMessageLimit;
                o.QueryTimeout = settings.QueryTimeout;
                o.MessageDeliveryLimit = settings.MessageDeliveryLimit;
                o.MessageDeliveryTimeout = settings.MessageDeliveryTimeout;
            });
            configurator.TryAddSingleton<IBusOutboxNotification, OutboxCommitSignal>();
            configurator.TryAddSingleton<OutboxTransactionCommitInterceptor>();
            // Singleton options configuration: pooled contexts build their options once, from the root provider.
            configurator.ConfigureDbContext<TDbContext>(
                (provider, options) => options.AddInterceptors(provider.GetRequiredService<OutboxTransactionCommitInterceptor>()),
                ServiceLifetime.Singleton);
            configurator.Replace(ServiceDescriptor.Scoped<IScopedBusContextProvider<IBus>, EntityFrameworkScopedBusContextProvider<IBus, TDbContext>>());
            if (busOutbox.DeliveryService)
            {
                configurator.TryAddSingleton<OutboxDelivery<TDbContext>>();
                configurator.TryAddSingleton<ICommittedOutboxes, OutboxDeliveryOnCommit<TDbContext>>();
                configurator.AddHostedService<BusOutboxDeliveryService<TDbContext>>();
            }
            else
            {
                configurator.TryAddSingleton<ICommittedOutboxes, WakeDeliveryServiceOnCommit>();
            }
        }
    }

    /// <summary>The transactional outbox and inbox for every consumer and saga on this endpoint.</summary>
    public static void UseEntityFrameworkOutbox<TDbContext>(this IReceiveEndpointConfigurator configurator, IRegistrationContext context,
        Action<IOutboxOptionsConfigurator>? configure = null)
        where TDbContext : DbContext
    {
        var observer = new OutboxConsumePipeSpecificationObserver<TDbContext>(configurator, context)
        {
            MessageDeliveryLimit = context.GetRequiredService<IOptions<EntityFrameworkOutboxOptions<TDbContext>>>().Value.MessageDeliveryLimit,
        };
        configure?.Invoke(observer);
        configurator.ConnectConsumerConfigurationObserver(observer);
        configurator.ConnectSagaConfigurationObserver(observer);
    }
}
