namespace Acode.Application.Transcripts;

/// <summary>
/// Where an imported session came from: the latest <c>import.source</c> event of the session (docs/import.md), whose
/// payload holds every source fact seen so far (agent, version, cwd, gitBranch, model, …).
/// </summary>
public interface IImportSourceReader
{
    /// <summary>
    /// The facts of the session's latest <c>import.source</c> event as (name, value) pairs in payload order; null when
    /// the session has none (it was not imported) or does not exist. Read-only.
    /// </summary>
    Task<IReadOnlyList<KeyValuePair<string, string>>?> GetLatestAsync(SessionId sessionId, CancellationToken cancellationToken = default);
}
