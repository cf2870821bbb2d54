using Pipeline.Api.Comparisons;
using Pipeline.Platform.Hosting;

namespace Pipeline.Api.Dashboard;

/// <summary>Registers the dashboard's options, validated at start-up.</summary>
internal static class DashboardServiceCollectionExtensions
{
    public static IServiceCollection AddDashboard(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<DashboardOptions>(configuration, DashboardOptions.SectionName)
            .Validate(o => TimeWindow.TryParse(o.ChartWindow, out _), "Dashboard:ChartWindow must be a duration such as 1h.")
            .Validate(o => TimeWindow.TryParse(o.ChartStep, out _), "Dashboard:ChartStep must be a duration such as 1m.");
        return services;
    }
}
