using Acode.Application.Queries;

namespace Acode.Application;

/// <summary>
/// The run-state store the agent programs against. Every write is one transaction: the changed rows, their
/// events and their outbox records commit together or not at all (spec AC-005).
/// </summary>
/// <remarks>
/// <para>Saves write only what changed: a <see cref="Session"/> records each mutation of itself or of a child in
/// <see cref="Session.PendingChanges"/>, so adding a tool call to a session with 100 000 of them writes one
/// tool-call row, its event and its outbox record, nothing else. This is also the hot path: there is no cheaper call.</para>
/// <para>Updates are optimistic: a change to a session, task, step, tool call or artifact is based on the version that
/// was loaded; when that row was saved meanwhile from another copy of the session (another <see cref="GetSessionAsync"/>,
/// another process), imported over (<see cref="ImportAsync"/>) or deleted (<see cref="DeleteSessionAsync"/>), the save
/// throws <see cref="Errors.ConcurrencyConflictException"/> (its message and <c>StoredVersion</c>/<c>IsDeleted</c> say
/// which) and writes nothing; reload and apply the change again.</para>
/// <para>Events are insert-only entries of a log, not versioned state, so appending composes with everything:
/// <see cref="AppendEventAsync"/> does not change the session's version, and a held session's new events that find their
/// sequence numbers taken by events appended meanwhile (by <see cref="AppendEventAsync"/>, another copy, another process)
/// are saved at the end of the log instead, in order; the save updates their <c>Sequence</c> and the session's
/// <c>LastEventSequence</c>. Sequence numbers therefore follow commit order and stay unique and gap-free per session.
/// Saving the same object twice in one <see cref="SaveAllAsync"/> saves it once.</para>
/// <para>Storage faults throw <see cref="Errors.AcodeDbException"/> with their ACODE-DB code. SQLite has no
/// asynchronous I/O: the methods check the cancellation token, then do the work synchronously.</para>
/// </remarks>
public interface IRunStateStore
{
    /// <summary>Creates and saves a new session in <see cref="SessionState.Created"/>.</summary>
    Task<Session> CreateSessionAsync(string title, string? goal = null, CancellationToken cancellationToken = default);

    /// <summary>Loads a session with its tasks, steps, tool calls and artifacts (events are read with <see cref="ReadEventsAsync"/>).</summary>
    /// <returns>The session, or <see langword="null"/> when no session has that id.</returns>
    Task<Session?> GetSessionAsync(SessionId id, CancellationToken cancellationToken = default);

    /// <summary>Saves the session's pending changes (new or changed entities and new events) in one transaction.</summary>
    /// <exception cref="Errors.ConcurrencyConflictException">A changed row is no longer at the version this object loaded
    /// (saved from another copy, imported over, or deleted); nothing was saved and the object keeps its pending changes.</exception>
    /// <exception cref="InvalidOperationException">Another call is still saving this same object (a <see cref="Session"/> is not
    /// thread-safe: save it from one thread at a time); this call saved nothing, the other goes on.</exception>
    Task SaveAsync(Session session, CancellationToken cancellationToken = default);

    /// <summary>Saves the pending changes of several sessions in one transaction: all of them or none (an object listed twice is saved once).</summary>
    /// <exception cref="Errors.ConcurrencyConflictException">As for <see cref="SaveAsync"/>; nothing of any session was saved.</exception>
    /// <exception cref="InvalidOperationException">As for <see cref="SaveAsync"/>: another call is still saving one of these objects.</exception>
    /// <exception cref="ArgumentException"><paramref name="sessions"/> holds a null entry; nothing was saved.</exception>
    Task SaveAllAsync(IReadOnlyCollection<Session> sessions, CancellationToken cancellationToken = default);

    /// <summary>Deletes a session and everything in it; its deletion is recorded in the outbox.</summary>
    /// <returns><see langword="false"/> when no session has that id.</returns>
    Task<bool> DeleteSessionAsync(SessionId id, CancellationToken cancellationToken = default);

    /// <summary>Lists sessions matching <paramref name="filter"/> in <paramref name="sort"/> order, one keyset page at a time.</summary>
    /// <remarks>
    /// A page's <see cref="Page{T}.NextCursor"/> is bound to the filter and sort that produced it; the next page may ask
    /// for another <see cref="PaginationOptions.Limit"/>. Times in the filter are instants: their offset does not matter.
    /// </remarks>
    /// <exception cref="Errors.InvalidCursorException">The cursor is not one this store printed (an <see cref="ArgumentException"/>, parameter <c>cursor</c>).</exception>
    /// <exception cref="Errors.CursorMismatchException">The cursor was printed for another sort order or another filter (a subtype of <see cref="Errors.InvalidCursorException"/>).</exception>
    Task<Page<SessionSummary>> QuerySessionsAsync(SessionFilter filter, SessionSort sort, PaginationOptions page, CancellationToken cancellationToken = default);

    /// <summary>
    /// Up to <paramref name="limit"/> ids of the stored (not deleted) sessions whose id starts with
    /// <paramref name="idPrefix"/> (<c>sess_</c> and ULID characters, as people type a short id: <c>sess_01JD3Z</c>),
    /// in ordinal id order, found by one range scan of the id index. Reads only.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="idPrefix"/> is empty, or <paramref name="limit"/> is less than 1.</exception>
    Task<IReadOnlyList<SessionId>> FindSessionIdsByPrefixAsync(string idPrefix, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Appends one event to a session without loading it (the hot path for a component that only logs): the next
    /// sequence number, the row and its outbox record in one transaction. The session's row and version are not touched,
    /// so a <see cref="Session"/> object the caller holds stays valid: saving it afterwards succeeds, and its own new
    /// events are placed after this one (their <c>Sequence</c> is updated by that save).
    /// </summary>
    /// <returns>The new event's id and sequence number, or null when no session has that id.</returns>
    /// <exception cref="ArgumentException"><paramref name="payloadJson"/> is not one JSON value.</exception>
    Task<(EventId Id, long Sequence)?> AppendEventAsync(SessionId sessionId, string type, string payloadJson = "{}", CancellationToken cancellationToken = default);

    /// <summary>
    /// How many events a session's log holds (0 for a session that has none or is not stored). Not the same as the
    /// session's <c>LastEventSequence</c>: an imported transcript's sub-agent events are numbered apart (docs/import.md),
    /// and PostgreSQL may hold two events at one sequence number (docs/architecture.md, "Event sequence numbers").
    /// </summary>
    Task<long> CountEventsAsync(SessionId sessionId, CancellationToken cancellationToken = default);

    /// <summary>Reads up to <paramref name="limit"/> events of a session with a sequence greater than <paramref name="afterSequence"/>, in order.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="session"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="limit"/> is less than 1.</exception>
    Task<IReadOnlyList<SessionEvent>> ReadEventsAsync(Session session, long afterSequence = 0, int limit = 1000, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores a session rebuilt from an export exactly as it is (same ids, versions and timestamps). Rows already
    /// present at the same or a newer version are left alone, so importing the same export twice changes nothing.
    /// A row written over a stored one whose <c>updated_at</c> is not later than the stored row's (an export edited by hand:
    /// version raised, timestamp kept) is written just after the stored row's instead (1 + a hash of its content modulo 2²⁴
    /// ticks of 100 ns: the same content gets the same stamp, different contents different ones), so that every version of
    /// an entity has its own stamp and outbox idempotency key (docs/architecture.md, "Each version its own stamp"); the
    /// objects passed in keep their stamps.
    /// </summary>
    /// <remarks>
    /// Events are taken in (sequence, id) order. An event whose id is stored is that event and is left alone. A new one
    /// keeps its sequence number unless another event of the session holds it (one appended or imported meanwhile, or an
    /// earlier event of <paramref name="events"/> at the same number); then it and every later new event go after the end
    /// of the log, in order (docs/architecture.md, "Event sequence numbers"). Nothing is dropped; the objects passed in
    /// keep their numbers.
    /// </remarks>
    Task<ImportResult> ImportAsync(Session session, IReadOnlyList<SessionEvent> events, CancellationToken cancellationToken = default);
}
