using System.Reflection;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Pipeline.EntityFrameworkOutbox;

/// <summary>
/// Base mapping of a saga instance, like MassTransit's <c>SagaClassMap</c>: CorrelationId as the key (never generated),
/// and a <c>uint Version</c> property, when the saga has one, as PostgreSQL's <c>xmin</c> row version for optimistic concurrency.
/// </summary>
public abstract class SagaClassMap<TSaga> : IEntityTypeConfiguration<TSaga>
    where TSaga : class, ISaga
{
    /// <summary>The property mapped to xmin: the name Npgsql's convention and MassTransit's samples use.</summary>
    public const string VersionProperty = "Version";

    void IEntityTypeConfiguration<TSaga>.Configure(EntityTypeBuilder<TSaga> builder)
    {
        builder.HasKey(s => s.CorrelationId);
        builder.Property(s => s.CorrelationId).ValueGeneratedNever();

        // Without it only the pessimistic mode is safe: two messages could both update what they loaded.
        if (typeof(TSaga).GetProperty(VersionProperty, BindingFlags.Public | BindingFlags.Instance) is { PropertyType: var type } && type == typeof(uint))
            builder.Property<uint>(VersionProperty).IsRowVersion();

        Configure(builder);
    }

    /// <summary>The saga's own columns, indexes and table name.</summary>
    protected abstract void Configure(EntityTypeBuilder<TSaga> entity);
}
