using Acode.Application;
using Acode.Application.Queries;
using Acode.Application.Serialization;
using Acode.Infrastructure.Imports;
using Acode.Infrastructure.Sqlite;

namespace Acode.Infrastructure.PostgresStore;

/// <summary>
/// <c>acode session pull</c>: copies sessions from PostgreSQL into the local store through its import (same ids,
/// versions, timestamps; rows already at that version or newer are left alone, so pulling twice changes nothing; a
/// workspace store writes no outbox record for what it takes, <see cref="SqliteRunStateStore"/>'s
/// <c>ImportPulledAsync</c>), then records in PostgreSQL that this workspace now holds exactly the
/// versions it took. That record is what <see cref="Sync.ConflictRule"/> asks when this workspace's next change to one
/// of them arrives: it continues the stored version, so it applies without a conflict. A version this workspace did not
/// take (its own copy had changed meanwhile) is not recorded, so that change is judged, and audited, as a conflict;
/// among those, a version the import stamped after the local one (<see cref="ImportedStamp"/>) is a local change of its own.
/// A row this workspace holds at another version or stamp than PostgreSQL (its change lost a conflict there) takes
/// PostgreSQL's version when no change of it is waiting in the outbox (<see cref="SqliteRunStateStore"/>'s
/// <c>AdoptRemoteAsync</c>; docs/architecture.md, "Pull converges on PostgreSQL").
/// </summary>
internal sealed class RemoteSessionPull
{
    private const int EventPage = 1000;

    private readonly PostgresRunStateStore _remote;
    private readonly IRunStateStore _local;
    private readonly string _localOrigin;

    /// <param name="remote">The PostgreSQL store to read from.</param>
    /// <param name="local">This workspace's store.</param>
    /// <param name="localOrigin">This workspace's id (the origin of its outbox records).</param>
    public RemoteSessionPull(PostgresRunStateStore remote, IRunStateStore local, string localOrigin)
    {
        ArgumentNullException.ThrowIfNull(remote);
        ArgumentNullException.ThrowIfNull(local);
        ArgumentException.ThrowIfNullOrWhiteSpace(localOrigin);
        _remote = remote;
        _local = local;
        _localOrigin = localOrigin;
    }

    /// <summary>
    /// Why PostgreSQL could not record which versions this workspace now holds (a SELECT-only role, a read replica), or
    /// null when every pull so far recorded them. Without that record, a change made here to a pulled row is judged
    /// against the stored version as an unknown base: recorded as a conflict in <c>sync_conflicts</c> when it is synced.
    /// </summary>
    public string? NotRecorded { get; private set; }

    /// <summary>
    /// Sessions this pull has written here or found up to date so far, also one whose later steps (converging, recording
    /// what this workspace holds) failed: they stay in this workspace whatever happens next (trial AS 3).
    /// </summary>
    public int Imported { get; private set; }

    /// <summary>Of <see cref="Imported"/>, the sessions whose local copy changed (rows written or adopted).</summary>
    public int Changed { get; private set; }

    /// <summary>
    /// The session the last <see cref="PullAsync"/> wrote here, with what its import wrote, when that call then failed
    /// (PostgreSQL stopped answering while it converged or recorded what this workspace holds); null after a call that
    /// returned. Counted in <see cref="Imported"/>, it stays in this workspace, so a caller reports it with the others.
    /// </summary>
    public (SessionId Id, ImportResult Result)? Unfinished { get; private set; }

    /// <summary>Pulls one session with its children and events.</summary>
    /// <returns>What the local import wrote (<see cref="ImportResult.Kept"/>: rows kept for a change waiting in the outbox), or null when PostgreSQL holds no live session with that id.</returns>
    /// <exception cref="DeletionPendingException">This workspace deleted the session and the deletion waits in its outbox (nothing written).</exception>
    /// <exception cref="Application.Errors.AcodeDbException">ACODE-DB-006: PostgreSQL is unreachable (nothing local was written when it fails before the import).</exception>
    public async Task<ImportResult?> PullAsync(SessionId id, CancellationToken cancellationToken = default)
    {
        Unfinished = null;
        if (_local is SqliteRunStateStore deleting && await deleting.DeletionWaitsAsync(id, cancellationToken).ConfigureAwait(false))
        {
            // Taken back here, the session would stay live in this workspace while the queued deletion deletes it team-wide.
            throw new DeletionPendingException(id);
        }

        Session? remote = await _remote.GetSessionAsync(id, cancellationToken).ConfigureAwait(false);
        if (remote is null)
        {
            return null;
        }

        IReadOnlyList<SessionEvent> events = await AllEventsAsync(_remote, remote, cancellationToken).ConfigureAwait(false);
        ImportResult result = _local is SqliteRunStateStore pulling
            ? await pulling.ImportPulledAsync(remote, events, cancellationToken).ConfigureAwait(false)
            : await _local.ImportAsync(remote, events, cancellationToken).ConfigureAwait(false);
        Imported++;
        Unfinished = (id, result);
        bool changed = result.Inserted + result.Updated > 0;
        Changed += changed ? 1 : 0;

        // Written here: converging and recording what this workspace holds finish even when the pull is being stopped
        // (Ctrl+C), so that a session is pulled whole or not at all and the count said after a stop is the true one.
        CancellationToken finishing = CancellationToken.None;

        // Held: the versions the local store now has exactly (same version and timestamp), whether written now or before.
        Session? local = await _local.GetSessionAsync(id, finishing).ConfigureAwait(false);
        if (local is null)
        {
            Unfinished = null;
            return result;
        }

        var localRows = new Dictionary<string, Entity>(StringComparer.Ordinal);
        List<Entity> localEntities = [.. Entities(local), .. await AllEventsAsync(_local, local, finishing).ConfigureAwait(false)];
        foreach (Entity entity in localEntities)
        {
            localRows[entity.EntityId] = entity;
        }

        // Converge: a stored row that is not PostgreSQL's version (its own change lost a conflict there, or it holds the
        // same version number from another lineage) takes PostgreSQL's, unless a change of it is still to be delivered.
        List<Entity> remoteEntities = [.. Entities(remote), .. events];
        Application.Redaction.ISecretRedactor? redactor = (_local as SqliteRunStateStore)?.Redactor;
        // Each row is compared once (a comparison may redact PostgreSQL's copy in place: see SameVersion). The rows this
        // workspace holds exactly are those found the same and, after the adoption below, those adopted.
        var holds = new HashSet<string>(StringComparer.Ordinal);
        var differing = new List<Entity>();
        foreach (Entity theirs in remoteEntities)
        {
            if (!localRows.TryGetValue(theirs.EntityId, out Entity? mine))
            {
                continue;
            }

            if (SameVersion(mine, theirs, redactor))
            {
                holds.Add(theirs.EntityId);
            }
            else
            {
                differing.Add(theirs);
            }
        }

        if (differing.Count > 0 && _local is SqliteRunStateStore workspace)
        {
            IReadOnlyList<Entity> adopted = await workspace.AdoptRemoteAsync(id, differing, finishing).ConfigureAwait(false);
            holds.UnionWith(adopted.Select(e => e.EntityId));
            Changed += !changed && adopted.Count > 0 ? 1 : 0;

            int kept = differing.Count - adopted.Count; // a change of them waits in the outbox: it syncs first
            int deadLettered = 0;
            if (kept > 0)
            {
                // A dead letter does not sync first: 'acode db sync' skips it until 'acode db sync retry' (trial AS 1).
                IReadOnlySet<string> refused = await workspace.DeadLetteredAsync(id, finishing).ConfigureAwait(false);
                var adoptedIds = adopted.Select(e => e.EntityId).ToHashSet(StringComparer.Ordinal);
                deadLettered = differing.Count(e => !adoptedIds.Contains(e.EntityId) && refused.Contains(e.EntityId));
            }

            result = result with { Updated = result.Updated + adopted.Count, Unchanged = result.Unchanged - adopted.Count - kept, Kept = kept, KeptDeadLettered = deadLettered };
        }

        // Rows of the local copy PostgreSQL holds under another session: never applied under this one, so there is
        // nothing to take for them (trial AA: the pull said "already up to date" after the sync said they lost).
        var remoteIds = new HashSet<string>(remoteEntities.Select(e => e.EntityId), StringComparer.Ordinal);
        List<Entity> notThere = [.. localEntities.Where(e => e is not Session && !remoteIds.Contains(e.EntityId))];
        if (notThere.Count > 0)
        {
            IReadOnlyDictionary<string, string> owners = await _remote.FiledUnderOtherSessionsAsync(id, notThere, finishing).ConfigureAwait(false);
            if (owners.Count > 0)
            {
                result = result with { FiledElsewhere = owners.Count, FiledUnder = [.. owners.Values.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)] };
            }

            // The others are on their way (a change waits in the outbox) or PostgreSQL holds them nowhere (trial AB: their
            // row went with the deletion of the session that held it); the second kind is applied when delivered again.
            List<Entity> unowned = [.. notThere.Where(e => !owners.ContainsKey(e.EntityId))];
            if (unowned.Count > 0 && _local is SqliteRunStateStore outbox)
            {
                IReadOnlySet<string> waiting = await outbox.UndeliveredAsync(id, finishing).ConfigureAwait(false);
                result = result with { HeldNowhere = unowned.Count(e => !waiting.Contains(e.EntityId)) };
            }
        }

        List<(EntityType, string, long)> held = remoteEntities
            .Where(e => holds.Contains(e.EntityId))
            .Select(e => (e.EntityType, e.EntityId, e.UpdatedAt.UtcTicks))
            .ToList();
        try
        {
            await _remote.RecordHeldAsync(_localOrigin, held, finishing).ConfigureAwait(false);
        }
        catch (Application.Errors.AcodeDbException ex) when (ex.InnerException is Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.InsufficientPrivilege or Npgsql.PostgresErrorCodes.ReadOnlySqlTransaction } refused)
        {
            // A reader role or a read replica (docs/postgres.md, "A reader role"): the copy is made; only the record is missing.
            NotRecorded ??= refused.SqlState == Npgsql.PostgresErrorCodes.ReadOnlySqlTransaction
                ? "the server accepts only reads"
                : $"the role may not write its table sync_applied ({refused.MessageText})";
        }

        Unfinished = null;
        return result;
    }

    /// <summary>The ids of the live sessions PostgreSQL holds that changed at or after <paramref name="since"/>, oldest change first.</summary>
    public static async Task<IReadOnlyList<SessionId>> ChangedSinceAsync(PostgresRunStateStore remote, DateTimeOffset since, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(remote);
        var ids = new List<SessionId>();
        var filter = new SessionFilter { UpdatedFrom = since };
        string? cursor = null;
        do
        {
            Page<SessionSummary> page = await remote.QuerySessionsAsync(filter, SessionSort.UpdatedAscending, new PaginationOptions { Limit = PaginationOptions.MaxLimit, Cursor = cursor }, cancellationToken).ConfigureAwait(false);
            ids.AddRange(page.Items.Select(s => s.Id));
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        return ids;
    }

    private static async Task<IReadOnlyList<SessionEvent>> AllEventsAsync(IRunStateStore store, Session session, CancellationToken cancellationToken)
    {
        var all = new List<SessionEvent>();
        while (true)
        {
            IReadOnlyList<SessionEvent> page = await store.ReadEventsAsync(session, all.Count == 0 ? 0 : all[^1].Sequence, EventPage, cancellationToken).ConfigureAwait(false);
            all.AddRange(page);
            if (page.Count < EventPage)
            {
                return all;
            }
        }
    }

    /// <summary>
    /// Whether the local row <paramref name="mine"/> holds PostgreSQL's version <paramref name="theirs"/>: the same version
    /// number and stamp, and, for a row other than an event (immutable, and its place in the local log may differ), the
    /// same content. Two copies of one transcript can write different rows at the same stamps (trial AC: two Codex rollouts
    /// of one session, one lacking the first turn, hang a tool call under different steps), as the sync's own duplicate
    /// check knows (<see cref="Sync.ConflictRule"/>, <c>ContainsStored</c>). PostgreSQL's version is compared as this
    /// workspace stores it: where the content differs, <paramref name="theirs"/> is redacted in place with
    /// <paramref name="redactor"/> (this workspace's rules may replace what the writer's kept, docs/secrets.md) and
    /// compared again, so a pulled row redacted here is its version, not another one at every pull. (Where it still
    /// differs, the redacted copy is what the pull adopts, as this workspace would store it anyway.)
    /// </summary>
    private static bool SameVersion(Entity mine, Entity theirs, Application.Redaction.ISecretRedactor? redactor)
    {
        if (mine.Version != theirs.Version || mine.UpdatedAt != theirs.UpdatedAt)
        {
            return false;
        }

        return theirs is SessionEvent || SameContent(mine, theirs)
            || (redactor is not null && Application.Redaction.EntityRedaction.Redact(redactor, theirs, new Application.Redaction.RedactionCounts()) && SameContent(mine, theirs));
    }

    /// <summary>
    /// Whether the two rows hold the same content, as PostgreSQL holds text: a NUL (which it cannot store) is U+FFFD
    /// there (<see cref="Sync.PostgresText"/>), so a local row holding one is PostgreSQL's version all the same.
    /// </summary>
    private static bool SameContent(Entity mine, Entity theirs)
    {
        string local = EntityJson.Serialize(EntityDocuments.From(mine));
        string remote = EntityJson.Serialize(EntityDocuments.From(theirs));
        return string.Equals(local, remote, StringComparison.Ordinal)
            || string.Equals(AsPostgresHolds(local), AsPostgresHolds(remote), StringComparison.Ordinal);
    }

    private static string AsPostgresHolds(string documentJson)
        => System.Text.Json.Nodes.JsonNode.Parse(Sync.PostgresText.Sanitize(documentJson))!.ToJsonString();

    private static IEnumerable<Entity> Entities(Session session)
    {
        yield return session;
        foreach (SessionTask task in session.Tasks)
        {
            yield return task;
            foreach (Step step in task.Steps)
            {
                yield return step;
                foreach (ToolCall call in step.ToolCalls)
                {
                    yield return call;
                }
            }
        }

        foreach (Artifact artifact in session.Artifacts)
        {
            yield return artifact;
        }
    }
}
