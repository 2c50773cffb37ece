namespace Acode.Application.Options;

/// <summary>
/// SQLite's <c>synchronous</c> setting in WAL mode. <see cref="Full"/> (the default) syncs the WAL on every
/// commit: a save that returned survives power loss. <see cref="Normal"/> syncs only at checkpoints: a save
/// survives a crash of the process but the last commits may be lost on power loss; it is 3–5× faster
/// per save on this project's reference machine (see docs/performance.md).
/// </summary>
public enum SqliteSynchronous
{
    Normal = 1,
    Full = 2,
    Extra = 3,
}
