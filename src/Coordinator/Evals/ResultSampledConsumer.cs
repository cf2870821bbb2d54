using MassTransit;
using Pipeline.Contracts;
using Pipeline.Evaluation.Evals;

namespace Pipeline.Coordinator.Evals;

/// <summary>
/// Scores sampled answers (served samples and shadow mismatches), a batch per transaction. The evaluator runs in a
/// scope of its own, outside the consume context, so its <see cref="EvalScored"/> events go to the bus outbox in the
/// same transaction as the evals: one transaction per batch instead of the consumer outbox's inbox row and two
/// transactions per sample. A redelivered batch finds its evals by their unique key and scores nothing twice.
/// </summary>
public sealed class ResultSampledConsumer(IServiceScopeFactory scopes) : IConsumer<Batch<ResultSampled>>
{
    public async Task Consume(ConsumeContext<Batch<ResultSampled>> context)
    {
        await using var scope = scopes.CreateAsyncScope();
        var evaluator = scope.ServiceProvider.GetRequiredService<AnswerEvaluator>();
        await evaluator.EvaluateAsync(context.Message.Select(m => m.Message).ToList(), context.CancellationToken);
    }
}
