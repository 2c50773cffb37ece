using Acode.Application;
using Acode.Application.Outbox;
using Acode.Application.Search;
using Acode.Application.Transcripts;
using Acode.Application.Sync;

namespace Acode.Cli.Ui;

/// <summary>What the viewer reads: the run-state store, its search, the outbox, the sync status and (PostgreSQL configured) its conflicts, and how to name the workspace.</summary>
internal sealed record UiSources(IRunStateStore Store, ISessionSearch Search, IImportSourceReader ImportSources, IOutbox Outbox, ISyncService Sync, ISyncConflictReader? Conflicts, Func<string> Schema, string DatabasePath, string Workspace);
