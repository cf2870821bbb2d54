using System.ComponentModel.DataAnnotations;

namespace Pipeline.Answering;

/// <summary>
/// Query enhancement settings (<c>Enhancement:*</c>): how Italian→English word translations are learnt from the acts
/// the knowledge base holds in both languages (<see cref="ParallelTermLearner"/>).
/// </summary>
public sealed class EnhancementOptions
{
    public const string SectionName = "Enhancement";

    /// <summary>Off: Italian questions are rendered in English by the hand-written glossary alone.</summary>
    public bool LearnFromParallelActs { get; set; } = true;

    /// <summary>How often the workflow worker checks whether the parallel acts changed (one small query) and relearns if so.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")] public TimeSpan ParallelTermsRefresh { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Provisions a word and its translation must share: fewer is chance (measured on the GDPR's 661 provisions).</summary>
    [Range(1, 100)] public int MinCooccurrences { get; set; } = 4;

    /// <summary>Overlap of the two words' provisions (Dice, 0–1) below which a pair is not a translation.</summary>
    [Range(0.0, 1.0)] public double MinDice { get; set; } = 0.7;

    /// <summary>Shorter words are mostly articles and prepositions, which carry nothing a search can use.</summary>
    [Range(1, 20)] public int MinWordLength { get; set; } = 4;

    /// <summary>English words in more than this share of provisions ("shall", "their") are never a translation.</summary>
    [Range(0.0, 1.0)] public double MaxEnglishProvisionShare { get; set; } = 0.25;
}
