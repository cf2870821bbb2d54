namespace Pipeline.Api.Limits;

/// <summary>Marks an endpoint whose requests spend the caller's chat permits.</summary>
public sealed class ChatRateLimitMetadata
{
    public static readonly ChatRateLimitMetadata Instance = new();
}
