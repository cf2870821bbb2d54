using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Pipeline.Api.Hosting;
using Pipeline.ServiceDefaults;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.Api.Tests.Chat;

/// <summary>
/// Where the API hears its callers' answers: a queue of its own that must keep them through a broker restart (issue #21
/// item 12), yet not outlive a departed instance for ever. <c>OutageTests</c> restarts the broker; this checks the
/// declaration on any broker.
/// </summary>
public sealed class CallerInstanceQueueTests(ApiHost api) : IClassFixture<ApiHost>
{
    [Fact]
    public async Task The_instance_queue_is_durable_and_expires_when_unused_and_its_exchange_goes_with_it()
    {
        using var management = api.Endpoints.ManagementClient();
        var vhost = Uri.EscapeDataString(api.VirtualHost);
        JsonElement queue = default;
        await Eventually.TrueAsync(async () =>
        {
            var queues = await management.GetFromJsonAsync<List<JsonElement>>($"api/queues/{vhost}");
            queue = queues!.FirstOrDefault(q => q.GetProperty("name").GetString()!.StartsWith("instance-api-", StringComparison.Ordinal));
            return queue.ValueKind == JsonValueKind.Object;
        }, TimeSpan.FromSeconds(30), "the API declares its instance queue");

        // A temporary (non-durable) queue vanished with a broker restart; an auto-delete one with every dropped connection.
        Assert.True(queue.GetProperty("durable").GetBoolean());
        Assert.False(queue.GetProperty("auto_delete").GetBoolean());
        Assert.Equal((long)TimeSpan.FromMinutes(10).TotalMilliseconds, queue.GetProperty("arguments").GetProperty("x-expires").GetInt64());

        var name = queue.GetProperty("name").GetString()!;
        var exchange = await management.GetFromJsonAsync<JsonElement>($"api/exchanges/{vhost}/{Uri.EscapeDataString(name)}");
        Assert.True(exchange.GetProperty("durable").GetBoolean());
        Assert.True(exchange.GetProperty("auto_delete").GetBoolean());
    }

    [Fact]
    public async Task An_instance_queue_expiring_before_the_callers_wait_ends_stops_the_api_at_start_up()
    {
        var settings = api.HostSettings();
        settings["Chat:CallerTimeout"] = "00:02:00";
        settings["Chat:InstanceQueueExpiry"] = "00:01:00";

        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            TestHosts.StartWebAsync(settings, b => b.AddPipelineDefaults(ApiServices.ServiceName).AddApiServices(), a => a.MapPipelineDefaultEndpoints().MapApi(), typeof(ApiServices).Assembly.GetName().Name!));

        Assert.Contains("Chat:InstanceQueueExpiry", failure.Message);
    }
}
