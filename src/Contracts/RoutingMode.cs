namespace Pipeline.Contracts;

/// <summary>How a request was routed: the effective mode of the routing flag for that request.</summary>
public enum RoutingMode
{
    Disabled,
    Shadow,
    Enabled,
}
