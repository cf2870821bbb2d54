using MassTransit;

namespace Pipeline.Platform.Bus;

/// <summary>Batch consumption for consumers that record a whole batch in one transaction (the comparator, the evals).</summary>
public static class BatchConsumptionExtensions
{
    /// <summary>Messages a consumer of <paramref name="concurrency"/> batches of <paramref name="size"/> may hold at once.</summary>
    public static int InFlight(int size, int concurrency) => size * concurrency;

    /// <summary>
    /// Batches of up to <paramref name="size"/> messages, dispatched after <paramref name="wait"/> if not full,
    /// <paramref name="concurrency"/> at a time; the broker prefetches exactly what those batches can hold.
    /// </summary>
    public static void ConsumeInBatches<TConsumer>(this IReceiveEndpointConfigurator endpoint, IConsumerConfigurator<TConsumer> consumer,
        int size, TimeSpan wait, int concurrency)
        where TConsumer : class
    {
        if (endpoint is IRabbitMqReceiveEndpointConfigurator rabbit)
            rabbit.PrefetchCount = InFlight(size, concurrency);
        consumer.Options<BatchOptions>(batch => batch
            .SetMessageLimit(size)
            .SetTimeLimit(wait)
            .SetConcurrencyLimit(concurrency));
    }
}
