using System.ComponentModel.DataAnnotations;
using Pipeline.Persistence.Replays;

namespace Pipeline.Api.Replays;

/// <summary>Bounds of operator replays (<c>Replay:*</c>).</summary>
internal sealed class ReplayOptions
{
    public const string SectionName = "Replay";

    /// <summary>Requests replayed when the operator gives no limit.</summary>
    [Range(1, 1_000_000)]
    public int DefaultLimit { get; set; } = 1_000;

    /// <summary>The most one replay may re-publish: every request is one outbox row in the replay's transaction.</summary>
    [Range(1, 1_000_000)]
    public int MaxLimit { get; set; } = 10_000;
}
