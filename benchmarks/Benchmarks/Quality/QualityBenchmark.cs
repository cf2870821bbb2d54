using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Pipeline.Api.Hosting;
using Pipeline.Contracts;
using Pipeline.Flags;
using Pipeline.KnowledgeBase.Quality;
using Pipeline.Persistence.Flags;
using Pipeline.Testing;

namespace Pipeline.Benchmarks.Quality;

/// <summary>
/// Runs the golden dataset through the RUNNING system (<c>scripts/run.sh</c>, corpus ingested) once per pipeline
/// configuration and prints hit@1, hit@5, MRR, right-regulation share, citation precision, fragment sentences and
/// latency per configuration. Each configuration is a user the flags target (rollout 0 %, so nobody else is affected):
/// legacy, the workflow with every step on, with every step off, and with one step on at a time. Requests ask for
/// web search, which bypasses the semantic cache (so every configuration really answers; no search engine is
/// configured by default, so the sources stay the knowledge base's). The flags are restored afterwards.
/// Goals (docs/benchmarks.md): workflow hit@5 ≥ 0.95, hit@1 ≥ 0.80, MRR ≥ 0.85, right-regulation ≥ 0.95,
/// hit@5 ≥ legacy + 0.15, no fragment sentence.
/// </summary>
public static class QualityBenchmark
{
    private const string UserPrefix = "quality-benchmark-";
    private static readonly TimeSpan SnapshotCatchUp = TimeSpan.FromSeconds(6);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static readonly string[] Steps =
        [MigrationFlags.WorkflowAnalysis, MigrationFlags.WorkflowEnhancement, MigrationFlags.WorkflowCache, MigrationFlags.WorkflowRetrieval, MigrationFlags.WorkflowGeneration];

    private sealed record Run(string Name, string User, string Pipeline, IReadOnlyList<string> StepsOn);

    private static readonly Run[] Runs =
    [
        new("legacy", UserPrefix + "legacy", "legacy", []),
        new("workflow (all steps)", UserPrefix + "workflow", "workflow", Steps),
        new("workflow (no step)", UserPrefix + "no-step", "workflow", []),
        .. Steps.Select(step => new Run($"  only {step}", UserPrefix + step, "workflow", [step])),
    ];

    private sealed record Answer(string Text, List<ChatCitation> Citations, List<ChatSource> Sources, string PoweredBy, bool Fallback, bool Cached);

    public static async Task<int> RunAsync(string[] args)
    {
        var url = new Uri(Environment.GetEnvironmentVariable(OperatorClient.UrlVariable) ?? "http://127.0.0.1:5080");
        var key = Environment.GetEnvironmentVariable(OperatorClient.KeyVariable) ?? Environment.GetEnvironmentVariable("Admin__ApiKeys__0");
        if (string.IsNullOrEmpty(key))
        {
            Console.Error.WriteLine($"quality: set {OperatorClient.KeyVariable} (or Admin__ApiKeys__0) to the running system's admin key");
            return 2;
        }

        var datasetPath = args.FirstOrDefault(a => a.EndsWith(".jsonl", StringComparison.Ordinal)) ?? Path.Combine(RepositoryPaths.Root, GoldenDataset.DefaultPath);
        var detailsPath = args.SkipWhile(a => a != "--details").Skip(1).FirstOrDefault();
        var only = args.SkipWhile(a => a != "--only").Skip(1).FirstOrDefault();
        var dataset = await GoldenDataset.LoadAsync(datasetPath, CancellationToken.None);
        using var http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);

        var saved = new List<JsonElement>();
        foreach (var flag in Steps.Prepend(MigrationFlags.WorkflowComplete))
            saved.Add(await http.GetFromJsonAsync<JsonElement>($"/api/flags/{flag}"));
        var runs = Runs.Where(r => only is null || r.Name.Contains(only, StringComparison.OrdinalIgnoreCase)).ToList();
        var details = detailsPath is null ? null : new StreamWriter(detailsPath);
        var reports = new List<(Run Run, QualityReport Report, int Misrouted)>();
        try
        {
            await TargetAsync(http, MigrationFlags.WorkflowComplete, Runs.Where(r => r.Pipeline == "workflow").Select(r => r.User));
            foreach (var step in Steps)
                await TargetAsync(http, step, Runs.Where(r => r.StepsOn.Contains(step)).Select(r => r.User));
            await Task.Delay(SnapshotCatchUp);

            Console.WriteLine($"quality: {dataset.Count} questions from {datasetPath} against {url}");
            foreach (var run in runs)
            {
                var results = new List<(GoldenQuestion, GoldenAnswer)>();
                var misrouted = 0;
                foreach (var question in dataset)
                {
                    var (answer, elapsed) = await AskAsync(http, run.User, question.Question);
                    if (answer.PoweredBy != run.Pipeline || answer.Fallback || answer.Cached)
                        misrouted++;
                    var golden = GoldenAnswer.From(new ChatAnswer(answer.Text, answer.Citations, answer.Sources, answer.Cached, 0, new ChatUsage(0, 0, 0)), elapsed);
                    results.Add((question, golden));
                    if (details is not null)
                    {
                        await details.WriteLineAsync(JsonSerializer.Serialize(new
                        {
                            run = run.Name.Trim(), question.Id, question.Question, hit1 = golden.Sources.Count > 0 && question.IsAnsweredBy(golden.Sources[0]),
                            expected = question.Expected, sources = answer.Sources.Select(s => $"{s.Id} | {s.Title}"), answer.Text,
                        }, Json));
                    }
                }

                var report = QualityMetrics.Score(results);
                reports.Add((run, report, misrouted));
                Console.WriteLine($"  {run.Name.Trim()}: hit@5 {report.HitAtK:0.00} ({report.LatencyP50Ms:0} ms p50)");
            }
        }
        finally
        {
            foreach (var flag in saved)
                await RestoreAsync(http, flag);
            if (details is not null)
                await details.DisposeAsync();
        }

        Print(reports);
        return reports.All(r => r.Misrouted == 0) ? 0 : 1;
    }

    private static void Print(List<(Run Run, QualityReport Report, int Misrouted)> reports)
    {
        Console.WriteLine();
        Console.WriteLine($"{"pipeline",-26} {"hit@1",6} {"hit@5",6} {"MRR",6} {"rightReg",8} {"citePrec",8} {"fragments",9} {"p50 ms",7} {"p95 ms",7} {"misrouted",9}");
        foreach (var (run, r, misrouted) in reports)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{run.Name,-26} {r.HitAt1,6:0.00} {r.HitAtK,6:0.00} {r.MeanReciprocalRank,6:0.00} {r.RightRegulationShare,8:0.00} {(r.CitationPrecision is { } p ? p.ToString("0.00", CultureInfo.InvariantCulture) : "-"),8} {r.FragmentSentences,9} {r.LatencyP50Ms,7:0} {r.LatencyP95Ms,7:0} {misrouted,9}"));
        }

        Console.WriteLine($"({reports.FirstOrDefault().Report?.Ranked} ranked questions of {reports.FirstOrDefault().Report?.Questions}; misrouted = answered by another pipeline, a fallback or the cache)");
    }

    private static async Task<(Answer Answer, double Milliseconds)> AskAsync(HttpClient http, string user, string question)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/chat") { Content = JsonContent.Create(new { message = question, webSearchEnabled = true }) };
        request.Headers.Add("X-User-Id", user);
        var started = Stopwatch.GetTimestamp();
        using var response = await http.SendAsync(request);
        var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"'{question}' as {user}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return ((await response.Content.ReadFromJsonAsync<Answer>(Json))!, elapsed);
    }

    /// <summary>
    /// Enables the flag for exactly these users at a 0 % rollout: every other caller of this system takes the legacy
    /// path while the benchmark runs (so its legacy user does too); <see cref="RestoreAsync"/> puts it back.
    /// </summary>
    private static async Task TargetAsync(HttpClient http, string flag, IEnumerable<string> users)
    {
        var current = await http.GetFromJsonAsync<JsonElement>($"/api/flags/{flag}");
        await PatchAsync(http, flag, new
        {
            status = FlagStatus.Enabled,
            rolloutPercentage = 0,
            targetUsers = users.ToList(),
            version = current.GetProperty("version").GetInt64(),
            reason = "quality benchmark",
        });
    }

    private static async Task RestoreAsync(HttpClient http, JsonElement saved)
    {
        var name = saved.GetProperty("name").GetString()!;
        var current = await http.GetFromJsonAsync<JsonElement>($"/api/flags/{name}");
        await PatchAsync(http, name, new
        {
            status = saved.GetProperty("status").GetString(),
            rolloutPercentage = saved.GetProperty("rolloutPercentage").ValueKind == JsonValueKind.Number ? saved.GetProperty("rolloutPercentage").GetDouble() : (double?)null,
            targetUsers = saved.GetProperty("targetUsers").EnumerateArray().Select(u => u.GetString()).ToList(),
            version = current.GetProperty("version").GetInt64(),
            reason = "quality benchmark done",
        });
    }

    private static async Task PatchAsync(HttpClient http, string flag, object body)
    {
        using var response = await http.PatchAsJsonAsync($"/api/flags/{flag}", body);
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"PATCH {flag}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }
}
