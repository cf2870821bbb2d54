using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Pipeline.Api.Operations;
using Pipeline.Infrastructure.Replays;
using Spectre.Console;

namespace Pipeline.Api.Hosting;

/// <summary>
/// The <c>replay --from &lt;time&gt; --to &lt;time&gt; [--limit n]</c> verb: an operator's client of a running API
/// (<c>PIPELINE_URL</c>, admin key in <c>PIPELINE_ADMIN_KEY</c>) that starts a replay and follows it with a progress bar.
/// It talks to the API rather than the database so the replay runs where the bus and its outbox delivery already do.
/// </summary>
public static class ReplayCommand
{
    public const string Verb = "replay";
    public const string UrlVariable = "PIPELINE_URL";
    public const string KeyVariable = "PIPELINE_ADMIN_KEY";
    private const string DefaultUrl = "http://127.0.0.1:5080";
    private const string Usage = "usage: replay --from <ISO time> --to <ISO time> [--limit <n>] [--url <api>]   (admin key in PIPELINE_ADMIN_KEY)";
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken, HttpMessageHandler? handler = null)
    {
        var options = Parse(args);
        var key = Environment.GetEnvironmentVariable(KeyVariable);
        if (options is null || string.IsNullOrEmpty(key))
        {
            await Console.Error.WriteLineAsync(options is null ? Usage : $"{KeyVariable} must hold an admin key.");
            return 2;
        }

        using var http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        http.BaseAddress = new Uri(options.GetValueOrDefault("url") ?? Environment.GetEnvironmentVariable(UrlVariable) ?? DefaultUrl);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);

        var body = new Dictionary<string, object?> { ["from"] = options["from"], ["to"] = options["to"] };
        if (options.TryGetValue("limit", out var limit))
            body["limit"] = int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : limit;
        using var response = await http.PostAsJsonAsync("/api/ops/replay", body, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]replay refused ({(int)response.StatusCode}): {await response.Content.ReadAsStringAsync(cancellationToken)}[/]");
            return 1;
        }

        var started = await response.Content.ReadFromJsonAsync<ReplayEndpoints.ReplayStarted>(cancellationToken);
        ReplayProgress? progress = null;
        await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask($"replay {started!.ReplayId}", maxValue: Math.Max(1, started.Total));
                while (true)
                {
                    progress = await http.GetFromJsonAsync<ReplayProgress>($"/api/ops/replay/{started.ReplayId}", cancellationToken);
                    task.Value = progress!.Done;
                    if (progress.Status == ReplayProgress.Completed)
                        break;
                    await Task.Delay(PollInterval, cancellationToken);
                }
            });

        AnsiConsole.MarkupLineInterpolated($"replay {progress!.Id}: {progress.Done} of {progress.Total} requests re-run, {progress.Failed} failed; comparisons tagged with the replay id.");
        return progress.Failed == 0 ? 0 : 1;
    }

    /// <summary>--name value pairs after the verb; null when malformed or when from/to are missing.</summary>
    private static Dictionary<string, string>? Parse(string[] args)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 1; i < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
                return null;
            options[args[i][2..]] = args[i + 1];
        }

        return options.ContainsKey("from") && options.ContainsKey("to") ? options : null;
    }
}
