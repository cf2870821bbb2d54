namespace Pipeline.Api.Limits;

/// <summary>Marks an endpoint whose requests spend the caller's chat permits.</summary>
internal sealed class ChatRateLimitMetadata
{
    public static readonly ChatRateLimitMetadata Instance = new();
}
