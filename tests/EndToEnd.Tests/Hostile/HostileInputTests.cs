using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Xunit;

namespace Pipeline.EndToEnd.Tests.Hostile;

/// <summary>
/// The whole system with limits that generated bad requests reach quickly: bodies over 128 KiB are refused by the
/// server (chat's own 64 KiB limit stays), and the chat rate limit is out of the way so that every bad chat request
/// meets validation rather than the limiter.
/// </summary>
public sealed class HostileSystem : PipelineSystem
{
    public const int ServerBodyLimit = 128 * 1024;
    public const int ChatBodyLimit = 64 * 1024;

    protected override IDictionary<string, string?> Overrides => new Dictionary<string, string?>(base.Overrides)
    {
        ["Limits:MaxRequestBodyBytes"] = ServerBodyLimit.ToString(),
        ["Limits:ChatPermitLimit"] = "1000000",
        ["Limits:ChatPermitLimitPerAddress"] = "1000000",
        ["Chat:MaxBodyBytes"] = ChatBodyLimit.ToString(),
    };
}

/// <summary>
/// Fault: hostile input — malformed JSON, wrong types, bodies over the limits, deep nesting, invalid UTF-8, control
/// characters, SQL/markup/template injection strings, oversized headers, bad query strings, wrong content types, wrong
/// routes and methods. Load: 10,000 requests from a seeded generator, 8 at a time over one client, spread over the chat
/// route (anonymous), the flag routes (admin key) and the comparison, metrics and operations routes (admin key).
/// Invariant: every answer is a 4xx (ProblemDetails wherever the application answers), never a 5xx or a dropped
/// connection; nothing changes (flags, knowledge-base stats and replays read the same before and after); afterwards the service is ready and answers a
/// normal chat request.
/// </summary>
public sealed class HostileInputTests(HostileSystem system) : IClassFixture<HostileSystem>
{
    private const int Count = 10_000;
    private const int Seed = 20261126;
    private const string TargetFlag = "hostile-target";

    [Fact]
    public async Task Ten_thousand_bad_requests_get_only_4xx_change_nothing_and_leave_the_service_answering()
    {
        using var admin = system.CreateAdminClient();
        var created = await admin.PutAsJsonAsync($"/api/flags/{TargetFlag}", new { status = "disabled", description = "target of hostile writes" });
        Assert.True(created.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict, $"creating the target flag: {created.StatusCode}");
        var version = (await admin.GetFromJsonAsync<JsonElement>($"/api/flags/{TargetFlag}")).GetProperty("version").GetInt64();
        var stateBefore = await StateAsync(admin);

        var requests = new HostileRequestGenerator(Seed, TargetFlag, version, HostileSystem.ChatBodyLimit).Generate(Count).ToList();
        var failures = new ConcurrentQueue<(string Kind, string Text)>();
        var statuses = new ConcurrentDictionary<int, int>();
        var categories = new ConcurrentDictionary<string, int>();
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 8 }) { BaseAddress = system.ApiAddress, Timeout = TimeSpan.FromSeconds(30) };

        await Parallel.ForEachAsync(requests, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (request, ct) =>
        {
            categories.AddOrUpdate(request.Category.Split('/')[1], 1, (_, n) => n + 1);
            try
            {
                using var message = request.ToMessage(PipelineSystem.AdminKey);
                using var response = await http.SendAsync(message, ct);
                var status = (int)response.StatusCode;
                statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
                if (status is < 400 or >= 500)
                    failures.Enqueue(($"{request.Category} {status}", $"{status} {await Excerpt(response)} ← {request}"));
                else if (!AnsweredByKestrelAlone(status) && response.Content.Headers.ContentType?.MediaType != "application/problem+json")
                    failures.Enqueue(($"{request.Category} {status} bare", $"{status} without ProblemDetails ({response.Content.Headers.ContentType}) ← {request}"));
                else if (!AnsweredByKestrelAlone(status) && !NamesWhatWasWrong(await response.Content.ReadAsStringAsync(ct)))
                    failures.Enqueue(($"{request.Category} {status} unnamed", $"{status} naming nothing: {await Excerpt(response)} ← {request}"));
            }
            catch (HttpRequestException ex)
            {
                failures.Enqueue(($"{request.Category} no answer", $"no answer ({ex.HttpRequestError}: {ex.Message}) ← {request}"));
            }
        });

        var summary = $"statuses: {string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}×{s.Value}"))}";
        // The first two of each kind of failure (category and status), so one noisy kind cannot hide the others.
        var examples = failures.GroupBy(f => f.Kind).SelectMany(g => g.Take(2)).Take(30).Select(f => f.Text);
        Assert.True(failures.IsEmpty, $"{failures.Count} of {Count} bad requests were not answered with a 4xx ProblemDetails ({summary}); examples:"
            + Environment.NewLine + string.Join(Environment.NewLine, examples));
        Assert.Equal(HostileRequestGenerator.Categories.Order(), categories.Keys.Order());
        // The size limits were reached, not merely configured: bodies, headers and request lines each got their 4xx.
        Assert.All(new[] { 413, StatusCodes.RequestHeaderFieldsTooLarge, StatusCodes.UriTooLong }, s => Assert.True(statuses.ContainsKey(s), $"no {s} ({summary})"));
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/health/ready")).StatusCode);
        Assert.Equal(stateBefore, await StateAsync(admin));
        using var caller = system.CreateClient();
        var (answered, result) = await ChatClient.PostJsonAsync(caller, new { message = "Cos'è il GDPR?" });
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        Assert.Contains("GDPR", result.Text("text"), StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>What a bad request could have changed: flags, the knowledge base, replays.</summary>
    private static async Task<string> StateAsync(HttpClient admin) => string.Join(Environment.NewLine,
        await admin.GetStringAsync("/api/flags"), await admin.GetStringAsync("/api/documents/stats"), await admin.GetStringAsync("/api/ops/replay"));

    // Kestrel refuses oversized request lines and headers before the application sees the request, with no body.
    private static bool AnsweredByKestrelAlone(int status) =>
        status is StatusCodes.RequestHeaderFieldsTooLarge or StatusCodes.UriTooLong;

    /// <summary>A ProblemDetails that says what was wrong: a detail, or errors per field.</summary>
    private static bool NamesWhatWasWrong(string body)
    {
        using var problem = JsonDocument.Parse(body);
        var root = problem.RootElement;
        return (root.TryGetProperty("detail", out var detail) && detail.GetString() is { Length: > 0 })
            || (root.TryGetProperty("errors", out var errors) && errors.EnumerateObject().Any());
    }

    private static async Task<string> Excerpt(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return text.Length > 300 ? text[..300] + "…" : text;
    }

    private static class StatusCodes
    {
        public const int RequestHeaderFieldsTooLarge = 431;
        public const int UriTooLong = 414;
    }
}
