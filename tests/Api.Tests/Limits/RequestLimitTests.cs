using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Options;
using Pipeline.Api.Hosting;
using Pipeline.Testing;
using Xunit;
using Pipeline.ServiceDefaults;

namespace Pipeline.Api.Tests.Limits;

/// <summary>The API with limits low enough to reach in a test: 3 chat requests per caller per minute, 16 KiB bodies.</summary>
public sealed class LimitedApiHost : ApiHost
{
    public const int ChatPermits = 3;
    public const int MaxBodyBytes = 16 * 1024;
    public const string SecondUserKey = "api-tests-second-user-key";

    protected override IReadOnlyDictionary<string, string?> Overrides { get; } = new Dictionary<string, string?>
    {
        ["Limits:ChatPermitLimit"] = ChatPermits.ToString(),
        // A window far longer than the test, so the count cannot reset half-way through it.
        ["Limits:ChatWindow"] = "00:10:00",
        ["Limits:MaxRequestBodyBytes"] = MaxBodyBytes.ToString(),
        ["Chat:MaxBodyBytes"] = "8192",
        ["Users:ApiKeys:1"] = SecondUserKey,
    };
}

/// <summary>
/// Fault: bodies above the size limits, headers above Kestrel's, and one caller sending more chat requests than its
/// permits. Load: one request over each size limit; permits + 1 chat requests (HTTP and hub) from one caller, then one
/// from each of two other callers. Invariant: 413/431 ProblemDetails instead of a reset; the greedy caller gets 429
/// ProblemDetails with Retry-After on both transports while other callers' requests still reach the handler.
/// </summary>
public sealed class RequestLimitTests(LimitedApiHost api) : IClassFixture<LimitedApiHost>
{
    [Fact]
    public async Task A_chat_body_above_the_chat_limit_gets_413_problem_details()
    {
        using var http = api.Client(key: null);
        var body = JsonSerializer.Serialize(new { message = new string('a', 20_000) });

        using var response = await PostChatAsync(http, body, userId: "big-body-chat");

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_body_above_the_server_limit_on_an_admin_route_gets_413_problem_details_and_changes_nothing()
    {
        using var http = api.Client();
        var before = await http.GetStringAsync("/api/flags/workflow-complete");
        var body = JsonSerializer.Serialize(new { description = new string('d', LimitedApiHost.MaxBodyBytes * 2), version = 1 });

        using var response = await http.PatchAsync("/api/flags/workflow-complete", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(before, await http.GetStringAsync("/api/flags/workflow-complete"));
    }

    [Fact]
    public async Task Headers_above_the_limit_get_a_4xx_and_the_next_request_is_served()
    {
        using var http = api.Client(key: null);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/health/live");
        request.Headers.Add("X-Padding", new string('h', 64 * 1024));

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/ready")).StatusCode);
    }

    [Fact]
    public async Task A_caller_over_its_chat_permits_gets_429_with_retry_after_while_other_callers_are_unaffected()
    {
        using var greedy = api.Client(ApiHost.UserKey);
        using var other = api.Client(LimitedApiHost.SecondUserKey);
        using var anonymous = api.Client(key: null);
        // A blank message passes the limiter and is refused by validation (400) without starting any work.
        const string blank = "{\"message\":\"  \"}";

        var admitted = new List<HttpStatusCode>();
        for (var i = 0; i < LimitedApiHost.ChatPermits; i++)
        {
            using var r = await PostChatAsync(greedy, blank);
            admitted.Add(r.StatusCode);
        }
        using var rejected = await PostChatAsync(greedy, blank);
        using var otherKey = await PostChatAsync(other, blank);
        using var otherUser = await PostChatAsync(anonymous, blank, userId: "someone-else");

        Assert.All(admitted, s => Assert.Equal(HttpStatusCode.BadRequest, s));
        Assert.Equal(HttpStatusCode.TooManyRequests, rejected.StatusCode);
        Assert.Equal("application/problem+json", rejected.Content.Headers.ContentType?.MediaType);
        Assert.True(rejected.Headers.RetryAfter?.Delta is { TotalSeconds: >= 1 }, $"Retry-After was '{rejected.Headers.RetryAfter}'");
        Assert.Contains("chat requests", await rejected.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, otherKey.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, otherUser.StatusCode);
    }

    [Fact]
    public async Task The_hub_shares_the_callers_chat_permits_and_answers_429_as_an_error_event()
    {
        await using var greedy = Connect(userId: "hub-greedy");
        await using var other = Connect(userId: "hub-other");
        await greedy.StartAsync();
        await other.StartAsync();
        var blank = new { message = " " };

        var admitted = new List<int>();
        for (var i = 0; i < LimitedApiHost.ChatPermits; i++)
            admitted.Add(await FirstErrorStatusAsync(greedy, blank));
        using var http = api.Client(key: null);
        using var overHttp = await PostChatAsync(http, "{\"message\":\" \"}", userId: "hub-greedy");
        var overHub = await FirstErrorStatusAsync(greedy, blank);
        var otherStatus = await FirstErrorStatusAsync(other, blank);

        Assert.All(admitted, s => Assert.Equal(400, s));
        Assert.Equal(HttpStatusCode.TooManyRequests, overHttp.StatusCode);
        Assert.Equal(429, overHub);
        Assert.Equal(400, otherStatus);
    }

    [Theory]
    [InlineData("Limits:ChatPermitLimit", "0")]
    [InlineData("Limits:ChatWindow", "00:00:00")]
    [InlineData("Limits:MaxRequestBodyBytes", "10")]
    public async Task A_limit_outside_its_range_stops_the_api_at_start_up(string key, string value)
    {
        var settings = api.HostSettings();
        settings[key] = value;

        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            TestHosts.StartWebAsync(settings, b => b.AddPipelineDefaults(ApiServices.ServiceName).AddApiServices(), a => a.MapPipelineDefaultEndpoints().MapApi(), typeof(ApiServices).Assembly.GetName().Name!));

        Assert.Contains(key.Split(':')[1], failure.Message);
    }

    private HubConnection Connect(string userId) =>
        new HubConnectionBuilder()
            .WithUrl(new Uri(api.Address, "/hubs/chat"), options => options.Headers["X-User-Id"] = userId)
            .Build();

    private static async Task<int> FirstErrorStatusAsync(HubConnection connection, object body)
    {
        await foreach (var e in connection.StreamAsync<JsonElement>("Chat", body))
        {
            if (e.GetProperty("type").GetString() == "error")
                return e.GetProperty("status").GetInt32();
        }

        return 0;
    }

    private static async Task<HttpResponseMessage> PostChatAsync(HttpClient http, string json, string? userId = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/chat") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (userId is not null)
            request.Headers.Add("X-User-Id", userId);
        return await http.SendAsync(request);
    }
}
