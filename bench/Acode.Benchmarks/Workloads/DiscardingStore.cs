using Acode.Application;
using Acode.Application.Queries;

namespace Acode.Benchmarks.Workloads;

/// <summary>A store that takes imports and keeps nothing: measures what the transcript importer costs without SQLite.</summary>
internal sealed class DiscardingStore : IRunStateStore
{
    public Task<ImportResult> ImportAsync(Session session, IReadOnlyList<SessionEvent> events, CancellationToken cancellationToken = default)
        => Task.FromResult(new ImportResult(0, 0, 0));

    public Task<Session> CreateSessionAsync(string title, string? goal = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<Session?> GetSessionAsync(SessionId id, CancellationToken cancellationToken = default) => Task.FromResult<Session?>(null); // nothing is ever stored

    public Task SaveAsync(Session session, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task SaveAllAsync(IReadOnlyCollection<Session> sessions, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<bool> DeleteSessionAsync(SessionId id, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<Page<SessionSummary>> QuerySessionsAsync(SessionFilter filter, SessionSort sort, PaginationOptions page, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<IReadOnlyList<SessionId>> FindSessionIdsByPrefixAsync(string idPrefix, int limit, CancellationToken cancellationToken = default) => Task.FromResult<IReadOnlyList<SessionId>>([]); // nothing is ever stored

    public Task<(EventId Id, long Sequence)?> AppendEventAsync(SessionId sessionId, string type, string payloadJson = "{}", CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<IReadOnlyList<SessionEvent>> ReadEventsAsync(Session session, long afterSequence = 0, int limit = 1000, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<long> CountEventsAsync(SessionId sessionId, CancellationToken cancellationToken = default) => throw new NotSupportedException();
}
