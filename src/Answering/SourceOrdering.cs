namespace Pipeline.Answering;

/// <summary>How the new generation orders a question's sources (<see cref="AnalysisAwareSourceOrder"/>); also what <see cref="PromptGuidance"/> explains.</summary>
internal enum SourceOrdering
{
    /// <summary>Retrieval's own order.</summary>
    Retrieval,

    /// <summary>The named article's passages first.</summary>
    ArticleFirst,

    /// <summary>The regulations compared, in turn.</summary>
    RegulationByRegulation,
}
