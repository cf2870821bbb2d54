using MassTransit;
using Pipeline.Infrastructure.Conversations;
using Pipeline.Infrastructure.Bus;
using Pipeline.Infrastructure.Hosting;
using Pipeline.Infrastructure.Requests;

namespace Pipeline.Api.Chat;

/// <summary>Registers the chat front door: submission, caller sessions, the instance endpoint, the hub.</summary>
public static class ChatServiceCollectionExtensions
{
    public static IServiceCollection AddChatFrontDoor(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<ChatOptions>(configuration, ChatOptions.SectionName);
        services.AddSingleton<CallerInstance>();
        services.AddSingleton<CallerSessionRegistry>();
        services.AddScoped<ChatSubmitter>();
        services.AddScoped<ConversationOwnership>();
        services.AddScoped<ChatRequestLookup>();
        services.AddSignalR();
        return services;
    }

    public static void AddCallerEvents(this IBusRegistrationConfigurator bus) =>
        bus.AddConsumer<CallerEventsConsumer>().ExcludeFromConfigureEndpoints();

    /// <summary>The temporary queue that receives this instance's callers' events; bound to nothing, only sent to.</summary>
    public static void AddCallerInstanceEndpoint(this IRabbitMqBusFactoryConfigurator cfg, IBusRegistrationContext context)
    {
        var instance = context.GetRequiredService<CallerInstance>();
        cfg.ReceiveInstanceEndpoint(instance.EndpointName, endpoint =>
        {
            endpoint.ConfigureConsumeTopology = false;
            endpoint.ConfigureConsumer<CallerEventsConsumer>(context);
        });
    }
}
