namespace Acode.Infrastructure.Sqlite;

/// <summary>
/// Why a workspace this process may not write is read-only, when the reason is not a permission: the file system that
/// holds it is mounted read-only (<c>access(2)</c> fails with EROFS, or the mount table says <c>ro</c>). No user may write
/// it there, its owner included, so the errors say to remount it or copy the workspace instead of "run as the owner".
/// </summary>
/// <param name="MountPoint">Where that file system is mounted (from <c>/proc/self/mountinfo</c>), or null when unknown.</param>
internal sealed record ReadOnlyFileSystem(string? MountPoint);
