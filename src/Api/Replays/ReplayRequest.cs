
namespace Pipeline.Api.Replays;

/// <summary>What an operator asks to replay: archived requests accepted in [From, To), at most Limit of them, oldest first.</summary>
internal sealed record ReplayRequest(DateTime From, DateTime To, string Flag, int Limit, string RequestedBy);
