using Pipeline.EntityFrameworkOutbox;
using Pipeline.Persistence;
using Pipeline.Answering.Serving;
using Pipeline.Persistence.Routing;
using Pipeline.Persistence.Serving;
using Xunit;

namespace Pipeline.Components.Tests.Persistence;

/// <summary>Hand-written SQL takes its names from the model, quoted, so a renamed table or column cannot silently diverge.</summary>
public sealed class StoreNamesTests
{
    [Fact]
    public void Table_and_columns_are_the_models_names_under_its_naming_convention_and_quoted()
    {
        using var db = Model();
        var names = StoreNames.Of<ServingClaim>(db);

        Assert.Equal("\"serving_claims\"", names.Table);
        Assert.Equal("\"request_id\"", names.Column(nameof(ServingClaim.RequestId)));
        Assert.Equal("\"claimed_at\"", names.Column(nameof(ServingClaim.ClaimedAt)));
    }

    [Fact]
    public void A_row_version_is_named_by_its_system_column()
    {
        using var db = Model();

        Assert.Equal("\"xmin\"", StoreNames.Of<ChatRoutingState>(db).Column(nameof(ChatRoutingState.Version)));
    }

    [Fact]
    public void A_property_or_type_the_model_does_not_map_is_an_error_naming_it()
    {
        using var db = Model();

        var column = Assert.Throws<InvalidOperationException>(() => StoreNames.Of<ServingClaim>(db).Column("NoSuchProperty"));
        Assert.Contains("NoSuchProperty", column.Message);
        var type = Assert.Throws<InvalidOperationException>(() => StoreNames.Of<StoreNamesTests>(db));
        Assert.Contains(nameof(StoreNamesTests), type.Message);
    }

    // The model as the migrations see it: the same provider and naming convention as the hosts, no database needed.
    private static PipelineDbContext Model() => new DesignTimePipelineDbContextFactory().CreateDbContext([]);
}
