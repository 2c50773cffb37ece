using System.CommandLine;
using System.Text;
using Acode.Application;
using Acode.Application.Queries;
using Acode.Application.Serialization;
using Acode.Cli.Output;

namespace Acode.Cli.Commands;

/// <summary>
/// <c>acode session export [&lt;id&gt;…] [--all] [filter] [-o file [--force]]</c>: sessions as JSON Lines (one archive,
/// the sessions one after another), to standard output or a file.
/// </summary>
internal static class SessionExportCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var ids = new Argument<string[]>("id") { Description = "Session ids (sess_…), or unique starts of them (sess_01JD3Z6Q); several may be given.", Arity = ArgumentArity.ZeroOrMore };
        var all = new Option<bool>("--all") { Description = "Export every session of the workspace (narrowed by --state/--since/--until/--title when given)." };
        var filterOptions = new SessionFilterOptions();
        var output = new Option<string?>("--output", "-o") { Description = "Write to this file (0600) instead of standard output ('-': standard output). A file with content is kept unless --force is given; an empty file, a fifo, a device or a pipe (/dev/stdout, >(gzip > x.gz)) is written to in place; a symbolic link is followed." };
        var force = new Option<bool>("--force", "-f") { Description = "Overwrite the --output file if it has content: it is replaced only once the new export is complete; a fifo, device or pipe is written to, never replaced." };
        var remote = new Option<bool>("--remote") { Description = "Export the sessions as PostgreSQL holds them (any workspace's) instead of this workspace's copies." };
        var command = new Command("export", """
            Export sessions (entities and events) as JSON Lines; 'acode session import' reads them back exactly.

            Choose the sessions by id (several may be given), with --all, or with the filter options of
            'acode session list'. Sessions chosen by --all or a filter are written oldest first.

            Examples:
              acode session export sess_01JD3Z6Q > session.jsonl
              acode session export sess_01JD3Z6Q sess_01JD40AB -o two.jsonl
              acode session export --all -o all.jsonl --force
              acode session export --state Failed --since 7d -o failed.jsonl
              acode session export --remote sess_01JD3Z6Q6V2K8M4N5P7R9S1T3V -o session.jsonl
            """)
        {
            ids, all, filterOptions.States, filterOptions.Since, filterOptions.Until, filterOptions.Title, output, force, remote,
        };
        CommandAction.Set(command, globals, async (context, cancellationToken) =>
        {
            ParseResult p = context.ParseResult;
            IReadOnlyList<SessionIdArgument> wanted = [.. (p.GetValue(ids) ?? []).Select(SessionIdArgument.Parse)];
            bool byFilter = p.GetValue(all) || filterOptions.AnyGiven(p);
            if (wanted.Count > 0 && byFilter)
            {
                throw new UsageException("Give session ids, or --all / filter options, not both.", "acode session export sess_01JD3Z6Q sess_01JD40AB, or acode session export --state Failed");
            }

            if (wanted.Count == 0 && !byFilter)
            {
                throw new UsageException("Say which sessions to export.", "acode session export <id>… (ids or unique starts of them), acode session export --all, or filter options such as --state Failed --since 7d.");
            }

            SessionFilter? filter = byFilter ? filterOptions.Build(p, DateTimeOffset.UtcNow) : null;
            string? path = p.GetValue(output) is { } given && given != "-" ? given : null; // '-': standard output, as 'session import -' reads standard input
            OutputFile? target = path is null ? null : OutputFile.Resolve(path, p.GetValue(force));

            StoreScope scope = await StoreScope.OpenAsync(context, p.GetValue(remote), "'acode session export' without --remote exports from this workspace.", cancellationToken);
            IRunStateStore store = scope.Store;
            IReadOnlyList<SessionId> sessionIds = filter is null
                ? await ResolveAsync(wanted, scope, context, cancellationToken)
                : await MatchingAsync(store, filter, cancellationToken);
            if (sessionIds.Count == 0)
            {
                throw new UsageException(
                    p.GetValue(all) && !filterOptions.AnyGiven(p) ? $"{scope.Where} holds no session; nothing was written." : "No session matches the filter; nothing was written.",
                    scope.IsRemote ? "List the team's sessions with 'acode session list --remote' (it takes the same filter options)." : "List the sessions with 'acode session list' (it takes the same filter options), or pick the workspace with --workspace.",
                    ExitCodes.Problem);
            }

            if (target is null)
            {
                await using var stdout = new StreamWriter(StandardOutput.Stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true);
                await WriteAsync(stdout, store, sessionIds, cancellationToken);
                return ExitCodes.Success;
            }

            int written;
            try
            {
                written = await target.WriteAsync(writer => WriteAsync(writer, store, sessionIds, cancellationToken));
            }
            catch (OperationCanceledException) when (StopSignals.Received is not null)
            {
                throw new UsageException(
                    $"Stopped by {StopSignals.ReceivedName} before the export was complete: {target.LeftAfterFailure}.",
                    "Run the command again to export.",
                    StopSignals.InterruptedExitCode);
            }

            Console.Error.WriteLine(CommandAction.Printable(written == 1 ? $"Exported session {sessionIds[0]} to {path}." : $"Exported {written} sessions to {path}."));
            return ExitCodes.Success;
        }, stopsGracefully: WritesFile);
        return command;

        // With -o FILE, Ctrl+C and SIGTERM cancel the export so that the file being written beside the target is removed;
        // ended at once, the process would leave it behind.
        bool WritesFile(ParseResult parseResult) => parseResult.GetValue(output) is { } given && given != "-";
    }

    /// <summary>
    /// The sessions named by ids or prefixes, each once, in the order given; with <c>remote</c> (the invocation, when
    /// <c>store</c> is PostgreSQL's) a session deleted there is named as such.
    /// </summary>
    private static async Task<IReadOnlyList<SessionId>> ResolveAsync(IReadOnlyList<SessionIdArgument> wanted, StoreScope scope, CliContext context, CancellationToken cancellationToken)
    {
        var found = new List<SessionId>();
        foreach (SessionIdArgument argument in wanted)
        {
            SessionId id = await argument.ResolveExistingAsync(scope, context.Workspace.RootDirectory, cancellationToken);
            if (await scope.Store.GetSessionAsync(id, cancellationToken) is null)
            {
                throw (scope.IsRemote ? await RemoteTombstone.FindAsync(context, id, "Nothing was written.", cancellationToken) : null)
                    ?? (scope.IsRemote ? argument.NotFoundRemote(scope.Where) : argument.NotFound(context.Workspace.RootDirectory));
            }

            if (!found.Contains(id))
            {
                found.Add(id);
            }
        }

        return found;
    }

    /// <summary>Every session the filter matches, oldest first, read a page at a time.</summary>
    private static async Task<IReadOnlyList<SessionId>> MatchingAsync(IRunStateStore store, SessionFilter filter, CancellationToken cancellationToken)
    {
        var found = new List<SessionId>();
        string? cursor = null;
        do
        {
            Page<SessionSummary> page = await store.QuerySessionsAsync(filter, SessionSort.CreatedAscending, new PaginationOptions { Limit = PaginationOptions.MaxLimit, Cursor = cursor }, cancellationToken);
            found.AddRange(page.Items.Select(s => s.Id));
            cursor = page.NextCursor;
        }
        while (cursor is not null);
        return found;
    }

    /// <summary>Writes the sessions one after another; a session deleted since it was listed is left out.</summary>
    /// <returns>How many sessions were written.</returns>
    private static async Task<int> WriteAsync(TextWriter writer, IRunStateStore store, IReadOnlyList<SessionId> sessionIds, CancellationToken cancellationToken)
    {
        int written = 0;
        foreach (SessionId id in sessionIds)
        {
            if (await store.GetSessionAsync(id, cancellationToken) is { } session)
            {
                await SessionArchive.WriteAsync(writer, store, session, cancellationToken);
                written++;
            }
        }

        await writer.FlushAsync(cancellationToken);
        return written;
    }
}
