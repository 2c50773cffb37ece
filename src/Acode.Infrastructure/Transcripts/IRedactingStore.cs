using Acode.Application;
using Acode.Application.Redaction;

namespace Acode.Infrastructure.Transcripts;

/// <summary>
/// A store that scans what it writes for secrets with a redactor of its own (configured rules included), so that an
/// importer can redact a text with the same rules before it cuts a title from it (docs/secrets.md), and that counts
/// what the importer replaced in text it stores only in part.
/// </summary>
internal interface IRedactingStore
{
    /// <summary>The redactor the store scans everything it writes with.</summary>
    ISecretRedactor Redactor { get; }

    /// <summary>
    /// <see cref="IRunStateStore.ImportAsync"/>, with what the importer replaced by markers before a cut, by event id
    /// (<see cref="TranscriptGraph.RedactedBefore"/>): an event this import writes adds its counts to the import's
    /// <c>secrets.redacted</c> event and the workspace's tally; one stored already adds nothing, as its scan does.
    /// </summary>
    Task<ImportResult> ImportAsync(Session session, IReadOnlyList<SessionEvent> events, IReadOnlyDictionary<string, RedactionCounts> redactedBefore, CancellationToken cancellationToken = default);
}
