using Pipeline.Contracts;

namespace Pipeline.Answering;

/// <summary>Which executions consult the semantic answer cache, the same rule in both pipelines.</summary>
public static class AnswerCachePolicy
{
    /// <summary>
    /// Not a count question (answered from the database as it stands) and no web search (its results are fresh by
    /// request; a cached answer would not be).
    /// </summary>
    public static bool AppliesTo(ExecuteChat command) =>
        !command.Question.WebSearchEnabled && !CountQuestion.Matches(command.Question.Message);
}
