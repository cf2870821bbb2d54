using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pipeline.Evaluation.Comparisons;
using Pipeline.Answering;

namespace Pipeline.Evaluation.Evals;

/// <summary>
/// Answer relevance in [0, 1]: a configured model judges it (LLM-as-judge); without one, or when its reply cannot be
/// read, the embedding similarity of question and answer stands in for it.
/// </summary>
public sealed partial class AnswerRelevanceScorer(
    RelevanceJudge judge,
    [FromKeyedServices(TextSimilarity.EmbeddingsKey)] IEmbeddingGenerator<string, Embedding<float>> embeddings,
    IOptions<EvalOptions> options,
    ILogger<AnswerRelevanceScorer> logger)
{
    public const string JudgeInstructions =
        "You grade answers. Given a question and an answer, rate how relevant the answer is to the question on a scale " +
        "from 0 (unrelated) to 1 (directly and fully answers it). Reply with the number only, for example 0.8.";

    public async Task<double> ScoreAsync(string question, string answer, CancellationToken cancellationToken)
    {
        if (judge.Client is { } client && await JudgeAsync(client, question, answer, cancellationToken) is { } judged)
            return judged;
        return await SimilarityAsync(question, answer, cancellationToken);
    }

    /// <summary>The first number of the reply, when it is a score in [0, 1] (a percentage is accepted too).</summary>
    public static double? ParseScore(string? reply)
    {
        if (string.IsNullOrWhiteSpace(reply))
            return null;
        var match = Number().Match(reply);
        if (!match.Success || !double.TryParse(match.Groups["value"].Value.Replace(',', '.'), NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            return null;
        if (match.Groups["percent"].Success)
            value /= 100;
        return value is >= 0 and <= 1 ? value : null;
    }

    private async Task<double?> JudgeAsync(IChatClient client, string question, string answer, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.JudgeTimeout);
        try
        {
            var response = await client.GetResponseAsync(
                [
                    new ChatMessage(ChatRole.System, JudgeInstructions),
                    new ChatMessage(ChatRole.User, $"Question:\n{question}\n\nAnswer:\n{CitationMarkers.Strip(answer)}"),
                ],
                new ChatOptions { ModelId = judge.ModelId, Temperature = 0 },
                timeout.Token);
            var score = ParseScore(response.Text);
            if (score is null)
                LogUnreadableVerdict(logger, Shorten(response.Text));
            return score;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // A judge that is down or slow must not stop evaluation: the embedding score still says something.
            LogJudgeFailed(logger, ex);
            return null;
        }
    }

    private async Task<double> SimilarityAsync(string question, string answer, CancellationToken cancellationToken)
    {
        var cosine = await TextSimilarity.OfAsync(embeddings, question, CitationMarkers.Strip(answer), cancellationToken);
        if (double.IsNaN(cosine))
            return 0;
        var (unrelated, full) = (options.Value.UnrelatedSimilarity, options.Value.FullRelevanceSimilarity);
        return Math.Clamp((cosine - unrelated) / (full - unrelated), 0.0, 1.0);
    }

    private static string Shorten(string text) => text.Length <= 200 ? text : text[..200];

    [GeneratedRegex(@"(?<value>\d+(?:[.,]\d+)?)\s*(?<percent>%)?")]
    private static partial Regex Number();

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "The relevance judge's reply is not a score in [0, 1] ({Reply}); using embedding similarity")]
    private static partial void LogUnreadableVerdict(ILogger logger, string reply);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "The relevance judge failed; using embedding similarity")]
    private static partial void LogJudgeFailed(ILogger logger, Exception exception);
}
