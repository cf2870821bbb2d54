using MassTransit;
using Pipeline.Contracts;
using Pipeline.Infrastructure.Comparisons;

namespace Pipeline.Workers.Comparator.Comparisons;

/// <summary>Scores and records the pairs the saga and the workflow steps hand over, a batch per transaction.</summary>
public sealed class CompareResultsConsumer(ComparisonRecorder recorder) : IConsumer<Batch<CompareResults>>
{
    public Task Consume(ConsumeContext<Batch<CompareResults>> context) =>
        recorder.RecordAsync(context.Message.Select(m => m.Message).ToList(), context.CancellationToken);
}
