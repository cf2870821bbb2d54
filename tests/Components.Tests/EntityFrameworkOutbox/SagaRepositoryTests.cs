using MassTransit;
using Microsoft.EntityFrameworkCore;
using Pipeline.EntityFrameworkOutbox;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.Components.Tests.EntityFrameworkOutbox;

/// <summary>The EF saga repository on the real RabbitMQ and PostgreSQL: concurrency, duplicate initial messages, the consumer outbox.</summary>
public sealed class SagaRepositoryTests(SagaTestInfrastructure infrastructure) : IClassFixture<SagaTestInfrastructure>
{
    private const int Additions = 40;
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData(ConcurrencyMode.Optimistic)]
    [InlineData(ConcurrencyMode.Pessimistic)]
    public async Task Concurrent_messages_for_one_instance_lose_no_update(ConcurrencyMode mode)
    {
        await using var host = await TallyTestHost.StartAsync(infrastructure, new TallySetup(mode, ConsumerOutbox: false));
        var tallyId = await OpenAsync(host);

        await Task.WhenAll(Enumerable.Range(0, Additions).Select(_ => host.SendAsync(new AddToTally(tallyId))));

        await WaitForCountAsync(tallyId, Additions);
        await Task.Delay(Settle);
        var tally = await infrastructure.FindTallyAsync(tallyId);
        Assert.Equal(Additions, tally!.Count);
        Assert.Equal(1, tally.Opened);
    }

    [Fact]
    public async Task Concurrent_messages_without_the_conflict_retry_do_lose_updates()
    {
        // The control for the test above: proves its messages really race for the row.
        await using var host = await TallyTestHost.StartAsync(infrastructure, new TallySetup(ConcurrencyMode.Optimistic, ConsumerOutbox: false, ConflictRetryLimit: 0));
        var tallyId = await OpenAsync(host);

        await Task.WhenAll(Enumerable.Range(0, Additions).Select(_ => host.SendAsync(new AddToTally(tallyId))));

        await Task.Delay(TimeSpan.FromSeconds(5));
        var tally = await infrastructure.FindTallyAsync(tallyId);
        Assert.InRange(tally!.Count, 1, Additions - 1);
    }

    [Fact]
    public async Task A_duplicate_initial_message_for_an_existing_instance_falls_back_to_load()
    {
        await using var host = await TallyTestHost.StartAsync(infrastructure, new TallySetup(ConcurrencyMode.Optimistic, ConsumerOutbox: false));
        var tallyId = await OpenAsync(host);

        await host.SendAsync(new OpenTally(tallyId));

        await Eventually.TrueAsync(async () => (await infrastructure.FindTallyAsync(tallyId))?.Opened == 2, Within,
            "the second OpenTally should update the existing tally");
        var tally = await infrastructure.FindTallyAsync(tallyId);
        Assert.Equal(nameof(TallyStateMachine.Open), tally!.CurrentState);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)] // the new instance inserted after the behaviour: the losers' inserts fail at the end
    public async Task Concurrent_initial_messages_create_one_instance_and_apply_every_message(bool consumerOutbox)
    {
        const int duplicates = 10;
        await using var host = await TallyTestHost.StartAsync(infrastructure, new TallySetup(ConcurrencyMode.Optimistic, consumerOutbox));
        var tallyId = Guid.NewGuid();

        await Task.WhenAll(Enumerable.Range(0, duplicates).Select(_ => host.SendAsync(new OpenTally(tallyId))));

        await Eventually.TrueAsync(async () => (await infrastructure.FindTallyAsync(tallyId))?.Opened >= duplicates, Within,
            "every OpenTally should be applied to the one tally");
        await Task.Delay(Settle);
        await using var db = infrastructure.CreateDbContext();
        Assert.Equal(1, await db.Set<TallyState>().CountAsync(t => t.CorrelationId == tallyId));
        Assert.Equal(duplicates, (await infrastructure.FindTallyAsync(tallyId))!.Opened);
    }

    [Fact]
    public async Task A_new_instance_behind_the_consumer_outbox_is_written_by_one_insert_in_the_state_its_behaviour_left()
    {
        var statements = new StatementLog();
        await using var host = await TallyTestHost.StartAsync(infrastructure,
            new TallySetup(ConcurrencyMode.Optimistic, ConsumerOutbox: true) { Statements = statements });

        var tallyId = await OpenAsync(host);

        // The row is visible only once its transaction committed: every statement of the step has been sent.
        Assert.Equal(1, statements.Count(@"INSERT INTO ""?tally_state""?"));
        Assert.Equal(0, statements.Count(@"UPDATE ""?tally_state""?"));
        Assert.Equal(0, statements.Savepoints);
        var tally = await infrastructure.FindTallyAsync(tallyId);
        Assert.Equal((nameof(TallyStateMachine.Open), 1), (tally!.CurrentState, tally.Opened));
    }

    [Fact]
    public async Task Concurrent_messages_behind_the_consumer_outbox_lose_no_update_and_publish_once_each()
    {
        await using var host = await TallyTestHost.StartAsync(infrastructure, new TallySetup(ConcurrencyMode.Optimistic, ConsumerOutbox: true));
        var tallyId = await OpenAsync(host);

        await Task.WhenAll(Enumerable.Range(0, Additions).Select(_ => host.SendAsync(new AddToTally(tallyId))));

        await WaitForCountAsync(tallyId, Additions);
        await Eventually.TrueAsync(() => Task.FromResult(host.Probe.Changes(tallyId).Count >= Additions), Within, "every addition publishes a change");
        await Task.Delay(Settle);
        Assert.Equal(Additions, (await infrastructure.FindTallyAsync(tallyId))!.Count);
        // Conflicted attempts published too, but their captured messages rolled back with them: one change per count.
        Assert.Equal(Enumerable.Range(1, Additions), host.Probe.Changes(tallyId).Select(c => c.Count).Order());
    }

    [Fact]
    public async Task A_redelivered_message_behind_the_consumer_outbox_is_applied_once()
    {
        await using var host = await TallyTestHost.StartAsync(infrastructure, new TallySetup(ConcurrencyMode.Optimistic, ConsumerOutbox: true));
        var tallyId = await OpenAsync(host);
        var messageId = NewId.NextGuid();

        await host.SendAsync(new AddToTally(tallyId), messageId);
        await host.SendAsync(new AddToTally(tallyId), messageId);

        await WaitForCountAsync(tallyId, 1);
        await Eventually.TrueAsync(async () =>
        {
            await using var db = infrastructure.CreateDbContext();
            return await db.Set<InboxState>().AnyAsync(i => i.MessageId == messageId && i.ReceiveCount >= 2);
        }, Within, "the duplicate should reach the inbox");
        await Task.Delay(Settle);
        Assert.Equal(1, (await infrastructure.FindTallyAsync(tallyId))!.Count);
        Assert.Single(host.Probe.Changes(tallyId));
    }

    [Fact]
    public async Task A_saga_change_behind_the_consumer_outbox_rolls_back_with_a_failed_message()
    {
        var setup = new TallySetup(ConcurrencyMode.Optimistic, ConsumerOutbox: true) { ConcurrentMessageLimit = 1 };
        await using var host = await TallyTestHost.StartAsync(infrastructure, setup);
        var tallyId = await OpenAsync(host);

        await host.SendAsync(new AddToTally(tallyId, FailAfterSaga: true));
        await Eventually.TrueAsync(() => Task.FromResult(host.Probe.Failures > 0), Within, "the failing message should reach the filter");
        await host.SendAsync(new AddToTally(tallyId));

        // The later message is applied on top of the rolled-back one: count 1, and only its change is published.
        await WaitForCountAsync(tallyId, 1);
        await Task.Delay(Settle);
        Assert.Equal(1, (await infrastructure.FindTallyAsync(tallyId))!.Count);
        Assert.Equal([1], host.Probe.Changes(tallyId).Select(c => c.Count));
    }

    private async Task<Guid> OpenAsync(TallyTestHost host)
    {
        var tallyId = Guid.NewGuid();
        await host.SendAsync(new OpenTally(tallyId));
        await Eventually.TrueAsync(async () => await infrastructure.FindTallyAsync(tallyId) is not null, Within, "the tally should open");
        return tallyId;
    }

    private Task WaitForCountAsync(Guid tallyId, int count) =>
        Eventually.TrueAsync(async () => (await infrastructure.FindTallyAsync(tallyId))?.Count >= count, Within,
            $"the tally should reach {count}");
}
