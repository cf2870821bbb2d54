using System.Collections.Concurrent;

namespace Pipeline.Api.Chat;

/// <summary>The requests whose callers this API instance holds, by request id.</summary>
public sealed class CallerSessionRegistry
{
    private readonly ConcurrentDictionary<Guid, CallerSession> _sessions = new();

    public int Count => _sessions.Count;

    public void Add(CallerSession session)
    {
        if (!_sessions.TryAdd(session.RequestId, session))
            throw new InvalidOperationException($"Request {session.RequestId} is already registered.");
    }

    public CallerSession? Find(Guid requestId) => _sessions.GetValueOrDefault(requestId);

    public void Remove(CallerSession session)
    {
        _sessions.TryRemove(new KeyValuePair<Guid, CallerSession>(session.RequestId, session));
        session.Dispose();
    }
}
