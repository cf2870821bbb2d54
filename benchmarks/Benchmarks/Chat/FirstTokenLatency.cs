using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Pipeline.Answering;
using Pipeline.Benchmarks.Load;
using Pipeline.Benchmarks.Warmup;
using Pipeline.Flags;
using Pipeline.Persistence.Flags;
using Pipeline.Answering.Execution;
using Pipeline.KnowledgeBase.Quality;
using Pipeline.Testing;
using Microsoft.Extensions.AI;
using Pipeline.Contracts;
using Pipeline.KnowledgeBase.SemanticCache;
using Pipeline.Persistence;

namespace Pipeline.Benchmarks.Chat;

/// <summary>
/// What the message pipeline adds to a request's latency when the machine is not saturated (issue #23's light-load
/// goals): at a fixed 8 requests/s with the routing flag off, the caller's latency minus the pipeline's own work (the
/// answer's <c>latencyMs</c>); and, for one streaming caller, the time to the first token through the hub against the
/// same generator (legacy retrieval and the grounded writer) called in this process, question by question, alternately.
/// Every question of the golden dataset is asked once per side, so the semantic cache answers none of them.
/// </summary>
public static class FirstTokenLatency
{
    private const double FixedRate = 8;
    private const int Clients = 8;
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan Measure = TimeSpan.FromSeconds(30);

    public static async Task<int> RunAsync()
    {
        await using var system = await BenchmarkSystem.StartAsync();
        await system.SetFlagAsync(MigrationFlags.WorkflowComplete, FlagStatus.Disabled);
        await JitSettledWarmup.RunAsync(slice => ChatLoad.RunAsync(system.ApiAddress, Clients, slice));

        await FixedRateOverheadAsync(system);
        await FirstTokenAsync(system);
        return 0;
    }

    private static async Task FixedRateOverheadAsync(BenchmarkSystem system)
    {
        await FixedRateLoad.RunAsync(system.ApiAddress, FixedRate, Settle);
        var run = await FixedRateLoad.RunAsync(system.ApiAddress, FixedRate, Measure);
        Console.WriteLine($"{FixedRate} req/s fixed, flag off, {run.Completed} answered, errors {run.Errors}: caller p50 {run.Percentile(0.5):0.0} ms, " +
            $"p95 {run.Percentile(0.95):0.0} ms; pipeline's own work p50 {Median(run.OwnWorkMs):0.0} ms; " +
            $"caller minus own work p50 {Median(run.OverheadMs):0.0} ms, p95 {Percentile(run.OverheadMs, 0.95):0.0} ms");
    }

    private static async Task FirstTokenAsync(BenchmarkSystem system)
    {
        var questions = await GoldenDataset.LoadAsync(Path.Combine(RepositoryPaths.Root, GoldenDataset.DefaultPath), CancellationToken.None);
        await using var hub = new HubConnectionBuilder().WithUrl(new Uri(system.ApiAddress, "/hubs/chat")).Build();
        await hub.StartAsync();

        // The spans of the hub's requests, to say where a first token's time goes (the listener costs a little, on
        // both sides alike: it listens to the in-process generator's spans too).
        using var recorder = new LatencyTimeline.SpanRecorder();
        var callers = new List<(DateTime Started, double FirstTokenMs)>();
        var viaPipeline = new List<double>();
        var inProcess = new List<double>();
        var differences = new List<double>();
        var withLookupOverlapped = new List<double>();
        var withLookupSequential = new List<double>();
        var overWorkerSteps = new List<double>();
        for (var i = 0; i < questions.Count; i++)
        {
            // Alternate which side goes first, so that any warming by the first falls on both alike.
            var question = questions[i].Question;
            double pipelineMs, generatorMs;
            if (i % 2 == 0)
            {
                (pipelineMs, var started) = await ThroughHubAsync(hub, question);
                generatorMs = await InProcessAsync(system, question);
                callers.Add((started, pipelineMs));
            }
            else
            {
                generatorMs = await InProcessAsync(system, question);
                (pipelineMs, var started) = await ThroughHubAsync(hub, question);
                callers.Add((started, pipelineMs));
            }

            // The worker's cache lookup added in process, its embedding and retrieval one after the other and side by
            // side, in alternating order: the two compositions compared under the same conditions.
            var together = i % 2 == 0 ? await WithCacheLookupAsync(system, question, overlapped: true) : double.NaN;
            var oneAfterOther = await WithCacheLookupAsync(system, question, overlapped: false);
            if (i % 2 == 1)
                together = await WithCacheLookupAsync(system, question, overlapped: true);
            if (!double.IsNaN(together) && !double.IsNaN(oneAfterOther))
            {
                withLookupOverlapped.Add(together);
                withLookupSequential.Add(oneAfterOther);
            }

            if (!double.IsNaN(pipelineMs) && !double.IsNaN(together))
                overWorkerSteps.Add(pipelineMs - together);
            if (double.IsNaN(pipelineMs) || double.IsNaN(generatorMs))
                continue;
            viaPipeline.Add(pipelineMs);
            inProcess.Add(generatorMs);
            differences.Add(pipelineMs - generatorMs);
        }

        Console.WriteLine($"time to first token, one streaming caller, {differences.Count} of {questions.Count} questions with a token on both sides:");
        Console.WriteLine($"  through the pipeline (hub): p50 {Median(viaPipeline):0.0} ms, p95 {Percentile(viaPipeline, 0.95):0.0} ms");
        Console.WriteLine($"  generator in process:       p50 {Median(inProcess):0.0} ms, p95 {Percentile(inProcess, 0.95):0.0} ms");
        Console.WriteLine($"  added by the pipeline, per question: p50 {Median(differences):0.0} ms, p95 {Percentile(differences, 0.95):0.0} ms");
        Console.WriteLine($"  in process with the worker's cache lookup (embedding, vector search), a second baseline, {withLookupSequential.Count} questions:");
        Console.WriteLine($"    embedding, then retrieval:      p50 {Median(withLookupSequential):0.0} ms, p95 {Percentile(withLookupSequential, 0.95):0.0} ms");
        Console.WriteLine($"    embedding beside the retrieval: p50 {Median(withLookupOverlapped):0.0} ms, p95 {Percentile(withLookupOverlapped, 0.95):0.0} ms");
        Console.WriteLine($"  added by the pipeline over the worker's own steps in process (embedding beside the retrieval), per question, {overWorkerSteps.Count} questions: " +
            $"p50 {Median(overWorkerSteps):0.0} ms, p95 {Percentile(overWorkerSteps, 0.95):0.0} ms");
        Console.WriteLine($"load average {File.ReadAllText("/proc/loadavg").Trim()}; where the hub's first tokens spent their time:");
        await Task.Delay(TimeSpan.FromSeconds(2));
        recorder.PrintAgainstCallers(callers.Where(c => !double.IsNaN(c.FirstTokenMs)).ToList(), "legacy.chat");
    }

    /// <summary>Milliseconds from invoking the hub to its first token event (NaN when the answer came without one), and when it was invoked.</summary>
    private static async Task<(double FirstTokenMs, DateTime Started)> ThroughHubAsync(HubConnection hub, string question)
    {
        var startedAt = DateTime.UtcNow;
        var started = Stopwatch.GetTimestamp();
        var first = double.NaN;
        await foreach (var e in hub.StreamAsync<JsonElement>("Chat", new { message = question }))
        {
            if (double.IsNaN(first) && e.GetProperty("type").GetString() == "token")
                first = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }

        return (first, startedAt);
    }

    /// <summary>The legacy pipeline's retrieval and writer, resolved from its host and called directly.</summary>
    private static async Task<double> InProcessAsync(BenchmarkSystem system, string question)
    {
        await using var scope = system.Legacy.Services.CreateAsyncScope();
        var retrieval = scope.ServiceProvider.GetRequiredService<KeywordRetrieval>();
        var writer = scope.ServiceProvider.GetRequiredService<GroundedAnswerWriter>();
        var topK = scope.ServiceProvider.GetRequiredService<IOptions<ExecutionOptions>>().Value.TopK;
        var started = Stopwatch.GetTimestamp();
        var passages = await retrieval.RetrieveAsync(question, topK, CancellationToken.None);
        return await FirstPieceAsync(writer, question, passages, started);
    }

    /// <summary>
    /// The legacy worker's steps before its first piece, in process: the question embedded (no memo, as for a new
    /// question), the cache searched, the keyword retrieval, the writer's first piece; the embedding and the retrieval
    /// either one after the other (before) or side by side (the worker now). The writer runs whatever the cache finds,
    /// so both sides do the same work. Outside a transaction the retrieval is one round trip (the worker's, in its
    /// consume transaction, takes a savepoint, a timeout, the query and a rollback).
    /// </summary>
    private static async Task<double> WithCacheLookupAsync(BenchmarkSystem system, string question, bool overlapped)
    {
        await using var scope = system.Legacy.Services.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var cacheOptions = Options.Create(new SemanticCacheOptions { MemoizedQuestions = 0 });
        var cache = new SemanticAnswerCache(services.GetRequiredService<PipelineDbContext>(), services.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>(),
            new QuestionEmbeddings(cacheOptions), cacheOptions, TimeProvider.System);
        var retrieval = services.GetRequiredService<KeywordRetrieval>();
        var writer = services.GetRequiredService<GroundedAnswerWriter>();
        var topK = services.GetRequiredService<IOptions<ExecutionOptions>>().Value.TopK;
        var command = new ExecuteChat(Guid.NewGuid(), Guid.NewGuid(), ChatPipeline.Legacy, 1, new ChatQuestion(question, false, "bench", null, "bench"),
            new ExecutionSettings(Shadow: false, DateTime.UtcNow.AddMinutes(1)), Caller: null);
        var started = Stopwatch.GetTimestamp();
        IReadOnlyList<RetrievedPassage> passages;
        if (overlapped)
        {
            var embedding = Task.Run(() => cache.EmbedQuestionAsync(question, CancellationToken.None));
            var retrieving = retrieval.RetrieveAsync(question, topK, CancellationToken.None);
            await Task.WhenAll(embedding, retrieving);
            passages = await retrieving;
            await cache.LookupAsync(ChatPipeline.Legacy, command, CancellationToken.None);
        }
        else
        {
            await cache.LookupAsync(ChatPipeline.Legacy, command, CancellationToken.None);
            passages = await retrieval.RetrieveAsync(question, topK, CancellationToken.None);
        }

        return await FirstPieceAsync(writer, question, passages, started);
    }

    /// <summary>Milliseconds from <paramref name="started"/> to the writer's first piece for these passages.</summary>
    private static async Task<double> FirstPieceAsync(GroundedAnswerWriter writer, string question, IReadOnlyList<RetrievedPassage> passages, long started)
    {
        var first = double.NaN;
        await writer.WriteAsync(question, passages, (_, _) =>
        {
            if (double.IsNaN(first))
                first = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            return Task.CompletedTask;
        }, CancellationToken.None);
        return first;
    }

    private static double Median(IReadOnlyList<double> values) => LoadResult.PercentileOf(values, 0.5);

    private static double Percentile(IReadOnlyList<double> values, double p) => LoadResult.PercentileOf(values, p);
}
