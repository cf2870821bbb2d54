using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Pipeline.Platform.Hosting;
using Pipeline.Platform.Serialization;

namespace Pipeline.Platform.Bus;

/// <summary>One bus configuration for every host: RabbitMQ, quorum queues, confirmed publishes, string enums.</summary>
public static class BusServiceCollectionExtensions
{
    /// <summary>Prefix of per-process, temporary endpoints (no quorum: they die with their process).</summary>
    public const string InstanceEndpointPrefix = "instance-";

    public static IServiceCollection AddPipelineBus(
        this IServiceCollection services,
        IConfiguration configuration,
        Action<IBusRegistrationConfigurator> registerConsumers,
        params Action<IBusRegistrationContext, IRabbitMqBusFactoryConfigurator>[] configureBus)
    {
        services.AddValidatedOptions<RabbitMqOptions>(configuration, RabbitMqOptions.SectionName);
        services.AddValidatedOptions<OutageRetryOptions>(configuration, OutageRetryOptions.SectionName);

        services.AddMassTransit(x =>
        {
            x.DisableUsageTelemetry();
            x.SetKebabCaseEndpointNameFormatter();
            registerConsumers(x);

            // Durable endpoints get quorum queues so a broker node loss keeps their messages.
            x.AddConfigureEndpointsCallback((context, name, endpoint) =>
            {
                var quorum = context.GetRequiredService<IOptions<RabbitMqOptions>>().Value.UseQuorumQueues;
                if (quorum && endpoint is IRabbitMqReceiveEndpointConfigurator rabbit && !name.StartsWith(InstanceEndpointPrefix, StringComparison.Ordinal))
                    rabbit.SetQuorumQueue();
            });

            x.UsingRabbitMq((context, cfg) =>
            {
                var rabbit = context.GetRequiredService<IOptions<RabbitMqOptions>>().Value;
                cfg.Host(rabbit.Host, (ushort)rabbit.Port, rabbit.VirtualHost, h =>
                {
                    h.Username(rabbit.Username);
                    h.Password(rabbit.Password);
                    h.PublisherConfirmation = true;
                });
                cfg.PrefetchCount = rabbit.PrefetchCount;
                cfg.ConfigureJsonSerializerOptions(PipelineJson.ConfigureBus);
                foreach (var configure in configureBus)
                    configure(context, cfg);
                cfg.ConfigureEndpoints(context);
            });
        });
        return services;
    }

    /// <summary>
    /// A per-process queue that disappears with its process: for events every process must see (flag changes) or
    /// that only this process may see (its callers' tokens).
    /// </summary>
    public static void ReceiveInstanceEndpoint(this IRabbitMqBusFactoryConfigurator cfg, string name, Action<IRabbitMqReceiveEndpointConfigurator> configure)
    {
        if (!name.StartsWith(InstanceEndpointPrefix, StringComparison.Ordinal))
            throw new ArgumentException($"Instance endpoint names start with '{InstanceEndpointPrefix}'.", nameof(name));

        cfg.ReceiveEndpoint(name, endpoint =>
        {
            endpoint.Durable = false;
            endpoint.AutoDelete = true;
            configure(endpoint);
        });
    }

    /// <summary>A unique instance endpoint name for <paramref name="purpose"/> in this process.</summary>
    public static string InstanceEndpointName(string purpose) =>
        $"{InstanceEndpointPrefix}{purpose}-{Environment.MachineName.ToLowerInvariant()}-{Guid.NewGuid():N}";
}
