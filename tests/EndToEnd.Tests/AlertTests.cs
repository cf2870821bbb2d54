using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Contracts;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.EndToEnd.Tests;

/// <summary>The system with alert rules evaluated every half second over short windows, so a test can watch them fire and resolve.</summary>
public sealed class AlertingSystem : PipelineSystem
{
    public const int MinSamples = 3;

    protected override IDictionary<string, string?> Overrides => new Dictionary<string, string?>(base.Overrides)
    {
        ["Alerts:EvaluationInterval"] = "00:00:00.500",
        ["Alerts:MinSamples"] = MinSamples.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Alerts:ErrorRateWindow"] = "00:00:08",
    };
}

/// <summary>
/// Fault: the legacy pipeline fails every request. Invariant: the error-rate alert fires (critical), is listed at
/// <c>/api/alerts</c> and published as <see cref="AlertFired"/>; once the failures leave the window and requests
/// succeed again it resolves and <see cref="AlertResolved"/> is published.
/// </summary>
public sealed class AlertTests(AlertingSystem system) : IClassFixture<AlertingSystem>
{
    [Fact]
    public async Task A_failing_pipeline_fires_the_error_rate_alert_which_resolves_after_recovery()
    {
        var fired = new ConcurrentQueue<AlertFired>();
        var resolved = new ConcurrentQueue<AlertResolved>();
        var bus = system.Api.Services.GetRequiredService<IBus>();
        var notifier = bus.ConnectReceiveEndpoint("alert-notifier-test", e =>
        {
            e.Handler<AlertFired>(context => { fired.Enqueue(context.Message); return Task.CompletedTask; });
            e.Handler<AlertResolved>(context => { resolved.Enqueue(context.Message); return Task.CompletedTask; });
        });
        await notifier.Ready;

        await system.ReplaceLegacyWorkerAsync(new Dictionary<string, string?> { ["Execution:InjectedFailureRate"] = "1", ["Execution:Retries"] = "0" });
        using var http = system.CreateClient();
        for (var i = 0; i < AlertingSystem.MinSamples; i++)
        {
            var (response, _) = await ChatClient.PostJsonAsync(http, new { message = $"Cos'è il GDPR? {i}" });
            Assert.False(response.IsSuccessStatusCode);
        }

        using var admin = system.CreateAdminClient();
        await Eventually.TrueAsync(async () => (await ActiveAsync(admin)).Any(a => a.Text("rule") == "high-error-rate"),
            TimeSpan.FromSeconds(20), "the error-rate alert should fire");
        var alert = (await ActiveAsync(admin)).Single(a => a.Text("rule") == "high-error-rate");
        Assert.Equal("critical", alert.Text("severity"));
        Assert.Equal(1.0, alert.GetProperty("value").GetDouble());
        Assert.Equal(0.01, alert.GetProperty("threshold").GetDouble());
        await Eventually.TrueAsync(() => Task.FromResult(fired.Any(f => f.Rule == "high-error-rate")), TimeSpan.FromSeconds(10),
            "AlertFired should reach a subscriber");

        await system.ReplaceLegacyWorkerAsync(new Dictionary<string, string?>());
        await Task.Delay(TimeSpan.FromSeconds(8)); // let the failures leave the 8 s window
        for (var i = 0; i < AlertingSystem.MinSamples; i++)
        {
            var (response, _) = await ChatClient.PostJsonAsync(http, new { message = $"What is DORA? {i}" });
            Assert.True(response.IsSuccessStatusCode, $"status {response.StatusCode}");
        }

        await Eventually.TrueAsync(async () => (await ActiveAsync(admin)).All(a => a.Text("rule") != "high-error-rate"),
            TimeSpan.FromSeconds(20), "the error-rate alert should resolve");
        await Eventually.TrueAsync(() => Task.FromResult(resolved.Any(r => r.Rule == "high-error-rate")), TimeSpan.FromSeconds(10),
            "AlertResolved should reach a subscriber");
        Assert.Single(fired, f => f.Rule == "high-error-rate");
    }

    private static async Task<JsonElement[]> ActiveAsync(HttpClient admin) =>
        await admin.GetFromJsonAsync<JsonElement[]>("/api/alerts") ?? [];
}
