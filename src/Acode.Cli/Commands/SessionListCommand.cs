using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Acode.Application.Errors;
using Acode.Application.Queries;
using Acode.Application.Serialization;
using Acode.Cli.Output;
using Acode.Infrastructure;
using Acode.Application;
using Spectre.Console;

namespace Acode.Cli.Commands;

/// <summary><c>acode session list</c>: sessions, filtered and sorted, one keyset page at a time.</summary>
internal static class SessionListCommand
{
    private const string DefaultSort = "updated-desc";

    public static Command Create(GlobalOptions globals)
    {
        var filterOptions = new SessionFilterOptions();
        var sort = new Option<string>("--sort") { Description = "Order: updated-desc (default), updated-asc, created-desc, created-asc.", DefaultValueFactory = _ => DefaultSort };
        sort.AcceptOnlyFromAmong("updated-desc", "updated-asc", "created-desc", "created-asc");
        var limit = new Option<int>("--limit", "-n") { Description = $"Rows per page, 1 to {PaginationOptions.MaxLimit}.", DefaultValueFactory = _ => PaginationOptions.DefaultLimit, CustomParser = WholeNumberRange.Parser("--limit", 1, PaginationOptions.MaxLimit) };
        var cursor = new Option<string?>("--cursor") { Description = "Continue after the previous page. A cursor works only with the filter and sort it was printed for: run the 'More:' line (or --json's nextCommand) as printed." };
        var json = new Option<bool>("--json") { Description = "Print JSON instead of a table: items, nextCursor, and nextCommand/nextArguments for the next page (null on the last)." };
        var remote = new Option<bool>("--remote") { Description = "List the team's sessions in PostgreSQL (every workspace's; deleted ones hidden) instead of this workspace's, with the workspace each came from." };
        var command = new Command("list", """
            List sessions, most recently updated first, a page at a time.

            Times are UTC on input and output: a time without an offset is read as UTC whatever the machine's time
            zone (2026-11-30 is UTC midnight), an explicit offset (Z, +02:00) is honoured, and 30m, 2h, 7d, 2w mean
            that long before now. The table and --json print UTC with a Z.

            When there is more, the last line is the whole command for the next page ('More: acode session list ...'),
            with relative times written as the UTC instant they meant; run it as printed.

            Examples:
              acode session list --state Executing --state Paused
              acode session list --state Failed --since 7d -n 20
              acode session list --since 2026-11-30 --until 2026-12-01 --sort created-asc
              acode session list --title parser --limit 20
              acode session list --remote --state Failed --since 7d
            """)
        {
            filterOptions.States, filterOptions.Since, filterOptions.Until, filterOptions.Title, sort, limit, cursor, json, remote,
        };
        CommandAction.Set(command, globals, async (context, cancellationToken) =>
        {
            ParseResult p = context.ParseResult;
            int pageSize = p.GetValue(limit);

            SessionSort order = p.GetValue(sort) switch
            {
                "updated-asc" => SessionSort.UpdatedAscending,
                "created-desc" => SessionSort.CreatedDescending,
                "created-asc" => SessionSort.CreatedAscending,
                _ => SessionSort.UpdatedDescending,
            };
            DateTimeOffset now = DateTimeOffset.UtcNow;
            SessionFilter filter = filterOptions.Build(p, now);

            bool fromRemote = p.GetValue(remote);
            StoreScope scope = await StoreScope.OpenAsync(context, fromRemote, "'acode session list' without --remote lists this workspace's sessions.", cancellationToken);
            IRunStateStore store = scope.Store;
            Page<SessionSummary> page;
            try
            {
                page = await store.QuerySessionsAsync(filter, order, new PaginationOptions { Limit = pageSize, Cursor = p.GetValue(cursor) }, cancellationToken);
            }
            catch (CursorMismatchException ex)
            {
                throw new UsageException(ex.Reason, "Run the 'More:' line of the previous page exactly as printed (a relative time such as --since 2h is written there as the UTC instant it meant), or drop --cursor to start from the first page.");
            }
            catch (InvalidCursorException ex)
            {
                throw new UsageException(ex.Reason, "Drop --cursor to start from the first page, and give every later page the cursor the previous page printed.");
            }

            bool asJson = p.GetValue(json);
            List<string>? next = page.NextCursor is null ? null : NextPageArguments(p.GetValue(globals.Workspace), filter, p.GetValue(sort)!, pageSize, asJson, fromRemote, page.NextCursor);
            if (asJson)
            {
                var items = new JsonArray();
                foreach (SessionSummary s in page.Items)
                {
                    items.Add(new JsonObject
                    {
                        ["id"] = s.Id.Value, ["title"] = s.Title, ["state"] = s.State.ToString(), ["version"] = s.Version,
                        ["createdAt"] = UtcTimestamp.Format(s.CreatedAt), ["updatedAt"] = UtcTimestamp.Format(s.UpdatedAt),
                        ["taskCount"] = s.TaskCount, ["toolCallCount"] = s.ToolCallCount,
                    });
                    if (fromRemote)
                    {
                        ((JsonObject)items[^1]!)["workspace"] = s.Origin;
                        ((JsonObject)items[^1]!)["workspaceName"] = s.OriginName;
                    }
                }

                JsonOutput.Write(new JsonObject
                {
                    ["items"] = items,
                    ["nextCursor"] = page.NextCursor,
                    ["nextCommand"] = next is null ? null : AsCommandLine(next),
                    ["nextArguments"] = next is null ? null : new JsonArray([.. next.Select(a => (JsonNode)a)]),
                });
                return ExitCodes.Success;
            }

            if (page.Items.Count == 0)
            {
                if (p.GetValue(cursor) is null && filterOptions.AnyGiven(p))
                {
                    context.Console.MarkupLine($"No session {(fromRemote ? "in PostgreSQL " : "")}matches the filter ({SessionFilterOptions.Words(filter)}). Loosen it (another --state, a wider --since/--until, less of the --title), or list every session with 'acode session list{(fromRemote ? " --remote" : "")}'.");
                    return ExitCodes.Success;
                }

                context.Console.WriteLine(p.GetValue(cursor) is not null ? "No more sessions."
                    : fromRemote ? "No sessions match in PostgreSQL. Sessions get there when a workspace sends them: run 'acode db sync' in one (with this ACODE_POSTGRES_URL)."
                    : "No sessions match. Record a sample with 'acode demo'.");
                return ExitCodes.Success;
            }

            // At 80 columns: ID, State and Title (Updated from 93); narrower than a table: one block of lines per session.
            // With --remote the workspace each version came from is what the listing is for: its column is kept (trial AE
            // F3: it was the first column to go, so 70 to 199 columns showed less than 60); where ID, State, Title and
            // Workspace do not fit, the workspace's name goes under the session id (trial AF 5, AH 2: a table from about
            // 75 columns, two lines per session as in the wider form), and narrower each session is a block that shows
            // every column, the workspace's name whole.
            var table = new FittedTable(TableBorder.Simple).Keep("ID").Keep("State").Free("Title").Optional("Tasks", drop: 3, right: true)
                .Optional("Tool calls", drop: 4, right: true).Optional("Created", drop: 2).Optional("Updated", drop: 1);
            if (fromRemote)
            {
                table.Keep("Workspace");
            }

            foreach (SessionSummary s in page.Items)
            {
                string[] cells = [s.Id.Value, s.State.ToString(), Display.Safe(s.Title, 60), s.TaskCount.ToString(CultureInfo.InvariantCulture),
                    s.ToolCallCount.ToString(CultureInfo.InvariantCulture), Display.Second(s.CreatedAt), Display.Second(s.UpdatedAt)];
                if (fromRemote)
                {
                    table.AddRow([.. cells, Display.Workspace(s.Origin, s.OriginName)],
                        [$"{cells[0]}\n{Display.WorkspaceName(s.Origin, s.OriginName, s.Id.Value.Length - 1)}", .. cells[1..], string.Empty],
                        [.. cells, Display.Workspace(s.Origin, s.OriginName, int.MaxValue)]);
                }
                else
                {
                    table.AddRow(cells);
                }
            }

            table.Write(context.Console);
            if (next is not null)
            {
                // Plain text, not through the console renderer, which would wrap a long line and break the command.
                System.Console.Out.WriteLine($"More: {AsCommandLine(next)}");
            }

            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>
    /// Everything the next page needs besides the cursor: the cursor is bound to the filter and sort, so they are all
    /// repeated, times as the UTC instants this run resolved them to (a relative --since would move otherwise).
    /// </summary>
    private static List<string> NextPageArguments(string? workspace, SessionFilter filter, string sort, int limit, bool json, bool remote, string cursor)
    {
        var arguments = new List<string> { "session", "list" };
        SessionFilterOptions.AddArguments(arguments, workspace, filter);

        if (sort != DefaultSort)
        {
            arguments.AddRange(["--sort", sort]);
        }

        if (limit != PaginationOptions.DefaultLimit)
        {
            arguments.AddRange(["--limit", limit.ToString(CultureInfo.InvariantCulture)]);
        }

        if (json)
        {
            arguments.Add("--json");
        }

        if (remote)
        {
            arguments.Add("--remote");
        }

        arguments.AddRange(["--cursor", cursor]);
        return arguments;
    }

    private static string AsCommandLine(List<string> arguments) => "acode " + ShellQuoting.Join(arguments);
}
