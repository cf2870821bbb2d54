using Pipeline.Answering;
using Xunit;

namespace Pipeline.Components.Tests.Answering;

public sealed class LegalGlossaryTests
{
    [Fact]
    public void An_italian_question_gets_the_english_wording_of_its_legal_terms_whatever_their_ending()
    {
        var english = LegalGlossary.Translate("Quali pratiche di intelligenza artificiale sono vietate?");

        Assert.Equal(["practices", "artificial intelligence", "prohibited"], english);
    }

    [Fact]
    public void A_phrase_is_translated_as_a_whole_before_its_single_words()
    {
        var english = LegalGlossary.Translate("Quando il titolare del trattamento deve notificare una violazione dei dati personali?");

        Assert.Contains("controller", english);
        Assert.Contains("personal data breach", english);
        Assert.DoesNotContain("processing", english);
    }

    [Fact]
    public void The_english_only_acts_defined_terms_get_their_official_english_wording()
    {
        Assert.Contains("major ICT-related incidents", LegalGlossary.Translate("Come si segnalano gli incidenti gravi connessi alle TIC?"));
        Assert.Contains("data governance", LegalGlossary.Translate("Quali regole di governance dei dati valgono?"));
        Assert.Contains("threat-led penetration testing", LegalGlossary.Translate("Cosa sono i test di penetrazione guidati dalla minaccia?"));
    }

    [Fact]
    public void Accents_and_either_apostrophe_do_not_stop_a_match()
    {
        Assert.Contains("actively exploited vulnerability", LegalGlossary.Translate("Una vulnerabilità attivamente sfruttata"));
        Assert.Contains("right to be forgotten", LegalGlossary.Translate("Esiste un diritto all’oblio?"));
    }

    [Fact]
    public void Enhancement_adds_the_english_terms_to_italian_questions_only()
    {
        var italian = "Cosa deve fare un produttore quando scopre una vulnerabilità attivamente sfruttata?";
        var english = "What must a manufacturer do about an actively exploited vulnerability?";

        Assert.Contains("manufacturers", QueryEnhancer.AdditionsOf(italian, QueryEnhancer.Enhance(italian)));
        Assert.Contains("actively exploited vulnerability", QueryEnhancer.Enhance(italian));
        Assert.Equal(english, QueryEnhancer.Enhance(english));
    }
}
