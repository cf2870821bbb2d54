namespace Pipeline.Api.Security;

/// <summary>The authorization policy of every operator route.</summary>
public static class AdminPolicy
{
    public const string Name = "Admin";
    public const string Role = "admin";
    public const string UserRole = "user";

    /// <summary>
    /// Guards operator routes with the admin policy and documents what every one of them may answer besides its own
    /// results: 401 without a credential, 403 with a user key, 503 when the database or broker is down.
    /// </summary>
    public static TBuilder RequireAdmin<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(Name)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
}
