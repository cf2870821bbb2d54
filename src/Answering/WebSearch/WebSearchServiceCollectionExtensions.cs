using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Pipeline.Platform.Hosting;

namespace Pipeline.Answering.WebSearch;

/// <summary>Registers the optional web search (SearxNG-compatible provider).</summary>
public static class WebSearchServiceCollectionExtensions
{
    public static IServiceCollection AddWebSearch(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<WebSearchOptions>(configuration, WebSearchOptions.SectionName)
            .Validate(o => !o.Enabled || o.BaseUrl is { IsAbsoluteUri: true }, "WebSearch:BaseUrl must be an absolute URL when WebSearch:Enabled is true.");
        services.AddHttpClient<IWebSearchProvider, SearxngWebSearchProvider>((sp, http) =>
            http.Timeout = sp.GetRequiredService<IOptions<WebSearchOptions>>().Value.Timeout);
        services.AddScoped<WebAugmentation>();
        return services;
    }
}
