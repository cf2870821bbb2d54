using System.Diagnostics;

namespace Pipeline.Testing;

/// <summary>
/// Stops and starts the real servers scripts/infra.sh runs on this machine (PostgreSQL's cluster, RabbitMQ's
/// application), for fault tests. Needs the privileges infra.sh had (root in CI); fails loudly otherwise.
/// </summary>
public static class ServerControl
{
    /// <summary>
    /// Names the RabbitMQ node to stop and start (<c>rabbitmqctl -n</c>) when the tests' broker is not the machine's
    /// default node, e.g. a second node started beside a shared one so that restarting it disturbs nobody else.
    /// </summary>
    public const string RabbitMqNodeVariable = "PIPELINE_TEST_RABBITMQ_NODE";

    public static Task StopPostgresAsync() => RunAsync("pg_ctlcluster", $"{PostgresMajor()} main stop -m fast");

    public static Task StartPostgresAsync() => RunAsync("pg_ctlcluster", $"{PostgresMajor()} main start");

    /// <summary>Stops the broker application: every connection drops, durable queues and their messages stay.</summary>
    public static Task StopRabbitMqAsync() => RunAsync("rabbitmqctl", $"{RabbitMqNode()}-q stop_app");

    public static async Task StartRabbitMqAsync()
    {
        await RunAsync("rabbitmqctl", $"{RabbitMqNode()}-q start_app");
        await RunAsync("rabbitmqctl", $"{RabbitMqNode()}-q await_startup");
    }

    private static string RabbitMqNode() =>
        Environment.GetEnvironmentVariable(RabbitMqNodeVariable) is { Length: > 0 } node ? $"-n {node} " : "";

    private static string PostgresMajor() =>
        Directory.GetDirectories("/usr/lib/postgresql").Select(Path.GetFileName).OrderBy(v => int.Parse(v!, System.Globalization.CultureInfo.InvariantCulture)).Last()!;

    private static async Task RunAsync(string command, string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(command, arguments)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        }) ?? throw new InvalidOperationException($"{command} could not be started.");
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var error = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.StandardOutput.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{command} {arguments} exited with {process.ExitCode}: {await error}");
    }
}
