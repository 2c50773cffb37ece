using System.CommandLine;
using System.Text.Json.Nodes;
using Acode.Application.Errors;
using Acode.Application.Options;
using Acode.Application.Outbox;
using Acode.Application.Serialization;
using Acode.Application.Sync;
using Acode.Cli.Output;
using Acode.Infrastructure.Retention;
using Acode.Infrastructure.Sqlite;
using Acode.Infrastructure.Sync;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace Acode.Cli.Commands;

/// <summary><c>acode db prune</c>: removes whole sessions last changed before a cutoff, locally and with --remote in PostgreSQL, and gives the space back.</summary>
internal static class DbPruneCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var olderThan = new Option<string?>("--older-than") { Description = $"Remove sessions last changed before this time: 30d, 12h, 2w, or a date. {TimeArgument.Forms}. Without it, persistence:retention:olderThanDays is used." };
        var states = new Option<SessionState[]>("--state", "-s") { Description = "Only sessions in this state (repeatable): Created, Planning, AwaitingApproval, Executing, Paused, Completed, Failed, Cancelled.", AllowMultipleArgumentsPerToken = true };
        var dryRun = new Option<bool>("--dry-run") { Description = "Show what would be removed; change nothing." };
        var remote = new Option<bool>("--remote") { Description = "Also tombstone them in PostgreSQL (every workspace's sessions there older than the cutoff), so other workspaces converge." };
        var includeUnsynced = new Option<bool>("--include-unsynced") { Description = "Also remove sessions whose changes are not all delivered to PostgreSQL yet." };
        var yes = new Option<bool>("--yes", "-y") { Description = "Do not ask for confirmation (needed when standard input is not a terminal)." };
        var json = new Option<bool>("--json") { Description = "Print JSON: removed (ids), keptUnsynced, remote, space." };
        var command = new Command("prune", """
            Remove whole sessions last changed (updated_at) before a cutoff, then give the space back to the file system.

            Without --remote only the local copies go: PostgreSQL keeps its copies (the team's history), and nothing is
            written to the outbox. With --remote the removals are recorded in the outbox and delivered, and PostgreSQL's
            own sessions older than the cutoff (from any workspace) are tombstoned the way a synced deletion is: nobody
            can pull them any more (other workspaces keep the copies they hold, no longer shared). When PostgreSQL stops
            answering (or refuses) after the local prune, the local prune is reported and the command fails with
            ACODE-DB-006 (exit 16): the deletions wait in the outbox and 'acode db sync' delivers them once PostgreSQL
            answers. When it does not answer before (--remote reads PostgreSQL's sessions first), nothing is removed
            anywhere: ACODE-DB-006 (exit 16), and the prune is run again later.

            A session with changes not yet delivered to PostgreSQL is kept (and listed) unless --include-unsynced is
            given, also when no PostgreSQL is configured now but this workspace synced before. In a workspace that never
            synced and has no PostgreSQL configured nothing can be delivered, so nothing counts as unsynced: the prune
            removes the matching sessions together with their outbox records.

            Space: the database gives its freed pages back (auto_vacuum=INCREMENTAL) and the file shrinks. A database
            created by an older acode is converted once, on its first prune, by one VACUUM: it needs free disk space of
            about twice the file's size (checked first; without it the prune still removes and says so) and holds the
            write lock while it runs. A crash during it leaves the old file intact.

            A removed session that came from 'acode import' is remembered: importing its transcript again skips it
            (add --include-removed to 'acode import' to take it back).

            Without --older-than, persistence:retention:olderThanDays (and :states) from the configuration is used.
            Asks for confirmation unless --yes or --dry-run; refuses (exit 2) when standard input is not a terminal.

            Examples:
              acode db prune --older-than 30d --dry-run
              acode db prune --older-than 30d --state Completed --state Failed --yes
              acode db prune --older-than 2026-01-01 --remote --yes
            """)
        {
            olderThan, states, dryRun, remote, includeUnsynced, yes, json,
        };
        CommandAction.Set(command, globals, async (context, cancellationToken) =>
        {
            ParseResult p = context.ParseResult;
            RetentionOptions retention = context.Options.Retention;
            DateTimeOffset now = DateTimeOffset.UtcNow;
            DateTimeOffset cutoff;
            IReadOnlyCollection<SessionState> chosenStates = p.GetValue(states)?.Distinct().ToArray() ?? [];
            if (p.GetValue(olderThan) is { } text)
            {
                cutoff = TimeArgument.Parse(text, "--older-than", now);
                if (cutoff > now)
                {
                    // Allowed (a session stamped ahead by another machine's clock can only go so), but a typo of the year
                    // (2030 for 2020) asks for the same: said before anything is asked or done.
                    System.Console.Error.WriteLine($"Warning: --older-than '{text}' is in the future ({UtcTimestamp.Format(cutoff)}): every session last changed before then goes, however recent. Check the date; --dry-run lists them.");
                }
            }
            else if (retention.Enabled)
            {
                cutoff = now.AddDays(-retention.OlderThanDays);
                chosenStates = chosenStates.Count > 0 ? chosenStates : retention.ParsedStates;
            }
            else
            {
                throw new UsageException(
                    "Give --older-than (or configure persistence:retention:olderThanDays): without a cutoff there is nothing to prune.",
                    "acode db prune --older-than 30d --dry-run");
            }

            bool withRemote = p.GetValue(remote);
            if (withRemote && context.SyncTarget is null)
            {
                // ACODE-DB-007 as for every --remote and 'db sync': a setting is missing; nothing is unreachable (006).
                AcodeDbException notConfigured = AcodeErrors.PostgresNotConfigured();
                throw new AcodeDbException(notConfigured.ErrorCode, "No PostgreSQL is configured, so --remote has no team database to prune; nothing was removed.", $"{notConfigured.Hint} Or run without --remote to prune this workspace only.");
            }

            bool asJson = p.GetValue(json);
            bool dry = p.GetValue(dryRun);
            context.OpenExistingDatabase(writes: !dry);
            SqliteRunStateStore store = context.WorkspaceStore;
            SessionPruner pruner = context.Services.GetRequiredService<SessionPruner>();
            var request = new PruneRequest
            {
                Before = cutoff, States = chosenStates, IncludeUnsynced = p.GetValue(includeUnsynced), RecordDeletion = withRemote, DryRun = true,
            };
            PruneReport plan = await pruner.PruneAsync(request, cancellationToken);
            OutboxSyncService? sync = withRemote ? context.Services.GetRequiredService<OutboxSyncService>() : null;
            if (sync is not null && dry)
            {
                // A dry run creates nothing in PostgreSQL: a database without acode's schema is named, as every reader names
                // it, instead of being given the schema (trial AQ 4: the tables were created at a wrong URL). An older
                // schema is migrated as by the real run (DbSyncPostgresMigrationTests).
                await RemoteSchema.EnsureSchemaExistsAsync(context, "'acode db prune --dry-run' without --remote plans this workspace's prune only.", cancellationToken);
            }

            IReadOnlyCollection<string> unsyncedBefore = sync is null ? [] : await store.FindUnsyncedSessionIdsAsync(cancellationToken);
            (IReadOnlyList<string> remotePlan, IReadOnlyList<string> keptInPostgres) = sync is null ? ([], []) : await RemotePlanAsync(sync, request, plan, unsyncedBefore, cancellationToken);
            request = request with { KeptInPostgres = keptInPostgres.ToHashSet(StringComparer.Ordinal) };
            TellPostgresMigrated(context, sync);
            if (dry)
            {
                Report(context, asJson, request, plan, sync is null ? null : new RemoteReport(remotePlan, 0, 0, 0, null)
                {
                    KeptInPostgres = keptInPostgres, WaitingBefore = (await context.Outbox.GetStatisticsAsync(cancellationToken)).Pending,
                });
                return ExitCodes.Success;
            }

            // A pasted suggestion removes what this run would have: the cutoff as the instant it is now (30d, or the configured
            // days, would mean a later one by then), and the configured states when no --state was typed.
            List<(Option Option, string Value)> pinned = [(olderThan, UtcTimestamp.Format(cutoff))];
            if (p.GetResult(states) is not { Implicit: false })
            {
                pinned.AddRange(chosenStates.Select(s => ((Option)states, s.ToString())));
            }

            // Nothing to remove is nothing to confirm: the run says so (and what it kept) as with --yes.
            if (plan.Removed.Count > 0 || remotePlan.Count > 0)
            {
                Confirmation.Require(p, yes, dryRun, $"Remove {plan.Removed.Count} local session(s) last changed before {UtcTimestamp.Format(cutoff)}{(sync is null ? "" : $" and tombstone {remotePlan.Count} more in PostgreSQL")}?", pinned);
            }

            // From here Ctrl+C or SIGTERM stops the prune between two batches of removals (each one transaction) or while
            // it gives the space back, and then the delivery, and the command says what was done: a signal no longer ends
            // the process at once. (The command's own token is the signals' too: the batch in progress is not cancelled.)
            CancellationToken stop = StopSignals.StopGracefully();
            PruneReport done = await pruner.PruneAsync(request with { DryRun = false }, CancellationToken.None, stop);
            if (done.Stopped)
            {
                long waiting = sync is null ? 0 : (await context.Outbox.GetStatisticsAsync(CancellationToken.None)).Pending;
                Report(context, asJson, request, done, sync is null ? null : new RemoteReport([], 0, waiting, 0, null));
                Console.Error.WriteLine(RemovalStopMessage.Text(
                    "removing", "removals", "removed", done.Removed.Count, plan.Removed.Count,
                    sync is null ? null : $"the removals' deletions wait in the outbox ({waiting} record(s) pending) and PostgreSQL's own older sessions were not tombstoned",
                    $"Run the same command again to finish ({InvokedCommand.With(p, yes, pinned)})"));
                return StopSignals.InterruptedExitCode;
            }

            RemoteReport? remoteDone = null;
            if (sync is not null)
            {
                IReadOnlyList<string> tombstoned = [];
                SyncRunResult delivered;
                try
                {
                    tombstoned = await sync.TombstoneBeyondPruneAsync(request, done, unsyncedBefore, await store.FindUnsyncedSessionIdsAsync(cancellationToken), cancellationToken);
                    TellPostgresMigrated(context, sync);
                    // From here Ctrl+C or SIGTERM stops the delivery gracefully: the records it claimed are given back.
                    delivered = await sync.SyncAsync(null, StopSignals.StopGracefully());
                }
                catch (AcodeDbException ex)
                {
                    // The local prune is done: it is reported (text, or --json with remote.error) before PostgreSQL's error.
                    long waiting = (await context.Outbox.GetStatisticsAsync(CancellationToken.None)).Pending;
                    Report(context, asJson, request, done, new RemoteReport(tombstoned, 0, waiting, 0, null, $"{ex.Code}: {ex.Message}") { KeptInPostgres = keptInPostgres });
                    // Not the error's own hint: "sync resumes by itself" holds for a running 'db sync --watch', not for this command.
                    throw new AcodeDbException(
                        ex.ErrorCode,
                        $"{ex.Message} The local prune was done ({done.Removed.Count} session(s) removed); {Waiting(done.Removed.Count, keptInPostgres.Count)}.",
                        $"Once {context.SyncTargetDescription} answers and accepts acode's role (see the error above), run the same command again ({InvokedCommand.With(p, yes, pinned)}), or 'acode db sync' to deliver the deletions only; nothing was lost.");
                }

                if (delivered.Paused && StopSignals.Received is null)
                {
                    // PostgreSQL stopped answering (or refused acode's role) during the delivery: the records stay pending. The
                    // local prune is reported first, then the pause fails the command as it fails 'acode db sync'.
                    AcodeDbException paused = context.SyncUnavailable(delivered);
                    Report(context, asJson, request, done, new RemoteReport(tombstoned, delivered.Delivered, delivered.Remaining, 0, null, $"{paused.Code}: {paused.Message}") { KeptInPostgres = keptInPostgres });
                    throw new AcodeDbException(
                        paused.ErrorCode,
                        $"{paused.Message} The local prune was done ({done.Removed.Count} session(s) removed); PostgreSQL has not received all of their deletions.",
                        $"Done here: {done.Removed.Count} session(s) removed locally{(tombstoned.Count > 0 ? $" and {tombstoned.Count} more tombstoned in PostgreSQL" : "")}"
                        + $"{(delivered.Delivered > 0 ? $", {delivered.Delivered} outbox record(s) delivered" : "")}; {delivered.Remaining} outbox record(s) with the deletions wait (nothing was lost, no attempt was counted)."
                        + $" Once {context.SyncTargetDescription} answers and accepts acode's role, 'acode db sync' delivers them (or keep 'acode db sync --watch' running); the prune need not be run again.");
                }

                OutboxBacklog? backlog = delivered.Remaining > 0 ? await DbSyncCommand.BacklogAsync(context) : null;
                // The kept sessions' changes went with this run's delivery too (dead letters did not): said, since the advice
                // to run 'db sync' first would be out of date for them.
                IReadOnlyCollection<string> unsyncedAfter = done.KeptUnsynced.Count > 0 ? await store.FindUnsyncedSessionIdsAsync(CancellationToken.None) : [];
                remoteDone = new RemoteReport(tombstoned, delivered.Delivered, backlog?.Pending ?? 0, backlog?.LeasedElsewhere ?? 0, backlog?.LeasedUntil)
                {
                    KeptInPostgres = keptInPostgres,
                    KeptDeliveredNow = [.. done.KeptUnsynced.Where(id => !unsyncedAfter.Contains(id))],
                    ConflictsLost = delivered.ConflictsLost,
                    LostSessions = delivered.LostSessionIds,
                    NotAppliedNewer = delivered.Stale,
                };
            }

            Report(context, asJson, request, done, remoteDone);
            if (StopSignals.Received is not null)
            {
                Console.Error.WriteLine($"Stopped by {StopSignals.ReceivedName} while delivering: {remoteDone?.Pending} outbox record(s) left pending (none held back: 'acode db sync' delivers them).");
                return StopSignals.InterruptedExitCode;
            }

            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>What of the local removals waits in the outbox: the deletions of all but those PostgreSQL keeps (removed here only, no deletion recorded).</summary>
    private static string Waiting(int removed, int keptInPostgres)
        => keptInPostgres == 0
            ? "their deletions wait in the outbox"
            : $"the deletions of {removed - keptInPostgres} of them wait in the outbox ({keptInPostgres} removed here only: PostgreSQL keeps its newer version)";

    /// <summary>One line on standard error (stdout may be JSON) when reaching PostgreSQL migrated its schema, as 'db sync' says it.</summary>
    private static void TellPostgresMigrated(CliContext context, OutboxSyncService? sync)
    {
        if (sync?.TakePostgresMigrated() is { } migrated)
        {
            Console.Error.WriteLine(CommandAction.Printable(SyncSummary.PostgresMigratedText(migrated, context.SyncTargetDescription, "pruning")));
        }
    }

    /// <summary>
    /// What <see cref="OutboxSyncService.TombstoneBeyondPruneAsync"/> would tombstone, read before anything is removed (nothing
    /// was removed yet, so what is undelivered now is <paramref name="unsyncedBefore"/>), and the sessions removed here whose
    /// PostgreSQL version the prune does not cover (<see cref="OutboxSyncService.PlanPruneAsync"/>: removed here only, no
    /// deletion recorded, so a stale local copy does not delete the team's newer version). PostgreSQL's ACODE-DB-006 then says
    /// that nothing was removed and that the prune must be run again: the general hint (the sync resumes by itself) would
    /// wrongly suggest that the prune waits in the outbox.
    /// </summary>
    private static async Task<(IReadOnlyList<string> Tombstoned, IReadOnlyList<string> KeptInPostgres)> RemotePlanAsync(OutboxSyncService sync, PruneRequest request, PruneReport local, IReadOnlyCollection<string> unsyncedBefore, CancellationToken cancellationToken)
    {
        try
        {
            return await sync.PlanPruneAsync(request, local, unsyncedBefore, cancellationToken);
        }
        catch (AcodeDbException ex) when (ex.ErrorCode == AcodeErrorCode.PostgresUnavailable)
        {
            throw new AcodeDbException(
                ex.ErrorCode,
                // A message may end in a GRANT statement's own semicolon: it is not doubled.
                $"{ex.Message.TrimEnd('.')}{(ex.Message.TrimEnd('.').EndsWith(';') ? " " : "; ")}--remote reads PostgreSQL's sessions before it removes anything, so nothing was removed here or there.",
                "Run the same prune again once PostgreSQL answers or the cause above is fixed (check the server and ACODE_POSTGRES_URL or persistence:postgres:connectionString), or run it without --remote to prune this workspace only.",
                ex);
        }
    }

    private const int DryRunListed = 20;

    private static void Report(CliContext context, bool asJson, PruneRequest request, PruneReport report, RemoteReport? remote)
    {
        bool dry = report.Space is null && !report.Stopped;
        if (asJson)
        {
            JsonOutput.Write(new JsonObject
            {
                ["dryRun"] = dry,
                ["stoppedBy"] = StopSignals.Received?.ToString(),
                ["cutoff"] = UtcTimestamp.Format(request.Before),
                ["states"] = new JsonArray([.. request.States.Select(s => (JsonNode)s.ToString())]),
                ["removed"] = new JsonArray([.. report.Removed.Select(i => (JsonNode)i)]),
                ["removedCount"] = report.Removed.Count,
                ["keptUnsynced"] = new JsonArray([.. report.KeptUnsynced.Select(i => (JsonNode)i)]),
                ["remote"] = remote is null ? null : LeaseOutput.AddJson(new JsonObject
                {
                    ["tombstoned"] = new JsonArray([.. remote.Tombstoned.Select(i => (JsonNode)i)]),
                    ["tombstonedCount"] = remote.Tombstoned.Count,
                    ["keptInPostgres"] = new JsonArray([.. remote.KeptInPostgres.Select(i => (JsonNode)i)]),
                    ["delivered"] = remote.Delivered,
                    ["conflictsLost"] = remote.ConflictsLost,
                    ["lostSessions"] = new JsonArray([.. remote.LostSessions.Select(i => (JsonNode)i)]),
                    ["pending"] = remote.Pending,
                    ["error"] = remote.Error,
                }, remote.LeasedElsewhere, remote.LeasedUntil),
                ["space"] = SpaceOutput.Json(report.Space),
            });
            return;
        }

        string states = request.States.Count == 0 ? "" : $" in state {string.Join(", ", request.States)}";
        context.Console.WriteLine($"{(dry ? "Would remove" : "Removed")} {report.Removed.Count} session(s) last changed before {UtcTimestamp.Format(request.Before)}{states}{(dry && report.Removed.Count > 0 ? ":" : ".")}");
        if (dry)
        {
            // What a dry run is for: which sessions (oldest change first; every id with --json).
            ListIds(context, report.Removed);
        }
        if (report.KeptUnsynced.Count > 0)
        {
            string ids = $"{string.Join(", ", report.KeptUnsynced.Take(5))}{(report.KeptUnsynced.Count > 5 ? ", …" : "")}";
            int deliveredNow = remote?.KeptDeliveredNow.Count ?? 0;
            context.Console.WriteLine(deliveredNow == report.KeptUnsynced.Count
                ? $"Kept {report.KeptUnsynced.Count} session(s) that had changes not yet delivered to PostgreSQL ({ids}): this run delivered them, so the same prune run again removes {(deliveredNow == 1 ? "it" : "them")} (or add --include-unsynced)."
                : $"Kept {report.KeptUnsynced.Count} session(s) with changes not yet delivered to PostgreSQL ({ids}): run 'acode db sync' first, or add --include-unsynced."
                    + DeadLetterHint.For(report.KeptUnsynced.Count(context.WorkspaceStore.FindDeadLetteredSessionIds().Contains))
                    + (deliveredNow > 0 ? $" This run delivered the changes of {deliveredNow} of them: the same prune run again removes those." : ""));
        }

        if (remote is { KeptInPostgres.Count: > 0 } && !report.Stopped)
        {
            IReadOnlyList<string> kept = remote.KeptInPostgres;
            context.Console.WriteLine($"PostgreSQL {(dry ? "would keep" : "keeps")} {kept.Count} of them ({string.Join(", ", kept.Take(5))}{(kept.Count > 5 ? ", …" : "")}): {(kept.Count == 1 ? "its version" : "their versions")} changed at or after the cutoff{(request.States.Count > 0 ? " or moved to a state the prune does not take" : "")} (another workspace's change), so only this workspace's older {(kept.Count == 1 ? "copy" : "copies")} {(dry ? "would go" : "went")}; 'acode session pull <id>' brings the team's version back here.");
        }

        if (remote?.Error is { } error)
        {
            string before = remote.Delivered > 0 ? $"; delivered {remote.Delivered} outbox record(s) before that" : "";
            context.Console.WriteLine($"PostgreSQL: stopped: {error[..error.IndexOf(':', StringComparison.Ordinal)]} (below); tombstoned {remote.Tombstoned.Count} more session(s){before}; the local removals' deletions wait in the outbox ({remote.Pending} outbox record(s) pending in all).");
        }
        else if (remote is not null && !report.Stopped)
        {
            context.Console.WriteLine(dry
                ? $"PostgreSQL: would tombstone {remote.Tombstoned.Count} more session(s) (of any workspace){(report.Removed.Count > remote.KeptInPostgres.Count ? ", and the local removals" : "")} in the same run"
                    + (remote.WaitingBefore > 0 ? $"; the run also delivers the {remote.WaitingBefore} outbox record(s) waiting now (the deletions of an interrupted prune among them, if any)" : "")
                    + (remote.Tombstoned.Count > 0 ? ":" : ".")
                : $"PostgreSQL: tombstoned {remote.Tombstoned.Count} more session(s) (of any workspace); delivered {remote.Delivered} outbox record(s), {remote.Pending} still pending."
                    + (remote.NotAppliedNewer > 0 ? $" {remote.NotAppliedNewer} of them not applied: PostgreSQL already has a newer version (a session another workspace changed at or after the cutoff stays there; this workspace's copy is gone)." : "")
                    + (remote.ConflictsLost > 0 ? $" {remote.ConflictsLost} of the delivered changes lost a conflict to another workspace's version{(remote.LostSessions.Count > 0 ? $" ({string.Join(", ", remote.LostSessions.Take(5))}{(remote.LostSessions.Count > 5 ? ", …" : "")})" : "")}; kept in sync_conflicts ('acode db sync status' counts them); 'acode session pull <id>' takes the team's version." : ""));
            if (dry)
            {
                // The team's sessions a real run would delete for every workspace, named as the local ones are (trial AO 4).
                ListIds(context, remote.Tombstoned);
            }

            if (!dry && LeaseOutput.Note(remote.LeasedElsewhere, remote.LeasedUntil) is { } note)
            {
                context.Console.WriteLine(note);
            }
        }

        if (report.Space is { } space)
        {
            context.Console.WriteLine(SpaceOutput.Line(space));
            if (space.Note is { } note)
            {
                context.Console.WriteLine($"Note: {note}");
            }
        }
        else if (dry)
        {
            context.Console.WriteLine("Dry run: nothing was removed.");
        }
    }

    /// <summary>The first <see cref="DryRunListed"/> of <paramref name="ids"/>, one per line, and how many more.</summary>
    private static void ListIds(CliContext context, IReadOnlyList<string> ids)
    {
        foreach (string id in ids.Take(DryRunListed))
        {
            context.Console.WriteLine($"  {id}");
        }

        if (ids.Count > DryRunListed)
        {
            context.Console.WriteLine($"  … and {ids.Count - DryRunListed} more (every id with --json).");
        }
    }

    /// <summary>
    /// PostgreSQL's part of a prune; <paramref name="LeasedElsewhere"/> of <paramref name="Pending"/> are held by another sync until
    /// <paramref name="LeasedUntil"/>; <paramref name="Error"/>: the error that stopped it after the local prune ("ACODE-DB-00N: …"), else null.
    /// </summary>
    private sealed record RemoteReport(IReadOnlyList<string> Tombstoned, long Delivered, long Pending, long LeasedElsewhere, DateTimeOffset? LeasedUntil, string? Error = null)
    {
        /// <summary>Sessions removed here only: PostgreSQL's version of them is not covered by the prune (<see cref="OutboxSyncService.PlanPruneAsync"/>).</summary>
        public IReadOnlyList<string> KeptInPostgres { get; init; } = [];

        /// <summary>Of the sessions kept for their undelivered changes, those whose changes this run's delivery took to PostgreSQL.</summary>
        public IReadOnlyList<string> KeptDeliveredNow { get; init; } = [];

        /// <summary>A dry run: the outbox records waiting now, which the run would deliver (text only: <c>pending</c> is 0 in a dry run's JSON).</summary>
        public long WaitingBefore { get; init; }

        /// <summary>How many of the changes this run delivered lost a conflict (as <c>db sync</c> counts them).</summary>
        public long ConflictsLost { get; init; }

        /// <summary>Of the delivered changes, those not applied because PostgreSQL already has a newer version (<c>db sync</c>'s <c>stale</c>).</summary>
        public long NotAppliedNewer { get; init; }

        /// <summary>The sessions whose delivered changes lost to another workspace's version (<c>db sync</c>'s <c>lostSessions</c>).</summary>
        public IReadOnlyList<string> LostSessions { get; init; } = [];
    }
}
