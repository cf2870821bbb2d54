using System.ComponentModel.DataAnnotations;

namespace Pipeline.Api.Security;

/// <summary>Bearer keys: admin keys (<c>Admin:ApiKeys</c>) reach the operator routes; user keys (<c>Users:ApiKeys</c>) only identify a caller.</summary>
public sealed class ApiKeyOptions
{
    public const int MinimumKeyLength = 8;

    /// <summary>An admin key opens every operator route and the dashboard, and is what a sign-in guesses at: 24 characters at least.</summary>
    public const int MinimumAdminKeyLength = 24;

    [MinLength(1, ErrorMessage = "At least one admin key is required (Admin:ApiKeys:0).")]
    public List<string> AdminKeys { get; set; } = [];

    public List<string> UserKeys { get; set; } = [];
}
