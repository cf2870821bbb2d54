using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Pipeline.EntityFrameworkOutbox;
using Pipeline.Persistence;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.Components.Tests.EntityFrameworkOutbox;

/// <summary>The consumer inbox's claim (<see cref="InboxClaim"/>) on the real RabbitMQ and PostgreSQL when the inbox insert fails after taking it.</summary>
public sealed class InboxClaimTests(IsolatedInfrastructure infrastructure) : IClassFixture<IsolatedInfrastructure>, IAsyncLifetime
{
    private readonly FailAfterInboxInsert _fault = new(infrastructure.DatabaseConnectionString);
    private IHost _host = null!;

    public async Task InitializeAsync() =>
        _host = await OutboxTestHost.StartAsync(infrastructure.Configuration(), services => services.ConfigureDbContext<PipelineDbContext>(
            (_, options) => options.AddInterceptors(_fault), ServiceLifetime.Singleton));

    public async Task DisposeAsync()
    {
        await using (var scope = _host.Services.CreateAsyncScope())
            await _fault.DisarmAsync(scope.ServiceProvider.GetRequiredService<PipelineDbContext>());
        await _host.StopAsync();
        _host.Dispose();
    }

    private OutboxTestHost.Received Received => _host.Services.GetRequiredService<OutboxTestHost.Received>();

    [Fact]
    public async Task A_consume_whose_inbox_insert_fails_after_taking_the_claim_leaves_no_claim_behind()
    {
        var visitId = Guid.NewGuid();
        var messageId = NewId.NextGuid();
        await using (var scope = _host.Services.CreateAsyncScope())
            await _fault.ArmAsync(scope.ServiceProvider.GetRequiredService<PipelineDbContext>(), messageId);
        var endpoint = await _host.Services.GetRequiredService<IBus>().GetSendEndpoint(new Uri($"exchange:{OutboxTestHost.VisitsQueue}"));

        await endpoint.Send(new RecordVisit(visitId, Fail: false), c => c.MessageId = messageId);

        // Counted by the consume itself as it gave its connection back, before anything else could take that connection.
        var holders = await _fault.ClaimHoldersAtReturn.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(holders == 0, $"{holders} session(s) still held the claim of a consume that had given its connection back to the pool");
        Assert.Empty(Received.Of<RecordVisit>());
        // The failed message went to the error queue; sent again with the same id, nothing stands in its way.
        await endpoint.Send(new RecordVisit(visitId, Fail: false), c => c.MessageId = messageId);
        await Eventually.TrueAsync(() => Task.FromResult(Received.Of<VisitRecorded>().Any(v => v.VisitId == visitId)),
            because: "the message sent again should be consumed and its event delivered");
        Assert.Single(Received.Of<RecordVisit>(), v => v.VisitId == visitId);
    }
}
