namespace Pipeline.Contracts;

/// <summary>A piece of an answer, sent straight to the API instance that holds the caller.</summary>
/// <param name="Sequence">Zero-based position of the piece within its attempt, so the receiver can restore order.</param>
public sealed record ChatTokenStreamed(
    Guid RequestId,
    ChatPipeline Pipeline,
    int Attempt,
    int Sequence,
    string Text);
