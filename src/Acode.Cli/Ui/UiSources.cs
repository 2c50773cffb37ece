using Acode.Application;
using Acode.Application.Outbox;
using Acode.Application.Queries;
using Acode.Application.Search;
using Acode.Application.Transcripts;
using Acode.Application.Sync;

namespace Acode.Cli.Ui;

/// <summary>
/// What the viewer reads: the run-state store, its search and import sources, and for the health page either this
/// workspace's outbox and sync status (<see cref="Outbox"/> and <see cref="Sync"/> set) or, with <c>--remote</c>, only the
/// team's PostgreSQL (both null).
/// </summary>
/// <param name="Store">The sessions: this workspace's database, or PostgreSQL.</param>
/// <param name="Search">The full-text search of the same store.</param>
/// <param name="ImportSources">Where imported sessions came from, from the same store.</param>
/// <param name="Outbox">This workspace's outbox; null with <c>--remote</c>.</param>
/// <param name="Sync">This workspace's sync status; null with <c>--remote</c>.</param>
/// <param name="Conflicts">PostgreSQL's workspaces and conflicts; null when no PostgreSQL is configured.</param>
/// <param name="Schema">The schema version line of the store read (the workspace database's, or PostgreSQL's).</param>
/// <param name="DatabasePath">The workspace database's path, or the PostgreSQL server redacted (no password).</param>
/// <param name="Workspace">What the header names: the workspace folder, or the team's server.</param>
/// <param name="Remote">True with <c>--remote</c>: everything is read from PostgreSQL.</param>
/// <param name="SessionWorkspaces">Which workspaces a session came from, from PostgreSQL; null when none is configured.</param>
/// <param name="EnsureCurrent">
/// Run before every page: throws an ACODE-DB error when what the viewer reads is no longer what it opened (the workspace
/// database removed or replaced, or migrated by a newer acode); null with <c>--remote</c>.
/// </param>
/// <param name="NotInPostgres">
/// What to say of a local session PostgreSQL does not hold, by this workspace's outbox (<see cref="NotInPostgresNote"/>);
/// null with <c>--remote</c> and when no PostgreSQL is configured.
/// </param>
internal sealed record UiSources(IRunStateStore Store, ISessionSearch Search, IImportSourceReader ImportSources, IOutbox? Outbox, ISyncService? Sync,
    ISyncConflictReader? Conflicts, Func<string> Schema, string DatabasePath, string Workspace, bool Remote = false, ISessionWorkspaceReader? SessionWorkspaces = null,
    Action? EnsureCurrent = null, Func<SessionId, CancellationToken, Task<string>>? NotInPostgres = null)
{
    /// <summary>Where a missing session was looked for, for messages: "in this workspace" or "in PostgreSQL".</summary>
    public string Where => Remote ? "in PostgreSQL" : "in this workspace";
}
