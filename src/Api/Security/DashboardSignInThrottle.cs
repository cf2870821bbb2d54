using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Pipeline.Api.Security;

/// <summary>
/// Counts failed dashboard sign-ins per address in a fixed window (<c>Dashboard:Session:SignInFailure*</c>): past
/// the limit, sign-ins from that address are refused unread until the window ends, so guessing the admin key costs
/// time. Per instance: a guesser spread over several instances gets each one's budget, which is still a crawl.
/// </summary>
internal sealed class DashboardSignInThrottle(IOptions<DashboardSessionOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Window> _failures = new(StringComparer.Ordinal);

    private sealed record Window(DateTimeOffset StartedAt, int Failures);

    /// <summary>Whether the address has used up its failures; if so, how long until it may try again.</summary>
    public bool IsThrottled(string address, out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        if (!_failures.TryGetValue(address, out var window) || Expired(window, out var ends))
            return false;
        if (window.Failures < options.Value.SignInFailureLimit)
            return false;
        retryAfter = ends - time.GetUtcNow();
        return true;
    }

    public void RecordFailure(string address)
    {
        var now = time.GetUtcNow();
        // Forget addresses whose window has passed, so the map holds only current guessers.
        foreach (var (key, window) in _failures)
        {
            if (Expired(window, out _))
                _failures.TryRemove(new KeyValuePair<string, Window>(key, window));
        }

        _failures.AddOrUpdate(address, _ => new Window(now, 1),
            (_, window) => Expired(window, out var _) ? new Window(now, 1) : window with { Failures = window.Failures + 1 });
    }

    public void Forget(string address) => _failures.TryRemove(address, out _);

    private bool Expired(Window window, out DateTimeOffset ends)
    {
        ends = window.StartedAt + options.Value.SignInFailureWindow;
        return ends <= time.GetUtcNow();
    }
}
