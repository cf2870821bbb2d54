using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace Pipeline.Benchmarks.Chat;

/// <summary>
/// An open-loop load: requests start on a fixed schedule whatever the answers' latency, so two runs at the same rate
/// carry the same load (a closed loop would send less when the system slows down). Latency counts from each request's
/// scheduled start, so a request queued behind a stall is charged for the stall (no coordinated omission).
/// </summary>
public static class FixedRateLoad
{
    public static async Task<ChatLoad.Result> RunAsync(Uri api, double requestsPerSecond, TimeSpan duration)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1_000 }) { BaseAddress = api, Timeout = TimeSpan.FromSeconds(60) };
        var count = (int)(requestsPerSecond * duration.TotalSeconds);
        var latencies = new double[count];
        var succeeded = new bool[count];
        var ownWork = new double[count];
        var clock = Stopwatch.StartNew();
        var requests = new List<Task>(count);
        for (var i = 0; i < count; i++)
        {
            var scheduled = TimeSpan.FromSeconds(i / requestsPerSecond);
            if (scheduled > clock.Elapsed)
                await Task.Delay(scheduled - clock.Elapsed);
            var index = i;
            requests.Add(Task.Run(async () =>
            {
                try
                {
                    using var response = await http.PostAsJsonAsync("/api/chat", new { message = ChatLoad.Questions[index % ChatLoad.Questions.Length] });
                    var body = await response.Content.ReadAsByteArrayAsync();
                    succeeded[index] = response.IsSuccessStatusCode;
                    if (succeeded[index])
                    {
                        using var answer = JsonDocument.Parse(body);
                        ownWork[index] = answer.RootElement.GetProperty("latencyMs").GetDouble();
                    }
                }
                catch (HttpRequestException)
                {
                    succeeded[index] = false;
                }

                latencies[index] = (clock.Elapsed - scheduled).TotalMilliseconds;
            }));
        }

        await Task.WhenAll(requests);
        var answered = Enumerable.Range(0, count).Where(i => succeeded[i]).ToArray();
        var ok = answered.Select(i => latencies[i]).Order().ToArray();
        return new ChatLoad.Result(ok.Length, count - ok.Length, clock.Elapsed.TotalSeconds, ok)
        {
            OwnWorkMs = answered.Select(i => ownWork[i]).ToArray(),
            OverheadMs = answered.Select(i => latencies[i] - ownWork[i]).ToArray(),
        };
    }
}
