using Pipeline.KnowledgeBase.Questions;
using Pipeline.Contracts;
using Pipeline.Answering.Conversations;

namespace Pipeline.Answering;

/// <summary>
/// The workflow's new generation: the grounded answer of <see cref="GroundedAnswerWriter"/>, with the sources ordered
/// and the prompt guided by the query analysis, and the conversation's memory in the prompt. The legacy generation
/// is <see cref="GroundedAnswerWriter"/> alone, on retrieval's order and without memory.
/// </summary>
public sealed class AnalysisAwareAnswerWriter(GroundedAnswerWriter writer)
{
    public Task<ChatAnswer> WriteAsync(
        string question,
        QueryAnalysis analysis,
        IReadOnlyList<RetrievedPassage> passages,
        ConversationContext conversation,
        Func<string, CancellationToken, Task> onPiece,
        CancellationToken cancellationToken) =>
        writer.WriteAsync(question, AnalysisAwareSourceOrder.Order(passages, analysis), onPiece, cancellationToken, conversation, PromptGuidance.For(analysis));
}
