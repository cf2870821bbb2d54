using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using Pipeline.Contracts;
using Pipeline.Answering;
using Pipeline.KnowledgeBase.Quality;
using Xunit;

namespace Pipeline.Components.Tests.Answering;

public sealed class ExtractiveChatClientTests
{
    private static readonly ExtractiveChatClient Client = new(Options.Create(new GenerationOptions()));

    [Fact]
    public async Task The_answer_quotes_the_sources_with_valid_markers_and_cites_every_source_it_draws_on()
    {
        var prompt = GroundedPrompt.Build("Confronta GDPR e ESPR",
        [
            new GroundingSource(1, "a", "ESPR", "The ESPR regulates products. It also creates a Digital Product Passport."),
            new GroundingSource(2, "b", "GDPR", "The GDPR regulates personal data. It applies since 2018."),
        ]);

        var response = await Client.GetResponseAsync(prompt);

        var sources = new[] { Source("a"), Source("b") };
        var citations = CitationParser.Parse(response.Text, sources);
        Assert.Equal(["a", "b"], citations.Select(c => c.SourceId).Order());
        Assert.Contains("The GDPR regulates personal data [2].", response.Text);
        Assert.DoesNotContain("[3]", response.Text);
    }

    [Fact]
    public async Task The_same_prompt_always_gives_the_same_answer_and_streamed_pieces_add_up_to_it()
    {
        var prompt = GroundedPrompt.Build("What is DORA?", [new GroundingSource(1, "a", "DORA", "DORA is the digital operational resilience act. It applies from 2025.")]);

        var first = await Client.GetResponseAsync(prompt);
        var pieces = new List<string>();
        await foreach (var update in Client.GetStreamingResponseAsync(prompt))
            pieces.Add(update.Text);

        Assert.Equal(first.Text, string.Concat(pieces));
        Assert.True(pieces.Count(p => p.Length > 0) > 1);
        Assert.NotNull(first.Usage?.OutputTokenCount);
    }

    [Fact]
    public async Task Without_sources_it_says_so_instead_of_inventing()
    {
        var response = await Client.GetResponseAsync(GroundedPrompt.Build("Anything?", []));

        Assert.Equal(new GenerationOptions().NoSourcesAnswer, response.Text);
    }

    [Fact]
    public async Task Paragraph_numbers_list_markers_and_lone_headings_never_become_sentences_of_the_answer()
    {
        var prompt = GroundedPrompt.Build("When does the right to erasure apply?",
        [
            new GroundingSource(1, "a", "GDPR — Art. 17", "Article 17 Right to erasure. 1. The data subject shall have the right to obtain the erasure of personal data. (a) the personal data are no longer necessary; 2. (b) 6."),
            new GroundingSource(2, "b", "GDPR — Art. 19", "CHAPTER III. 2. Erasure. The controller shall communicate any erasure of personal data to each recipient."),
        ]);

        var response = await Client.GetResponseAsync(prompt);

        Assert.Equal(0, FragmentSentences.Count(response.Text));
        Assert.Contains("The data subject shall have the right to obtain the erasure of personal data [1].", response.Text);
        Assert.Contains("[2]", response.Text);
    }

    private static ChatSource Source(string id) => new(id, "d", "t", null, 0.5, "document", null);
}
