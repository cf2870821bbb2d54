using System.Diagnostics;
using OpenTelemetry;

namespace Pipeline.ServiceDefaults.Telemetry;

/// <summary>
/// Runs an operation outside the current trace and with OpenTelemetry's instrumentation suppressed, so it records no
/// spans and propagates no trace context: for high-volume, low-information work such as the caller's token pieces,
/// each of which would otherwise cost a send, a broker publish, a receive and a process span.
/// </summary>
public static class Untraced
{
    public static Task RunAsync(Func<Task> operation)
    {
        var current = Activity.Current;
        Activity.Current = null;
        try
        {
            // The operation's asynchronous part keeps the context captured here (no parent, suppression on).
            using var suppressed = SuppressInstrumentationScope.Begin();
            return operation();
        }
        finally
        {
            Activity.Current = current;
        }
    }
}
