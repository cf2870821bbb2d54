using Pipeline.Answering;
using Pipeline.Contracts;
using Xunit;

namespace Pipeline.Components.Tests.Answering;

/// <summary>Which executions consult the semantic cache (and so start their question's embedding on receipt), in both pipelines.</summary>
public sealed class AnswerCachePolicyTests
{
    private static ExecuteChat Command(string question, bool webSearch, ChatPipeline pipeline = ChatPipeline.Legacy) => new(Guid.NewGuid(), Guid.NewGuid(), pipeline, 0,
        new ChatQuestion(question, webSearch, null, null, "k"), new ExecutionSettings(false, DateTime.UtcNow.AddMinutes(1)), null);

    [Theory]
    [InlineData(ChatPipeline.Legacy)]
    [InlineData(ChatPipeline.Workflow)]
    public void A_question_about_the_law_consults_the_cache_in_either_pipeline(ChatPipeline pipeline) =>
        Assert.True(AnswerCachePolicy.AppliesTo(Command("Cos'è il GDPR?", webSearch: false, pipeline)));

    [Fact]
    public void A_question_with_web_search_does_not_consult_the_cache_because_its_results_are_fresh_by_request() =>
        Assert.False(AnswerCachePolicy.AppliesTo(Command("Cos'è il GDPR?", webSearch: true)));

    [Theory]
    [InlineData("Quanti documenti ci sono nel database?")]
    [InlineData("How many sources do you have?")]
    public void A_count_question_does_not_consult_the_cache_because_it_is_answered_from_the_database_as_it_stands(string question) =>
        Assert.False(AnswerCachePolicy.AppliesTo(Command(question, webSearch: false)));
}
