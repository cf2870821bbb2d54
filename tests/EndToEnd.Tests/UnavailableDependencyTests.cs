using Pipeline.Persistence.Requests;
using Pipeline.Testing;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Xunit;

namespace Pipeline.EndToEnd.Tests;

/// <summary>
/// Fault: the API cannot reach the broker, or the database. Invariant: 503 with Retry-After and a ProblemDetails
/// body, readiness reports it, and nothing is half-written.
/// </summary>
public sealed class UnavailableDependencyTests(PipelineSystem system) : IClassFixture<PipelineSystem>
{
    [Fact]
    public async Task Broker_unreachable_gives_503_with_retry_after_and_writes_nothing()
    {
        // A port nothing listens on: the API's bus never connects.
        await using var api = await system.StartApiAsync(new Dictionary<string, string?> { ["RabbitMq:Port"] = "1" });
        using var http = new HttpClient { BaseAddress = new Uri(api.Urls.First()) };
        await using var db = system.CreateDbContext();
        var before = await db.Set<ArchivedChatRequest>().CountAsync();

        var (response, problem) = await ChatClient.PostJsonAsync(http, new { message = "Cos'è il GDPR?" });

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        Assert.Contains("broker", problem.Text("detail"), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(before, await db.Set<ArchivedChatRequest>().CountAsync());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await http.GetAsync("/health/ready")).StatusCode);
    }

    [Fact]
    public async Task Broker_unreachable_gives_a_hub_caller_one_503_error_event_and_writes_nothing()
    {
        await using var api = await system.StartApiAsync(new Dictionary<string, string?> { ["RabbitMq:Port"] = "1" });
        await using var db = system.CreateDbContext();
        var before = await db.Set<ArchivedChatRequest>().CountAsync();

        var events = await ChatClient.StreamHubAsync(new Uri(api.Urls.First()), new { message = "Cos'è il GDPR?" });

        var error = Assert.Single(events);
        Assert.Equal("error", error.Text("type"));
        Assert.Equal(503, error.GetProperty("status").GetInt32());
        Assert.Contains("broker", error.Text("title"), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(before, await db.Set<ArchivedChatRequest>().CountAsync());
    }

    [Fact]
    public async Task Database_unreachable_gives_503_with_retry_after()
    {
        var unreachable = new NpgsqlConnectionStringBuilder(system.DatabaseConnectionString) { Port = 1, Timeout = 2 }.ConnectionString;
        await using var api = await system.StartApiAsync(new Dictionary<string, string?> { ["ConnectionStrings:Pipeline"] = unreachable });
        using var http = new HttpClient { BaseAddress = new Uri(api.Urls.First()) };
        await Eventually.TrueAsync(async () => (await http.GetAsync("/health/live")).IsSuccessStatusCode);

        var (response, problem) = await ChatClient.PostJsonAsync(http, new { message = "Cos'è il GDPR?" });

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        Assert.Contains("database", problem.Text("detail"), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await http.GetAsync("/health/ready")).StatusCode);
    }
}
