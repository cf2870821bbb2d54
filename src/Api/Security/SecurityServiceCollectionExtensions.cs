using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;
using Pipeline.Platform.Hosting;

namespace Pipeline.Api.Security;

/// <summary>Registers bearer-key authentication and the admin policy.</summary>
internal static class SecurityServiceCollectionExtensions
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
            .Validate(o => o.AdminKeys.All(k => k.Length >= ApiKeyOptions.MinimumAdminKeyLength),
                $"Admin keys (Admin:ApiKeys) must be at least {ApiKeyOptions.MinimumAdminKeyLength} characters.")
            .ValidateOnStart();
        services.AddValidatedOptions<DashboardSessionOptions>(configuration, DashboardSessionOptions.SectionName);
        services.AddValidatedOptions<ProxyOptions>(configuration, ProxyOptions.SectionName);
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<ProxyOptions>>((forwarded, proxies) => proxies.Value.ApplyTo(forwarded));
        var dataProtection = services.AddDataProtection();
        if (configuration.GetSection(DashboardSessionOptions.SectionName).Get<DashboardSessionOptions>()?.KeyRingPath is { Length: > 0 } keyRing)
            dataProtection.PersistKeysToFileSystem(new DirectoryInfo(keyRing));
        services.AddSingleton<DashboardSessions>();
        services.AddScoped<DashboardSignOuts>();
        services.AddSingleton<DashboardSignInThrottle>();
        services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(AdminPolicy.Name, policy => policy.RequireRole(AdminPolicy.Role));
        return services;
    }
}

/// <summary>The security middleware that must run before routing and authentication.</summary>
internal static class SecurityApplicationBuilderExtensions
{
    /// <summary>Believes forwarded headers from the configured proxies only, and only when some are configured.</summary>
    public static WebApplication UseTrustedProxies(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<ProxyOptions>>().Value.Any)
            app.UseForwardedHeaders();
        return app;
    }
}
