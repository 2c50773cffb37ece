using System.CommandLine;
using System.Text.Json.Nodes;
using Acode.Application.Serialization;
using Acode.Cli.Output;
using Acode.Infrastructure.Retention;
using Acode.Infrastructure.Sqlite;
using Acode.Infrastructure.Transcripts;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace Acode.Cli.Commands;

/// <summary><c>acode session delete</c>: removes whole sessions by id; the deletions sync to PostgreSQL.</summary>
internal static class SessionDeleteCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var ids = new Argument<string[]>("id") { Description = "The sessions to delete (sess_…, or a unique start of an id), one or more.", Arity = ArgumentArity.OneOrMore };
        var dryRun = new Option<bool>("--dry-run") { Description = "Show what would be deleted; change nothing." };
        var yes = new Option<bool>("--yes", "-y") { Description = "Do not ask for confirmation (needed when standard input is not a terminal)." };
        var local = new Option<bool>("--local")
        {
            Description = "Delete only this workspace's copy: PostgreSQL and the other workspaces keep the sessions ('acode session pull' brings one back). A session with changes not yet delivered is refused (also when no PostgreSQL is configured now but this workspace synced before).",
        };
        var json = new Option<bool>("--json") { Description = "Print JSON: deleted (ids), dryRun, local, space." };
        var command = new Command("delete", """
            Delete sessions with everything in them (tasks, steps, tool calls, artifacts, events).

            Each deletion is recorded in the outbox in the same transaction, so the next sync ('acode db sync', or the
            sync worker of an agent host) tombstones the session in PostgreSQL: the session is deleted from the team's
            database, whichever workspace it came from (a pulled one too), and can no longer be pulled. Other workspaces
            keep the copies they hold, no longer shared: their later changes to it are not taken. With --local only
            this workspace's copy goes: nothing is recorded, PostgreSQL keeps the session, and a session whose changes
            are not all delivered yet is refused (its local copy is the only complete one; 'acode db sync' first), also
            when no PostgreSQL is configured now but this workspace synced before.
            Changes of the session not yet delivered are delivered with the deletion, which wins over them: PostgreSQL
            keeps none of them, and the sync may count them as not applied (their session was deleted). When no
            PostgreSQL is configured and this workspace never synced they can never be delivered, and go with the session. The freed pages are given
            back to the file system.
            A deleted session that came from 'acode import' is remembered: importing its transcript again skips it
            (add --include-removed to 'acode import' to take it back).

            Asks for confirmation unless --yes is given; when standard input is not a terminal it refuses (exit 2)
            instead of waiting. If any id does not exist, nothing is deleted (exit 1); one that another process
            deletes after it was found is named on standard error (the others are deleted, exit 0).

            Examples:
              acode session delete sess_01JD3Z6Q6V2K8M4N5P7R9S1T3V --dry-run
              acode session delete sess_01JD3Z6Q6V2K8M4N5P7R9S1T3V sess_01JD3Z7A0B1C2D3E4F5G6H7J8K --yes
              acode session delete sess_01JD3Z6Q6V2K8M4N5P7R9S1T3V --local --yes
            """)
        {
            ids, dryRun, yes, local, json,
        };
        CommandAction.Set(command, globals, async (context, cancellationToken) =>
        {
            ParseResult p = context.ParseResult;
            List<SessionIdArgument> typed = p.GetValue(ids)!.Select(SessionIdArgument.Parse).ToList();
            SqliteWorkspaceDatabase database = context.OpenExistingDatabase(writes: !p.GetValue(dryRun));
            SqliteRunStateStore store = context.WorkspaceStore;
            var wanted = new List<SessionId>();
            var missing = new List<string>();
            var typedFor = new Dictionary<string, SessionId>(StringComparer.Ordinal);
            foreach (SessionIdArgument argument in typed)
            {
                if (await argument.ResolveAsync(store, cancellationToken) is { } resolved)
                {
                    wanted.Add(resolved);
                    typedFor[argument.Text] = resolved;
                }
                else
                {
                    missing.Add($"starting with '{argument.Text}'");
                }
            }

            wanted = wanted.Distinct().ToList();
            IReadOnlyList<RemovalCandidate> found = await store.FindSessionsAsync(wanted, cancellationToken);
            // An id this workspace removed before is done already: the same command run again after it was stopped half-way
            // (killed, or the terminal closed) finishes the rest (trial BA F2).
            var alreadyDeleted = new List<string>();
            var removedLog = context.Services.GetRequiredService<SqliteRemovedImportLog>();
            foreach (string id in wanted.Select(i => i.Value).Except(found.Select(f => f.Id), StringComparer.Ordinal))
            {
                if (await removedLog.FindAsync(SessionId.Parse(id), cancellationToken) is not null)
                {
                    alreadyDeleted.Add(id);
                }
                else
                {
                    missing.Add(id);
                }
            }

            if (missing.Count > 0)
            {
                return CommandAction.Fail(
                    $"No session {Listed(missing)} in this workspace; nothing was deleted.",
                    "Check the ids with 'acode session list' (and --workspace if it is another workspace's).",
                    ExitCodes.Problem);
            }

            wanted = wanted.Where(w => !alreadyDeleted.Contains(w.Value, StringComparer.Ordinal)).ToList();
            if (alreadyDeleted.Count > 0 && !p.GetValue(json))
            {
                context.Console.WriteLine(CommandAction.Printable($"Already deleted in this workspace: {alreadyDeleted.Count} session(s) ({Listed(alreadyDeleted)})."));
            }

            if (found.Count == 0)
            {
                if (p.GetValue(json))
                {
                    Report(context, asJson: true, found, p.GetValue(dryRun), p.GetValue(local), null, null, alreadyDeleted);
                }

                return ExitCodes.Success;
            }

            var sync = SyncExpectation.Read(database, context.SyncTarget is not null, cancellationToken);
            bool syncConfigured = sync.Configured;
            bool syncExpected = sync.Expected;
            bool localOnly = p.GetValue(local);
            if (localOnly && syncExpected && found.Where(f => f.Unsynced).Select(f => f.Id).ToList() is { Count: > 0 } unsynced)
            {
                return CommandAction.Fail(
                    $"{unsynced.Count} of the sessions ({Listed(unsynced)}) have changes not yet delivered to PostgreSQL: this workspace's copy is the only complete one, so --local deletes nothing.",
                    DeliverFirst(sync, store, unsynced, cancellationToken),
                    ExitCodes.Problem);
            }

            // A workspace that synced before deletes for the team too, once its PostgreSQL is configured again.
            bool teamWide = syncExpected && !localOnly;
            bool asJson = p.GetValue(json);
            // --local keeps PostgreSQL's copy, where there is one: ask which sessions it no longer holds (deleted there),
            // so that the command never promises a pull that cannot bring one back.
            RemoteCopies? remote = localOnly && syncConfigured ? await RemoteCopies.ReadAsync(context, found.Select(f => f.Id), cancellationToken) : null;
            if (p.GetValue(dryRun))
            {
                Report(context, asJson, found, dryRun: true, localOnly, null, remote, alreadyDeleted);
                if (!asJson && teamWide)
                {
                    context.Console.WriteLine(TeamWideNote(syncConfigured, found.Count(f => f.Unsynced)));
                }

                if (remote?.Note(done: false) is { } dryNote)
                {
                    WriteNote(context, asJson, dryNote, remote);
                }

                return ExitCodes.Success;
            }

            if (!asJson && !p.GetValue(yes) && !Console.IsInputRedirected)
            {
                ListSessions(context, found, "Would delete");
                if (teamWide)
                {
                    context.Console.WriteLine(TeamWideNote(syncConfigured, found.Count(f => f.Unsynced)));
                }

                if (remote?.Note(done: false) is { } note)
                {
                    context.Console.WriteLine(note);
                }
            }

            Confirmation.Require(p, yes, dryRun, teamWide
                ? $"Delete {found.Count} session(s) here and, with the next sync, from the team's PostgreSQL?"
                : localOnly ? $"Delete this workspace's copy of {found.Count} session(s)?" : $"Delete {found.Count} session(s)?");
            // From here Ctrl+C or SIGTERM stops between two batches of removals (each one transaction) or while the space is
            // given back, and the command says what went. (The command's own token is the signals' too: the batch in
            // progress is not cancelled.)
            SessionRemovalOutcome outcome = await new SessionRemover(store, database).RemoveAsync(
                wanted,
                new SessionRemoval { RecordDeletion = !localOnly, SkipUnsynced = localOnly && syncExpected, DropUndelivered = !syncExpected, Reason = "session delete" },
                allowConversion: false,
                CancellationToken.None,
                StopSignals.StopGracefully());
            List<RemovalCandidate> deleted = found.Where(f => outcome.Result.Removed.Contains(f.Id)).ToList();
            RemoteCopies? remoteOfDeleted = remote?.For(deleted.Select(d => d.Id));
            Report(context, asJson, deleted, dryRun: false, localOnly, outcome.Space, remoteOfDeleted, alreadyDeleted);
            if (outcome.Stopped)
            {
                Console.Error.WriteLine(RemovalStopMessage.Text(
                    "deleting", "deletions", "deleted", deleted.Count, found.Count,
                    teamWide ? "the deletions done reach PostgreSQL with the next sync" : null,
                    deleted.Count < found.Count ? $"Run it again with the {found.Count - deleted.Count} id(s) left to delete them ({AgainWithTheRest(p, yes, typedFor, deleted)})" : null));
                return StopSignals.InterruptedExitCode;
            }

            if (outcome.Result.NotFound.Count > 0)
            {
                // Found above, gone before the removal's transaction: another process deleted them meanwhile.
                Console.Error.WriteLine(CommandAction.Printable(
                    $"{outcome.Result.NotFound.Count} of the {found.Count} session(s) were deleted by another process meanwhile ({string.Join(", ", outcome.Result.NotFound)}): nothing is left to delete of them."));
            }

            if (asJson && localOnly && syncExpected && remoteOfDeleted?.Note(done: true) is { } unasked && remoteOfDeleted.Missing is null)
            {
                Console.Error.WriteLine(CommandAction.Printable(unasked)); // --json: notInPostgres is null, and this says why
            }

            if (outcome.Result.SkippedUnsynced.Count > 0)
            {
                // A change recorded between the check above and the removal's transaction.
                Console.Error.WriteLine(CommandAction.Printable(
                    $"Kept {outcome.Result.SkippedUnsynced.Count} session(s) with changes not yet delivered to PostgreSQL ({Listed(outcome.Result.SkippedUnsynced)}). "
                    + DeliverFirst(sync, store, outcome.Result.SkippedUnsynced, cancellationToken)));
                return ExitCodes.Problem;
            }

            if (!asJson)
            {
                context.Console.WriteLine(localOnly
                    ? syncExpected
                        ? remoteOfDeleted?.Note(done: true) ?? "Only this workspace's copy was deleted: PostgreSQL and the other workspaces keep the sessions ('acode session pull <id>' brings one back)."
                        : "Deleted here only (no PostgreSQL is configured and this workspace never synced, so nothing was recorded to deliver)."
                    : syncConfigured
                    ? "The deletions reach PostgreSQL with the next sync ('acode db sync', or an agent host's sync worker): the sessions are then gone from the team's database; other workspaces keep the copies they hold, no longer shared."
                    : "No PostgreSQL is configured: the deletions are recorded in the outbox and reach PostgreSQL once one is, deleting the sessions from the team's database.");
            }

            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>
    /// What to do before --local may delete <paramref name="unsynced"/>: deliver their changes (naming the dead letters
    /// among them, which the sync does not send), or configure the PostgreSQL this workspace synced to again first.
    /// </summary>
    private static string DeliverFirst(SyncExpectation sync, SqliteRunStateStore store, IReadOnlyList<string> unsynced, CancellationToken cancellationToken)
        => sync.Configured
            ? "Deliver them first with 'acode db sync', then run the command again; or leave out --local to delete the sessions for the whole team."
                + DeadLetterHint.For(unsynced.Count(store.FindDeadLetteredSessionIds(cancellationToken).Contains))
            : $"This workspace last synced at {Display.Time(sync.LastSync!.Value)}, but no PostgreSQL is configured now: configure it again (ACODE_POSTGRES_URL or persistence:postgres), run 'acode db sync', then run the command again; or leave out --local to delete the sessions for the whole team.";

    /// <param name="configured">Whether a PostgreSQL is configured.</param>
    /// <param name="unsynced">How many of the sessions have changes not yet delivered (--local refuses those: trial AD F4).</param>
    private static string TeamWideNote(bool configured, int unsynced) =>
        (configured ? "A PostgreSQL is configured: the deletion reaches it with the next sync" : "This workspace synced to a PostgreSQL before: the deletion reaches it with the first sync once it is configured again")
        + " and deletes the sessions from the team's database, "
        + "whichever workspace they came from (nobody can pull them any more; other workspaces keep the copies they hold, no longer shared). "
        + (unsynced == 0
            ? "To delete only this workspace's copy, add --local."
            : $"To delete only this workspace's copy, deliver its changes first ({unsynced} of the sessions have some not yet in PostgreSQL: 'acode db sync'{(configured ? "" : " once PostgreSQL is configured again")}), then add --local.");

    /// <summary>A note on PostgreSQL's copies: on standard output with the text, on standard error with --json when PostgreSQL could not be asked (notInPostgres is then null).</summary>
    private static void WriteNote(CliContext context, bool asJson, string note, RemoteCopies remote)
    {
        if (!asJson)
        {
            context.Console.WriteLine(note);
        }
        else if (remote.Missing is null)
        {
            Console.Error.WriteLine(CommandAction.Printable(note));
        }
    }

    /// <summary>Ids for a message: the first ten, then how many in all.</summary>
    private static string Listed(IReadOnlyList<string> ids) => ids.Count <= 10 ? string.Join(", ", ids) : $"{string.Join(", ", ids.Take(10))}, … ({ids.Count} in all)";

    private static void Report(CliContext context, bool asJson, IReadOnlyList<RemovalCandidate> sessions, bool dryRun, bool localOnly, SpaceReport? space, RemoteCopies? remote, IReadOnlyList<string> alreadyDeleted)
    {
        if (asJson)
        {
            JsonOutput.Write(new JsonObject
            {
                ["dryRun"] = dryRun,
                ["local"] = localOnly,
                ["stoppedBy"] = StopSignals.Received?.ToString(),
                ["deleted"] = new JsonArray([.. sessions.Select(s => (JsonNode)s.Id)]),
                ["deletedCount"] = sessions.Count,
                ["space"] = SpaceOutput.Json(space),
                ["notInPostgres"] = remote?.Missing is { } missing ? new JsonArray([.. missing.Select(id => (JsonNode)id)]) : null,
                ["alreadyDeleted"] = new JsonArray([.. alreadyDeleted.Select(id => (JsonNode)id)]),
            });
            return;
        }

        if (dryRun)
        {
            ListSessions(context, sessions, "Would delete");
            context.Console.WriteLine("Dry run: nothing was deleted.");
            return;
        }

        context.Console.WriteLine($"Deleted {sessions.Count} session(s).");
        if (space is not null)
        {
            context.Console.WriteLine(SpaceOutput.Line(space));
        }
    }

    private static void ListSessions(CliContext context, IReadOnlyList<RemovalCandidate> sessions, string verb)
    {
        context.Console.WriteLine($"{verb} {sessions.Count} session(s):");
        foreach (RemovalCandidate s in sessions)
        {
            context.Console.MarkupLine($"  {s.Id}  {s.State,-16}  {UtcTimestamp.Format(s.UpdatedAt)}  {Display.Safe(s.Title, 60)}");
        }
    }

    /// <summary>The command as typed without the ids (or starts of ids) of the sessions it deleted before it was stopped.</summary>
    private static string AgainWithTheRest(ParseResult parseResult, Option yes, IReadOnlyDictionary<string, SessionId> typedFor, IReadOnlyList<RemovalCandidate> deleted)
    {
        var gone = deleted.Select(d => d.Id).ToHashSet(StringComparer.Ordinal);
        return InvokedCommand.Without(parseResult, yes, typedFor.Where(t => gone.Contains(t.Value.Value)).Select(t => t.Key).ToHashSet(StringComparer.Ordinal));
    }
}
