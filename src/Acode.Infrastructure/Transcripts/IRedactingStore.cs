using Acode.Application.Redaction;

namespace Acode.Infrastructure.Transcripts;

/// <summary>
/// A store that scans what it writes for secrets with a redactor of its own (configured rules included), so that an
/// importer can redact a text with the same rules before it cuts a title from it (docs/secrets.md).
/// </summary>
internal interface IRedactingStore
{
    /// <summary>The redactor the store scans everything it writes with.</summary>
    ISecretRedactor Redactor { get; }
}
