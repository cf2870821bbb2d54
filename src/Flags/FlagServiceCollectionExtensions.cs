using MassTransit;
using Microsoft.FeatureManagement;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Pipeline.Platform.Bus;
using Pipeline.Platform.Hosting;

namespace Pipeline.Flags;

/// <summary>Registers flag evaluation for a process: the snapshot, its poller, and the per-process FlagChanged endpoint.</summary>
public static class FlagServiceCollectionExtensions
{
    public const string InstancePurpose = "flags";

    public static IServiceCollection AddFlagEvaluation(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<FlagOptions>(configuration, FlagOptions.SectionName);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<FlagSnapshotStore>();
        services.AddSingleton<IFlagEvaluator>(sp => sp.GetRequiredService<FlagSnapshotStore>());
        services.AddPeriodicJob<FlagSnapshotRefresh, FlagOptions>(o => o.PollInterval);

        // Ours first: AddFeatureManagement only adds its configuration-based provider when none is registered.
        services.AddSingleton<IFeatureDefinitionProvider, FlagFeatureDefinitionProvider>();
        services.AddFeatureManagement().AddFeatureFilter<PipelineFlagFilter>();
        return services;
    }

    /// <summary>Seeding of the migration hierarchy for the <c>migrate</c> verb and first start.</summary>
    public static IServiceCollection AddFlagSeeding(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddScoped<Persistence.IDatabaseSeeder, FlagSeeder>();
        return services;
    }

    public static void AddFlagSnapshotRefresh(this IBusRegistrationConfigurator bus) =>
        bus.AddConsumer<FlagChangedConsumer>().ExcludeFromConfigureEndpoints();

    /// <summary>Binds this process's own temporary queue to <c>FlagChanged</c>: every process hears every change.</summary>
    public static void AddFlagRefreshEndpoint(this IRabbitMqBusFactoryConfigurator cfg, IBusRegistrationContext context) =>
        cfg.ReceiveInstanceEndpoint(BusServiceCollectionExtensions.InstanceEndpointName(InstancePurpose),
            endpoint => endpoint.ConfigureConsumer<FlagChangedConsumer>(context));
}
