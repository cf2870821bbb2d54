using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pipeline.Answering;
using Pipeline.Contracts;
using Pipeline.KnowledgeBase;
using Pipeline.KnowledgeBase.Quality;
using Pipeline.KnowledgeBase.Questions;
using Pipeline.Persistence;
using Pipeline.Platform.Hosting;
using Pipeline.Testing;

namespace Pipeline.Benchmarks.Quality;

/// <summary>
/// The workflow's retrieval with every step on, called in this process against an ingested database (the one
/// <c>scripts/infra.sh env</c> names, e.g. <c>PIPELINE_INSTANCE=quality</c>): for each golden question the new
/// analysis, the enhancement (glossary and the translations learnt from the knowledge base's parallel acts), the
/// hybrid retrieval and the new generation's order of sources, scored like <see cref="QualityBenchmark"/> on the
/// first five sources. It times query embedding plus hybrid retrieval (<see cref="HybridRetrieval.RetrieveAsync"/>,
/// which embeds the question and, for an Italian one, its translation) per question, over several rounds after a
/// warm-up round. Goal (docs/benchmarks.md): p95 ≤ 50 ms. The ranked metrics match <c>quality --only "workflow (all"</c>
/// (no web search engine is configured), without the bus, the workers or the answer text. It also times the share of
/// each retrieval spent in the knowledge base's searches (query embedding and database), and with <c>--one-by-one</c>
/// runs every question a second time with the searches sent one after another (one round trip each), alternating
/// which goes first, so the two are compared under the same load of a shared machine.
/// </summary>
public static class RetrievalQuality
{
    private const int DefaultRounds = 3;

    public static async Task<int> RunAsync(string[] args)
    {
        var datasetPath = args.FirstOrDefault(a => a.EndsWith(".jsonl", StringComparison.Ordinal)) ?? Path.Combine(RepositoryPaths.Root, GoldenDataset.DefaultPath);
        var detailsPath = args.SkipWhile(a => a != "--details").Skip(1).FirstOrDefault();
        var oneByOne = args.Contains("--one-by-one");
        var rounds = int.Parse(args.SkipWhile(a => a != "--rounds").Skip(1).FirstOrDefault() ?? DefaultRounds.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        var dataset = await GoldenDataset.LoadAsync(datasetPath, CancellationToken.None);

        var configuration = new ConfigurationBuilder().AddEnvironmentVariables().Build();
        var services = new ServiceCollection()
            .AddLogging(l => l.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning))
            .AddPipelineDatabase(configuration)
            .AddKnowledgeBase(configuration)
            .AddRetrieval(configuration);
        TimedSearch.Decorate(services);
        services.AddValidatedOptions<EnhancementOptions>(configuration, EnhancementOptions.SectionName);
        services.AddSingleton<ParallelTermStore>();
        services.AddScoped<ParallelTermRefresh>();
        await using var provider = services.BuildServiceProvider();

        var store = provider.GetRequiredService<ParallelTermStore>();
        await using (var scope = provider.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<ParallelTermRefresh>().RunAsync(CancellationToken.None);
        // The model's first inference loads it; a served worker does that at start-up (EmbeddingModelWarmup).
        await provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>().GenerateAsync(["warm-up"]);
        Console.WriteLine($"quality-retrieval: {dataset.Count} questions from {datasetPath}; {store.Current.Count} learnt translations; retrieval {JsonSerializer.Serialize(provider.GetRequiredService<IOptions<RetrievalOptions>>().Value)}");

        var latencies = new List<double>();
        var searching = new List<double>();
        var oneByOneLatencies = new List<double>();
        var clock = provider.GetRequiredService<SearchClock>();
        // The question's embedding on its own, to tell the model's share of a retrieval's time from the database's.
        var embeddingLatencies = new List<double>();
        var generator = provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();
        List<(GoldenQuestion, GoldenAnswer)> results = [];
        var details = new List<string>();
        // Round 0 warms the JIT, the connection pool and PostgreSQL's caches; its latencies are not kept.
        for (var round = 0; round <= rounds; round++)
        {
            results = [];
            details.Clear();
            foreach (var question in dataset)
            {
                var analysis = QueryAnalyzer.Analyze(question.Question);
                if (analysis.Intent == QueryIntent.Meta || CountQuestion.Matches(question.Question))
                {
                    results.Add((question, new GoldenAnswer("", [], [], 0)));
                    continue;
                }

                var enhanced = QueryEnhancer.Enhance(question.Question, store.Current);
                var embeddingStarted = Stopwatch.GetTimestamp();
                await generator.GenerateAsync([question.Question]);
                if (round > 0)
                    embeddingLatencies.Add(Stopwatch.GetElapsedTime(embeddingStarted).TotalMilliseconds);
                // Each retrieval in a scope of its own, as a request is: its query vectors are not remembered.
                async Task<(IReadOnlyList<RetrievedPassage> Passages, double Elapsed)> RetrieveAsync(bool searchOneByOne)
                {
                    await using var scope = provider.CreateAsyncScope();
                    var retrieval = scope.ServiceProvider.GetRequiredService<HybridRetrieval>();
                    clock.OneByOne = searchOneByOne;
                    clock.Reset();
                    var started = Stopwatch.GetTimestamp();
                    var found = await retrieval.RetrieveAsync(question.Question, enhanced, analysis, CancellationToken.None);
                    return (found, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }

                // Alternately first, so neither side always meets the caches the other warmed.
                var oneByOneFirst = oneByOne && results.Count % 2 == 1;
                var sequential = oneByOneFirst ? await RetrieveAsync(true) : default;
                var (passages, elapsed) = await RetrieveAsync(false);
                var searchElapsed = clock.Searching.TotalMilliseconds;
                if (oneByOne && !oneByOneFirst)
                    sequential = await RetrieveAsync(true);
                if (round > 0)
                {
                    latencies.Add(elapsed);
                    searching.Add(searchElapsed);
                    if (oneByOne)
                        oneByOneLatencies.Add(sequential.Elapsed);
                }

                if (oneByOne && !sequential.Passages.Select(p => (p.Source.Id, p.Source.Score)).SequenceEqual(passages.Select(p => (p.Source.Id, p.Source.Score))))
                    throw new InvalidOperationException($"The searches one by one retrieved other passages than together for {question.Id}.");
                var sources = AnalysisAwareSourceOrder.Order(passages, analysis).Take(QualityMetrics.DefaultK).Select(p => p.Source).ToList();
                var answer = GoldenAnswer.From(new ChatAnswer("", [], sources, false, 0, new ChatUsage(0, 0, 0)), elapsed);
                results.Add((question, answer));
                var rank = answer.Sources.Select((s, i) => (s, i)).FirstOrDefault(x => question.IsAnsweredBy(x.s), (null!, -1)).Item2 + 1;
                details.Add(JsonSerializer.Serialize(new
                {
                    question.Id, question.Question, question.Language, rank, expected = question.Expected, ms = Math.Round(elapsed, 1), searchMs = Math.Round(searchElapsed, 1),
                    // Every expected regulation answered among the first five (each side of a comparison), as hit@5 counts it.
                    hit = QualityMetrics.Score([(question, answer)]).HitAtK == 1,
                    // Where retrieval put the first answering passage among all it returned (TopK), before the source order.
                    retrievalRank = passages.Select((p, i) => (p, i)).FirstOrDefault(x => question.IsAnsweredBy(AnsweredSource.From(x.p.Source)), (null!, -1)).Item2 + 1,
                    sources = passages.Take(QualityMetrics.DefaultK + 3).Select(p => $"{p.Source.Score:0.0000} {p.Regulation} {p.Source.ArticleNumber} {p.Source.Id}"),
                }));
            }
        }

        if (detailsPath is not null)
            await File.WriteAllLinesAsync(detailsPath, details);
        var report = QualityMetrics.Score(results);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"workflow retrieval: hit@1 {report.HitAt1:0.000} hit@5 {report.HitAtK:0.000} MRR {report.MeanReciprocalRank:0.000} rightReg {report.RightRegulationShare:0.000} ({report.Ranked} ranked of {report.Questions})"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"query embedding + hybrid retrieval: {latencies.Count} retrievals over {rounds} rounds, p50 {QualityMetrics.Percentile(latencies, 0.50):0.0} ms, p95 {QualityMetrics.Percentile(latencies, 0.95):0.0} ms, max {latencies.DefaultIfEmpty(0).Max():0.0} ms"));
        var rest = latencies.Zip(searching, (a, b) => a - b).ToList();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"of which the searches (query embedding and database): p50 {QualityMetrics.Percentile(searching, 0.50):0.0} ms, p95 {QualityMetrics.Percentile(searching, 0.95):0.0} ms; the rest (fusion, reranking): p50 {QualityMetrics.Percentile(rest, 0.50):0.0} ms, p95 {QualityMetrics.Percentile(rest, 0.95):0.0} ms"));
        if (oneByOne)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"the same retrievals with the searches one by one: p50 {QualityMetrics.Percentile(oneByOneLatencies, 0.50):0.0} ms, p95 {QualityMetrics.Percentile(oneByOneLatencies, 0.95):0.0} ms; together / one by one: p50 {QualityMetrics.Percentile(latencies, 0.50) / QualityMetrics.Percentile(oneByOneLatencies, 0.50):0.00}, p95 {QualityMetrics.Percentile(latencies, 0.95) / QualityMetrics.Percentile(oneByOneLatencies, 0.95):0.00}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"the question's embedding alone: p50 {QualityMetrics.Percentile(embeddingLatencies, 0.50):0.0} ms, p95 {QualityMetrics.Percentile(embeddingLatencies, 0.95):0.0} ms"));
        return 0;
    }
}
