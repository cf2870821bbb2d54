using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Pipeline.Api.Hosting;
using Pipeline.Answering.Conversations;
using Pipeline.Persistence.Comparisons;
using Pipeline.Persistence.Conversations;
using Pipeline.Persistence.Experiments;
using Pipeline.Testing;
using Spectre.Console;
using Xunit;
using Xunit.Abstractions;

namespace Pipeline.EndToEnd.Tests;

/// <summary>The system with the experiment collector running every fifth of a second.</summary>
public sealed class ExperimentSystem : PipelineSystem
{
    protected override IDictionary<string, string?> Overrides => new Dictionary<string, string?>(base.Overrides)
    {
        ["Experiments:CollectInterval"] = "00:00:00.200",
    };
}

/// <summary>Experiments as an operator runs them through the API.</summary>
public static class ExperimentRuns
{
    /// <summary>Four questions the sample knowledge base answers, in the golden dataset's format.</summary>
    public const string TinyDataset = """
        {"id": "gdpr-what-is-en", "question": "What is the GDPR?", "language": "en", "kind": "definition", "expected": [{"regulation": "GDPR", "document": "gdpr-overview"}]}
        {"id": "dora-what-is-en", "question": "What is DORA?", "language": "en", "kind": "definition", "expected": [{"regulation": "DORA", "document": "dora-overview"}]}
        {"id": "cra-what-is-it", "question": "Cos'è il Cyber Resilience Act?", "language": "it", "kind": "definition", "expected": [{"regulation": "CRA", "document": "cra-overview"}]}
        {"id": "compare-gdpr-dora-it", "question": "Confronta GDPR e DORA", "language": "it", "kind": "comparison", "expected": [{"regulation": "GDPR", "document": "gdpr-overview"}, {"regulation": "DORA", "document": "dora-overview"}]}
        """;

    /// <summary>Starts an experiment and waits for it to finish; returns its detail (experiment and per-question rows).</summary>
    public static async Task<JsonElement> RunExperimentAsync(this PipelineSystem system, object body, TimeSpan within)
    {
        using var admin = system.CreateAdminClient();
        var response = await admin.PostAsJsonAsync("/api/experiments", body);
        Assert.True(HttpStatusCode.Accepted == response.StatusCode, await response.Content.ReadAsStringAsync());
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).Text("id");
        JsonElement detail = default;
        await Eventually.TrueAsync(async () =>
        {
            detail = await admin.GetFromJsonAsync<JsonElement>($"/api/experiments/{id}");
            return detail.GetProperty("experiment").Text("status") == "completed";
        }, within, "the experiment should finish by itself");
        return detail;
    }
}

/// <summary>
/// An experiment runs a dataset through the real pipelines on the bus, shadow-only: every question answered by each
/// variant, stored with sources, answer, latency and eval scores, summarised per variant and compared pairwise.
/// </summary>
public sealed class ExperimentTests(ExperimentSystem system, ITestOutputHelper output) : IClassFixture<ExperimentSystem>
{
    private static readonly string[] Variants = ["legacy", "workflow", "workflow-retrieval"];

    [Fact]
    public async Task An_uploaded_dataset_runs_through_the_bus_and_ends_with_per_question_rows_metrics_and_a_paired_comparison()
    {
        int history;
        await using (var before = system.CreateDbContext())
            history = await before.Set<ConversationMessage>().CountAsync();

        var detail = await system.RunExperimentAsync(new { name = "tiny", variants = Variants, dataset = ExperimentRuns.TinyDataset }, TimeSpan.FromMinutes(1));

        var experiment = detail.GetProperty("experiment");
        Assert.Equal(4, experiment.GetProperty("questions").GetInt32());
        Assert.Equal(12, experiment.GetProperty("total").GetInt32());
        var rows = detail.GetProperty("questions").EnumerateArray().ToList();
        // The per-question scores in the notes: what a variant's mean hides (which question and which score moved).
        foreach (var r in rows)
            output.WriteLine($"{r.Text("variant"),-20} {r.Text("questionId"),-22} score {Format(r, "score")} citations {Format(r, "citationQuality")} " +
                $"groundedness {Format(r, "groundedness")} relevance {Format(r, "answerRelevance")} sources {r.GetProperty("sources").GetArrayLength()}: {r.Text("answer")}");
        Assert.Equal(12, rows.Count);
        Assert.All(rows, r =>
        {
            Assert.Equal("completed", r.Text("outcome"));
            Assert.InRange(r.GetProperty("score").GetDouble(), 0, 1);
            Assert.True(r.GetProperty("latencyMs").GetInt64() >= 0);
            Assert.NotEmpty(r.GetProperty("sources").EnumerateArray());
            Assert.False(string.IsNullOrWhiteSpace(r.Text("answer")));
        });
        var summaries = experiment.GetProperty("variants").EnumerateArray().ToList();
        Assert.Equal(Variants, summaries.Select(s => s.Text("variant")));
        foreach (var summary in summaries)
        {
            Assert.Equal(4, summary.GetProperty("answered").GetInt32());
            var quality = summary.GetProperty("quality");
            Assert.Equal(4, quality.GetProperty("ranked").GetInt32());
            Assert.InRange(quality.GetProperty("meanReciprocalRank").GetDouble(), 0, 1);
            // The variant's mean score is the mean of its rows' scores.
            var own = rows.Where(r => r.Text("variant") == summary.Text("variant")).Average(r => r.GetProperty("score").GetDouble());
            Assert.Equal(own, summary.GetProperty("score").GetDouble(), 3);
        }

        using var admin = system.CreateAdminClient();
        var id = experiment.Text("id");
        var comparison = await admin.GetFromJsonAsync<JsonElement>($"/api/experiments/{id}/compare");
        Assert.Equal("workflow", comparison.Text("treatment"));
        Assert.Equal("legacy", comparison.Text("control"));
        Assert.Equal(4, comparison.GetProperty("pairs").GetInt32());
        var score = comparison.GetProperty("metrics").EnumerateArray().Single(m => m.Text("metric") == "score").GetProperty("comparison");
        Assert.Equal("paired-t", score.Text("test"));
        Assert.Equal(4, score.GetProperty("treatmentCount").GetInt32());

        // Shadow-only: no history, and its comparisons carry the experiment's id so metrics and rollouts ignore them.
        await using var db = system.CreateDbContext();
        Assert.Equal(history, await db.Set<ConversationMessage>().CountAsync());
        Assert.True(await db.Set<Comparison>().AnyAsync(c => c.ReplayId == Guid.Parse(id)));
        Assert.False(await db.Set<Comparison>().AnyAsync(c => c.ReplayId == null && c.CreatedAt >= experiment.GetProperty("createdAt").GetDateTime()));

        output.WriteLine(ExperimentTable(summaries, comparison));
    }

    [Fact]
    public async Task A_bad_experiment_request_is_a_400_naming_the_field_and_starts_nothing()
    {
        using var admin = system.CreateAdminClient();
        var before = (await admin.GetFromJsonAsync<JsonElement[]>("/api/experiments"))!.Length;
        (object Body, string Field)[] cases =
        [
            (new { dataset = "{\"id\": \"x\", \"question\": \"q\", \"language\": \"fr\", \"kind\": \"question\", \"expected\": []}" }, "dataset"),
            (new { variants = new[] { "legacy", "turbo" } }, "variants"),
            (new { variants = new[] { "workflow" }, dataset = ExperimentRuns.TinyDataset }, "variants"),
            (new { flag = "telemetry", dataset = ExperimentRuns.TinyDataset }, "flag"),
            (new { limit = 0, dataset = ExperimentRuns.TinyDataset }, "limit"),
        ];
        foreach (var (body, field) in cases)
        {
            var response = await admin.PostAsJsonAsync("/api/experiments", body);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        }

        Assert.Equal(before, (await admin.GetFromJsonAsync<JsonElement[]>("/api/experiments"))!.Length);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/api/experiments/{Guid.NewGuid()}")).StatusCode);
    }

    [Fact]
    public async Task The_experiment_verb_uploads_a_dataset_follows_the_experiment_and_prints_the_variant_table_and_the_paired_comparison()
    {
        var dataset = Path.Combine(Path.GetTempPath(), $"experiment-{Guid.NewGuid():N}.jsonl");
        await File.WriteAllTextAsync(dataset, ExperimentRuns.TinyDataset);
        var name = $"cli {Guid.NewGuid():N}";
        var (exit, printed) = await RunVerbAsync([ExperimentCommand.Verb, dataset, "--variants", "legacy,workflow", "--name", name]);
        File.Delete(dataset);
        output.WriteLine(printed);

        Assert.Equal(0, exit);
        await using var db = system.CreateDbContext();
        var row = await db.Set<Experiment>().SingleAsync(e => e.Name == name);
        Assert.NotNull(row.FinishedAt);
        Assert.Equal(new[] { "legacy", "workflow" }, row.Variants);
        Assert.Contains($"experiment {row.Id}: 8 of 8 answers collected, 0 failed", printed);
        foreach (var heading in new[] { "hit@1", "hit@5", "MRR", "right regulation", "citation precision", "eval score", "p50 ms", "p95 ms" })
            Assert.Contains(heading, printed);
        Assert.Contains("workflow vs legacy, paired over 4 questions", printed);
        Assert.Contains("reciprocalRank", printed);
    }

    [Fact]
    public async Task The_experiment_verb_fails_with_a_clear_message_and_starts_nothing_on_bad_input()
    {
        await using var db = system.CreateDbContext();
        var before = await db.Set<Experiment>().CountAsync();
        var dataset = Path.Combine(Path.GetTempPath(), $"experiment-{Guid.NewGuid():N}.jsonl");
        await File.WriteAllTextAsync(dataset, ExperimentRuns.TinyDataset);
        try
        {
            var (missing, missingText) = await RunVerbAsync([ExperimentCommand.Verb, dataset + ".absent"]);
            Assert.Equal(ExperimentCommand.UsageError, missing);
            Assert.Contains("no such dataset file", missingText);

            var (unknown, unknownText) = await RunVerbAsync([ExperimentCommand.Verb, dataset, "--colour", "red"]);
            Assert.Equal(ExperimentCommand.UsageError, unknown);
            Assert.Contains("usage: experiment", unknownText);

            // The API's validation is the verb's: its 400 is printed with the field it names.
            var (refused, refusedText) = await RunVerbAsync([ExperimentCommand.Verb, dataset, "--variants", "legacy,turbo"]);
            Assert.Equal(ExperimentCommand.Refused, refused);
            Assert.Contains("experiment refused (400)", refusedText);
            Assert.Contains("variants", refusedText);
        }
        finally
        {
            File.Delete(dataset);
        }

        Assert.Equal(before, await db.Set<Experiment>().CountAsync());
    }

    /// <summary>Runs the verb against this system's API with the admin key, capturing what it prints.</summary>
    private async Task<(int Exit, string Printed)> RunVerbAsync(string[] args)
    {
        using var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Interactive = InteractionSupport.No, Out = new AnsiConsoleOutput(writer),
        });
        console.Profile.Width = 240;
        Environment.SetEnvironmentVariable(OperatorClient.KeyVariable, PipelineSystem.AdminKey);
        try
        {
            var exit = await ExperimentCommand.RunAsync([.. args, "--url", system.ApiAddress.ToString()], CancellationToken.None, console);
            return (exit, writer.ToString());
        }
        finally
        {
            Environment.SetEnvironmentVariable(OperatorClient.KeyVariable, null);
        }
    }

    /// <summary>The per-variant table (the shape the report shows) and the paired score comparison.</summary>
    internal static string ExperimentTable(IReadOnlyList<JsonElement> summaries, JsonElement comparison)
    {
        var lines = new List<string> { "variant | answered | hit@1 | hit@5 | MRR | right reg. | cit. precision | eval score | p50 ms | p95 ms" };
        foreach (var s in summaries)
        {
            var q = s.GetProperty("quality");
            lines.Add(string.Join(" | ", s.Text("variant"), s.GetProperty("answered").GetInt32(), Format(q, "hitAt1"), Format(q, "hitAtK"),
                Format(q, "meanReciprocalRank"), Format(q, "rightRegulationShare"), Format(q, "citationPrecision"), Format(s, "score"),
                Format(q, "latencyP50Ms"), Format(q, "latencyP95Ms")));
        }

        lines.Add($"paired {comparison.Text("treatment")} vs {comparison.Text("control")}:");
        foreach (var m in comparison.GetProperty("metrics").EnumerateArray())
            lines.Add($"  {m.Text("metric")}: {m.GetProperty("comparison")}");
        return string.Join(Environment.NewLine, lines);
    }

    private static string Format(JsonElement e, string name) =>
        e.GetProperty(name).ValueKind == JsonValueKind.Number ? e.GetProperty(name).GetDouble().ToString("0.###", System.Globalization.CultureInfo.InvariantCulture) : "-";
}
