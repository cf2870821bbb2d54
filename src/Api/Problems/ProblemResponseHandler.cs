using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Npgsql;
using Pipeline.Platform.Bus;
using RabbitMQ.Client.Exceptions;

namespace Pipeline.Api.Problems;

/// <summary>
/// Maps failures to ProblemDetails: an unreachable database or broker is a 503 with Retry-After (the request was not
/// taken, so the caller may safely retry), a value the database refuses as data is a 400, a malformed or oversized
/// request is the 4xx Kestrel decided.
/// </summary>
public sealed class ProblemResponseHandler(IProblemDetailsService problems, IOptions<ProblemOptions> options) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var (status, title, detail) = Classify(exception);
        if (status == 0)
            return false;

        httpContext.Response.StatusCode = status;
        if (status == StatusCodes.Status503ServiceUnavailable)
            httpContext.Response.Headers.RetryAfter = options.Value.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);

        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail },
        });
    }

    /// <summary>Whether the failure means the request could not be taken now (database or broker), and what to tell the caller.</summary>
    public static bool IsUnavailable(Exception exception, out string detail)
    {
        var (status, _, text) = Classify(exception);
        detail = text ?? "";
        return status == StatusCodes.Status503ServiceUnavailable;
    }

    private static (int Status, string Title, string? Detail) Classify(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            switch (current)
            {
                case ServiceUnavailableException unavailable:
                    return (StatusCodes.Status503ServiceUnavailable, "Service unavailable", unavailable.Message);
                // Class 22 is the data's fault (a value too long, a byte text cannot hold): retrying cannot help.
                case PostgresException { SqlState: [ '2', '2', .. ] }:
                    return (StatusCodes.Status400BadRequest, "Bad request", "A value in the request cannot be stored.");
                // Only a connection-level failure is an outage worth retrying; any other database error is a fault (500).
                case NpgsqlException or TimeoutException when InfrastructureOutage.IsOutage(current):
                    return (StatusCodes.Status503ServiceUnavailable, "Service unavailable", "The database cannot take the request now.");
                case NpgsqlException:
                    return (0, "", null);
                case BrokerUnreachableException or OperationInterruptedException or AlreadyClosedException:
                    return (StatusCodes.Status503ServiceUnavailable, "Service unavailable", "The message broker cannot take the request now.");
                case BadHttpRequestException bad:
                    return (bad.StatusCode, bad.StatusCode == StatusCodes.Status413PayloadTooLarge ? "Payload too large" : "Bad request", bad.Message);
            }
        }

        return (0, "", null);
    }
}
