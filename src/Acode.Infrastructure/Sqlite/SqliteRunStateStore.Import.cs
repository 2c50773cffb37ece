using System.Diagnostics;
using Acode.Application;
using Acode.Application.Errors;
using Acode.Application.Outbox;
using Acode.Application.Redaction;
using Acode.Application.Serialization;
using Microsoft.Data.Sqlite;

namespace Acode.Infrastructure.Sqlite;

public sealed partial class SqliteRunStateStore
{
    public Task<ImportResult> ImportAsync(Session session, IReadOnlyList<SessionEvent> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(events);
        if (session.IsNew || session.PendingChanges.Count > 0)
        {
            throw new ArgumentException($"Session {session.Id} has unsaved changes; import takes sessions rebuilt from an export (SessionGraphBuilder). Use SaveAsync for new work.", nameof(session));
        }

        return TracedImportAsync(session, events, cancellationToken);
    }

    private async Task<ImportResult> TracedImportAsync(Session session, IReadOnlyList<SessionEvent> events, CancellationToken cancellationToken)
    {
        using Activity? activity = AcodeActivities.Start("acode.import", AcodeActivities.Sqlite);
        activity?.SetTag("acode.event.count", events.Count);
        try
        {
            return await ImportCoreAsync(session, events, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            AcodeActivities.Fail(activity, ex);
            throw;
        }
    }

    private async Task<ImportResult> ImportCoreAsync(Session session, IReadOnlyList<SessionEvent> events, CancellationToken cancellationToken)
    {
        ImportResult result = await _database.WriteAsync((transaction, commands) =>
        {
            int inserted = 0, updated = 0, unchanged = 0;
            DateTimeOffset now = _clock.TimeProvider.GetUtcNow();
            var redacted = new RedactionCounts();
            foreach (Entity entity in EntitiesOf(session).Concat(events))
            {
                EntityDocument document = EntityDocuments.From(entity);
                EntityRows rows = EntityRows.For(document);
                long existingVersion = 0;
                using (SqliteDataReader existing = commands.Get(rows.VersionSql, transaction).With("$id", document.Id).ExecuteReader())
                {
                    if (existing.Read())
                    {
                        existingVersion = existing.GetInt64(0);

                        // An id is never shared between sessions: a document that would move a row of another session into this
                        // one is forged or corrupt, and importing it would break the other session.
                        if (!string.Equals(existing.GetString(1), session.Id.Value, StringComparison.Ordinal))
                        {
                            throw new ImportConflictException(entity.EntityType, entity.EntityId, existing.GetString(1), session.Id.Value);
                        }
                    }
                }

                if (existingVersion >= document.Version)
                {
                    unchanged++;
                    continue;
                }

                // Imported content is scanned like saved content; only rows written count (a second import redacts nothing new).
                if (EntityRedaction.Redact(Redactor, entity, redacted))
                {
                    document = EntityDocuments.From(entity);
                }

                commands.Get(existingVersion == 0 ? rows.InsertSql : rows.UpsertSql, transaction).WithColumns(rows.Columns, rows.ValuesOf(document)).ExecuteNonQuery();
                _ = existingVersion == 0 ? inserted++ : updated++;
                _clock.Observe(entity.UpdatedAt);
                var entry = new OutboxEntry(entity.EntityType, entity.EntityId, session.Id.Value, OutboxOperation.Upsert, existingVersion, document.Version, entity.UpdatedAt, EntityJson.Serialize(document));
                SqliteOutbox.Append(commands, transaction, entry, Origin, now);
            }

            if (redacted.Total > 0)
            {
                InsertRedactionEvent(commands, transaction, session.Id.Value, redacted, now);
            }

            return new ImportResult(inserted, updated, unchanged);
        }, cancellationToken).ConfigureAwait(false);
        if (result.Inserted + result.Updated > 0)
        {
            _signal?.Notify();
        }

        return result;
    }

    /// <summary>The session and its children, parents first.</summary>
    private static IEnumerable<Entity> EntitiesOf(Session session)
    {
        yield return session;
        foreach (SessionTask task in session.Tasks)
        {
            yield return task;
        }

        foreach (SessionTask task in session.Tasks)
        {
            foreach (Step step in task.Steps)
            {
                yield return step;
            }
        }

        foreach (SessionTask task in session.Tasks)
        {
            foreach (Step step in task.Steps)
            {
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
