using System.ComponentModel.DataAnnotations;

namespace Pipeline.Api.Problems;

/// <summary>How the API answers a request it cannot take (<c>Problems:*</c>).</summary>
public sealed class ProblemOptions
{
    public const string SectionName = "Problems";

    /// <summary>Seconds a caller is told to wait (Retry-After) when the broker or the database cannot take a request.</summary>
    [Range(1, 3600)] public int RetryAfterSeconds { get; set; } = 5;
}
