using Microsoft.AspNetCore.Builder;

namespace Pipeline.Testing;

/// <summary>
/// A web host a test starts and owns: disposing it stops it first. Disposing a <see cref="WebApplication"/> alone does
/// not stop its hosted services, so a bus that never connected (a broker on port 1) would go on reconnecting for the
/// rest of the test run.
/// </summary>
public sealed class StartedWebApp(WebApplication app) : IAsyncDisposable
{
    public WebApplication App { get; } = app;

    public ICollection<string> Urls => App.Urls;

    public IServiceProvider Services => App.Services;

    public async ValueTask DisposeAsync() => await TestHosts.StopQuietlyAsync(App);
}
