using System.ClientModel;
using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Logging;
using OpenAI;
using Pipeline.ServiceDefaults.Telemetry;
using Pipeline.Platform.Hosting;

namespace Pipeline.Answering;

/// <summary>Registers generation: the built-in extractive client, or any OpenAI-compatible endpoint by configuration alone.</summary>
public static class AnsweringServiceCollectionExtensions
{
    public const string OpenAiProvider = "openai";

    public static IServiceCollection AddAnswerGeneration(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<GenerationOptions>(configuration, GenerationOptions.SectionName)
            .Validate(o => o.Provider != OpenAiProvider || (!string.IsNullOrWhiteSpace(o.Endpoint) && !string.IsNullOrWhiteSpace(o.Model)),
                "Generation:Endpoint and Generation:Model are required when Generation:Provider is 'openai'.")
            .Validate(o => o.Pricing.Values.All(price => Validator.TryValidateObject(price, new ValidationContext(price), null, validateAllProperties: true)),
                "Generation:Pricing:{model}:InputPer1kTokens and :OutputPer1kTokens must be between 0 and 1000.")
            .ValidateOnStart();
        services.TryAddTimeProvider();
        services.AddSingleton<IChatClient>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<GenerationOptions>>();
            IChatClient inner = options.Value.Provider != OpenAiProvider
                ? new ExtractiveChatClient(options)
                : new OpenAIClient(new ApiKeyCredential(options.Value.ApiKey ?? "unused"), new OpenAIClientOptions { Endpoint = new Uri(options.Value.Endpoint!) })
                    .GetChatClient(options.Value.Model).AsIChatClient();
            // Generation spans and token meters in the GenAI semantic conventions; prompts and answers stay out of them.
            return inner.AsBuilder()
                .UseOpenTelemetry(sp.GetService<ILoggerFactory>(), PipelineTelemetry.GenAiSourceName, telemetry => telemetry.EnableSensitiveData = false)
                .Build(sp);
        });
        services.AddSingleton<GroundedAnswerWriter>();
        services.AddSingleton<AnalysisAwareAnswerWriter>();
        return services;
    }

    /// <summary>Both retrievals: the legacy keyword search and the workflow's hybrid search.</summary>
    public static IServiceCollection AddRetrieval(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<RetrievalOptions>(configuration, RetrievalOptions.SectionName);
        services.AddScoped<KeywordRetrieval>();
        services.AddScoped<HybridRetrieval>();
        return services;
    }

    private static void TryAddTimeProvider(this IServiceCollection services)
    {
        if (services.All(d => d.ServiceType != typeof(TimeProvider)))
            services.AddSingleton(TimeProvider.System);
    }
}
