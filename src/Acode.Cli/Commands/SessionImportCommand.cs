using System.CommandLine;
using Acode.Application;
using Acode.Application.Errors;
using Acode.Application.Serialization;
using Acode.Infrastructure;
using Acode.Infrastructure.Transcripts;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace Acode.Cli.Commands;

/// <summary><c>acode session import &lt;file&gt;</c>: stores the sessions of an export exactly; importing twice changes nothing.</summary>
internal static class SessionImportCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var file = new Argument<string>("file") { Description = "A JSON Lines export ('-' for standard input)." };
        var command = new Command("import", "Import sessions from an 'acode session export' file. Ids, versions and timestamps are kept; rows already present at the same or a newer version are left alone.\n\nExample:\n  acode session import session.jsonl") { file };
        CommandAction.Set(command, globals, async (context, cancellationToken) =>
        {
            string path = context.ParseResult.GetValue(file)!;
            string named = path == "-" ? "standard input" : $"'{path}'"; // in messages: '-' names no file
            string subject = path == "-" ? "Standard input" : named; // the same, opening a sentence
            if (path != "-" && SymbolicLinkLoop.Find(path) is { } loop)
            {
                throw new UsageException($"Cannot read '{path}': {SymbolicLinkLoop.Reason(loop)}.", SymbolicLinkLoop.Remedy(loop));
            }

            if (path != "-" && Directory.Exists(path))
            {
                throw new UsageException($"'{path}' is a folder, not an export file.", "Give the path of a file written by 'acode session export', or - to read standard input.");
            }

            Stream input;
            try
            {
                // Read as bytes, checked as strict UTF-8 (invalid bytes are refused with the line, never replaced by U+FFFD):
                // a long line is held once, not as a string and its copies (SessionArchive.ReadAsync).
                input = path == "-" ? Console.OpenStandardInput() : new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                // Also an empty path ('') or one the system cannot take (a NUL in it): no file is named.
                string why = path.Length == 0
                    ? "an empty path names no file."
                    : ex is FileNotFoundException or DirectoryNotFoundException ? "no such file or folder." : ex.Message; // as 'acode import' says it (trial AP 6)
                throw new UsageException($"Cannot read '{path}': {why}", "Give the path of a file written by 'acode session export'.");
            }

            // The workspace is opened (created when missing) when the first session is about to be stored: a file refused
            // before that, or holding no session, creates none (as 'acode import': docs/import.md).
            IRunStateStore? store = null;
            // A session whose lines come twice (a file concatenated with itself) is one session, imported once and found present again.
            var sessionIds = new HashSet<SessionId>();
            int sessions = 0, inserted = 0, updated = 0, unchanged = 0;
            try
            {
                await foreach (SessionGraphBuilder graph in SessionArchive.ReadAsync(input, cancellationToken: cancellationToken))
                {
                    if (store is null)
                    {
                        context.OpenDatabase();
                        store = context.Services.GetRequiredService<IRunStateStore>();
                    }

                    ImportResult result = await store.ImportAsync(graph.Session!, graph.Events, cancellationToken);
                    sessions++;
                    sessionIds.Add(graph.Session!.Id);
                    inserted += result.Inserted;
                    updated += result.Updated;
                    unchanged += result.Unchanged;
                    context.Console.WriteLine($"{graph.Session!.Id}: {result.Inserted} new, {result.Updated} updated, {result.Unchanged} unchanged");
                }
            }
            catch (OperationCanceledException) when (StopSignals.Received is not null)
            {
                throw new UsageException(
                    $"Stopped by {StopSignals.ReceivedName} after importing {sessionIds.Count} session(s) of {named} ({inserted} rows new, {updated} updated, {unchanged} already present); nothing of the session being read was stored.",
                    "Run the same command again to import the rest: what is already here is found present and left alone.",
                    StopSignals.InterruptedExitCode);
            }
            // A fifo or device was read once already: opened again it would wait for a writer that may never come.
            catch (FormatException) when (path != "-" && !TranscriptImporter.IsStreamPath(path) && FileKind.SpecialKindOf(path) is null
                && TranscriptFormat.GuessTranscriptAgent(path) is { } agent)
            {
                // Another agent's transcript, not an acode export: say which command reads it.
                string name = agent == CodexTranscriptImporter.AgentName ? "a Codex CLI rollout" : "a Claude Code transcript";
                throw new UsageException(
                    $"'{path}' is not an acode export: it looks like {name}. Nothing from it was stored ({sessions} earlier session(s) were imported).",
                    $"Import it with 'acode import {agent} {ShellQuoting.Quote(path)}'.");
            }
            catch (ImportConflictException ex)
            {
                // The file may be sound: this workspace holds the row under another session (a copy of it under another id).
                throw new UsageException(
                    $"Session {ex.ImportedSessionId} of {named} cannot be imported: its {ex.EntityType} {ex.EntityId} is stored in this workspace already, in session {ex.OwningSessionId} (rows never move between sessions). Nothing from session {ex.ImportedSessionId} was stored ({sessions} earlier session(s) were imported).",
                    $"If session {ex.OwningSessionId} is another copy of the same work, delete it ('acode session delete {ex.OwningSessionId}'; with PostgreSQL configured that removes it for the whole team at the next sync, '--local' only here) and import the file again; otherwise the file was edited by hand or forged: re-export the session with 'acode session export'.");
            }
            catch (FormatException ex)
            {
                throw new UsageException($"{subject} is not a valid acode export: {ex.Message}", $"Nothing from the failing session was stored ({sessions} earlier session(s) were imported). Re-export the session with 'acode session export'.");
            }
            finally
            {
                if (path != "-")
                {
                    await input.DisposeAsync();
                }
            }

            if (sessions == 0)
            {
                throw new UsageException($"{subject} holds no session.", "Give a file written by 'acode session export'.");
            }

            context.Console.WriteLine($"Imported {sessionIds.Count} session(s): {inserted} rows new, {updated} updated, {unchanged} already present.");
            if (inserted + updated == 0)
            {
                // A file edited by hand without a raised "version" changes nothing, which "already present" alone would hide.
                Console.Error.WriteLine("Nothing was changed: this workspace holds every row of the file at the same or a newer version, and keeps those. "
                    + "To change a row by editing an export, raise its \"version\" (and \"updatedAt\") above the stored ones (docs/json-format.md).");
            }

            return ExitCodes.Success;
        }, stopsGracefully: p => p.GetResult(file) is { Tokens: [{ } given] } && ReadsRegularFile(given.Value)); // not GetValue: '--help' has no file
        return command;

        // A large file takes a while, so Ctrl+C and SIGTERM stop between sessions and say how far the import came.
        // Standard input, a fifo or a device is read with a call that a signal does not end: those stop at once.
        static bool ReadsRegularFile(string path) => path is not "-" && File.Exists(path) && FileKind.SpecialKindOf(path) is null;
    }
}
