namespace Acode.Application.Options;

/// <summary>
/// SQLite's <c>synchronous</c> setting in WAL mode. <see cref="Full"/> (the default) syncs the WAL on every
/// commit: a save that returned survives power loss. <see cref="Normal"/> syncs only at checkpoints: a save
/// survives a crash of the process but the last commits may be lost on power loss; it is 3–5× faster
/// per save on this project's reference machine (see docs/performance.md).
/// </summary>
public enum SqliteSynchronous
{
    /// <summary>SQLite <c>synchronous=NORMAL</c>: the WAL is synced at checkpoints only; a commit survives a crash of the process, not necessarily a power loss.</summary>
    Normal = 1,
    /// <summary>SQLite <c>synchronous=FULL</c> (the default): the WAL is synced at every commit; a save that returned survives power loss.</summary>
    Full = 2,
    /// <summary>SQLite <c>synchronous=EXTRA</c>: as <see cref="Full"/>, plus a sync of the directory after a rollback journal is deleted; acode runs in WAL mode, where there is no such journal, so it behaves as <see cref="Full"/>.</summary>
    Extra = 3,
}
