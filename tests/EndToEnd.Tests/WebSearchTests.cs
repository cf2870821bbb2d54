using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Xunit;

namespace Pipeline.EndToEnd.Tests;

/// <summary>
/// Web search through a SearxNG-compatible provider; a local fake search engine stands in for the web
/// (this machine reaches no search engine, and a test must not depend on one).
/// </summary>
public sealed class WebSearchTests(PipelineSystem system) : IClassFixture<PipelineSystem>, IAsyncLifetime
{
    private const string PageUrl = "https://example.org/ai-regulation-2025";
    private WebApplication _searchEngine = null!;
    private int _queries;

    public async Task InitializeAsync()
    {
        _searchEngine = await Pipeline.Testing.TestHosts.StartWebAsync(new Dictionary<string, string?>(), _ => { }, app =>
            app.MapGet("/search", (string q, string format) =>
            {
                Interlocked.Increment(ref _queries);
                return Results.Json(new
                {
                    query = q,
                    results = new[] { new { url = PageUrl, title = "AI regulation in 2025", content = "In 2025 the AI Act's first prohibitions started to apply across the Union." } },
                });
            }), "fake-searxng");
        await system.ReplaceLegacyWorkerAsync(new Dictionary<string, string?>
        {
            ["WebSearch:Enabled"] = "true",
            ["WebSearch:BaseUrl"] = _searchEngine.Urls.First() + "/",
        });
    }

    public async Task DisposeAsync() => await Pipeline.Testing.TestHosts.StopQuietlyAsync(_searchEngine);

    [Fact]
    public async Task With_web_search_enabled_the_answer_has_a_web_source_with_its_url()
    {
        using var http = system.CreateClient();

        var (response, result) = await ChatClient.PostJsonAsync(http, new { message = "Latest AI regulations 2025", webSearchEnabled = true });

        Assert.True(response.IsSuccessStatusCode, $"status {(int)response.StatusCode}: {result}");
        var web = result.GetProperty("sources").EnumerateArray().Where(s => s.Text("type") == "web").ToList();
        Assert.Single(web);
        Assert.Equal(PageUrl, web[0].Text("url"));
        Assert.True(_queries >= 1);
    }

    [Fact]
    public async Task Without_the_request_flag_the_search_engine_is_not_asked()
    {
        using var http = system.CreateClient();
        var before = _queries;

        var (response, result) = await ChatClient.PostJsonAsync(http, new { message = "What is DORA?" });

        Assert.True(response.IsSuccessStatusCode, $"status {(int)response.StatusCode}: {result}");
        Assert.DoesNotContain(result.GetProperty("sources").EnumerateArray(), s => s.Text("type") == "web");
        Assert.Equal(before, _queries);
    }
}
