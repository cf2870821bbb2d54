using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Pipeline.Api.OpenApi;

/// <summary>
/// Documents a route's JSON request body for OpenAPI only. <c>Accepts&lt;T&gt;()</c> would document it too, but its
/// metadata also takes part in routing, which then answers any other content type with a bare 415 before the handler
/// runs; the handlers read their bodies strictly themselves and answer a wrong content type with a 400 that names it.
/// </summary>
internal sealed record JsonRequestBody(Type BodyType, bool Required)
{
    public const string ContentType = "application/json";

    /// <summary>Sets the operation's request body from the route's <see cref="JsonRequestBody"/>, when it has one.</summary>
    public static async Task DescribeAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.Description.ActionDescriptor.EndpointMetadata.OfType<JsonRequestBody>().LastOrDefault() is not { } body)
            return;

        var schema = await context.GetOrCreateSchemaAsync(body.BodyType, null, cancellationToken);
        // A named component, as the generator does for the bodies it infers itself, so clients get one type per body.
        context.Document!.AddComponent(body.BodyType.Name, schema);
        operation.RequestBody = new OpenApiRequestBody
        {
            Required = body.Required,
            Content = new Dictionary<string, OpenApiMediaType>
            {
                [ContentType] = new() { Schema = new OpenApiSchemaReference(body.BodyType.Name, context.Document) },
            },
        };
    }
}

/// <summary>Route builder extensions for <see cref="JsonRequestBody"/>.</summary>
internal static class JsonRequestBodyExtensions
{
    /// <summary>Documents <typeparamref name="T"/> as the route's JSON body without letting routing reject other content types.</summary>
    public static RouteHandlerBuilder AcceptsJson<T>(this RouteHandlerBuilder builder, bool required = true) =>
        builder.WithMetadata(new JsonRequestBody(typeof(T), required));
}
