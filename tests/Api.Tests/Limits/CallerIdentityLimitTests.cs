using Pipeline.ServiceDefaults;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Options;
using Pipeline.Api.Hosting;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.Api.Tests.Limits;

/// <summary>The API with 2 chat requests per caller and 3 per address for anonymous callers, per ten minutes.</summary>
public sealed class AddressLimitedApiHost : ApiHost
{
    public const int CallerPermits = 2;
    public const int AddressPermits = 3;

    protected override IReadOnlyDictionary<string, string?> Overrides { get; } = new Dictionary<string, string?>
    {
        ["Limits:ChatPermitLimit"] = CallerPermits.ToString(),
        ["Limits:ChatPermitLimitPerAddress"] = AddressPermits.ToString(),
        ["Limits:ChatWindow"] = "00:10:00",
    };
}

/// <summary>
/// Hostile: one caller spelling its key differently to get fresh budgets; one address rotating X-User-Id.
/// Invariant: a key's budget is its identity's, however the header is written; anonymous callers from one address
/// share the address's budget whatever user ids they declare; the per-address bound cannot be set below the per-caller one.
/// </summary>
public sealed class CallerIdentityLimitTests(AddressLimitedApiHost api) : IClassFixture<AddressLimitedApiHost>
{
    // A blank message passes the limiter and is refused by validation (400) without starting any work.
    private const string Blank = "{\"message\":\"  \"}";

    [Fact]
    public async Task A_key_written_differently_spends_the_same_budget()
    {
        using var http = api.Client(key: null);
        var statuses = new List<HttpStatusCode>();
        foreach (var header in new[] { $"bearer {ApiHost.UserKey}", $"BEARER {ApiHost.UserKey}", $"Bearer  {ApiHost.UserKey}" })
        {
            using var request = Chat();
            request.Headers.TryAddWithoutValidation("Authorization", header);
            using var response = await http.SendAsync(request);
            statuses.Add(response.StatusCode);
        }

        Assert.Equal([HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.TooManyRequests], statuses);
    }

    [Fact]
    public async Task Rotating_the_declared_user_id_does_not_multiply_an_addresss_budget()
    {
        using var http = api.Client(key: null);
        var statuses = new List<HttpStatusCode>();
        var rejection = "";
        for (var i = 0; i <= AddressLimitedApiHost.AddressPermits; i++)
        {
            using var request = Chat();
            request.Headers.Add("X-User-Id", $"rotating-{i}");
            using var response = await http.SendAsync(request);
            statuses.Add(response.StatusCode);
            rejection = await response.Content.ReadAsStringAsync();
        }

        Assert.All(statuses.Take(AddressLimitedApiHost.AddressPermits), s => Assert.Equal(HttpStatusCode.BadRequest, s));
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
        Assert.Contains("per address", rejection);
    }

    [Fact]
    public async Task A_per_address_limit_below_the_per_caller_limit_stops_the_api_at_start_up()
    {
        var settings = api.HostSettings();
        settings["Limits:ChatPermitLimitPerAddress"] = "1";

        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            TestHosts.StartWebAsync(settings, b => b.AddPipelineDefaults(ApiServices.ServiceName).AddApiServices(), a => a.MapPipelineDefaultEndpoints().MapApi(), typeof(ApiServices).Assembly.GetName().Name!));

        Assert.Contains("ChatPermitLimitPerAddress", failure.Message);
    }

    private static HttpRequestMessage Chat()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/chat") { Content = new StringContent(Blank, Encoding.UTF8, "application/json") };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return request;
    }
}
