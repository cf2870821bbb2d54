using System.ComponentModel.DataAnnotations;

namespace Pipeline.Api.Security;

/// <summary>How long a dashboard sign-in lasts and where the keys protecting its tickets live (<c>Dashboard:Session:*</c>).</summary>
public sealed class DashboardSessionOptions
{
    public const string SectionName = "Dashboard:Session";

    /// <summary>After this the operator signs in again.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")] public TimeSpan Lifetime { get; set; } = TimeSpan.FromHours(8);

    /// <summary>Wrong keys one address may try within <see cref="SignInFailureWindow"/>; beyond it sign-ins from there get 429.</summary>
    [Range(1, 1_000)] public int SignInFailureLimit { get; set; } = 5;

    /// <summary>How long failed sign-ins count against their address.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")] public TimeSpan SignInFailureWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// A directory for the data-protection key ring. Unset, ASP.NET Core's default location is used, which suits one
    /// instance; API instances behind one address must share a key ring, or a ticket issued by one is refused by the others.
    /// </summary>
    public string? KeyRingPath { get; set; }
}
