using System.Text;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using Pipeline.Contracts;
using Pipeline.Answering.Conversations;

namespace Pipeline.Answering;

/// <summary>
/// Generation and post-processing: asks the configured <see cref="IChatClient"/> for an answer grounded in the
/// passages, hands each streamed piece on as it arrives, then validates the citations and prices the usage.
/// </summary>
public sealed class GroundedAnswerWriter(IChatClient chat, IOptions<GenerationOptions> options, TimeProvider time)
{
    public async Task<ChatAnswer> WriteAsync(
        string question,
        IReadOnlyList<RetrievedPassage> passages,
        Func<string, CancellationToken, Task> onPiece,
        CancellationToken cancellationToken,
        ConversationContext? conversation = null,
        string? guidance = null)
    {
        var started = time.GetTimestamp();
        var usable = passages.Take(options.Value.MaxSources).ToList();
        var prompt = GroundedPrompt.Build(question, usable.Select((p, i) => new GroundingSource(i + 1, p.Source.Id, p.Source.Title, p.Text)).ToList(), conversation, guidance);

        var text = new StringBuilder();
        UsageDetails? usage = null;
        string? model = null;
        await foreach (var update in chat.GetStreamingResponseAsync(prompt, new ChatOptions { ModelId = options.Value.Model }, cancellationToken))
        {
            model = update.ModelId ?? model;
            foreach (var content in update.Contents.OfType<UsageContent>())
                usage = content.Details;
            if (string.IsNullOrEmpty(update.Text))
                continue;
            text.Append(update.Text);
            await onPiece(update.Text, cancellationToken);
        }

        var sources = usable.Select(p => p.Source).ToList();
        var answer = text.ToString();
        var citations = CitationParser.Parse(answer, sources);
        var input = (int)(usage?.InputTokenCount ?? 0);
        var output = (int)(usage?.OutputTokenCount ?? 0);
        var cost = TokenPricing.CostOf(options.Value, model, input, output);
        return new ChatAnswer(answer, citations, sources, Cached: false,
            (long)time.GetElapsedTime(started).TotalMilliseconds, new ChatUsage(input, output, cost));
    }
}
