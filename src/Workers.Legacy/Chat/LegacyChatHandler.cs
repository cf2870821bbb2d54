using Microsoft.Extensions.Options;
using Pipeline.Contracts;
using Pipeline.Infrastructure.Answering;
using Pipeline.Infrastructure.Execution;
using Pipeline.Infrastructure.KnowledgeBase;

namespace Pipeline.Workers.Legacy.Chat;

/// <summary>
/// The legacy pipeline as it was: one sequential handler — keyword search over the knowledge base, then a grounded
/// answer from the top passages.
/// </summary>
public sealed class LegacyChatHandler(IKnowledgeSearch search, GroundedAnswerWriter writer, IOptions<ExecutionOptions> options)
{
    public async Task<ChatAnswer> AnswerAsync(ExecuteChat command, CallerTokenStream tokens, CancellationToken cancellationToken)
    {
        var chunks = await search.SearchKeywordsAsync(command.Message, options.Value.TopK, null, cancellationToken);
        var passages = chunks
            .Select(c => new RetrievedPassage(
                new ChatSource(c.ChunkId, c.DocumentId.ToString(), c.DocumentTitle, c.ArticleNumber, Math.Round(c.Score, 4), "document", null),
                c.Text))
            .ToList();
        return await writer.WriteAsync(command.Message, passages, tokens.SendAsync, cancellationToken);
    }
}
