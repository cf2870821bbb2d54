using System.ComponentModel.DataAnnotations;

namespace Pipeline.Answering.Conversations;

/// <summary>How much of a conversation a prompt carries (<c>Memory:*</c>).</summary>
public sealed class ConversationMemoryOptions
{
    public const string SectionName = "Memory";

    /// <summary>Turns (questions and answers) loaded from history.</summary>
    [Range(1, 200)] public int LoadTurns { get; set; } = 20;

    /// <summary>With summarization on, only this many latest turns stay verbatim; older ones become a summary.</summary>
    [Range(1, 100)] public int VerbatimTurns { get; set; } = 4;

    /// <summary>Characters of each older turn kept in the summary.</summary>
    [Range(20, 2_000)] public int SummaryCharactersPerTurn { get; set; } = 160;
}
