namespace Pipeline.Api.Problems;

/// <summary>
/// What free text from a caller may contain: no control characters other than tab and line breaks. NUL in particular
/// cannot be stored in PostgreSQL text, so letting it through turns a bad request into a failed one.
/// </summary>
internal static class TextRules
{
    public static bool HasForbiddenControl(string text) => text.Any(IsForbiddenControl);

    public static bool IsForbiddenControl(char c) => char.IsControl(c) && c is not ('\t' or '\n' or '\r');
}
