using System.Net;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.EndToEnd.Tests;

/// <summary>
/// The legacy worker's semantic cache as callers see it: a new question's retrieval runs while the question is embedded,
/// and a cache hit drops those passages and replays the earlier answer without generating; a miss is generated from them.
/// </summary>
public sealed class SemanticCacheServingTests(PipelineSystem system) : IClassFixture<PipelineSystem>
{
    [Fact]
    public async Task A_new_question_is_generated_from_the_retrieved_passages_and_not_marked_cached()
    {
        using var http = system.CreateClient();

        var (response, result) = await ChatClient.PostJsonAsync(http, new { message = "Which obligations does the Cyber Resilience Act place on manufacturers?" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(result.GetProperty("cached").GetBoolean());
        Assert.NotEmpty(result.GetProperty("sources").EnumerateArray());
        Assert.All(result.GetProperty("sources").EnumerateArray(), s => Assert.Equal("document", s.Text("type")));
        Assert.NotEmpty(result.GetProperty("citations").EnumerateArray());
        Assert.True(result.GetProperty("usage").GetProperty("outputTokens").GetInt32() > 0, "a generated answer reports the model's tokens");
    }

    [Fact]
    public async Task A_paraphrase_of_an_answered_question_is_served_the_cached_answer_without_generation()
    {
        using var http = system.CreateClient();
        var (_, first) = await ChatClient.PostJsonAsync(http, new { message = "What is the right to erasure under the GDPR?" });
        Assert.False(first.GetProperty("cached").GetBoolean());

        // Never asked before, so its retrieval runs beside its embedding; the hit must win over those passages.
        var (response, events) = await ChatClient.PostSseAsync(http, new { message = "Under the GDPR, what does the right to erasure mean?" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = events[^1].Data.GetProperty("result");
        Assert.True(result.GetProperty("cached").GetBoolean());
        Assert.Equal(first.Text("text"), result.Text("text"));
        Assert.Equal(first.Text("text"), string.Concat(events.Where(e => e.Event == "token").Select(e => e.Data.Text("text"))));
        // Nothing was generated: a replayed answer costs no model tokens.
        Assert.Equal(0, result.GetProperty("usage").GetProperty("outputTokens").GetInt32());
    }

    [Fact]
    public async Task A_question_asked_again_word_for_word_is_served_the_cached_answer()
    {
        using var http = system.CreateClient();
        const string question = "Which AI practices are prohibited by the AI Act?";
        var (_, first) = await ChatClient.PostJsonAsync(http, new { message = question });
        Assert.False(first.GetProperty("cached").GetBoolean());

        var (response, again) = await ChatClient.PostJsonAsync(http, new { message = question });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(again.GetProperty("cached").GetBoolean());
        Assert.Equal(first.Text("text"), again.Text("text"));
    }
}
