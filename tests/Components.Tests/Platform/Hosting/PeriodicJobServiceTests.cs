using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Pipeline.Platform.Hosting;
using Pipeline.Testing;
using Xunit;

namespace Pipeline.Components.Tests.Platform.Hosting;

public sealed class PeriodicJobServiceTests
{
    private sealed class JobOptions
    {
        public TimeSpan Interval { get; set; } = TimeSpan.FromMilliseconds(20);
    }

    /// <summary>Fails its first run, as a job meeting a database outage would, and counts runs and scopes.</summary>
    private sealed class FlakyJob(RunLog log) : IPeriodicJob, IDisposable
    {
        public Task RunAsync(CancellationToken cancellationToken)
        {
            var run = Interlocked.Increment(ref log.Runs);
            return run == 1 ? Task.FromException(new InvalidOperationException("database unavailable")) : Task.CompletedTask;
        }

        public void Dispose() => Interlocked.Increment(ref log.Disposed);
    }

    private sealed class RunLog
    {
        public int Runs;
        public int Disposed;
    }

    [Fact]
    public async Task A_failed_run_is_retried_at_the_next_interval_each_run_in_a_scope_of_its_own()
    {
        var log = new RunLog();
        var services = new ServiceCollection().AddLogging(b => b.ClearProviders()).AddSingleton(log).AddOptions<JobOptions>().Services;
        services.AddPeriodicJob<FlakyJob, JobOptions>(o => o.Interval);
        await using var provider = services.BuildServiceProvider();
        var loop = Assert.Single(provider.GetServices<IHostedService>());

        await loop.StartAsync(CancellationToken.None);
        await Eventually.TrueAsync(() => Task.FromResult(Volatile.Read(ref log.Runs) >= 3), TimeSpan.FromSeconds(10), "the loop should go on after a failed run");
        await loop.StopAsync(CancellationToken.None);

        Assert.True(log.Disposed >= 2, $"each run's scope is disposed ({log.Disposed} of {log.Runs})");
    }
}
