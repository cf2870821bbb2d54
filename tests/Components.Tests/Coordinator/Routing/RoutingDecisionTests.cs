using MassTransit;
using Pipeline.Contracts;
using Pipeline.Flags;
using Pipeline.Coordinator.Routing;
using Pipeline.Persistence.Flags;
using Xunit;

namespace Pipeline.Components.Tests.Coordinator.Routing;

public sealed class RoutingDecisionTests
{
    private const string Flag = MigrationFlags.WorkflowComplete;
    private const double NoNoise = 0;
    private const double AlwaysNoise = 1;
    private static readonly IReadOnlySet<string> Nobody = new HashSet<string>();

    [Fact]
    public void Flag_off_serves_legacy_alone()
    {
        var route = RoutingDecision.Decide(FlagMode.Off, NewId.NextGuid(), replay: false, AlwaysNoise);

        Assert.Equal(new RoutingDecision(RoutingMode.Disabled, ChatPipeline.Legacy, null, NoiseSample: false), route);
    }

    [Fact]
    public void Flag_on_serves_the_workflow_alone()
    {
        var route = RoutingDecision.Decide(FlagMode.On, NewId.NextGuid(), replay: false, AlwaysNoise);

        Assert.Equal(new RoutingDecision(RoutingMode.Enabled, ChatPipeline.Workflow, null, NoiseSample: false), route);
    }

    [Fact]
    public void Shadow_serves_legacy_and_runs_the_workflow_beside_it()
    {
        var route = RoutingDecision.Decide(FlagMode.Shadow, NewId.NextGuid(), replay: false, NoNoise);

        Assert.Equal(new RoutingDecision(RoutingMode.Shadow, ChatPipeline.Legacy, ChatPipeline.Workflow, NoiseSample: false), route);
    }

    [Theory]
    [InlineData(FlagMode.Off)]
    [InlineData(FlagMode.Shadow)]
    [InlineData(FlagMode.On)]
    public void A_replay_is_shadow_only_whatever_the_flag_says(FlagMode flag)
    {
        var route = RoutingDecision.Decide(flag, NewId.NextGuid(), replay: true, NoNoise);

        Assert.Equal(RoutingMode.Shadow, route.Mode);
        Assert.Equal(ChatPipeline.Legacy, route.Served);
        Assert.Equal(ChatPipeline.Workflow, route.Shadow);
    }

    [Fact]
    public void Noise_samples_are_a_stable_share_of_shadow_requests_only()
    {
        var ids = Enumerable.Range(0, 20_000).Select(_ => NewId.NextGuid()).ToList();

        var sampled = ids.Where(id => RoutingDecision.Decide(FlagMode.Shadow, id, replay: false, 0.05).NoiseSample).ToList();

        Assert.InRange(sampled.Count / (double)ids.Count, 0.04, 0.06);
        Assert.All(sampled, id => Assert.True(RoutingDecision.Decide(FlagMode.Shadow, id, replay: false, 0.05).NoiseSample));
        Assert.DoesNotContain(ids, id => RoutingDecision.Decide(FlagMode.Shadow, id, replay: false, NoNoise).NoiseSample);
        Assert.DoesNotContain(ids, id => RoutingDecision.Decide(FlagMode.Off, id, replay: false, AlwaysNoise).NoiseSample);
        Assert.DoesNotContain(ids, id => RoutingDecision.Decide(FlagMode.On, id, replay: false, AlwaysNoise).NoiseSample);
    }

    [Fact]
    public void A_percentage_routes_its_share_of_users_to_the_workflow_and_the_rest_to_legacy()
    {
        var snapshot = Snapshot(Routing(FlagStatus.Enabled, percentage: 30));
        var users = Enumerable.Range(0, 10_000).Select(i => $"user-{i}").ToList();

        var routes = users.Select(u => Decide(snapshot, new FlagContext(u, u, null))).ToList();

        Assert.InRange(routes.Count(r => r.Served == ChatPipeline.Workflow) / (double)users.Count, 0.29, 0.31);
        Assert.All(routes.Where(r => r.Served == ChatPipeline.Legacy), r => Assert.Equal(RoutingMode.Disabled, r.Mode));
        Assert.Equal(routes, users.Select(u => Decide(snapshot, new FlagContext(u, u, null))));
    }

    [Fact]
    public void A_targeted_user_or_group_is_routed_by_the_flag_at_zero_percent()
    {
        var snapshot = Snapshot(Routing(FlagStatus.Shadow, percentage: 0, users: ["alice"], groups: ["beta"]));

        Assert.Equal(RoutingMode.Shadow, Decide(snapshot, new FlagContext("alice", "alice", null)).Mode);
        Assert.Equal(RoutingMode.Shadow, Decide(snapshot, new FlagContext("bob", "bob", "beta")).Mode);
        Assert.Equal(RoutingMode.Disabled, Decide(snapshot, new FlagContext("carol", "carol", null)).Mode);
    }

    [Fact]
    public void The_kill_switch_on_the_parent_sends_everyone_to_legacy()
    {
        var killed = new FlagDefinition(MigrationFlags.Migration, FlagStatus.Disabled, null, Nobody, Nobody, null);
        var snapshot = new FlagSnapshot([killed, Routing(FlagStatus.Enabled, percentage: null, users: ["alice"])]);

        var route = Decide(snapshot, new FlagContext("alice", "alice", null));

        Assert.Equal(new RoutingDecision(RoutingMode.Disabled, ChatPipeline.Legacy, null, NoiseSample: false), route);
    }

    private static RoutingDecision Decide(FlagSnapshot snapshot, FlagContext context) =>
        RoutingDecision.Decide(FlagEvaluation.Evaluate(snapshot, Flag, context).Mode, NewId.NextGuid(), replay: false, NoNoise);

    private static FlagDefinition Routing(string status, double? percentage, string[]? users = null, string[]? groups = null) =>
        new(Flag, status, percentage, (users ?? []).ToHashSet(), (groups ?? []).ToHashSet(), MigrationFlags.Migration);

    private static FlagSnapshot Snapshot(FlagDefinition routing) =>
        new([new FlagDefinition(MigrationFlags.Migration, FlagStatus.Enabled, null, Nobody, Nobody, null), routing]);
}
