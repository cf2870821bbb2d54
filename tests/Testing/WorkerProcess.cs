using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace Pipeline.Testing;

/// <summary>
/// A worker host as its own operating-system process (the built binary of a <c>src/Workers.*</c> project), so a
/// test can SIGKILL it mid-work as a crash would. Settings go in as command-line configuration, which outranks the
/// environment the test process inherited.
/// </summary>
public sealed class WorkerProcess : IAsyncDisposable
{
    private readonly Process _process;

    private WorkerProcess(Process process) => _process = process;

    public int Id => _process.Id;

    /// <summary>Starts <c>src/{project}</c>'s built assembly and waits until its queue has a consumer.</summary>
    public static async Task<WorkerProcess> StartAsync(
        string project, string assemblyName, IReadOnlyDictionary<string, string?> settings, InfrastructureEndpoints endpoints, string virtualHost, string queue)
    {
        using var management = endpoints.ManagementClient();
        return await StartAsync(project, assemblyName, settings, async () =>
        {
            var response = await management.GetAsync($"api/queues/{Uri.EscapeDataString(virtualHost)}/{queue}");
            if (!response.IsSuccessStatusCode)
                return false;
            var info = await response.Content.ReadFromJsonAsync<JsonElement>();
            return info.TryGetProperty("consumers", out var consumers) && consumers.GetInt32() > 0;
        }, $"{project} should consume from {queue}");
    }

    /// <summary>
    /// Starts <c>src/{project}</c>'s built assembly and waits until <paramref name="ready"/> (e.g. an API's readiness
    /// probe); a <c>Urls</c> setting replaces the default any-free-port one.
    /// </summary>
    public static async Task<WorkerProcess> StartAsync(
        string project, string assemblyName, IReadOnlyDictionary<string, string?> settings, Func<Task<bool>> ready, string readyMeans)
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name; // …/bin/<Configuration>/net10.0
        var assembly = Path.Combine(RepositoryPaths.Root, "src", project, "bin", configuration, "net10.0", assemblyName + ".dll");
        if (!File.Exists(assembly))
            throw new FileNotFoundException($"Build {project} first: {assembly} is missing.", assembly);

        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(assembly);
        // Any free port for the probes: a fixed one would collide with a second worker or one a developer runs.
        // The command line's last value of a key wins, so a Urls setting below replaces this.
        start.ArgumentList.Add("--Urls=http://127.0.0.1:0");
        foreach (var (key, value) in settings)
            start.ArgumentList.Add($"--{key}={value}");
        start.Environment["DOTNET_ENVIRONMENT"] = TestHosts.Environment;
        var process = Process.Start(start) ?? throw new InvalidOperationException($"{assembly} could not be started.");
        // Drain the pipes so a chatty worker never blocks on a full buffer.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var worker = new WorkerProcess(process);
        await Eventually.TrueAsync(async () =>
        {
            if (process.HasExited)
                throw new InvalidOperationException($"{project} exited at start with code {process.ExitCode}.");
            try
            {
                return await ready();
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(60), readyMeans);
        return worker;
    }

    /// <summary>SIGKILL: no shutdown, no acknowledgements, no flushing — a crash.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
            await KillAsync();
        _process.Dispose();
    }
}
