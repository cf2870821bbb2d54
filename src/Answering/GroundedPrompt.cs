using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;
using Pipeline.Answering.Conversations;

namespace Pipeline.Answering;

/// <summary>
/// Writes the retrieval-augmented prompt (numbered sources in the system message, the question as the user message)
/// and reads the sources back out of it, so any <see cref="IChatClient"/> (a model or the built-in extractive one)
/// receives the same input.
/// </summary>
internal static partial class GroundedPrompt
{
    private const string Instructions =
        "Answer the question using only the numbered sources below. After every statement cite its source as [n]. " +
        "If the sources do not contain the answer, say so.";

    /// <param name="guidance">An instruction for this question on top of the general ones (the new generation's); none for legacy.</param>
    public static List<ChatMessage> Build(string question, IReadOnlyList<GroundingSource> sources, ConversationContext? conversation = null, string? guidance = null)
    {
        var system = new StringBuilder(Instructions).AppendLine().AppendLine();
        if (guidance is not null)
            system.AppendLine(OneLine(guidance)).AppendLine();
        if (conversation?.Summary is { } summary)
            system.AppendLine(OneLine(summary)).AppendLine();
        foreach (var source in sources)
        {
            system.Append('[').Append(source.Number).Append("] ").AppendLine(OneLine(source.Title));
            system.AppendLine(OneLine(source.Text)).AppendLine();
        }

        var messages = new List<ChatMessage> { new(ChatRole.System, system.ToString()) };
        foreach (var turn in conversation?.RecentTurns ?? [])
            messages.Add(new ChatMessage(turn.Role == ConversationHistory.UserRole ? ChatRole.User : ChatRole.Assistant, turn.Content));
        messages.Add(new ChatMessage(ChatRole.User, question));
        return messages;
    }

    /// <summary>The numbered source texts of a prompt built by <see cref="Build"/>.</summary>
    public static IReadOnlyList<(int Number, string Title, string Text)> ReadSources(string systemPrompt)
    {
        var sources = new List<(int, string, string)>();
        foreach (Match match in SourceBlock().Matches(systemPrompt))
            sources.Add((int.Parse(match.Groups["n"].Value, System.Globalization.CultureInfo.InvariantCulture), match.Groups["title"].Value, match.Groups["text"].Value));
        return sources;
    }

    private static string OneLine(string text) => WhiteSpace().Replace(text, " ").Trim();

    [GeneratedRegex(@"^\[(?<n>\d+)\] (?<title>[^\n]*)\n(?<text>[^\n]*)$", RegexOptions.Multiline)]
    private static partial Regex SourceBlock();

    [GeneratedRegex(@"\s+")]
    private static partial Regex WhiteSpace();
}
