using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.DataProtection;
using Pipeline.Infrastructure.Hosting;

namespace Pipeline.Api.Security;

/// <summary>Registers bearer-key authentication and the admin policy.</summary>
public static class SecurityServiceCollectionExtensions
{
    public static IServiceCollection AddApiKeySecurity(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ApiKeyOptions>()
            .Configure(o =>
            {
                o.AdminKeys = configuration.GetSection("Admin:ApiKeys").Get<List<string>>() ?? [];
                o.UserKeys = configuration.GetSection("Users:ApiKeys").Get<List<string>>() ?? [];
            })
            .ValidateDataAnnotations()
            .Validate(o => o.AdminKeys.Concat(o.UserKeys).All(k => k.Length >= ApiKeyOptions.MinimumKeyLength),
                $"API keys must be at least {ApiKeyOptions.MinimumKeyLength} characters.")
            .ValidateOnStart();
        services.AddValidatedOptions<DashboardSessionOptions>(configuration, DashboardSessionOptions.SectionName);
        var dataProtection = services.AddDataProtection();
        if (configuration.GetSection(DashboardSessionOptions.SectionName).Get<DashboardSessionOptions>()?.KeyRingPath is { Length: > 0 } keyRing)
            dataProtection.PersistKeysToFileSystem(new DirectoryInfo(keyRing));
        services.AddSingleton<DashboardSessions>();
        services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(AdminPolicy.Name, policy => policy.RequireRole(AdminPolicy.Role));
        return services;
    }
}
