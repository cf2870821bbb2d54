using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using Pipeline.Platform.Hosting;

namespace Pipeline.Api.Limits;

/// <summary>Registers request size limits (Kestrel) and the per-caller chat rate limit (middleware and hub filter).</summary>
internal static class LimitsServiceCollectionExtensions
{
    public static IServiceCollection AddRequestLimits(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<RequestLimitOptions>(configuration, RequestLimitOptions.SectionName)
            .Validate(o => o.ChatPermitLimitPerAddress >= o.ChatPermitLimit,
                "Limits:ChatPermitLimitPerAddress must be at least Limits:ChatPermitLimit (an address holds at least one caller).");
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<RequestLimitOptions>>((kestrel, options) =>
        {
            var limits = options.Value;
            kestrel.Limits.MaxRequestBodySize = limits.MaxRequestBodyBytes;
            kestrel.Limits.MaxRequestHeadersTotalSize = limits.MaxRequestHeadersTotalBytes;
            kestrel.Limits.MaxRequestHeaderCount = limits.MaxRequestHeaderCount;
            kestrel.Limits.MaxRequestLineSize = limits.MaxRequestLineBytes;
        });
        services.AddSingleton<ChatRateLimiter>();
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<ChatRateLimiter>((rateLimiting, limiter) =>
        {
            rateLimiting.GlobalLimiter = limiter.ForRequests;
            rateLimiting.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            rateLimiting.OnRejected = RateLimitRejection.WriteAsync;
        });
        return services;
    }

    /// <summary>Makes an endpoint's requests spend the caller's chat permits.</summary>
    public static TBuilder RequireChatRateLimit<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(ChatRateLimitMetadata.Instance);
}
