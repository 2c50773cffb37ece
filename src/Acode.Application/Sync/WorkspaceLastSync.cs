namespace Acode.Application.Sync;

/// <summary>One workspace that syncs into the shared PostgreSQL, as its <c>workspaces</c> row (schema 1.4.0) holds it.</summary>
/// <param name="Id">The workspace's id (the <c>origin</c> of its changes).</param>
/// <param name="Name">The name it reported (<c>persistence:sync:workspaceName</c>, else <c>host/folder</c>); its id when it has not synced since 1.4.0.</param>
/// <param name="AcodeVersion">The acode version of its last sync; <c>unknown</c> when it has not synced since 1.4.0.</param>
/// <param name="FirstSyncAt">When it first synced here (UTC).</param>
/// <param name="LastSyncAt">When a sync run of it last reported itself here (UTC): every run that delivered something, and its first.</param>
public sealed record WorkspaceLastSync(string Id, string Name, string AcodeVersion, DateTimeOffset FirstSyncAt, DateTimeOffset LastSyncAt);
