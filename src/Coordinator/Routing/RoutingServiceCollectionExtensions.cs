using Microsoft.Extensions.DependencyInjection;

namespace Pipeline.Coordinator.Routing;

/// <summary>Registers the routing saga's services.</summary>
internal static class RoutingServiceCollectionExtensions
{
    /// <summary>The routing saga's database work, scoped so that it runs on the saga repository's DbContext and transaction.</summary>
    public static IServiceCollection AddRoutingSagaRecords(this IServiceCollection services) =>
        services.AddScoped<IRoutingSagaRecords, RoutingSagaRecords>();
}
