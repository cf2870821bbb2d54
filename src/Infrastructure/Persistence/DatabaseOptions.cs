using System.ComponentModel.DataAnnotations;

namespace Pipeline.Infrastructure.Persistence;

/// <summary>Where the pipeline's PostgreSQL database is (<c>ConnectionStrings:Pipeline</c>).</summary>
public sealed class DatabaseOptions
{
    public const string ConnectionStringName = "Pipeline";

    [Required(ErrorMessage = "ConnectionStrings:Pipeline is required (PostgreSQL connection string).")]
    public string ConnectionString { get; set; } = "";

    /// <summary>Advisory-lock key that serialises concurrent schema migrations from several processes.</summary>
    public long MigrationLockKey { get; set; } = 0x5049_5045_4c49_4e45; // "PIPELINE"
}
