using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Platform.Hosting;

namespace Pipeline.Infrastructure.Routing;

/// <summary>Binds the routing options every host shares (queue names, deadlines) and registers the routing saga's services.</summary>
public static class RoutingServiceCollectionExtensions
{
    public static IServiceCollection AddRoutingOptions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<RoutingOptions>(configuration, RoutingOptions.SectionName);
        return services;
    }

    /// <summary>The routing saga's database work, scoped so that it runs on the saga repository's DbContext and transaction.</summary>
    public static IServiceCollection AddRoutingSagaRecords(this IServiceCollection services) =>
        services.AddScoped<IRoutingSagaRecords, RoutingSagaRecords>();
}
