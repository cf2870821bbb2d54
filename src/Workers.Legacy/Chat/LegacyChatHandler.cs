using Microsoft.Extensions.Options;
using Pipeline.Contracts;
using Pipeline.Infrastructure.Answering;
using Pipeline.Infrastructure.Execution;

namespace Pipeline.Workers.Legacy.Chat;

/// <summary>
/// The legacy pipeline as it was: one sequential handler — keyword search over the knowledge base, then a grounded
/// answer from the top passages.
/// </summary>
public sealed class LegacyChatHandler(KeywordRetrieval retrieval, GroundedAnswerWriter writer, IOptions<ExecutionOptions> options)
{
    public async Task<ChatAnswer> AnswerAsync(ExecuteChat command, CallerTokenStream tokens, CancellationToken cancellationToken)
    {
        var passages = await retrieval.RetrieveAsync(command.Message, options.Value.TopK, cancellationToken);
        return await writer.WriteAsync(command.Message, passages, tokens.SendAsync, cancellationToken);
    }
}
