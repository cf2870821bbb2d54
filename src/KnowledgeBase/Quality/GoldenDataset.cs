using System.Globalization;
using System.Text.Json;

namespace Pipeline.KnowledgeBase.Quality;

/// <summary>
/// Reads the golden dataset: JSON Lines, one question per line
/// (<c>{"id","question","language","kind","expected":[{"regulation","article"?,"document"?}]}</c>); blank lines are
/// skipped. A bad line stops the read with a <see cref="GoldenDatasetException"/> naming the line and the field.
/// </summary>
public static class GoldenDataset
{
    /// <summary>The dataset in the repository, relative to its root.</summary>
    public const string DefaultPath = "datasets/golden/regulatory-qa.jsonl";

    private static readonly string[] Languages = ["it", "en"];

    public static async Task<IReadOnlyList<GoldenQuestion>> LoadAsync(string path, CancellationToken cancellationToken) =>
        Parse(await File.ReadAllTextAsync(path, cancellationToken));

    public static IReadOnlyList<GoldenQuestion> Parse(string jsonLines)
    {
        var questions = new List<GoldenQuestion>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var lines = jsonLines.Replace("\r\n", "\n").Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(lines[i]))
                continue;
            var question = ParseLine(lines[i], i + 1);
            if (!ids.Add(question.Id))
                throw new GoldenDatasetException(i + 1, "id", $"'{question.Id}' is already used by an earlier line");
            questions.Add(question);
        }

        return questions;
    }

    private static GoldenQuestion ParseLine(string line, int number)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException ex)
        {
            throw new GoldenDatasetException(number, "(line)", $"is not valid JSON: {ex.Message}");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new GoldenDatasetException(number, "(line)", "must be a JSON object");
            var id = RequiredString(root, "id", number);
            var question = RequiredString(root, "question", number);
            var language = RequiredString(root, "language", number);
            if (!Languages.Contains(language))
                throw new GoldenDatasetException(number, "language", $"'{language}' is not one of {string.Join(", ", Languages)}");
            var kind = RequiredString(root, "kind", number);
            if (!GoldenKinds.All.Contains(kind))
                throw new GoldenDatasetException(number, "kind", $"'{kind}' is not one of {string.Join(", ", GoldenKinds.All)}");
            if (!root.TryGetProperty("expected", out var expectedElement) || expectedElement.ValueKind != JsonValueKind.Array)
                throw new GoldenDatasetException(number, "expected", "is missing or not an array");

            var expected = expectedElement.EnumerateArray().Select((e, i) => ParseExpected(e, $"expected[{i}]", number)).ToList();
            if (expected.Count == 0 && kind != GoldenKinds.Meta)
                throw new GoldenDatasetException(number, "expected", "is empty; only a meta question may expect no source");
            return new GoldenQuestion(id, question, language, kind, expected);
        }
    }

    private static ExpectedSource ParseExpected(JsonElement element, string path, int number)
    {
        if (element.ValueKind != JsonValueKind.Object)
            throw new GoldenDatasetException(number, path, "must be an object");
        var regulation = RequiredString(element, "regulation", number, path);
        int? article = null;
        if (element.TryGetProperty("article", out var articleElement) && articleElement.ValueKind != JsonValueKind.Null)
        {
            // Written as a string ("6") like the acts write it; a bare number is accepted too.
            var text = articleElement.ValueKind switch
            {
                JsonValueKind.String => articleElement.GetString(),
                JsonValueKind.Number => articleElement.GetRawText(),
                _ => null,
            };
            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1)
                throw new GoldenDatasetException(number, $"{path}.article", $"'{articleElement.GetRawText()}' is not a positive article number");
            article = n;
        }

        string? documentPrefix = null;
        if (element.TryGetProperty("document", out var documentElement) && documentElement.ValueKind != JsonValueKind.Null)
        {
            documentPrefix = documentElement.ValueKind == JsonValueKind.String ? documentElement.GetString() : null;
            if (string.IsNullOrWhiteSpace(documentPrefix))
                throw new GoldenDatasetException(number, $"{path}.document", "must be a non-empty string");
        }

        return new ExpectedSource(regulation, article, documentPrefix);
    }

    private static string RequiredString(JsonElement element, string name, int number, string? path = null)
    {
        var field = path is null ? name : $"{path}.{name}";
        if (!element.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(value.GetString()))
            throw new GoldenDatasetException(number, field, "is missing or not a non-empty string");
        return value.GetString()!.Trim();
    }
}

/// <summary>A line of the golden dataset that cannot be read, with the line number and the field at fault.</summary>
public sealed class GoldenDatasetException(int line, string field, string problem)
    : FormatException($"Golden dataset line {line}: '{field}' {problem}.")
{
    public int Line { get; } = line;
    public string Field { get; } = field;
}
