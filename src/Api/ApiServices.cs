using Pipeline.Infrastructure.Bus;
using Pipeline.Infrastructure.Persistence;

namespace Pipeline.Api;

/// <summary>Composition of the API host: services and the route map.</summary>
public static class ApiServices
{
    public static WebApplicationBuilder AddApiServices(this WebApplicationBuilder builder)
    {
        builder.Services.AddPipelineDatabase(builder.Configuration);
        builder.Services.AddPipelineBus(builder.Configuration, _ => { });
        return builder;
    }

    public static WebApplication MapApi(this WebApplication app)
    {
        return app;
    }
}
