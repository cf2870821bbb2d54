using System.Collections.Concurrent;

namespace Pipeline.Api.Chat;

/// <summary>The requests whose callers this API instance holds, by request id.</summary>
public sealed class CallerSessionRegistry
{
    private readonly ConcurrentDictionary<Guid, CallerSession> _sessions = new();

    public int Count => _sessions.Count;

    /// <summary>Registers the session; false when another session of this instance holds its request id (a concurrent submission of one caller-chosen id).</summary>
    public bool TryAdd(CallerSession session) => _sessions.TryAdd(session.RequestId, session);

    public CallerSession? Find(Guid requestId) => _sessions.GetValueOrDefault(requestId);

    public void Remove(CallerSession session)
    {
        _sessions.TryRemove(new KeyValuePair<Guid, CallerSession>(session.RequestId, session));
        session.Dispose();
    }
}
