
namespace Pipeline.KnowledgeBase;

/// <summary>A document as its parser understood it: title, language and sections in reading order.</summary>
internal sealed record ParsedDocument(string Title, string Language, IReadOnlyList<DocumentSection> Sections);

/// <summary>A run of text under one heading; an article when <see cref="ArticleNumber"/> is set.</summary>
internal sealed record DocumentSection(int? ArticleNumber, string? ArticleTitle, string? Heading, string Text);
