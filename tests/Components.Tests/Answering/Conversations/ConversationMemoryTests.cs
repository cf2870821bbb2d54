using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using Pipeline.Contracts;
using Pipeline.Answering;
using Pipeline.Answering.Conversations;
using Xunit;

namespace Pipeline.Components.Tests.Answering.Conversations;

public sealed class ConversationMemoryTests
{
    private static readonly ConversationMemoryOptions Options = new() { VerbatimTurns = 2, SummaryCharactersPerTurn = 40 };

    [Fact]
    public void A_short_conversation_stays_verbatim()
    {
        var turns = Turns(2);

        var context = ConversationMemory.Summarize(turns, Options);

        Assert.Null(context.Summary);
        Assert.Equal(turns, context.RecentTurns);
    }

    [Fact]
    public void Older_turns_of_a_long_conversation_fold_into_a_one_line_each_summary()
    {
        var turns = Turns(6);

        var context = ConversationMemory.Summarize(turns, Options);

        Assert.Equal(turns.TakeLast(2), context.RecentTurns);
        var lines = context.Summary!.Split('\n');
        Assert.Equal(5, lines.Length);
        Assert.StartsWith("User asked: question 0", lines[1]);
        Assert.StartsWith("Assistant answered: answer 1 first sentence", lines[2]);
        Assert.DoesNotContain("second sentence", context.Summary);
    }

    [Fact]
    public async Task The_prompt_carries_the_summary_and_the_recent_turns_before_the_question()
    {
        var recorder = new RecordingChatClient();
        var writer = new GroundedAnswerWriter(recorder, Microsoft.Extensions.Options.Options.Create(new GenerationOptions()), TimeProvider.System);
        var context = ConversationMemory.Summarize(Turns(6), Options);

        await writer.WriteAsync("and now?", [new RetrievedPassage(new ChatSource("a", null, "t", null, 1, "document", null), "text")],
            (_, _) => Task.CompletedTask, CancellationToken.None, context);

        var messages = recorder.Messages;
        Assert.Contains("Earlier in this conversation:", messages[0].Text);
        Assert.Equal(["question 4", "answer 5 first sentence. And a second sentence."], messages.Skip(1).Take(2).Select(m => m.Text));
        Assert.Equal(ChatRole.User, messages[^1].Role);
        Assert.Equal("and now?", messages[^1].Text);
    }

    private static List<ConversationTurn> Turns(int count) => Enumerable.Range(0, count)
        .Select(i => i % 2 == 0
            ? new ConversationTurn(ConversationHistory.UserRole, $"question {i}")
            : new ConversationTurn(ConversationHistory.AssistantRole, $"answer {i} first sentence. And a second sentence."))
        .ToList();

    /// <summary>Keeps the prompt it was given and answers with nothing.</summary>
    private sealed class RecordingChatClient : IChatClient
    {
        public List<ChatMessage> Messages { get; } = [];

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
            [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            Messages.AddRange(messages);
            await Task.CompletedTask;
            yield return new ChatResponseUpdate(ChatRole.Assistant, "ok [1].");
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
