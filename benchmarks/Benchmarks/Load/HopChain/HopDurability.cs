namespace Pipeline.Benchmarks.Load.HopChain;

/// <summary>How much of the hop chain goes through the transactional outbox and inbox.</summary>
public enum HopDurability
{
    /// <summary>Quorum queues and confirmed sends only.</summary>
    None,

    /// <summary>Each consumer behind its outbox and inbox; the caller publishes straight to the broker.</summary>
    Consumers,

    /// <summary>As the pipeline: the caller's request through the bus outbox too.</summary>
    CallerAndConsumers,
}
