using MassTransit;
using Pipeline.Contracts;
using Pipeline.Infrastructure.Evals;

namespace Pipeline.Workers.Comparator.Evals;

/// <summary>Scores every sampled answer (served samples and shadow mismatches) and stores its eval.</summary>
public sealed class ResultSampledConsumer(AnswerEvaluator evaluator) : IConsumer<ResultSampled>
{
    public Task Consume(ConsumeContext<ResultSampled> context) => evaluator.EvaluateAsync(context.Message, context.CancellationToken);
}
