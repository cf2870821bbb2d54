using Pipeline.Contracts;

namespace Pipeline.Components.Tests.Evaluation.Evals;

/// <summary>Answers and sources for the scorer tests.</summary>
internal static class EvalAnswers
{
    public const string Gdpr = "Il GDPR protegge le persone fisiche con riguardo al trattamento dei dati personali. Si applica nell'Unione.";
    public const string Article28 = "Il responsabile del trattamento presenta garanzie sufficienti per mettere in atto misure tecniche e organizzative adeguate.";

    public static ChatSource Source(string id) => new(id, "doc", "GDPR", null, 0.8, "document", null);

    public static ChatAnswer Answer(string text, params string[] sourceIds) =>
        new(text, [], sourceIds.Select(Source).ToList(), false, 10, new ChatUsage(0, 0, 0));

    public static IReadOnlyDictionary<string, string> Texts() => new Dictionary<string, string>
    {
        ["gdpr:1"] = Gdpr,
        ["gdpr:28"] = Article28,
    };
}
