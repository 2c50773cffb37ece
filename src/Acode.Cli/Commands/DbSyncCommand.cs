using System.CommandLine;
using System.Text.Json.Nodes;
using Acode.Application.Errors;
using Acode.Application.Outbox;
using Acode.Application.Sync;
using Acode.Cli.Output;
using Acode.Infrastructure.Sqlite;
using Acode.Infrastructure.Sync;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace Acode.Cli.Commands;

/// <summary><c>acode db sync</c>: deliver the outbox to PostgreSQL once (with a progress bar), or keep going with <c>--watch</c>.</summary>
internal static class DbSyncCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var watch = new Option<bool>("--watch") { Description = "Keep syncing as changes arrive until Ctrl+C; survives PostgreSQL outages." };
        var json = new Option<bool>("--json") { Description = "Print the result as JSON (not with --watch)." };
        var command = new Command("sync", "Deliver pending outbox records to PostgreSQL (ACODE_POSTGRES_URL or persistence:postgres:connectionString).\n\n" + ExitCodeHelp + "\n\nExamples:\n  acode db sync\n  acode db sync --watch\n  acode db sync status\n  acode db sync retry --all")
        {
            watch, json,
        };
        command.Subcommands.Add(DbSyncStatusCommand.Create(globals));
        command.Subcommands.Add(DbSyncRetryCommand.Create(globals));
        CommandAction.Set(command, globals, async (context, cancellationToken) =>
        {
            if (context.ParseResult.GetValue(watch) && context.ParseResult.GetValue(json))
            {
                throw new UsageException("--json and --watch cannot be combined.", "Run 'acode db sync --json' for one sync with its counts, or --watch alone (then 'acode db sync status --json' shows the backlog).");
            }

            if (context.SyncTarget is null)
            {
                throw AcodeErrors.PostgresNotConfigured(); // exit 17, not "unreachable": there is nothing to reach
            }

            context.OpenExistingDatabase(writes: true);
            ISyncService sync = context.Sync;
            if (context.ParseResult.GetValue(watch))
            {
                return await WatchAsync(context, context.Services.GetRequiredService<SyncLoop>(), cancellationToken);
            }

            SyncRunResult result = await RunOnceAsync(context, sync, cancellationToken);
            TellPostgresMigrated(context, result);
            // What is pending now, with the dead letters and the leases of the same moment: another sync may have delivered
            // some since the run.
            OutboxBacklog backlog = await BacklogAsync(context);
            long deadLetters = backlog.Statistics.Failed;
            if (result.Remaining > 0)
            {
                result = result with { Remaining = backlog.Pending };
            }

            (long leased, DateTimeOffset? leasedUntil) = result.Remaining > 0 ? (backlog.LeasedElsewhere, backlog.LeasedUntil) : (0, null);
            if (context.ParseResult.GetValue(json))
            {
                JsonObject node = SyncSummary.ToJson(result);
                node["deadLettersInOutbox"] = deadLetters;
                LeaseOutput.AddJson(node, leased, leasedUntil);
                node["stoppedBy"] = StopSignals.Received?.ToString();
                JsonOutput.Write(node);
            }
            else
            {
                context.Console.WriteLine(SyncSummary.Describe(result));
                if (LeaseOutput.Note(leased, leasedUntil) is { } note)
                {
                    context.Console.WriteLine(note);
                }
            }

            if (StopSignals.Received is not null)
            {
                // The batch in flight was rolled back in PostgreSQL (or had committed and was acknowledged), and what was
                // claimed but not applied was given back: nothing stays leased to this process.
                Console.Error.WriteLine($"Stopped by {StopSignals.ReceivedName}: {result.Delivered} record(s) delivered, {result.Remaining} left pending (none held back: the next 'acode db sync' delivers them).");
                return StopSignals.InterruptedExitCode;
            }

            WarnAboutTarget(result.TargetWarning);
            WarnAboutBookkeeping(result);

            if (result.Paused)
            {
                throw context.SyncUnavailable(result);
            }

            return ReportUndelivered(result.Retried + result.DeadLettered, deadLetters);
        }, stopsGracefully: _ => true);
        return command;
    }

    /// <summary>The exit codes of <c>acode db sync</c>, as <c>--help</c> and the README state them.</summary>
    public const string ExitCodeHelp = """
        Exit codes (scripts can tell the outcomes apart):
          0   every record that was due was delivered, and no record is dead-lettered
          1   delivered what it could, but some records failed (PostgreSQL rejected them, or a blob
              they name is missing here, see 'acode db check'): dead-lettered (now or
              earlier; see 'acode db sync status', requeue with 'acode db sync retry --all') or failed
              and waiting for their next attempt
          16  ACODE-DB-006: PostgreSQL unreachable, or it refused acode's role (a missing privilege,
              a read-only server); nothing was lost and no attempt was counted
          17  ACODE-DB-007: no PostgreSQL is configured (or the configuration is invalid)
          130 stopped by Ctrl+C (143: by SIGTERM, 129: by SIGHUP, a closed terminal) before it finished:
              the batch in flight was committed or rolled back, and the records it had claimed were given
              back (none stay leased)
        With --watch: 0 when stopped by Ctrl+C or SIGTERM, 1 when records were dead-lettered while it
        ran, 17 when nothing is configured; outages do not stop it. It stops at once with 14
        (ACODE-DB-004: a newer acode migrated the workspace or PostgreSQL; upgrade acode) or 12
        (ACODE-DB-002: the workspace database is damaged), which retrying cannot clear.
        """;

    /// <summary>
    /// Exit 1 (with a warning on standard error) when records failed in this run (PostgreSQL rejected them, or a blob they name is missing) or dead letters wait in
    /// the outbox: the same condition under which <c>acode db check</c> fails its outbox check, plus this run's retries.
    /// </summary>
    private static int ReportUndelivered(long rejectedNow, long deadLetters)
    {
        if (rejectedNow == 0 && deadLetters == 0)
        {
            return ExitCodes.Success;
        }

        string what = rejectedNow > 0
            ? $"{rejectedNow} record(s) failed in this run (rejected by PostgreSQL, or unreadable here); {deadLetters} record(s) are dead-lettered in the outbox"
            : $"{deadLetters} record(s) are dead-lettered in the outbox (from earlier runs)";
        Console.Error.WriteLine($"Warning: not everything was delivered: {what}.");
        Console.Error.WriteLine("Try: see why with 'acode db sync status'; once fixed, requeue dead letters with 'acode db sync retry --all'.");
        return ExitCodes.Problem;
    }

    /// <summary>One line on standard error (stdout may be JSON) when the run migrated the team's PostgreSQL.</summary>
    private static void TellPostgresMigrated(CliContext context, SyncRunResult result)
    {
        if (result.PostgresMigrated is { } migrated)
        {
            Console.Error.WriteLine(CommandAction.Printable(SyncSummary.PostgresMigratedText(migrated, context.SyncTargetDescription)));
        }
    }

    /// <summary>PostgreSQL lacks what this workspace delivered before (restored empty, recreated, another database): one line and a Try line.</summary>
    private static void WarnAboutTarget(SyncTargetWarning? warning)
    {
        if (warning is not null)
        {
            Console.Error.WriteLine($"Warning: {warning.Message}.");
            Console.Error.WriteLine($"Try: {warning.Hint}");
        }
    }

    /// <summary>
    /// Bookkeeping after the delivery that failed (the workspace's row in PostgreSQL, the time of the sync, pruning): one
    /// line each on standard error. What was delivered stands, and so does the exit code it gives.
    /// </summary>
    private static void WarnAboutBookkeeping(SyncRunResult result)
    {
        foreach (string warning in result.BookkeepingWarnings)
        {
            Console.Error.WriteLine($"Warning: {(result.Remaining == 0 && !result.Paused ? "everything due was delivered, but " : "")}{warning}.");
        }
    }

    /// <summary>
    /// The pending records and those of them that another sync holds under a lease that has not expired (a sync running
    /// elsewhere, or one killed before it could give them back), with when the last of those leases expires, in one
    /// snapshot. Read after this process's run, which holds none any more.
    /// </summary>
    internal static Task<OutboxBacklog> BacklogAsync(CliContext context)
        => context.Outbox.GetBacklogAsync(context.Services.GetRequiredService<OutboxSyncService>().Owner, CancellationToken.None);

    /// <summary>As <see cref="BacklogAsync"/>, read at once (the watch's per-run callback cannot await).</summary>
    private static OutboxBacklog Backlog(CliContext context)
        => context.Services.GetRequiredService<SqliteOutbox>().GetBacklog(context.Services.GetRequiredService<OutboxSyncService>().Owner, CancellationToken.None);

    private static async Task<SyncRunResult> RunOnceAsync(CliContext context, ISyncService sync, CancellationToken cancellationToken)
    {
        if (!context.Console.Profile.Capabilities.Interactive)
        {
            return await sync.SyncAsync(null, cancellationToken);
        }

        SyncRunResult? result = null;
        await context.Console.Progress().AutoClear(true).StartAsync(async progressContext =>
        {
            ProgressTask task = progressContext.AddTask("Syncing outbox", maxValue: 1);
            var progress = new Progress<SyncProgress>(p =>
            {
                task.MaxValue = Math.Max(1, p.Total);
                task.Value = p.Done;
            });
            result = await sync.SyncAsync(progress, cancellationToken);
            task.Value = task.MaxValue;
        });
        return result!;
    }

    private static async Task<int> WatchAsync(CliContext context, SyncLoop loop, CancellationToken cancellationToken)
    {
        context.Console.WriteLine($"Watching the outbox of {Display.Plain(context.Workspace.DatabasePath)}; syncing to {Display.Plain(context.SyncTargetDescription)}. Ctrl+C stops.");

        // Ctrl+C or SIGTERM (StopSignals cancels the token): finish (or roll back) the batch in flight, release its leases,
        // then exit 0 (1 after dead letters).
        bool wasPaused = false;
        long deadLettered = 0;

        // When the backlog is held by another sync's leases (one killed before it gave them back, or one running
        // elsewhere), the watch would deliver nothing until they expire and say nothing: it says why, once, and again
        // only after the lease it named has expired and the backlog is still (or again) held.
        DateTimeOffset? leaseNamedUntil = null;
        try
        {
            await RunLoopAsync();
        }
        catch (AcodeDbException ex) when (ReferenceEquals(ex, loop.StoppedBy))
        {
            // ACODE-DB-004 (a newer acode migrated the workspace or PostgreSQL) or ACODE-DB-002 (the workspace is damaged):
            // no retry can clear it, so the watch ends with the error's exit code (14, 12) and its advice.
            context.Console.WriteLine($"{Display.Time(DateTimeOffset.UtcNow)} stopped: {ex.Code}, which retrying cannot clear.");
            throw;
        }

        context.Console.WriteLine("Stopped.");
        if (deadLettered > 0)
        {
            Console.Error.WriteLine($"Warning: {deadLettered} record(s) were dead-lettered while watching.");
            Console.Error.WriteLine("Try: see why with 'acode db sync status'; once fixed, requeue them with 'acode db sync retry --all'.");
            return ExitCodes.Problem;
        }

        return ExitCodes.Success;

        Task RunLoopAsync() => loop.RunAsync(result =>
        {
            deadLettered += result.DeadLettered;
            bool didSomething = result.Delivered + result.Retried + result.DeadLettered > 0;
            if (result.Paused && (!wasPaused || didSomething))
            {
                // What the run delivered before the outage is counted here: the next run's line counts only its own records.
                string before = didSomething ? $" Before that: {SyncSummary.Describe(result)}" : "";
                context.Console.WriteLine($"{Display.Time(DateTimeOffset.UtcNow)} paused: {Display.Plain(result.PauseReason?.TrimEnd().TrimEnd(';', '.'))}; retrying with backoff (nothing is lost, no attempts are counted).{before}");
            }
            else if (!result.Paused && (wasPaused || result.Delivered + result.Retried + result.DeadLettered + result.ConflictsLostSince + result.ConflictsLostSinceToDeletion > 0))
            {
                context.Console.WriteLine($"{Display.Time(DateTimeOffset.UtcNow)} {SyncSummary.Describe(result)}");
            }

            wasPaused = result.Paused;
            TellAboutLeases(result);
            TellPostgresMigrated(context, result); // once: only the run that migrated carries it
            WarnAboutTarget(result.TargetWarning);
            WarnAboutBookkeeping(result);
        }, cancellationToken, (error, delay) =>
        {
            // The loop's log line is for --verbose: the watch says it itself, with the error's code and advice.
            string what = error is AcodeDbException db ? $"{db.Code}: {db.Message.TrimEnd('.', ' ')}" : $"unexpected error ({error.GetType().Name}: {error.Message.TrimEnd('.', ' ')}; run with --verbose for details)";
            context.Console.WriteLine($"{Display.Time(DateTimeOffset.UtcNow)} sync failed: {Display.Plain(what)}; retrying in {Display.Duration(delay)}.");
        });

        void TellAboutLeases(SyncRunResult result)
        {
            if (result.Paused)
            {
                return; // an outage is said on its own; the leases are read again once PostgreSQL answers
            }

            OutboxBacklog? backlog = result.Remaining > 0 ? Backlog(context) : null;
            (long leased, DateTimeOffset? until) = (backlog?.LeasedElsewhere ?? 0, backlog?.LeasedUntil);
            if (LeaseOutput.Note(leased, until) is not { } note)
            {
                leaseNamedUntil = null;
                return;
            }

            if (leaseNamedUntil is { } named && named >= DateTimeOffset.UtcNow)
            {
                return; // already said, and the lease it named still holds
            }

            leaseNamedUntil = until;
            context.Console.WriteLine($"{Display.Time(DateTimeOffset.UtcNow)} {backlog!.Pending} pending. {note}");
        }
    }
}
