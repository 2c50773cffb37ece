namespace Acode.Application.Transcripts;

/// <summary>
/// The sessions imported from a transcript and removed since (<c>acode session delete</c>, <c>acode db prune</c>, the
/// retention worker, <see cref="IRunStateStore.DeleteSessionAsync"/>): a transcript importer skips a transcript whose
/// session is listed here, so that a routine import does not bring back what the user removed (docs/import.md).
/// </summary>
public interface IRemovedImportLog
{
    /// <summary>
    /// The removal of the session with this id, when it was imported, then removed, and does not exist again; else null. Read-only.
    /// </summary>
    /// <exception cref="Errors.AcodeDbException">The database cannot be read.</exception>
    Task<RemovedImport?> FindAsync(SessionId sessionId, CancellationToken cancellationToken = default);

    /// <summary>Forgets the removal of the session (it is being imported again on request); nothing when none is recorded.</summary>
    /// <exception cref="Errors.AcodeDbException">The database cannot be written.</exception>
    Task ForgetAsync(SessionId sessionId, CancellationToken cancellationToken = default);
}
