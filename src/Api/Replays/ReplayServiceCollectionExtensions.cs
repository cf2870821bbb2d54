using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Platform.Hosting;

namespace Pipeline.Api.Replays;

/// <summary>Registration of operator replays (starting them and measuring their progress).</summary>
internal static class ReplayServiceCollectionExtensions
{
    public static IServiceCollection AddReplays(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<ReplayOptions>(configuration, ReplayOptions.SectionName);
        services.AddScoped<ReplayLauncher>();
        services.AddScoped<ReplayProgressQuery>();
        return services;
    }
}
