using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Pipeline.Platform.Hosting;

/// <summary>Registers a job and the background loop that runs it at the interval its options name.</summary>
public static class PeriodicJobServiceCollectionExtensions
{
    public static IServiceCollection AddPeriodicJob<TJob, TOptions>(this IServiceCollection services, Func<TOptions, TimeSpan> interval)
        where TJob : class, IPeriodicJob
        where TOptions : class
    {
        services.TryAddScoped<TJob>();
        services.AddHostedService(sp => new PeriodicJobService<TJob>(
            sp.GetRequiredService<IServiceScopeFactory>(),
            () => interval(sp.GetRequiredService<IOptions<TOptions>>().Value),
            sp.GetService<TimeProvider>() ?? TimeProvider.System,
            sp.GetRequiredService<ILogger<PeriodicJobService<TJob>>>()));
        return services;
    }
}
