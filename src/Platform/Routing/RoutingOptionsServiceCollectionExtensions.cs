using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Platform.Hosting;

namespace Pipeline.Platform.Routing;

/// <summary>Binds the routing options every host shares (queue names, deadlines).</summary>
public static class RoutingOptionsServiceCollectionExtensions
{
    public static IServiceCollection AddRoutingOptions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<RoutingOptions>(configuration, RoutingOptions.SectionName);
        return services;
    }
}
