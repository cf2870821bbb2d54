using Microsoft.AspNetCore.SignalR;
using MassTransit;
using Microsoft.Extensions.Options;
using Pipeline.Answering.Conversations;
using Pipeline.Platform.Bus;
using Pipeline.Platform.Hosting;

namespace Pipeline.Api.Chat;

/// <summary>Registers the chat front door: submission, caller sessions, the instance endpoint, the hub.</summary>
internal static class ChatServiceCollectionExtensions
{
    public static IServiceCollection AddChatFrontDoor(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<ChatOptions>(configuration, ChatOptions.SectionName);
        services.AddSingleton<CallerInstance>();
        services.AddSingleton<CallerSessionRegistry>();
        services.AddScoped<ChatSubmitter>();
        services.AddScoped<ConversationOwnership>();
        services.AddScoped<ChatRequestLookup>();
        services.AddSingleton<ChatRateLimitHubFilter>();
        services.AddSignalR(hub => hub.AddFilter<ChatRateLimitHubFilter>());
        return services;
    }

    public static void AddCallerEvents(this IBusRegistrationConfigurator bus) =>
        bus.AddConsumer<CallerEventsConsumer>().ExcludeFromConfigureEndpoints();

    /// <summary>The queue that receives this instance's callers' events; bound to nothing, only sent to.</summary>
    public static void AddCallerInstanceEndpoint(this IRabbitMqBusFactoryConfigurator cfg, IBusRegistrationContext context)
    {
        var instance = context.GetRequiredService<CallerInstance>();
        var expiry = context.GetRequiredService<IOptions<ChatOptions>>().Value.InstanceQueueExpiry;
        cfg.ReceiveDurableInstanceEndpoint(instance.EndpointName, expiry, endpoint =>
        {
            endpoint.ConfigureConsumeTopology = false;
            endpoint.ConfigureConsumer<CallerEventsConsumer>(context);
        });
    }
}
