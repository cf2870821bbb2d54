using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Pipeline.EntityFrameworkOutbox;

namespace Pipeline.Components.Tests.EntityFrameworkOutbox;

/// <summary>The tally table; key and xmin come from the base map.</summary>
public sealed class TallyStateMap : SagaClassMap<TallyState>
{
    protected override void Configure(EntityTypeBuilder<TallyState> entity)
    {
        entity.ToTable("tally_state");
        entity.Property(x => x.CurrentState).HasMaxLength(64);
    }
}
