using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Pipeline.Testing;

/// <summary>Every entry logged through it, at every level, kept for a test to assert on what was logged.</summary>
public sealed class RecordedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();

    /// <summary>"category: message (exception)" of the entries at <paramref name="level"/> or above, for an assertion's message.</summary>
    public IReadOnlyList<string> AtOrAbove(LogLevel level) =>
        _entries.Where(e => e.Level >= level).Select(e => $"{e.Category}: {e.Message}{(e.Exception is null ? "" : $" ({e.Exception})")}").ToList();

    public ILogger CreateLogger(string categoryName) => new Recorder(categoryName, _entries);

    public void Dispose()
    {
    }

    private sealed record LogEntry(string Category, LogLevel Level, string Message, string? Exception);

    private sealed class Recorder(string category, ConcurrentQueue<LogEntry> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            entries.Enqueue(new LogEntry(category, logLevel, formatter(state, exception), exception?.GetBaseException().Message));
    }
}
