using MassTransit;
using Pipeline.Contracts;
using Pipeline.Infrastructure.Comparisons;

namespace Pipeline.Workers.Comparator.Comparisons;

/// <summary>Scores and records each pair the saga hands over.</summary>
public sealed class CompareResultsConsumer(ComparisonRecorder recorder) : IConsumer<CompareResults>
{
    public Task Consume(ConsumeContext<CompareResults> context) => recorder.RecordAsync(context.Message, context.CancellationToken);
}
