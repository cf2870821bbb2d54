namespace Pipeline.Persistence.Routing;

/// <summary>
/// The routing saga's states as <see cref="ChatRoutingState.CurrentState"/> stores them, for the queries that read
/// the saga's rows without the state machine (replay progress, rollout evidence). MassTransit names a state after its
/// property on the state machine; a test holds the two equal.
/// </summary>
public static class ChatRoutingStates
{
    /// <summary>A request whose served execution is under way; where a request the API dispatched itself starts.</summary>
    public const string Executing = "Executing";

    public const string Completed = "Completed";

    public const string Failed = "Failed";
}
