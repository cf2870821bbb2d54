using Microsoft.AspNetCore.Authorization;
using Microsoft.OpenApi;
using Pipeline.Api.Security;
using Scalar.AspNetCore;

namespace Pipeline.Api.OpenApi;

/// <summary>
/// The API's OpenAPI document at <c>/openapi/v1.json</c> (always served: it is the public contract) and, in
/// Development only, the interactive reference at <c>/scalar</c>.
/// </summary>
internal static class ApiDocument
{
    public const string Name = "v1";
    public const string Path = "/openapi/{documentName}.json";
    public const string ReferencePath = "/scalar";
    public const string BearerScheme = "Bearer";

    public static IServiceCollection AddApiDocument(this IServiceCollection services)
    {
        services.AddOpenApi(Name, options =>
        {
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "Pipeline API",
                    Version = Name,
                    Description = "Chat over EU law through a legacy and a workflow pipeline, and the operator routes that migrate "
                        + "between them. Errors are RFC 9457 problem details with a traceId. docs/api.md describes the routes in prose.",
                };
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    Description = "An admin API key from Admin:ApiKeys (user keys from Users:ApiKeys only identify a chat caller).",
                };
                return Task.CompletedTask;
            });
            options.AddDocumentTransformer<FrameworkEndpointsTransformer>();
            options.AddOperationTransformer(async (operation, context, cancellationToken) =>
            {
                var metadata = context.Description.ActionDescriptor.EndpointMetadata;
                if (metadata.OfType<IAuthorizeData>().Any(a => a.Policy == AdminPolicy.Name))
                {
                    operation.Security ??= [];
                    operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, context.Document)] = [] });
                }

                await JsonRequestBody.DescribeAsync(operation, context, cancellationToken);
            });
        });
        return services;
    }

    public static WebApplication MapApiDocument(this WebApplication app)
    {
        app.MapOpenApi(Path).AllowAnonymous();
        if (app.Environment.IsDevelopment())
            app.MapScalarApiReference(ReferencePath, options => options.WithTitle("Pipeline API")).AllowAnonymous();
        return app;
    }
}
