namespace Acode.Application.Sync;

/// <summary>
/// A sync run found that PostgreSQL lacks what this workspace delivered to it before: the target was restored empty,
/// recreated, or is another database than the one the workspace synced to. Nothing failed, so the run is not paused;
/// the warning says what happened and what refills it (<c>acode db sync retry --processed</c>).
/// </summary>
/// <param name="Message">What was found, naming the target (redacted) and how many delivered records are retained locally; no final full stop.</param>
/// <param name="Hint">What to do next.</param>
public sealed record SyncTargetWarning(string Message, string Hint);
