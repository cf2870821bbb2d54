using Pipeline.Answering;
using Xunit;

namespace Pipeline.Components.Tests.Answering;

public sealed class ParallelTermLearnerTests
{
    private static readonly EnhancementOptions Options = new() { MinCooccurrences = 3, MinDice = 0.7, MinWordLength = 4, MaxEnglishProvisionShare = 0.6 };

    [Fact]
    public void A_word_and_its_translation_that_share_their_provisions_are_learnt()
    {
        var terms = ParallelTermLearner.Learn(
        [
            new("La sicurezza del trattamento.", "The security of processing."),
            new("Misure di sicurezza adeguate.", "Appropriate security measures."),
            new("La sicurezza delle reti e la sanzione.", "Network security and the fine."),
            new("Una sanzione amministrativa.", "An administrative fine."),
            new("Le sanzioni e la sanzione.", "The fine and the penalties."),
            new("Il registro.", "The record."),
        ], Options);

        Assert.Equal("security", terms.Translate("sicurezza"));
        Assert.Equal("fine", terms.Translate("sanzione"));
    }

    [Fact]
    public void A_pair_seen_together_fewer_times_than_the_minimum_is_not_learnt()
    {
        var terms = ParallelTermLearner.Learn(
        [
            new("Il registro delle attività.", "The record of activities."),
            new("Un registro.", "A record."),
            new("Altro testo qui.", "Other text here."),
        ], Options);

        Assert.Null(terms.Translate("registro"));
    }

    [Fact]
    public void An_english_word_in_most_provisions_is_never_a_translation()
    {
        // "shall" is in every provision, as often as "obblighi" is in its own: its overlap is perfect and meaningless.
        var terms = ParallelTermLearner.Learn(
        [
            new("Gli obblighi del titolare.", "The controller shall meet its obligations."),
            new("Gli obblighi del responsabile.", "The processor shall meet its obligations."),
            new("Obblighi di notifica.", "Notification obligations shall apply."),
            new("Altro.", "Everyone shall comply."),
            new("Altro ancora.", "Others shall comply."),
        ], Options);

        Assert.Equal("obligations", terms.Translate("obblighi"));
        Assert.DoesNotContain("shall", new[] { terms.Translate("obblighi"), terms.Translate("titolare"), terms.Translate("altro") });
    }

    [Fact]
    public void Learnt_words_translate_what_the_glossary_phrases_leave_and_never_split_a_phrase()
    {
        var learnt = new ParallelTerms(new Dictionary<string, string>
        {
            ["titolare"] = "holder",
            ["trattamento"] = "processing",
            ["misure"] = "measures",
        });

        var english = LegalGlossary.Translate("Quali misure di sicurezza deve adottare il titolare del trattamento?", learnt);

        Assert.Equal(["measures", "security", "controller"], english);
        Assert.DoesNotContain("measures", LegalGlossary.Translate("Quali misure di sicurezza deve adottare il titolare del trattamento?"));
    }
}
