using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Pipeline.Infrastructure.Routing;

/// <summary>Binds the routing options every host shares (queue names, deadlines).</summary>
public static class RoutingServiceCollectionExtensions
{
    public static IServiceCollection AddRoutingOptions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RoutingOptions>()
            .Bind(configuration.GetSection(RoutingOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        return services;
    }
}
