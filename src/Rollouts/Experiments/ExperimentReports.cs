using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Pipeline.Contracts;
using Pipeline.Persistence;
using Pipeline.KnowledgeBase.Quality;
using Pipeline.Platform.Serialization;
using Pipeline.Persistence.Experiments;

namespace Pipeline.Rollouts.Experiments;

/// <summary>An experiment and where it stands; <see cref="Variants"/> summarised once answers are in.</summary>
public sealed record ExperimentView(
    Guid Id, string Name, string Flag, string Dataset, string Status, int Total, int Collected, int Questions,
    IReadOnlyList<string> VariantNames, string Treatment, string Control, DateTime CreatedAt, string CreatedBy, DateTime? FinishedAt,
    IReadOnlyList<VariantSummary> Variants)
{
    public const string Running = "running";
    public const string Completed = "completed";
}

/// <summary>One variant's metrics over the questions it answered: the golden dataset's (quality report) and the eval scores' means.</summary>
public sealed record VariantSummary(
    string Variant, int Answered, int Failed, double? Score, double? CitationQuality, double? Groundedness, double? AnswerRelevance, QualityReport Quality);

/// <summary>One variant's answer to one question with its per-question metrics.</summary>
public sealed record ExperimentQuestionRow(
    string QuestionId, string Question, string Kind, string Variant, string Outcome, long? LatencyMs, double? Score,
    double? CitationQuality, double? Groundedness, double? AnswerRelevance, double? HitAt1, double? HitAtK, double? ReciprocalRank,
    double? RightRegulationShare, double? CitationPrecision, int? FragmentSentences, string? Answer, IReadOnlyList<string> Sources)
{
    /// <summary>The answer as the quality metrics read it (not serialised: the row shows text and sources).</summary>
    internal GoldenAnswer? Golden { get; init; }
}

/// <summary>A paired comparison of two variants on the questions both answered, one t-test per metric.</summary>
public sealed record ExperimentComparison(Guid Experiment, string Treatment, string Control, int Pairs, IReadOnlyList<MetricComparison> Metrics);

/// <summary>One metric's paired test; for latency and fragment sentences a lower value is the better one.</summary>
public sealed record MetricComparison(string Metric, bool HigherIsBetter, MeanComparison Comparison);

/// <summary>Reads experiments: status, per-variant metrics, per-question rows and paired comparisons between variants.</summary>
public sealed class ExperimentReports(PipelineDbContext db)
{
    /// <summary>The metrics a comparison (and the improvement gate) can weigh, and whether higher is better.</summary>
    public static IReadOnlyDictionary<string, bool> Metrics { get; } = new Dictionary<string, bool>(StringComparer.Ordinal)
    {
        ["score"] = true, ["citationQuality"] = true, ["groundedness"] = true, ["answerRelevance"] = true,
        ["hitAt1"] = true, ["hitAtK"] = true, ["reciprocalRank"] = true, ["rightRegulationShare"] = true,
        ["fragmentSentences"] = false, ["latencyMs"] = false,
    };

    public async Task<IReadOnlyList<ExperimentView>> RecentAsync(int limit, CancellationToken cancellationToken)
    {
        var experiments = await db.Set<Experiment>().AsNoTracking().OrderByDescending(e => e.CreatedAt).Take(limit).ToListAsync(cancellationToken);
        var views = new List<ExperimentView>();
        foreach (var experiment in experiments)
            views.Add(View(experiment, await RowsAsync(experiment, cancellationToken)));
        return views;
    }

    public async Task<(ExperimentView View, IReadOnlyList<ExperimentQuestionRow> Rows)?> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        var experiment = await db.Set<Experiment>().AsNoTracking().FirstOrDefaultAsync(e => e.Id == id, cancellationToken);
        if (experiment is null)
            return null;
        var rows = await RowsAsync(experiment, cancellationToken);
        return (View(experiment, rows), rows);
    }

    /// <summary>A paired comparison of two variants; null when the experiment does not exist.</summary>
    public async Task<ExperimentComparison?> CompareAsync(Guid id, string treatment, string control, double significance, CancellationToken cancellationToken)
    {
        var experiment = await db.Set<Experiment>().AsNoTracking().FirstOrDefaultAsync(e => e.Id == id, cancellationToken);
        return experiment is null ? null : Compare(experiment, await RowsAsync(experiment, cancellationToken), treatment, control, significance);
    }

    /// <summary>The flag's latest finished experiment, compared on <paramref name="metric"/> as its gate weighs it.</summary>
    public async Task<ExperimentEvidence?> LatestEvidenceAsync(string flag, string metric, double significance, CancellationToken cancellationToken)
    {
        var experiment = await db.Set<Experiment>().AsNoTracking().Where(e => e.FlagName == flag && e.FinishedAt != null)
            .OrderByDescending(e => e.FinishedAt).FirstOrDefaultAsync(cancellationToken);
        if (experiment is null)
            return null;
        var comparison = Compare(experiment, await RowsAsync(experiment, cancellationToken), experiment.Treatment, experiment.Control, significance);
        var chosen = comparison.Metrics.Single(m => m.Metric == metric);
        return new ExperimentEvidence(experiment.Id, experiment.Treatment, experiment.Control, metric, chosen.Comparison, experiment.FinishedAt!.Value);
    }

    private static ExperimentComparison Compare(Experiment experiment, IReadOnlyList<ExperimentQuestionRow> rows, string treatment, string control, double significance)
    {
        var byQuestion = rows.Where(r => r.Outcome == ExperimentOutcomes.Completed).GroupBy(r => r.QuestionId)
            .Select(g => (Treatment: g.FirstOrDefault(r => r.Variant == treatment), Control: g.FirstOrDefault(r => r.Variant == control)))
            .Where(p => p.Treatment is not null && p.Control is not null)
            .ToList();
        var metrics = Metrics.Select(m =>
        {
            var pairs = byQuestion
                .Select(p => (T: Value(p.Treatment!, m.Key), C: Value(p.Control!, m.Key)))
                .Where(p => p.T is not null && p.C is not null)
                .Select(p => (p.T!.Value, p.C!.Value))
                .ToList();
            return new MetricComparison(m.Key, m.Value, MeanComparison.OfPairs(pairs, significance));
        }).ToList();
        return new ExperimentComparison(experiment.Id, treatment, control, byQuestion.Count, metrics);
    }

    private static double? Value(ExperimentQuestionRow row, string metric) => metric switch
    {
        "score" => row.Score,
        "citationQuality" => row.CitationQuality,
        "groundedness" => row.Groundedness,
        "answerRelevance" => row.AnswerRelevance,
        "hitAt1" => row.HitAt1,
        "hitAtK" => row.HitAtK,
        "reciprocalRank" => row.ReciprocalRank,
        "rightRegulationShare" => row.RightRegulationShare,
        "fragmentSentences" => row.FragmentSentences,
        "latencyMs" => row.LatencyMs,
        _ => throw new ArgumentOutOfRangeException(nameof(metric), metric, "Not an experiment metric."),
    };

    private static ExperimentView View(Experiment experiment, IReadOnlyList<ExperimentQuestionRow> rows)
    {
        var questions = Questions(experiment);
        var collected = rows.Count(r => r.Outcome != ExperimentOutcomes.Pending);
        var summaries = experiment.Variants.Select(variant =>
        {
            var answered = rows.Where(r => r.Variant == variant && r.Outcome == ExperimentOutcomes.Completed).ToList();
            var results = answered.Select(r => (questions[r.QuestionId], r.Golden!)).ToList();
            return new VariantSummary(variant, answered.Count, rows.Count(r => r.Variant == variant && r.Outcome == ExperimentOutcomes.Failed),
                Mean(answered, r => r.Score), Mean(answered, r => r.CitationQuality), Mean(answered, r => r.Groundedness),
                Mean(answered, r => r.AnswerRelevance), QualityMetrics.Score(results));
        }).ToList();
        return new ExperimentView(experiment.Id, experiment.Name, experiment.FlagName, experiment.Dataset,
            experiment.FinishedAt is null ? ExperimentView.Running : ExperimentView.Completed, experiment.Total, collected, questions.Count,
            experiment.Variants, experiment.Treatment, experiment.Control, experiment.CreatedAt, experiment.CreatedBy, experiment.FinishedAt, summaries);
    }

    private async Task<IReadOnlyList<ExperimentQuestionRow>> RowsAsync(Experiment experiment, CancellationToken cancellationToken)
    {
        var questions = Questions(experiment);
        var answers = await db.Set<ExperimentAnswer>().AsNoTracking().Where(a => a.ExperimentId == experiment.Id).ToListAsync(cancellationToken);
        var order = questions.Keys.Select((id, i) => (id, i)).ToDictionary(p => p.id, p => p.i);
        return answers
            .OrderBy(a => order.GetValueOrDefault(a.QuestionId)).ThenBy(a => experiment.Variants.IndexOf(a.Variant))
            .Select(a => Row(questions[a.QuestionId], a))
            .ToList();
    }

    /// <summary>A row's per-question metrics are the dataset's metrics over that one question; ranked ones only where sources are expected.</summary>
    private static ExperimentQuestionRow Row(GoldenQuestion question, ExperimentAnswer answer)
    {
        var chat = answer.Answer is null ? null : JsonSerializer.Deserialize<ChatAnswer>(answer.Answer, PipelineJson.Options);
        var golden = chat is null ? null : GoldenAnswer.From(chat, answer.LatencyMs ?? 0);
        QualityReport? one = golden is null ? null : QualityMetrics.Score([(question, golden)]);
        var ranked = one is { Ranked: > 0 } ? one : null;
        return new ExperimentQuestionRow(
            question.Id, question.Question, question.Kind, answer.Variant, answer.Outcome, answer.LatencyMs, answer.Score,
            answer.CitationQuality, answer.Groundedness, answer.AnswerRelevance, ranked?.HitAt1, ranked?.HitAtK, ranked?.MeanReciprocalRank,
            ranked?.RightRegulationShare, ranked?.CitationPrecision, one?.FragmentSentences, chat?.Text,
            chat?.Sources.Select(s => s.Id).ToList() ?? []) { Golden = golden };
    }

    private static Dictionary<string, GoldenQuestion> Questions(Experiment experiment) =>
        JsonSerializer.Deserialize<List<GoldenQuestion>>(experiment.Questions, PipelineJson.Options)!.ToDictionary(q => q.Id);

    private static double? Mean(IReadOnlyList<ExperimentQuestionRow> rows, Func<ExperimentQuestionRow, double?> value)
    {
        var values = rows.Select(value).Where(v => v is not null).Select(v => v!.Value).ToList();
        return values.Count == 0 ? null : Math.Round(values.Average(), 4);
    }
}
