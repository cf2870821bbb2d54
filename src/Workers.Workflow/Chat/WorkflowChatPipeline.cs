using Microsoft.Extensions.Options;
using Pipeline.Contracts;
using Pipeline.Infrastructure.Answering;
using Pipeline.Infrastructure.Execution;
using Pipeline.Infrastructure.Flags;
using Pipeline.Infrastructure.Telemetry;
using Pipeline.Workers.Workflow.Steps;

namespace Pipeline.Workers.Workflow.Chat;

/// <summary>
/// The workflow pipeline: the same capability as the legacy handler as an explicit step graph —
/// analysis → retrieval → generation — each step behind its own flag (off: legacy step, shadow: both, on: new step).
/// </summary>
public sealed class WorkflowChatPipeline(
    StepRunner steps,
    KeywordRetrieval legacyRetrieval,
    HybridRetrieval hybridRetrieval,
    GroundedAnswerWriter writer,
    IOptions<ExecutionOptions> options)
{
    public const string AnalysisStep = "analysis";
    public const string RetrievalStep = "retrieval";

    public async Task<ChatAnswer> AnswerAsync(ExecuteChat command, CallerTokenStream tokens, Func<CompareResults, Task> compare, CancellationToken cancellationToken)
    {
        using var activity = PipelineTelemetry.Source.StartActivity("workflow.chat");
        activity?.SetTag("pipeline.name", "workflow");
        activity?.SetTag("pipeline.shadow", command.Shadow);

        var analysis = await steps.RunAsync(AnalysisStep, MigrationFlags.WorkflowAnalysis, command,
            _ => Task.FromResult(LegacyQueryAnalyzer.Analyze(command.Message)),
            _ => Task.FromResult(QueryAnalyzer.Analyze(command.Message)),
            compare, cancellationToken);

        var passages = await steps.RunAsync(RetrievalStep, MigrationFlags.WorkflowRetrieval, command,
            ct => legacyRetrieval.RetrieveAsync(command.Message, options.Value.TopK, ct),
            ct => hybridRetrieval.RetrieveAsync(command.Message, analysis, ct),
            compare, cancellationToken);

        using var generation = PipelineTelemetry.Source.StartActivity("workflow.generation");
        return await writer.WriteAsync(command.Message, passages, tokens.SendAsync, cancellationToken);
    }
}
