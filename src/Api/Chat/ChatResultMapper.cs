using Pipeline.Contracts;

namespace Pipeline.Api.Chat;

/// <summary>Turns the saga's served answer into the contract's ChatResult.</summary>
internal static class ChatResultMapper
{
    public static ChatResult ToResult(ChatServed served, long latencyMs)
    {
        var answer = served.Answer;
        return new ChatResult(
            served.RequestId,
            served.ConversationId,
            answer.Text,
            answer.Citations.Select(c => new ChatResultCitation(c.Index, c.SourceId)).ToList(),
            answer.Sources.Select(s => new ChatResultSource(s.Id, s.DocumentId, s.Title, s.ArticleNumber, s.Score, s.Type, s.Url)).ToList(),
            answer.Cached,
            ChatWireNames.Of(served.PoweredBy),
            ChatWireNames.Of(served.Mode),
            served.Fallback,
            latencyMs,
            new ChatResultUsage(answer.Usage.InputTokens, answer.Usage.OutputTokens, answer.Usage.CostUsd));
    }
}
