using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using Pipeline.Answering.Text;
using Pipeline.KnowledgeBase.Quality;

namespace Pipeline.Answering;

/// <summary>
/// The built-in generator: a deterministic, offline <see cref="IChatClient"/> that answers by extracting the source
/// sentences sharing the most words with the question and citing each as <c>[n]</c>. It writes nothing the sources
/// do not say; it does not paraphrase, reason or translate.
/// </summary>
internal sealed class ExtractiveChatClient(IOptions<GenerationOptions> options) : IChatClient
{
    public const string ModelId = "extractive-v1";

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? chatOptions = null, CancellationToken cancellationToken = default)
    {
        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in GetStreamingResponseAsync(messages, chatOptions, cancellationToken))
            updates.Add(update);
        return updates.ToChatResponse();
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? chatOptions = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var list = messages.ToList();
        var system = string.Join("\n", list.Where(m => m.Role == ChatRole.System).Select(m => m.Text));
        var question = list.LastOrDefault(m => m.Role == ChatRole.User)?.Text ?? "";
        var answer = Compose(question, GroundedPrompt.ReadSources(system));
        var responseId = Guid.NewGuid().ToString("N");

        foreach (var piece in Pieces(answer, options.Value.WordsPerToken))
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return new ChatResponseUpdate(ChatRole.Assistant, piece) { ResponseId = responseId, ModelId = ModelId };
            await Task.Yield();
        }

        yield return new ChatResponseUpdate
        {
            ResponseId = responseId,
            ModelId = ModelId,
            FinishReason = ChatFinishReason.Stop,
            Contents = [new UsageContent(new UsageDetails
            {
                InputTokenCount = TextStatistics.CountWords(system) + TextStatistics.CountWords(question),
                OutputTokenCount = TextStatistics.CountWords(answer),
            })],
        };
    }

    /// <summary>The provider name telemetry reports as <c>gen_ai.provider.name</c>.</summary>
    public const string ProviderName = "pipeline-extractive";

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is not null ? null
        : serviceType == typeof(ChatClientMetadata) ? new ChatClientMetadata(ProviderName, defaultModelId: options.Value.Model ?? "extractive")
        : serviceType.IsInstanceOfType(this) ? this
        : null;

    public void Dispose()
    {
    }

    private string Compose(string question, IReadOnlyList<(int Number, string Title, string Text)> sources)
    {
        if (sources.Count == 0)
            return options.Value.NoSourcesAnswer;

        var questionTerms = TextStatistics.Terms(question);
        var candidates = new List<(double Score, int Source, int Order, string Sentence)>();
        foreach (var (number, title, text) in sources)
        {
            var order = 0;
            foreach (var sentence in TextStatistics.Sentences(text))
            {
                // A paragraph number, list marker or heading cut out as a "sentence" says nothing to a reader.
                if (!IsReadable(sentence))
                    continue;
                var overlap = TextStatistics.Overlap(questionTerms, TextStatistics.Terms(sentence + " " + title));
                // Earlier sources rank higher (they were retrieved as more relevant), earlier sentences break ties.
                candidates.Add((overlap + 1.0 / (number + 1) + 0.01 / (order + 1), number, order++, sentence));
            }
        }

        if (candidates.Count == 0)
            return options.Value.NoSourcesAnswer;

        // Breadth first: the best sentence of each source (in retrieval order), then the best of what is left, so
        // an answer drawing on several documents (a comparison) cites each of them.
        var bestPerSource = candidates
            .GroupBy(c => c.Source)
            .OrderBy(g => g.Key)
            .Select(g => g.MaxBy(c => c.Score))
            .Take(options.Value.MaxSentences)
            .ToList();
        var rest = candidates
            .Except(bestPerSource)
            .OrderByDescending(c => c.Score)
            .GroupBy(c => c.Source)
            .SelectMany(g => g.Take(options.Value.MaxSentencesPerSource - 1))
            .OrderByDescending(c => c.Score)
            .Take(options.Value.MaxSentences - bestPerSource.Count);
        var chosen = bestPerSource.Concat(rest).OrderBy(c => c.Source).ThenBy(c => c.Order);

        var answer = new StringBuilder();
        foreach (var (_, source, _, sentence) in chosen)
        {
            if (answer.Length > 0)
                answer.Append(' ');
            answer.Append(TextStatistics.WithoutFinalStop(sentence)).Append(" [").Append(source).Append("].");
        }

        return answer.ToString();
    }

    /// <summary>Whether the sentence, written as the answer writes it, reads as whole sentences only.</summary>
    private static bool IsReadable(string sentence) =>
        FragmentSentences.Count($"{TextStatistics.WithoutFinalStop(sentence)} [1].") == 0;

    private static IEnumerable<string> Pieces(string text, int wordsPerPiece)
    {
        var words = text.Split(' ');
        for (var i = 0; i < words.Length; i += wordsPerPiece)
        {
            var piece = string.Join(' ', words.Skip(i).Take(wordsPerPiece));
            yield return i + wordsPerPiece < words.Length ? piece + " " : piece;
        }
    }
}
