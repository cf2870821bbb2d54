using System.Text;
using Pipeline.Flags;
using Pipeline.Persistence.Flags;
using Xunit;

namespace Pipeline.Components.Tests.Flags;

public sealed class FlagEvaluationTests
{
    private const string Flag = "workflow-complete";
    private const int Population = 100_000;
    private static readonly string[] Users = Enumerable.Range(0, Population).Select(i => $"user-{i}").ToArray();

    [Fact]
    public void Zero_percent_selects_nobody_and_hundred_percent_selects_everybody()
    {
        var none = Snapshot(Definition(FlagStatus.Enabled, 0));
        var all = Snapshot(Definition(FlagStatus.Enabled, 100));

        Assert.All(Users, u => Assert.Equal(FlagMode.Off, FlagEvaluation.Evaluate(none, Flag, Context(u)).Mode));
        Assert.All(Users, u => Assert.Equal(FlagMode.On, FlagEvaluation.Evaluate(all, Flag, Context(u)).Mode));
    }

    [Fact]
    public void A_users_bucket_is_sticky_per_flag_and_differs_between_flags()
    {
        var first = FlagBucket.Of(Flag, "alice");

        Assert.Equal(first, FlagBucket.Of(Flag, "alice"));
        Assert.InRange(first, 0, 99.99);
        Assert.NotEqual(
            Users.Take(100).Select(u => FlagBucket.Of(Flag, u)),
            Users.Take(100).Select(u => FlagBucket.Of("workflow-analysis", u)));
    }

    [Fact]
    public void Cohorts_nest_as_the_rollout_grows_from_1_to_10_to_50_to_100()
    {
        int[] stages = [1, 10, 50, 100];
        var cohorts = stages.Select(p =>
        {
            var snapshot = Snapshot(Definition(FlagStatus.Enabled, p));
            return Users.Where(u => FlagEvaluation.Evaluate(snapshot, Flag, Context(u)).Mode == FlagMode.On).ToHashSet();
        }).ToList();

        for (var i = 1; i < cohorts.Count; i++)
            Assert.True(cohorts[i - 1].IsSubsetOf(cohorts[i]), $"the {stages[i - 1]} % cohort must stay inside the {stages[i]} % cohort");
        Assert.Equal(Population, cohorts[^1].Count);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(10)]
    [InlineData(25)]
    [InlineData(50)]
    [InlineData(99)]
    public void The_selected_share_is_within_one_percent_of_the_rollout_over_100000_ids(double percentage)
    {
        var snapshot = Snapshot(Definition(FlagStatus.Enabled, percentage));

        var selected = Users.Count(u => FlagEvaluation.Evaluate(snapshot, Flag, Context(u)).Mode == FlagMode.On);

        Assert.InRange(100.0 * selected / Population, percentage - 1, percentage + 1);
    }

    [Fact]
    public void A_disabled_ancestor_turns_the_flag_off_and_names_itself()
    {
        var snapshot = new FlagSnapshot(
        [
            new FlagDefinition("migration", FlagStatus.Disabled, null, Empty, Empty, null),
            new FlagDefinition("workflow-complete", FlagStatus.Enabled, null, Empty, Empty, "migration"),
            new FlagDefinition("workflow-analysis", FlagStatus.Enabled, null, Set("alice"), Empty, "workflow-complete"),
        ]);

        var decision = FlagEvaluation.Evaluate(snapshot, "workflow-analysis", Context("alice"));

        Assert.Equal(FlagMode.Off, decision.Mode);
        Assert.Equal(DecisionReason.KilledByParent, decision.Reason);
        Assert.Equal("killed by parent migration", decision.Explain());
    }

    [Fact]
    public void Targeted_users_and_groups_are_selected_outside_the_rollout_but_not_when_disabled()
    {
        var outsider = Users.First(u => FlagBucket.Of(Flag, u) >= 5);
        var enabled = Snapshot(new FlagDefinition(Flag, FlagStatus.Enabled, 5, Set(outsider), Set("beta"), null));
        var disabled = Snapshot(new FlagDefinition(Flag, FlagStatus.Disabled, 5, Set(outsider), Set("beta"), null));

        Assert.Equal(DecisionReason.TargetedUser, FlagEvaluation.Evaluate(enabled, Flag, Context(outsider)).Reason);
        Assert.Equal(FlagMode.On, FlagEvaluation.Evaluate(enabled, Flag, new FlagContext("someone", "someone", "beta")).Mode);
        Assert.Equal(FlagMode.Off, FlagEvaluation.Evaluate(enabled, Flag, new FlagContext(outsider, null, null)).Mode);
        Assert.Equal(FlagMode.Off, FlagEvaluation.Evaluate(disabled, Flag, Context(outsider)).Mode);
    }

    [Fact]
    public void Shadow_status_runs_the_same_selection_in_shadow_mode()
    {
        var shadow = Snapshot(Definition(FlagStatus.Shadow, 10));
        var enabled = Snapshot(Definition(FlagStatus.Enabled, 10));

        Assert.All(Users.Take(5_000), u =>
        {
            var s = FlagEvaluation.Evaluate(shadow, Flag, Context(u)).Mode;
            var e = FlagEvaluation.Evaluate(enabled, Flag, Context(u)).Mode;
            Assert.Equal(e == FlagMode.On ? FlagMode.Shadow : FlagMode.Off, s);
        });
    }

    [Fact]
    public void Null_percentage_means_everyone_and_an_unknown_flag_is_off()
    {
        var snapshot = Snapshot(Definition(FlagStatus.Enabled, null));

        Assert.Equal(DecisionReason.Everyone, FlagEvaluation.Evaluate(snapshot, Flag, Context("x")).Reason);
        Assert.Equal(FlagMode.Off, FlagEvaluation.Evaluate(snapshot, "no-such-flag", Context("x")).Mode);
    }

    [Fact]
    public void The_explanation_shows_the_bucket_against_the_percentage()
    {
        var snapshot = Snapshot(Definition(FlagStatus.Enabled, 50));
        var decision = FlagEvaluation.Evaluate(snapshot, Flag, Context("alice"));

        Assert.Matches(@"^bucket \d+(\.\d+)? (<|>=) 50$", decision.Explain());
    }

    [Theory]
    [InlineData("", 0u)]
    [InlineData("hello", 0x248bfa47u)]
    [InlineData("The quick brown fox jumps over the lazy dog", 0x2e4ff723u)]
    public void Murmur3_matches_the_reference_vectors(string input, uint expected) =>
        Assert.Equal(expected, MurmurHash3.Hash32(Encoding.UTF8.GetBytes(input)));

    private static readonly IReadOnlySet<string> Empty = new HashSet<string>();

    private static IReadOnlySet<string> Set(params string[] values) => values.ToHashSet(StringComparer.Ordinal);

    private static FlagDefinition Definition(string status, double? percentage) => new(Flag, status, percentage, Empty, Empty, null);

    private static FlagSnapshot Snapshot(FlagDefinition definition) => new([definition]);

    private static FlagContext Context(string user) => new(user, user, null);
}
