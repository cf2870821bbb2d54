using System.Text;

namespace Pipeline.KnowledgeBase;

/// <summary>
/// Cuts sections into retrievable passages. A passage never spans two sections, so an article never merges with
/// another; a long article is split at paragraph (then sentence) boundaries and every piece keeps its article number.
/// </summary>
internal static class ArticleChunker
{
    public static IEnumerable<DocumentSection> Chunk(IEnumerable<DocumentSection> sections, int maxCharacters)
    {
        foreach (var section in sections)
        {
            if (section.Text.Length <= maxCharacters)
            {
                if (section.Text.Length > 0 || section.ArticleTitle is not null)
                    yield return section;
                continue;
            }

            var piece = new StringBuilder();
            foreach (var paragraph in Paragraphs(section.Text, maxCharacters))
            {
                if (piece.Length > 0 && piece.Length + paragraph.Length + 1 > maxCharacters)
                {
                    yield return section with { Text = piece.ToString().Trim() };
                    piece.Clear();
                }

                piece.AppendLine(paragraph);
            }

            if (piece.Length > 0)
                yield return section with { Text = piece.ToString().Trim() };
        }
    }

    private static IEnumerable<string> Paragraphs(string text, int maxCharacters)
    {
        foreach (var paragraph in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (paragraph.Length <= maxCharacters)
            {
                yield return paragraph;
                continue;
            }

            // A paragraph longer than a chunk is cut between sentences, or hard as a last resort.
            var sentence = new StringBuilder();
            foreach (var part in paragraph.Split(". "))
            {
                if (sentence.Length > 0 && sentence.Length + part.Length + 2 > maxCharacters)
                {
                    yield return sentence.ToString();
                    sentence.Clear();
                }

                var remaining = part;
                while (remaining.Length > maxCharacters)
                {
                    yield return remaining[..maxCharacters];
                    remaining = remaining[maxCharacters..];
                }

                sentence.Append(remaining).Append(". ");
            }

            if (sentence.Length > 0)
                yield return sentence.ToString().TrimEnd();
        }
    }
}
