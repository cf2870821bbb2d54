using MassTransit;
using Xunit;
using Pipeline.Platform.Sampling;

namespace Pipeline.Components.Tests.Platform.Sampling;

public sealed class NoiseSamplingTests
{
    [Fact]
    public void The_sampled_share_of_sequential_request_ids_matches_the_rate()
    {
        var ids = Enumerable.Range(0, 20_000).Select(_ => NewId.NextGuid()).ToList();

        var share = ids.Count(id => NoiseSampling.Includes(id, 0.05)) / (double)ids.Count;

        Assert.InRange(share, 0.04, 0.06);
        Assert.Equal(ids.Select(id => NoiseSampling.Includes(id, 0.05)), ids.Select(id => NoiseSampling.Includes(id, 0.05)));
        Assert.DoesNotContain(ids, id => NoiseSampling.Includes(id, 0));
        Assert.All(ids, id => Assert.True(NoiseSampling.Includes(id, 1)));
    }
}
