using System.Diagnostics;
using MassTransit;
using Pipeline.Api.Chat;
using Pipeline.Api.Health;
using Pipeline.Api.Problems;
using Pipeline.Infrastructure.Bus;
using Pipeline.Infrastructure.Persistence;

namespace Pipeline.Api;

/// <summary>Composition of the API host: services and the route map.</summary>
public static class ApiServices
{
    public static WebApplicationBuilder AddApiServices(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
            context.ProblemDetails.Extensions["traceId"] = Activity.Current?.TraceId.ToString() ?? context.HttpContext.TraceIdentifier);
        services.AddExceptionHandler<ProblemResponseHandler>();
        services.AddSingleton(TimeProvider.System);
        services.AddPipelineDatabase(builder.Configuration);
        services.AddPipelineHealthChecks();
        services.AddChatFrontDoor(builder.Configuration);
        services.AddPipelineBus(builder.Configuration, bus => bus.AddCallerEvents(), (context, cfg) => cfg.AddCallerInstanceEndpoint(context));
        return builder;
    }

    public static WebApplication MapApi(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapHealthEndpoints();
        app.MapChatEndpoints();
        return app;
    }
}
