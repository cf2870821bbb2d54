using MassTransit;
using Pipeline.Contracts;
using Pipeline.Evaluation.Comparisons;

namespace Pipeline.Coordinator.Comparisons;

/// <summary>
/// Scores and records the pairs the saga and the workflow steps hand over, a batch per transaction. The recorder runs
/// in a scope of its own, outside the consume context, so what it publishes goes to the bus outbox in the same
/// transaction as the comparison rows and is delivered after the batch is acknowledged, not before: a batch costs one
/// transaction instead of the consumer outbox's consume, deliver and clean-up steps with every send awaited in turn.
/// A redelivered batch finds its rows by their unique key and records (and publishes) nothing twice.
/// </summary>
public sealed class CompareResultsConsumer(IServiceScopeFactory scopes) : IConsumer<Batch<CompareResults>>
{
    public async Task Consume(ConsumeContext<Batch<CompareResults>> context)
    {
        await using var scope = scopes.CreateAsyncScope();
        var recorder = scope.ServiceProvider.GetRequiredService<ComparisonRecorder>();
        await recorder.RecordAsync(context.Message.Select(m => m.Message).ToList(), context.CancellationToken);
    }
}
