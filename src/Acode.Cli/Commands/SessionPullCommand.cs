using System.CommandLine;
using System.Text.Json.Nodes;
using Acode.Application;
using Acode.Application.Errors;
using Acode.Application.Serialization;
using Acode.Cli.Output;
using Acode.Infrastructure;
using Acode.Infrastructure.PostgresStore;
using Acode.Infrastructure.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Spectre.Console;

namespace Acode.Cli.Commands;

/// <summary><c>acode session pull</c>: copies sessions from PostgreSQL into this workspace, to continue them here.</summary>
internal static class SessionPullCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var id = new Argument<string?>("id") { Description = "The session id (sess_…) to pull, or a unique start of it (looked up in PostgreSQL).", Arity = ArgumentArity.ZeroOrOne };
        var all = new Option<bool>("--all") { Description = "Pull every session PostgreSQL holds that changed within --since." };
        var since = new Option<string?>("--since") { Description = $"With --all: only sessions changed at or after this time (default 7d). {TimeArgument.Forms}." };
        var json = new Option<bool>("--json") { Description = "Print JSON: pulled (one object per session: id, inserted, updated, unchanged, kept), deletionPending (ids not pulled), deletedInPostgres (id, deletedAt: sessions deleted for the team that this workspace holds; with --all), stoppedBy (SIGINT, SIGTERM or SIGHUP when a signal stopped --all, else null); docs/cli-json.md." };
        var command = new Command("pull", """
            Copy a session (its tasks, steps, tool calls, artifacts and events, with the same ids, versions and timestamps)
            from PostgreSQL into this workspace, to continue it here.

            Rows this workspace already has at the same or a newer version are left alone, so pulling twice changes nothing
            and a session that changed remotely since is brought up to date. Nothing taken from PostgreSQL is queued in the
            outbox to be sent back. A row whose change here lost a conflict in
            PostgreSQL ('acode db sync' says so: "N of your change(s) lost …") takes PostgreSQL's version, unless a change
            of it waits in the outbox (that change syncs first; the row is counted as kept). A session deleted here whose
            deletion waits in the outbox is not pulled back (exit 1; --all skips it): 'acode db sync' deletes it
            team-wide. Later changes made here sync back as ordinary changes; a
            change made elsewhere meanwhile to what you changed here is recorded as a conflict ('acode db sync' reports
            it), never lost silently.

            Examples:
              acode session pull sess_01JD3Z6Q6V2K8M4N5P7R9S1T3V
              acode session pull --all --since 7d
            """)
        {
            id, all, since, json,
        };
        CommandAction.Set(command, globals, async (context, cancellationToken) =>
        {
            ParseResult p = context.ParseResult;
            string? given = p.GetValue(id);
            bool everything = p.GetValue(all);
            if (everything == (given is not null))
            {
                throw new UsageException("Name one session id, or give --all (with --since) — not both, not neither.", "acode session pull sess_… | acode session pull --all --since 7d");
            }

            if (!everything && p.GetValue(since) is not null)
            {
                // --since only chooses what --all takes: pulling the named session whatever its time would ignore what was asked.
                throw new UsageException("--since goes with --all: it chooses which sessions --all pulls; a session named by its id is pulled whatever its time.", "Drop --since to pull that session, or drop the id to pull every session changed since then: acode session pull --all --since 7d");
            }

            DateTimeOffset? from = everything ? TimeArgument.Parse(p.GetValue(since) ?? "7d", "--since", DateTimeOffset.UtcNow) : null;
            SessionIdArgument? typed = given is null ? null : SessionIdArgument.Parse(given);

            // PostgreSQL first: unconfigured (17) or unreachable (16) fails before anything local is opened or written.
            PostgresRunStateStore remote = await StoreScope.RemoteAsync(context, "Pull copies sessions from the team's PostgreSQL; configure it first.", cancellationToken);
            SessionId? single = typed is null ? null : await typed.ResolveAsync(remote, cancellationToken) ?? throw typed.NotFoundRemote(context.SyncTargetDescription);
            IReadOnlyList<SessionId> ids = single is { } one ? [one] : await RemoteSessionPull.ChangedSinceAsync(remote, from!.Value, cancellationToken);
            if (single is { } wanted && await remote.GetSessionAsync(wanted, cancellationToken) is null)
            {
                throw await RemoteTombstone.FindAsync(context, wanted, "Nothing was pulled.", cancellationToken) ?? new UsageException($"No session {wanted} in {context.SyncTargetDescription}.", "List the team's sessions with 'acode session list --remote'.", ExitCodes.Problem);
            }

            SqliteWorkspaceDatabase database = context.OpenDatabase();
            var pull = new RemoteSessionPull(remote, context.WorkspaceStore, database.WorkspaceId!);
            var results = new List<(SessionId Id, ImportResult Result)>();
            var deletionPending = new List<SessionId>();
            var heldByCopies = new List<(SessionId Id, ImportConflictException Held)>();
            foreach (SessionId sessionId in ids)
            {
                try
                {
                    cancellationToken.ThrowIfCancellationRequested(); // a stop that came during the previous session's finish
                    if (await pull.PullAsync(sessionId, cancellationToken) is { } result)
                    {
                        results.Add((sessionId, result));
                        if (!p.GetValue(json))
                        {
                            // Said as each session is done, so a long --all shows its progress and what it did before a stop or an outage (trial AO 5).
                            context.Console.WriteLine(Describe(sessionId, result));
                        }
                    }
                }
                catch (DeletionPendingException) when (everything)
                {
                    deletionPending.Add(sessionId); // --all goes on with the others, and names it
                }
                catch (DeletionPendingException ex)
                {
                    throw new UsageException(
                        $"{ex.Message} Pulled back, it would stay here while that deletion, once synced, deletes it in PostgreSQL for everyone.",
                        $"Run 'acode db sync' to delete it team-wide. A deletion cannot be withdrawn; to keep a copy of the session, save it first with 'acode session export --remote {sessionId} -o {sessionId}.jsonl' (imported back after the sync, it is a local copy PostgreSQL no longer shares).",
                        ExitCodes.Problem);
                }
                catch (Exception ex) when (everything && StopSignals.Received is not null && ex is OperationCanceledException or AcodeDbException)
                {
                    Written(context, p.GetValue(json), pull, results);
                    // The sessions pulled before are whole and counted; the one being pulled was not written (a session
                    // written here is finished before the stop is heeded: RemoteSessionPull). They are listed as a whole
                    // pull lists them, then the stop is said.
                    WriteResults(context, p.GetValue(json), results, deletionPending, heldByCopies, stopped: true, deletedThere: [], error: null);
                    throw new UsageException(
                        $"Stopped by {StopSignals.ReceivedName} after {Done(pull, ids.Count)}; those stay in this workspace.",
                        "Run the same command again to finish: it pulls what is missing, records in PostgreSQL what this workspace holds, and changes nothing else.",
                        StopSignals.InterruptedExitCode);
                }
                catch (AcodeDbException ex) when (ex.ErrorCode == AcodeErrorCode.PostgresUnavailable)
                {
                    // The store's own hint speaks of a save that kept nothing; here the sessions pulled so far are in this workspace.
                    Written(context, p.GetValue(json), pull, results);
                    throw OutagePartWay(ex, everything ? $"{Done(pull, ids.Count)} before that; those stay in this workspace. " : "");
                }
                catch (ImportConflictException ex) when (everything)
                {
                    heldByCopies.Add((sessionId, ex)); // trial AC: one kept copy stopped --all for every session after it
                }
                catch (ImportConflictException ex)
                {
                    // A local session holds a row of the pulled one (a forked copy): rows never move between sessions.
                    throw new UsageException(
                        $"Session {sessionId} cannot be pulled: {ex.Message}",
                        $"If local session {ex.OwningSessionId} is a copy of it, delete this workspace's copy ('acode session delete {ex.OwningSessionId} --local'; without --local, with PostgreSQL configured, it is deleted for the whole team), then pull again.",
                        ExitCodes.Problem);
                }
            }

            if (pull.NotRecorded is { } notRecorded && results.Count > 0)
            {
                Console.Error.WriteLine(
                    $"Warning: PostgreSQL at {CommandAction.Printable(context.SyncTarget!.Redacted)} did not record that this workspace holds {(results.Count == 1 ? "the session" : $"the {results.Count} sessions")} pulled ({notRecorded}): a change made here to {(results.Count == 1 ? "it" : "one of them")} will be recorded as a conflict in PostgreSQL when it is synced (nothing is lost).");
                Console.Error.WriteLine(
                    "Try: to continue pulled sessions here without conflicts, pull with a role that may write acode's tables (docs/postgres.md); a reader role is for viewing.");
            }

            // Sessions deleted in PostgreSQL in the window that this workspace still holds: nothing pulls them, and a change
            // to one loses to the deletion, so --all names them rather than leave them looking shared.
            IReadOnlyList<(SessionId Id, DateTimeOffset DeletedAt)> deletedThere;
            try
            {
                deletedThere = everything ? await DeletedHereHeldAsync(context, from!.Value, cancellationToken) : [];
            }
            catch (AcodeDbException ex) when (ex.ErrorCode == AcodeErrorCode.PostgresUnavailable)
            {
                // Every session was pulled; PostgreSQL stopped answering before the deleted ones could be read (trial AV F11).
                throw OutagePartWay(ex, $"{Done(pull, ids.Count)} before that; those stay in this workspace. ");
            }

            if (results.Count + deletionPending.Count + deletedThere.Count == 0 && !p.GetValue(json))
            {
                context.Console.WriteLine($"No session in PostgreSQL changed since {UtcTimestamp.Format(from)} (UTC); nothing pulled.");
            }

            WriteResults(context, p.GetValue(json), results, deletionPending, heldByCopies, stopped: false, deletedThere, error: null);
            return ExitCodes.Success;

            // The sessions pulled before the outage are here: with --all --json a script reads which from the document
            // (trial AT 4), printed before the error.
            AcodeDbException OutagePartWay(AcodeDbException ex, string before)
            {
                if (everything && p.GetValue(json))
                {
                    WriteResults(context, asJson: true, results, deletionPending, heldByCopies, stopped: false, deletedThere: [], error: $"{ex.Code}: {ex.Message}");
                }

                return Outage(ex, before);
            }
        }, stopsGracefully: p => p.GetValue(all)); // --all may take minutes: Ctrl+C says how far it came
        return command;
    }

    /// <summary>
    /// A session the failed pull wrote here before PostgreSQL stopped answering (recording what this workspace holds
    /// failed): it stays, so it is listed with those pulled (trial AT 4), its line said as theirs were.
    /// </summary>
    private static void Written(CliContext context, bool asJson, RemoteSessionPull pull, List<(SessionId Id, ImportResult Result)> results)
    {
        if (pull.Unfinished is not { } written)
        {
            return;
        }

        results.Add(written);
        if (!asJson)
        {
            context.Console.WriteLine(Describe(written.Id, written.Result));
        }
    }

    /// <summary>PostgreSQL's outage during a pull, its hint saying that what was pulled (<paramref name="before"/>) stays and to run the pull again.</summary>
    private static AcodeDbException Outage(AcodeDbException ex, string before)
        => new(
            ex.ErrorCode,
            ex.Message,
            $"{before}Once PostgreSQL answers, run the same command again: it pulls what is missing, records in PostgreSQL what this workspace holds, and changes nothing else. Check that the server is running and reachable from this machine, and that ACODE_POSTGRES_URL (or persistence:postgres:connectionString) names the right host, port, database, user and password; if the server refused, do what the message says first.",
            ex.InnerException);

    /// <summary>The sessions deleted in PostgreSQL at or after <paramref name="from"/> of which this workspace holds a copy.</summary>
    private static async Task<IReadOnlyList<(SessionId Id, DateTimeOffset DeletedAt)>> DeletedHereHeldAsync(CliContext context, DateTimeOffset from, CancellationToken cancellationToken)
    {
        var reader = new PostgresSessionWorkspaceReader(
            context.Services.GetRequiredKeyedService<NpgsqlDataSource>(PersistenceServiceCollectionExtensions.PostgresDataSourceKey), context.SyncTarget!.Redacted);
        IReadOnlyList<(SessionId Id, DateTimeOffset DeletedAt)> deleted = await reader.DeletedSinceAsync(from, cancellationToken);
        if (deleted.Count == 0)
        {
            return [];
        }

        HashSet<string> held = (await context.WorkspaceStore.FindSessionsAsync(deleted.Select(d => d.Id).ToList(), cancellationToken)).Select(f => f.Id).ToHashSet(StringComparer.Ordinal);
        return deleted.Where(d => held.Contains(d.Id.Value)).ToList();
    }

    /// <summary>
    /// What was pulled: JSON (<c>pulled</c>, <c>deletionPending</c>, <c>heldByCopies</c>, <c>deletedInPostgres</c>, and <c>stoppedBy</c> when a
    /// signal stopped it, <c>error</c> when PostgreSQL stopped answering part way), or one line per session not pulled or
    /// deleted in PostgreSQL (each pulled one was said as it was done).
    /// </summary>
    private static void WriteResults(CliContext context, bool asJson, List<(SessionId Id, ImportResult Result)> results, List<SessionId> deletionPending,
        List<(SessionId Id, ImportConflictException Held)> heldByCopies, bool stopped,
        IReadOnlyList<(SessionId Id, DateTimeOffset DeletedAt)> deletedThere, string? error)
    {
        if (asJson)
        {
            JsonOutput.Write(new JsonObject
            {
                ["pulled"] = new JsonArray([.. results.Select(r => (JsonNode)new JsonObject
                {
                    ["id"] = r.Id.Value, ["inserted"] = r.Result.Inserted, ["updated"] = r.Result.Updated, ["unchanged"] = r.Result.Unchanged, ["kept"] = r.Result.Kept, ["keptDeadLettered"] = r.Result.KeptDeadLettered,
                    ["filedElsewhere"] = r.Result.FiledElsewhere, ["filedUnder"] = new JsonArray([.. r.Result.FiledUnder.Select(o => (JsonNode)JsonValue.Create(o))]),
                    ["heldNowhere"] = r.Result.HeldNowhere,
                })]),
                ["deletionPending"] = new JsonArray([.. deletionPending.Select(d => (JsonNode)JsonValue.Create(d.Value))]),
                ["heldByCopies"] = new JsonArray([.. heldByCopies.Select(h => (JsonNode)new JsonObject { ["id"] = h.Id.Value, ["heldBy"] = h.Held.OwningSessionId })]),
                ["deletedInPostgres"] = new JsonArray([.. deletedThere.Select(d => (JsonNode)new JsonObject { ["id"] = d.Id.Value, ["deletedAt"] = UtcTimestamp.Format(d.DeletedAt) })]),
                ["stoppedBy"] = stopped ? StopSignals.Received?.ToString() : null,
                ["error"] = error,
            });
            return;
        }

        // The line of each pulled session was written as it was done.
        foreach ((SessionId sessionId, ImportConflictException held) in heldByCopies)
        {
            context.Console.WriteLine(
                $"{sessionId}: not pulled: its {held.EntityType} {held.EntityId} is held here by session {held.OwningSessionId}, a copy of it (rows never move between sessions). "
                + $"Keep that copy, or drop it with 'acode session delete {held.OwningSessionId} --local' and pull again.");
        }

        foreach (SessionId sessionId in deletionPending)
        {
            context.Console.WriteLine($"{sessionId}: not pulled: its deletion here waits in the outbox ('acode db sync' deletes it team-wide).");
        }

        foreach ((SessionId sessionId, DateTimeOffset deletedAt) in deletedThere)
        {
            context.Console.WriteLine(
                $"{sessionId}: deleted in PostgreSQL on {Display.Time(deletedAt)} (UTC); this workspace's copy stays, no longer shared (a change to it loses to the deletion when synced). "
                + $"Keep it as a local copy, or drop it with 'acode session delete {sessionId} --local'.");
        }
    }

    /// <summary>
    /// How far an interrupted <c>--all</c> came, counted by the pull itself (a session written here whose later steps
    /// failed is counted: it stays), e.g. <c>29 of 702 session(s) (12 pulled, 17 already up to date)</c>.
    /// </summary>
    private static string Done(RemoteSessionPull pull, int of)
        => $"{pull.Imported} of {of} session(s) ({pull.Changed} pulled, {pull.Imported - pull.Changed} already up to date)";

    /// <summary>
    /// One line per pulled session; rows kept for a change waiting in the outbox, and rows PostgreSQL files under another
    /// session, are said, never "up to date".
    /// </summary>
    private static string Describe(SessionId sessionId, ImportResult result)
    {
        var keptKinds = new List<string>();
        if (result.Kept - result.KeptDeadLettered > 0)
        {
            keptKinds.Add($"{result.Kept - result.KeptDeadLettered} row(s) kept: a change of them made here waits in the outbox (it syncs first; pull again after 'acode db sync' if it lost)");
        }

        if (result.KeptDeadLettered > 0)
        {
            keptKinds.Add($"{result.KeptDeadLettered} row(s) kept: a change of them made here was dead-lettered (PostgreSQL refused it, and 'acode db sync' does not send it again): "
                + "'acode db sync status' says why; once that is fixed, 'acode db sync retry --all' requeues it and 'acode db sync' delivers it (pull again afterwards if it lost)");
        }

        if (result.FiledElsewhere > 0)
        {
            string owners = string.Join(", ", result.FiledUnder);
            string owner = result.FiledUnder.Count == 1 ? result.FiledUnder[0] : "<other id>";
            keptKinds.Add($"{result.FiledElsewhere} row(s) kept as this workspace's own: PostgreSQL files them under session {owners} (the same records imported elsewhere as another session; a row never moves between sessions), so there is no version of them to take here. "
                + Output.SyncSummary.SwitchToTeamCopy(sessionId.Value, owner).TrimEnd('.'));
        }

        if (result.HeldNowhere > 0)
        {
            keptKinds.Add($"{result.HeldNowhere} row(s) of this workspace's copy are in no PostgreSQL session, though no change of them waits to be delivered (their row went with another session's deletion, or PostgreSQL lost it): "
                + "'acode db sync retry --processed', then 'acode db sync', delivers them again (from the outbox records still retained)");
        }

        string kept = string.Join("; ", keptKinds);
        if (result.Inserted + result.Updated > 0)
        {
            return $"{sessionId}: pulled ({result.Inserted} new, {result.Updated} updated, {result.Unchanged} unchanged rows){(kept.Length > 0 ? "; " + kept : "")}.";
        }

        return kept.Length > 0
            ? $"{sessionId}: {kept}; {result.Unchanged} other row(s) up to date."
            : $"{sessionId}: already up to date ({result.Unchanged} rows).";
    }
}
