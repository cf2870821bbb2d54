using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Pipeline.Infrastructure.Execution;

/// <summary>Binds the chat workers' execution options.</summary>
public static class ExecutionServiceCollectionExtensions
{
    public static IServiceCollection AddExecutionOptions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ExecutionOptions>()
            .Bind(configuration.GetSection(ExecutionOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<FaultInjection>();
        return services;
    }
}
