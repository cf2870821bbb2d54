using System.ComponentModel.DataAnnotations;

namespace Pipeline.Persistence;

/// <summary>Where the pipeline's PostgreSQL database is (<c>ConnectionStrings:Pipeline</c>).</summary>
public sealed class DatabaseOptions
{
    public const string ConnectionStringName = "Pipeline";

    /// <summary>The data source's name in Npgsql's metrics (<c>db.client.connection.pool.name</c>), instead of the connection string.</summary>
    public const string DataSourceName = "pipeline";

    [Required(ErrorMessage = "ConnectionStrings:Pipeline is required (PostgreSQL connection string).")]
    public string ConnectionString { get; set; } = "";

    /// <summary>
    /// HNSW candidate list per vector search unless the connection string's <c>Options</c> set <c>hnsw.ef_search</c>:
    /// on 100,000 chunks the retrieval benchmark measured recall@10 0.96 at p95 8 ms with it (pgvector's 40: 0.73).
    /// </summary>
    public const int DefaultHnswEfSearch = 600;

    /// <summary>
    /// Statements Npgsql prepares per connection once they recur, unless the connection string sets <c>Max Auto
    /// Prepare</c>: the same few hundred EF and outbox statements run for every message, and parsing and planning each
    /// anew was PostgreSQL's largest cost. The comparator benchmark measured +50 % pairs/s with it (docs/benchmarks.md).
    /// </summary>
    public const int DefaultMaxAutoPrepare = 100;

    /// <summary>Advisory-lock key that serialises concurrent schema migrations from several processes.</summary>
    public long MigrationLockKey { get; set; } = 0x5049_5045_4c49_4e45; // "PIPELINE"
}
