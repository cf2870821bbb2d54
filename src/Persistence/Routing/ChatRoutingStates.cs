namespace Pipeline.Persistence.Routing;

/// <summary>
/// The routing saga's end states as <see cref="ChatRoutingState.CurrentState"/> stores them, for the queries that read
/// the saga's rows without the state machine (replay progress, rollout evidence). MassTransit names a state after its
/// property on the state machine; a test holds the two equal.
/// </summary>
public static class ChatRoutingStates
{
    public const string Completed = "Completed";

    public const string Failed = "Failed";
}
