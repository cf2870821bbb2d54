using System.ComponentModel.DataAnnotations;

namespace Pipeline.Platform.Bus;

/// <summary>
/// How long every consumer waits out a database or network outage before a message goes to its error queue
/// (<c>OutageRetry:*</c>): exponential backoff; the defaults span about a minute.
/// </summary>
public sealed class OutageRetryOptions
{
    public const string SectionName = "OutageRetry";

    [Range(0, 100)] public int RetryLimit { get; set; } = 12;
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")] public TimeSpan MinInterval { get; set; } = TimeSpan.FromMilliseconds(200);
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")] public TimeSpan MaxInterval { get; set; } = TimeSpan.FromSeconds(10);
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")] public TimeSpan IntervalDelta { get; set; } = TimeSpan.FromMilliseconds(500);
}
