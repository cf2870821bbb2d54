using Pipeline.KnowledgeBase.Quality;
using Xunit;

namespace Pipeline.Components.Tests.KnowledgeBase.Quality;

/// <summary>What counts as a fragment sentence in an answer.</summary>
public sealed class FragmentSentencesTests
{
    [Theory]
    [InlineData("1 [2].")]
    [InlineData("6 [2].")]
    [InlineData("(a) [1].")]
    [InlineData("- (b) [3].")]
    [InlineData("Article 17 [1].")]
    [InlineData("Article 5: Prohibited AI practices [2].")]
    [InlineData("CHAPTER III [1].")]
    [InlineData("Processor [1].")]
    public void Numbers_list_markers_and_lone_headings_are_fragments(string sentence) =>
        Assert.True(FragmentSentences.IsFragment(sentence));

    [Theory]
    [InlineData("The controller shall notify the breach without undue delay [1].")]
    [InlineData("1. Member States shall lay down the rules on penalties [2].")]
    [InlineData("Il trattamento è lecito solo se ricorre almeno una base giuridica [1].")]
    public void Sentences_with_words_are_not(string sentence) =>
        Assert.False(FragmentSentences.IsFragment(sentence));

    [Fact]
    public void An_answer_is_cut_after_each_citation_and_its_fragments_counted()
    {
        const string answer = "Processing shall be lawful only if one of the following applies [1]. 1 [2]. " +
            "The data subject shall have the right to obtain confirmation, as set out in Regulation No. 2016/679 [3]. (a) [3].";

        Assert.Equal(4, FragmentSentences.Sentences(answer).Count());
        Assert.Equal(2, FragmentSentences.Count(answer));
    }
}
