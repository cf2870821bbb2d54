using Pipeline.Answering.Execution;
using Xunit;

namespace Pipeline.Components.Tests.Answering.Execution;

public sealed class TokenBatchSizesTests
{
    [Fact]
    public void First_piece_travels_alone_then_batches_double_up_to_the_limit()
    {
        var sizes = new TokenBatchSizes(16);

        Assert.Equal([1, 2, 4, 8, 16, 16, 16], Enumerable.Range(0, 7).Select(_ => sizes.Next()));
    }

    [Fact]
    public void A_limit_of_one_sends_every_piece_alone()
    {
        var sizes = new TokenBatchSizes(1);

        Assert.Equal([1, 1, 1], Enumerable.Range(0, 3).Select(_ => sizes.Next()));
    }

    [Fact]
    public void The_sizes_depend_only_on_the_position_so_a_redelivered_execution_repeats_them()
    {
        var first = new TokenBatchSizes(12);
        var again = new TokenBatchSizes(12);

        Assert.Equal(Enumerable.Range(0, 10).Select(_ => first.Next()), Enumerable.Range(0, 10).Select(_ => again.Next()));
    }
}
