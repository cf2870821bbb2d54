using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Pipeline.Persistence;

/// <summary>Lets <c>dotnet ef migrations add</c> build the model without a running host or database.</summary>
internal sealed class DesignTimePipelineDbContextFactory : IDesignTimeDbContextFactory<PipelineDbContext>
{
    public PipelineDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<PipelineDbContext>()
            .UseNpgsql("Host=localhost;Database=design_time", npgsql => npgsql.UseVector())
            .UseSnakeCaseNamingConvention()
            .Options;
        return new PipelineDbContext(options);
    }
}
