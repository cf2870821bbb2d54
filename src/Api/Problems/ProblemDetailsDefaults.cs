namespace Pipeline.Api.Problems;

/// <summary>
/// Fills what the framework leaves out of its own ProblemDetails (404, 405, 415 decided by routing, with no detail) so
/// that every 4xx says what was wrong, and stamps the trace id on all of them.
/// </summary>
internal static class ProblemDetailsDefaults
{
    public static void Customize(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        var request = context.HttpContext.Request;
        problem.Extensions["traceId"] = System.Diagnostics.Activity.Current?.TraceId.ToString() ?? context.HttpContext.TraceIdentifier;
        if (problem.Detail is not null)
            return;

        var path = request.Path.Value;
        problem.Detail = problem.Status switch
        {
            StatusCodes.Status404NotFound => $"No resource at '{path}'.",
            StatusCodes.Status405MethodNotAllowed => $"'{path}' does not accept {request.Method}.",
            StatusCodes.Status415UnsupportedMediaType => $"'{path}' does not accept a body of type '{request.ContentType}'; send application/json.",
            _ => null,
        };
    }
}
