using System.ComponentModel.DataAnnotations;

namespace Pipeline.Api.Chat;

/// <summary>Limits and waits of the chat front door (<c>Chat:*</c>).</summary>
public sealed class ChatOptions : IValidatableObject
{
    public const string SectionName = "Chat";

    /// <summary>Message length after trimming (docs/api.md §1: 1 to 8,000).</summary>
    [Range(1, 100_000)] public int MaxMessageLength { get; set; } = 8_000;

    /// <summary>How long a caller waits for the saga's answer or error before the API gives up with 504; longer than the routing deadline.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")] public TimeSpan CallerTimeout { get; set; } = TimeSpan.FromSeconds(40);

    /// <summary>How long <c>done</c> waits for late token pieces before it is sent anyway (its result carries the whole text).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")] public TimeSpan TokenGrace { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Largest accepted request body in bytes.</summary>
    [Range(1024, 10_000_000)] public long MaxBodyBytes { get; set; } = 64 * 1024;

    /// <summary>
    /// How long this instance's durable event queue outlives its last use: it keeps the events of a broker restart or a
    /// dropped connection for callers still waiting, then the broker deletes the queue of an instance that is gone.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")] public TimeSpan InstanceQueueExpiry { get; set; } = TimeSpan.FromMinutes(10);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        // A queue gone while a caller still waits would lose that caller's answer to the next reconnect.
        if (InstanceQueueExpiry < CallerTimeout)
            yield return new ValidationResult("Chat:InstanceQueueExpiry must be at least Chat:CallerTimeout.", [nameof(InstanceQueueExpiry)]);
    }
}
