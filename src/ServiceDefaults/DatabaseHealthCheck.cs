using Microsoft.Extensions.Diagnostics.HealthChecks;
using Pipeline.Persistence;

namespace Pipeline.ServiceDefaults;

/// <summary>Ready only while the database answers.</summary>
internal sealed class DatabaseHealthCheck(PipelineDbContext db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            return await db.Database.CanConnectAsync(cancellationToken)
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy("The database does not accept connections.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("The database does not accept connections.", ex);
        }
    }
}
