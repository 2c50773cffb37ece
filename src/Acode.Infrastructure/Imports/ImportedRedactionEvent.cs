using Acode.Infrastructure.Transcripts;

namespace Acode.Infrastructure.Imports;

/// <summary>
/// The id and stamp of the <c>secrets.redacted</c> event an import records (docs/secrets.md, "Counts"), the same rule on
/// both engines. Like every other imported row, it takes its time from what was imported, not from the clock: its stamp
/// is the latest stamp among the rows the import wrote (for a transcript, the time of the last record it covers), so a
/// <c>db prune --remote</c> whose cutoff is later than the session's last change covers it too. Its id is derived
/// from the session, the payload and the rows written (type, id and version of each, <see cref="DeterministicId"/>):
/// two workspaces importing the same transcript (or one workspace importing it again after its database was removed)
/// record the same event, with the same id, content and stamp, which PostgreSQL takes as one change delivered twice.
/// Within one workspace a row version is written once, so two imports never derive the same id.
/// </summary>
internal sealed class ImportedRedactionEvent
{
    private readonly List<string> _rows = [];

    /// <summary>The latest stamp among the rows written; <see cref="DateTimeOffset.MinValue"/> before any.</summary>
    public DateTimeOffset Stamp { get; private set; } = DateTimeOffset.MinValue;

    /// <summary>Notes one row the import wrote, at the version and stamp it was written with.</summary>
    public void Wrote(EntityType type, string id, long version, DateTimeOffset stamp)
    {
        _rows.Add(string.Concat(type.ToString(), ":", id, ":", version.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        if (stamp > Stamp)
        {
            Stamp = stamp;
        }
    }

    /// <summary>The event's id: <c>evt_</c> + a ULID of <see cref="Stamp"/> and the SHA-256 of the session, the payload and the rows written.</summary>
    public string IdFor(string sessionId, string payload)
    {
        ArgumentException.ThrowIfNullOrEmpty(sessionId);
        ArgumentNullException.ThrowIfNull(payload);
        string key = string.Join('\n', _rows.Order(StringComparer.Ordinal).Prepend(payload).Prepend(sessionId).Prepend(SessionEventTypes.SecretsRedacted));
        return DeterministicId.For(EventId.Prefix, Stamp, key);
    }
}
