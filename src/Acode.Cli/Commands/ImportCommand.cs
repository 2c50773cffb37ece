using System.CommandLine;
using System.Text.Json.Nodes;
using Acode.Application;
using Acode.Application.Redaction;
using Acode.Application.Serialization;
using Acode.Application.Transcripts;
using Acode.Cli.Output;
using Acode.Infrastructure.Transcripts;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace Acode.Cli.Commands;

/// <summary><c>acode import claude-code|codex [PATH…]</c>: records coding-agent transcripts as sessions, once or with <c>--watch</c>.</summary>
internal static class ImportCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var import = new Command("import", "Record the runs of other coding agents (their JSON Lines transcripts) as acode sessions. Importing again changes nothing; a grown transcript adds only what is new. Mapping: docs/import.md.");
        import.Subcommands.Add(Agent(globals, "claude-code", "Claude Code", "~/.claude/projects (or $CLAUDE_CONFIG_DIR/projects)", (context, includeRemoved) =>
            new ClaudeCodeTranscriptImporter(Opened<IRunStateStore>(context), Opened<IRemovedImportLog>(context))
            {
                IncludeRemoved = includeRemoved, Redactor = context.Services.GetRequiredService<ISecretRedactor>(),
            }));
        import.Subcommands.Add(Agent(globals, "codex", "the Codex CLI", "~/.codex/sessions (or $CODEX_HOME/sessions)", (context, includeRemoved) =>
            new CodexTranscriptImporter(Opened<IRunStateStore>(context), Opened<IRemovedImportLog>(context))
            {
                IncludeRemoved = includeRemoved, Redactor = context.Services.GetRequiredService<ISecretRedactor>(),
            }));
        return import;
    }

    /// <summary>
    /// The workspace's <typeparamref name="T"/>, the workspace opened (created when missing) first: asked for only when a
    /// transcript is about to be stored, so an import that finds nothing to store creates no workspace (docs/import.md).
    /// </summary>
    private static Func<T> Opened<T>(CliContext context)
        where T : notnull
    {
        return () =>
        {
            context.OpenDatabase();
            return context.Services.GetRequiredService<T>();
        };
    }

    private static Command Agent(GlobalOptions globals, string name, string agent, string location, Func<CliContext, bool, TranscriptImporter> create)
    {
        var paths = new Argument<string[]>("path") { Description = $"Transcript files or folders (searched recursively); default: {location}.", Arity = ArgumentArity.ZeroOrMore };
        var json = new Option<bool>("--json") { Description = "Print the counts per file as JSON (not with --watch)." };
        var watch = new Option<bool>("--watch") { Description = "Keep following the folders: record new and growing transcripts as they are written, until Ctrl+C." };
        var includeRemoved = new Option<bool>("--include-removed") { Description = "Also import the transcripts whose session was removed here since it was imported ('acode session delete', 'acode db prune', retention), which are skipped otherwise; they are then no longer skipped." };
        var command = new Command(name, $"Import the transcripts of {agent} as sessions: each prompt a task, each assistant turn a step, each tool use a tool call; everything else as session events. Bad lines are counted and reported, never fatal; a file of another format is refused (exit 2) with the command that fits. A session removed since it was imported (session delete, db prune, retention) is not brought back: its transcript is skipped unless --include-removed is given.\n\nExamples:\n  acode import {name}\n  acode import {name} path/to/transcript.jsonl --json\n  acode import {name} --watch")
        {
            paths, json, watch, includeRemoved,
        };
        CommandAction.Set(command, globals, async (context, cancellationToken) =>
        {
            // Mistakes in the command line are reported before the workspace is opened (or created); --watch waits for a
            // folder that does not exist yet.
            if (context.ParseResult.GetValue(watch) && context.ParseResult.GetValue(json))
            {
                throw new UsageException("--json and --watch cannot be combined.", $"Run 'acode import {name} --json' for one import with counts, or --watch alone.");
            }

            string[]? named = context.ParseResult.GetValue(paths) is { Length: > 0 } given ? given : null;
            if (named is not null && named.Contains(""))
            {
                // "$DIR" with DIR unset: nothing is named (and --watch would wait for it forever).
                throw new UsageException("A path given is empty: it names no file or folder.", $"Give the path of a transcript of {agent} (.jsonl) or of a folder holding them, or no path to read {location}.");
            }

            // A path through a symbolic link that loops can never be read: said at once with --watch, else with the other unreadable paths.
            (string Path, string Link)[] looped = [.. (named ?? []).Distinct(StringComparer.Ordinal)
                .Select(p => (Path: p, Link: Infrastructure.SymbolicLinkLoop.Find(p)!)).Where(l => l.Link is not null)];
            if (context.ParseResult.GetValue(watch) && looped.Length > 0)
            {
                throw new UsageException($"Cannot follow '{looped[0].Path}': {Infrastructure.SymbolicLinkLoop.Reason(looped[0].Link)}.", Infrastructure.SymbolicLinkLoop.Remedy(looped[0].Link));
            }

            if (context.ParseResult.GetValue(watch) && named?.FirstOrDefault(p => TranscriptImporter.IsStreamPath(p) || Infrastructure.FileKind.SpecialKindOf(p) is not null) is { } stream)
            {
                throw new UsageException(
                    $"--watch follows files and folders; '{stream}' is a stream (a pipe, a fifo or a device), which can be read only once.",
                    $"Import it without --watch: acode import {name} {Infrastructure.ShellQuoting.Quote(stream)}");
            }

            // A path that is not there (or through a link loop) is one of the unreadable ones and the others are imported;
            // only when none can be read is the command line itself wrong (a symbolic link to nothing is there: it is said
            // as such, with the others).
            var unreadable = new List<UnreadablePath>();
            if (!context.ParseResult.GetValue(watch) && named is not null)
            {
                string typo = $"Check the path (a typo?): give a transcript of {agent} (.jsonl) or a folder holding them.";
                string[] distinct = [.. named.Distinct(StringComparer.Ordinal)];
                // In the order the paths were given, in the refusal as in the unreadable list.
                var loops = looped.ToDictionary(l => l.Path, l => l.Link, StringComparer.Ordinal);
                UnreadablePath[] unusable = [.. distinct.Select(p => loops.TryGetValue(p, out string? link)
                        ? new UnreadablePath(p, Infrastructure.SymbolicLinkLoop.Reason(link), Infrastructure.SymbolicLinkLoop.Remedy(link))
                        : !File.Exists(p) && !Directory.Exists(p) ? UnreadablePath.Missing(p, typo) : null)
                    .OfType<UnreadablePath>()];
                if (unusable.Length == distinct.Length)
                {
                    // Nothing given can be read: each path said (only missing ones: in one sentence).
                    string[] missing = [.. unusable.Where(u => !loops.ContainsKey(u.Path)).Select(u => u.Path)];
                    throw SayAllButLast(missing.Length == unusable.Length
                        ? [(missing.Length == 1 ? $"No file or folder at '{missing[0]}'." : $"No file or folder at any of the paths given: {string.Join(", ", missing.Select(m => $"'{m}'"))}.",
                            $"Give the path of a transcript of {agent} (.jsonl) or of a folder holding them; by default acode reads {location}.")]
                        : [.. unusable.Select(u => loops.ContainsKey(u.Path)
                            ? ($"Cannot read '{u.Path}': {u.Reason}. Nothing was imported.", u.Remedy)
                            : ($"No file or folder at '{u.Path}'.", typo))]);
                }

                unreadable.AddRange(unusable);
                named = [.. named.Where(p => !unreadable.Any(u => u.Path == p))];
            }

            // The workspace is opened when the first transcript is stored: a command line that imports nothing (nothing
            // where acode looks, only refused files) creates none. --watch opens it now (it says where it writes).
            TranscriptImporter importer = create(context, context.ParseResult.GetValue(includeRemoved));
            string[] roots = named ?? [importer.DefaultLocation];
            if (context.ParseResult.GetValue(watch))
            {
                context.OpenDatabase();
                return await WatchAsync(context, importer, roots, cancellationToken);
            }

            var files = new List<string>();
            var refused = new List<TranscriptFormatException>();
            foreach (string root in roots)
            {
                try
                {
                    files.AddRange(importer.FindTranscripts(root, unreadable));
                }
                catch (FileNotFoundException) when (named is null)
                {
                    // The default location: say which one was tried, and why it is there (HOME may be unset or wrong).
                    // The agent's own variable, when set, is what chose the folder: that is the one to name, not HOME.
                    string own = name == "codex" ? "CODEX_HOME" : "CLAUDE_CONFIG_DIR";
                    string home = Environment.GetEnvironmentVariable(own) is { Length: > 0 } o ? $"{own} is '{o}'"
                        : Environment.GetEnvironmentVariable(OperatingSystem.IsWindows() ? "USERPROFILE" : "HOME") is { Length: > 0 } h ? $"HOME is '{h}'" : "HOME is not set";
                    throw new UsageException(
                        $"No transcripts of {agent} where acode looks by default: there is no folder '{root}' ({location}; {home}).",
                        home.StartsWith(own, StringComparison.Ordinal)
                            ? $"Give the transcripts' folder or file as an argument (acode import {name} PATH), or set {own} to the folder {agent} uses (unset it to look under HOME)."
                            : $"Give the transcripts' folder or file as an argument (acode import {name} PATH), or set HOME (or {own}) to where {agent} writes them.");
                }
                catch (FileNotFoundException)
                {
                    // Gone since it was checked: said with the other unreadable paths.
                    unreadable.Add(UnreadablePath.Missing(root, $"Check the path (a typo?): give a transcript of {agent} (.jsonl) or a folder holding them."));
                }
                catch (TranscriptFormatException ex)
                {
                    refused.Add(ex);
                }
            }

            var reports = new List<TranscriptImportReport>();
            var skippedRemoved = new List<TranscriptImportReport>();
            // A file given under two names (a symbolic link and the file) is imported once, under the first; its real path
            // is resolved once, here, and handed to the importer.
            var realFiles = new HashSet<string>(StringComparer.Ordinal);
            foreach ((string file, string? realPath) in files.Distinct(StringComparer.Ordinal)
                .Select(f => (File: f, RealPath: TranscriptImporter.IsStreamPath(f) ? null : TranscriptImporter.RealPathOrAsGiven(f)))
                .Where(f => f.RealPath is null || realFiles.Add(f.RealPath)))
            {
                TranscriptImportReport report;
                try
                {
                    if (!TranscriptImporter.IsStreamPath(file) && Infrastructure.FileKind.IsFifo(file))
                    {
                        // A fifo named on the command line is read as a stream; opening it waits until something writes to it.
                        Console.Error.WriteLine(CommandAction.Printable($"Waiting for something to write to the fifo '{file}' (Ctrl+C stops)…"));
                    }

                    report = await importer.ImportFileAsync(file, realPath, cancellationToken);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    // Reported with the others at the end; the files after it are imported all the same.
                    unreadable.Add(UnreadablePath.From(file, ex));
                    continue;
                }
                catch (TranscriptFormatException ex)
                {
                    // Not this agent's transcript: nothing of it is stored; the other files are imported, and the exit code says so.
                    refused.Add(ex);
                    continue;
                }

                if (report.RemovedEarlier is not null)
                {
                    skippedRemoved.Add(report);
                    continue;
                }

                reports.Add(report);
                if (!context.ParseResult.GetValue(json))
                {
                    context.Console.WriteLine(Describe(report));
                }
            }

            if (context.ParseResult.GetValue(json))
            {
                JsonOutput.Write(new JsonObject
                {
                    ["agent"] = name,
                    ["files"] = new JsonArray([.. reports.Select(ToJson)]),
                    ["refused"] = new JsonArray([.. refused.Select(r => new JsonObject { ["path"] = r.Path, ["error"] = r.Message, ["try"] = r.Remedy })]),
                    ["unreadable"] = new JsonArray([.. unreadable.Select(u => new JsonObject { ["path"] = u.Path, ["error"] = CannotRead(u), ["try"] = u.Remedy })]),
                    ["skippedRemoved"] = new JsonArray([.. skippedRemoved.Select(r => new JsonObject
                    {
                        ["path"] = r.Path, ["sessionId"] = r.SessionId,
                        ["removedAt"] = UtcTimestamp.Format(r.RemovedEarlier!.RemovedAt), ["reason"] = r.RemovedEarlier.Reason,
                    })]),
                    ["totals"] = Totals(reports, skippedRemoved.Count),
                    ["note"] = skippedRemoved.Count > 0 ? SkippedNote(skippedRemoved) : null,
                });
            }
            else if (reports.Count > 0 || skippedRemoved.Count > 0 || refused.Count + unreadable.Count == 0)
            {
                int problems = reports.Sum(r => r.Problems.Total);
                string skipped = (refused.Count > 0 ? $"; {refused.Count} file(s) refused (below)" : string.Empty)
                    + (unreadable.Count > 0 ? $"; {unreadable.Count} path(s) could not be read (below)" : string.Empty);
                context.Console.WriteLine($"Imported {reports.Count} transcript(s) into {SessionCount(reports)} session(s): {reports.Sum(r => r.Rows.Inserted)} rows new, {reports.Sum(r => r.Rows.Updated)} updated, {reports.Sum(r => r.Rows.Unchanged)} already present; {problems} problem(s) in the input{(problems > 0 ? " (see above; --json gives them per file)" : string.Empty)}{skipped}.");
            }

            if (!context.ParseResult.GetValue(json) && files.Count == 0 && refused.Count + unreadable.Count == 0)
            {
                // Nothing to read is not an error (the agent may not have run yet), but the user should see where acode looked.
                context.Console.WriteLine(named is null
                    ? $"No transcripts of {agent} in '{roots[0]}', where acode looks by default ({location}). If {agent} writes them elsewhere, give that folder: acode import {name} PATH."
                    : $"No transcripts of {agent} (.jsonl) in {string.Join(", ", roots.Select(r => $"'{r}'"))}.");
            }

            if (!context.ParseResult.GetValue(json) && skippedRemoved.Count > 0)
            {
                context.Console.WriteLine($"{char.ToUpperInvariant(SkippedNote(skippedRemoved)[0])}{SkippedNote(skippedRemoved)[1..]}.");
            }

            // Every refused or unreadable path is said on standard error; the last one as the command's error (exit 2).
            List<(string Message, string Remedy)> failures =
            [
                .. refused.Select(r => (r.Message, r.Remedy)),
                .. unreadable.Select(u => (CannotRead(u), u.Remedy)),
            ];
            if (failures.Count > 0)
            {
                throw SayAllButLast(failures);
            }

            return ExitCodes.Success;
        }, stopsGracefully: parseResult => parseResult.GetValue(watch));
        return command;
    }

    private static async Task<int> WatchAsync(CliContext context, TranscriptImporter importer, string[] roots, CancellationToken cancellationToken)
    {
        context.Console.WriteLine($"Following {string.Join(", ", roots.Select(r => Display.Plain(r)))} into {Display.Plain(context.Workspace.DatabasePath)}. Ctrl+C stops.");
        // Ctrl+C or SIGTERM (StopSignals cancels the token): stop after the write in hand (each is one transaction), exit 0.
        var followers = new Dictionary<string, ITranscriptFollower>(StringComparer.Ordinal);
        var refusedRoots = new HashSet<string>(StringComparer.Ordinal);
        // What was last said about each path that could not be read: said again only when it changes.
        var unreadableSaid = new Dictionary<string, string>(StringComparer.Ordinal);
        // The files whose session was removed earlier and that were said to be skipped.
        var removedSaid = new HashSet<string>(StringComparer.Ordinal);
        // The paths given that were said to be missing: said again once they are there.
        var missingSaid = new HashSet<string>(StringComparer.Ordinal);
        // The paths that could not be read this round: any other said before can be read again (or is gone).
        var unreadableNow = new HashSet<string>(StringComparer.Ordinal);
        while (!cancellationToken.IsCancellationRequested)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var unreadable = new List<UnreadablePath>();
            unreadableNow.Clear();
            foreach (string root in roots)
            {
                try
                {
                    seen.UnionWith(importer.FindTranscripts(root, unreadable));
                    if (missingSaid.Remove(root))
                    {
                        context.Console.WriteLine($"{Display.Time(DateTimeOffset.UtcNow)} {Display.Plain(root)} is there now.");
                    }
                }
                catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
                {
                    // Not there yet (an agent may create it) or gone for now: looked for again on every round, said once (a typo shows).
                    if (missingSaid.Add(root))
                    {
                        context.Console.WriteLine($"{Display.Time(DateTimeOffset.UtcNow)} {Display.Plain(root)} is not there (yet): looked for again on every poll, and said once it is there. Check the path if it is a typo.");
                    }
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    SayUnreadable(UnreadablePath.From(root, ex, folder: Directory.Exists(root)));
                }
                catch (TranscriptFormatException ex)
                {
                    // A sub-agent transcript without its session's: said once, looked for again on every round.
                    if (refusedRoots.Add(ex.Message))
                    {
                        context.Console.WriteLine($"{Display.Time(DateTimeOffset.UtcNow)} skipped: {Display.Plain(ex.Message)} {Display.Plain(ex.Remedy)}");
                    }
                }
            }

            foreach (UnreadablePath path in unreadable)
            {
                SayUnreadable(path);
            }

            foreach (string gone in followers.Keys.Where(k => !seen.Contains(k)).ToList())
            {
                followers.Remove(gone); // deleted or rotated away: what was recorded stays
            }

            foreach (string file in seen.Order(StringComparer.Ordinal))
            {
                if (!followers.TryGetValue(file, out ITranscriptFollower? follower))
                {
                    followers.Add(file, follower = importer.Follow(file));
                }

                try
                {
                    TranscriptImportReport? report = await follower.PollAsync(cancellationToken);
                    if (unreadableSaid.Remove(file))
                    {
                        context.Console.WriteLine($"{Display.Time(DateTimeOffset.UtcNow)} {Display.Plain(file)} can be read again.");
                    }

                    if (report?.RemovedEarlier is { } removal)
                    {
                        // Said once per file: the file keeps being followed (it is imported if its session comes back).
                        if (removedSaid.Add(file))
                        {
                            context.Console.WriteLine($"{Display.Time(DateTimeOffset.UtcNow)} skipped {Display.Plain(file)}: its session {report.SessionId} was removed earlier ({Display.Plain(removal.Reason)}, {UtcTimestamp.Format(removal.RemovedAt)}); add --include-removed to import it again. Not said again for this file.");
                        }
                    }
                    else if (report is not null && report.Rows.Inserted + report.Rows.Updated > 0)
                    {
                        context.Console.WriteLine($"{Display.Time(DateTimeOffset.UtcNow)} {Describe(report)}");
                    }
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    break;
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    SayUnreadable(UnreadablePath.From(file, ex));
                }
                catch (TranscriptFormatException ex)
                {
                    // Looked at again only once it changes (an agent may yet write its records to it).
                    context.Console.WriteLine($"{Display.Time(DateTimeOffset.UtcNow)} skipped: {Display.Plain(ex.Message)} {Display.Plain(ex.Remedy)}");
                }
            }

            foreach (string path in unreadableSaid.Keys.Where(p => !unreadableNow.Contains(p)).ToList())
            {
                // A folder listed again, or a file read again by a search that no longer reports it: said once; when it
                // is unreadable again, said again. One that is gone is forgotten quietly (a search no longer finds it).
                unreadableSaid.Remove(path);
                if (File.Exists(path) || Directory.Exists(path))
                {
                    context.Console.WriteLine($"{Display.Time(DateTimeOffset.UtcNow)} {Display.Plain(path)} can be read again.");
                }
            }

            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        context.Console.WriteLine("Stopped.");
        return ExitCodes.Success;

        void SayUnreadable(UnreadablePath path)
        {
            unreadableNow.Add(path.Path);
            string said = path.Reason + "\n" + path.Remedy;
            if (unreadableSaid.TryGetValue(path.Path, out string? before) && before == said)
            {
                return;
            }

            unreadableSaid[path.Path] = said;
            context.Console.WriteLine($"{Display.Time(DateTimeOffset.UtcNow)} cannot read {Display.Plain(path.Path)} ({Display.Plain(path.Reason)}); {Display.Plain(path.Remedy)} Said again when this changes.");
        }
    }

    /// <summary>Says every failure but the last on standard error; the last is the command's error (exit 2), for the caller to throw.</summary>
    private static UsageException SayAllButLast(List<(string Message, string Remedy)> failures)
    {
        foreach ((string message, string remedy) in failures.SkipLast(1))
        {
            CommandAction.Fail(message, remedy, ExitCodes.Usage);
        }

        return new UsageException(failures[^1].Message, failures[^1].Remedy);
    }

    private static string CannotRead(UnreadablePath path) => $"Cannot read '{path.Path}': {path.Reason.TrimEnd('.')}. Nothing of it was imported; the other files were.";

    private static string Describe(TranscriptImportReport r)
    {
        // Lines whose records have no usable time are there, just not importable (trials AK 3, AN 7: "no record yet" said the
        // agent had written nothing).
        string session = r.SessionId ?? (r.Lines > 0 || r.Problems.InvalidTimestamps > 0 ? "(nothing imported: no record with a usable time yet)" : "(no record yet)");
        string text = $"{Display.Plain(r.Path)}: {session}: {r.Tasks} task(s), {r.Steps} step(s), {r.ToolCalls} tool call(s) ({r.FailedToolCalls} failed), {r.Artifacts} artifact(s), {r.Events} event(s); {r.Rows.Inserted} rows new, {r.Rows.Updated} updated, {r.Rows.Unchanged} unchanged";
        var problems = ProblemsJson(r.Problems).Where(p => (int)p.Value! > 0).Select(p => $"{p.Value} {p.Key}").ToList();
        return problems.Count == 0 ? text : $"{text}; problems: {string.Join(", ", problems)}";
    }

    private static JsonObject ToJson(TranscriptImportReport r) => new()
    {
        ["path"] = r.Path,
        ["sessionId"] = r.SessionId,
        ["lines"] = r.Lines,
        ["bytes"] = r.Bytes,
        ["tasks"] = r.Tasks,
        ["steps"] = r.Steps,
        ["toolCalls"] = r.ToolCalls,
        ["failedToolCalls"] = r.FailedToolCalls,
        ["artifacts"] = r.Artifacts,
        ["events"] = r.Events,
        ["unmappedRecords"] = r.UnmappedRecords,
        ["rows"] = new JsonObject { ["inserted"] = r.Rows.Inserted, ["updated"] = r.Rows.Updated, ["unchanged"] = r.Rows.Unchanged },
        ["problems"] = ProblemsJson(r.Problems),
    };

    private static JsonObject ProblemsJson(TranscriptProblems p) => new()
    {
        ["malformedLines"] = p.MalformedLines,
        ["unknownRecordTypes"] = p.UnknownRecordTypes,
        ["unknownFormatVersions"] = p.UnknownFormatVersions,
        ["unpairedToolCalls"] = p.UnpairedToolCalls,
        ["unpairedToolResults"] = p.UnpairedToolResults,
        ["oversizedLines"] = p.OversizedLines,
        ["invalidUtf8Lines"] = p.InvalidUtf8Lines,
        ["invalidImages"] = p.InvalidImages,
        ["invalidTimestamps"] = p.InvalidTimestamps,
        ["truncatedLastLine"] = p.TruncatedLastLine,
    };

    /// <summary>What the import left out because the user removed those sessions, and how to take them anyway.</summary>
    private static string SkippedNote(List<TranscriptImportReport> skipped)
        => $"skipped {skipped.Count} session(s) removed earlier ({string.Join(" / ", skipped.Select(r => r.RemovedEarlier!.Reason).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))}); add --include-removed to import them again";

    /// <summary>The sessions the transcripts went into: two transcripts of one session (a copy in another folder) are one.</summary>
    private static int SessionCount(List<TranscriptImportReport> reports)
        => reports.Select(r => r.SessionId).OfType<string>().Distinct(StringComparer.Ordinal).Count();

    private static JsonObject Totals(List<TranscriptImportReport> reports, int skippedRemoved) => new()
    {
        ["files"] = reports.Count,
        ["skippedRemoved"] = skippedRemoved,
        ["sessions"] = SessionCount(reports),
        ["tasks"] = reports.Sum(r => r.Tasks),
        ["toolCalls"] = reports.Sum(r => r.ToolCalls),
        ["failedToolCalls"] = reports.Sum(r => r.FailedToolCalls),
        ["events"] = reports.Sum(r => r.Events),
        ["steps"] = reports.Sum(r => r.Steps),
        ["artifacts"] = reports.Sum(r => r.Artifacts),
        ["unmappedRecords"] = reports.Sum(r => r.UnmappedRecords),
        ["lines"] = reports.Sum(r => r.Lines),
        ["bytes"] = reports.Sum(r => r.Bytes),
        ["rows"] = new JsonObject { ["inserted"] = reports.Sum(r => r.Rows.Inserted), ["updated"] = reports.Sum(r => r.Rows.Updated), ["unchanged"] = reports.Sum(r => r.Rows.Unchanged) },
        ["problems"] = ProblemsJson(reports.Select(r => r.Problems).Aggregate(new TranscriptProblems(), (a, b) => a + b)),
    };
}
