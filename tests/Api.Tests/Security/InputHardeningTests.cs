using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Pipeline.Api.Problems;
using Pipeline.Flags;
using Pipeline.Persistence;
using Pipeline.Persistence.Requests;
using Xunit;

namespace Pipeline.Api.Tests.Security;

/// <summary>
/// Hostile: input the contract forbids, on the chat front door and the operator routes: identity headers too long,
/// text the database cannot hold (NUL, lone surrogates), durations that overflow, look-alike flag names, unknown
/// fields on the hub. Invariant: each is a 4xx ProblemDetails (or error event) naming what was wrong, never a 500 or
/// a 503 that tells the client to retry, never a server type name, and nothing changes.
/// </summary>
public sealed class InputHardeningTests(ApiHost api) : IClassFixture<ApiHost>
{
    private const string LoneSurrogate = "\"\\ud800\"";

    [Theory]
    [InlineData("X-User-Id")]
    [InlineData("X-Session-Id")]
    [InlineData("X-User-Group")]
    public async Task An_identity_header_longer_than_256_characters_is_a_400_naming_it_and_writes_nothing(string header)
    {
        using var http = api.Client(key: null);
        await using var db = api.CreateDbContext();
        var before = await db.Set<ArchivedChatRequest>().CountAsync();
        using var request = ChatRequest("{\"message\":\"Cos'è il GDPR?\"}");
        request.Headers.Add(header, new string('u', 257));

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.RetryAfter);
        Assert.Contains(header, await response.Content.ReadAsStringAsync());
        Assert.Equal(before, await db.Set<ArchivedChatRequest>().CountAsync());
    }

    [Fact]
    public async Task An_eval_review_note_with_a_nul_character_is_a_400_naming_the_note()
    {
        using var http = api.Client();

        using var response = await http.PostAsync($"/api/evals/{Guid.NewGuid()}/review",
            new StringContent("{\"verdict\":\"approved\",\"note\":\"fine\\u0000\"}", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("note", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public void A_value_the_database_refuses_as_data_is_not_an_outage_to_retry()
    {
        var tooLong = new PostgresException("value too long for type character varying(256)", "ERROR", "ERROR", "22001");

        Assert.False(ProblemResponseHandler.IsUnavailable(tooLong, out _));
        Assert.False(ProblemResponseHandler.IsUnavailable(new InvalidOperationException("wrapped", tooLong), out _));
        Assert.True(ProblemResponseHandler.IsUnavailable(new NpgsqlException("down", new System.Net.Sockets.SocketException()), out _));
    }

    [Theory]
    [InlineData("PUT", "/api/flags/surrogate-description", "{\"status\":\"disabled\",\"description\":" + LoneSurrogate + "}", "description")]
    [InlineData("PUT", "/api/flags/surrogate-reason", "{\"status\":\"disabled\",\"reason\":" + LoneSurrogate + "}", "reason")]
    [InlineData("PUT", "/api/flags/surrogate-users", "{\"status\":\"disabled\",\"targetUsers\":[" + LoneSurrogate + "]}", "targetUsers")]
    [InlineData("POST", "/api/flags/workflow-complete/kill", "{\"reason\":" + LoneSurrogate + "}", "reason")]
    [InlineData("POST", "/api/flags/workflow-complete/rollout", "{\"stages\":[" + LoneSurrogate + "]}", "stages")]
    [InlineData("POST", "/api/flags/workflow-complete/rollout", "{\"minDwell\":\"P99999999D\"}", "minDwell")]
    public async Task A_lone_surrogate_or_an_overflowing_duration_in_an_admin_body_is_a_400_naming_the_field_and_changes_nothing(
        string method, string path, string body, string field)
    {
        using var http = api.Client();
        var before = await http.GetStringAsync("/api/flags");

        using var response = await http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(field, await response.Content.ReadAsStringAsync());
        Assert.Equal(before, await http.GetStringAsync("/api/flags"));
    }

    [Fact]
    public async Task A_flag_name_with_a_trailing_newline_is_refused_and_no_look_alike_flag_is_created()
    {
        using var http = api.Client();

        using var response = await http.PutAsJsonAsync("/api/flags/workflow-complete%0A", new { status = "disabled" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.False(FlagAdministration.IsValidName("workflow-complete\n"));
        var names = (await http.GetFromJsonAsync<JsonElement>("/api/flags")).EnumerateArray().Select(f => f.GetProperty("name").GetString()).ToList();
        Assert.DoesNotContain(names, n => n != null && n.EndsWith('\n'));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task The_kill_switch_takes_an_empty_body_whatever_its_content_type(bool declaredJson)
    {
        using var http = api.Client();
        var name = declaredJson ? "kill-empty-json" : "kill-empty-text";
        var created = await http.PutAsJsonAsync($"/api/flags/{name}", new { status = "enabled" });
        Assert.True(created.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict, $"creating {name}: {created.StatusCode}");
        var empty = new ByteArrayContent([]);
        empty.Headers.ContentType = new MediaTypeHeaderValue(declaredJson ? "application/json" : "text/plain");

        using var response = await http.PostAsync($"/api/flags/{name}/kill", empty);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("disabled", (await http.GetFromJsonAsync<JsonElement>($"/api/flags/{name}")).GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_json_error_names_the_callers_field_and_none_of_the_servers_types()
    {
        using var http = api.Client(key: null);

        using var unknown = await http.SendAsync(ChatRequest("{\"message\":\"hi\",\"unexpected\":true}"));
        using var wrongType = await http.SendAsync(ChatRequest("{\"message\":42}"));

        var unknownText = await unknown.Content.ReadAsStringAsync();
        var wrongTypeText = await wrongType.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, wrongType.StatusCode);
        Assert.Contains("unexpected", unknownText);
        Assert.Contains("message", wrongTypeText);
        Assert.DoesNotContain("Pipeline.", unknownText);
        Assert.DoesNotContain("ChatRequestBody", unknownText);
        Assert.DoesNotContain("System.", wrongTypeText);
    }

    [Fact]
    public async Task The_anonymous_metrics_scrape_does_not_carry_the_connection_string()
    {
        using var http = api.Client(key: null);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/ready")).StatusCode);
        var database = new NpgsqlConnectionStringBuilder(api.DatabaseConnectionString).Database!;

        var metrics = await http.GetStringAsync("/metrics");

        // The meter is process-wide: the test fixture's own maintenance connections (database 'postgres') show up
        // here too, so the check is on the API's database, whose pool must be labelled by name alone.
        Assert.Contains($"=\"{DatabaseOptions.DataSourceName}\"", metrics);
        Assert.DoesNotContain(database, metrics);
    }

    [Fact]
    public async Task The_hub_answers_an_unknown_field_or_a_wrong_type_with_a_400_naming_it()
    {
        await using var hub = new HubConnectionBuilder().WithUrl(new Uri(api.Address, "/hubs/chat")).Build();
        await hub.StartAsync();

        var unknown = await FirstEventAsync(hub, new { message = "Cos'è il GDPR?", unexpected = true });
        var wrongType = await FirstEventAsync(hub, new { message = 42 });

        Assert.Equal(400, unknown.GetProperty("status").GetInt32());
        Assert.Contains("unexpected", unknown.GetProperty("title").GetString());
        Assert.Equal(400, wrongType.GetProperty("status").GetInt32());
        Assert.Contains("message", wrongType.GetProperty("title").GetString());
        Assert.DoesNotContain("Pipeline.", wrongType.GetProperty("title").GetString());
    }

    private static async Task<JsonElement> FirstEventAsync(HubConnection hub, object body)
    {
        await foreach (var e in hub.StreamAsync<JsonElement>("Chat", body))
            return e;
        throw new InvalidOperationException("The hub sent no event.");
    }

    private static HttpRequestMessage ChatRequest(string json)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/chat") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return request;
    }
}
