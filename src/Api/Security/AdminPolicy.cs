namespace Pipeline.Api.Security;

/// <summary>The authorization policy of every operator route.</summary>
public static class AdminPolicy
{
    public const string Name = "Admin";
    public const string Role = "admin";
    public const string UserRole = "user";
}
