using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Acode.Application.Queries;
using Acode.Application.Serialization;
using Acode.Cli.Output;
using Acode.Infrastructure.Sqlite;
using Spectre.Console;

namespace Acode.Cli.Commands;

/// <summary><c>acode session list</c>: sessions, filtered and sorted, one keyset page at a time.</summary>
internal static class SessionListCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var states = new Option<SessionState[]>("--state", "-s") { Description = "Only sessions in this state (repeatable): Created, Planning, AwaitingApproval, Executing, Paused, Completed, Failed, Cancelled.", AllowMultipleArgumentsPerToken = true };
        var since = new Option<DateTimeOffset?>("--since") { Description = "Only sessions created at or after this time (ISO-8601, e.g. 2026-01-15 or 2026-01-15T10:30:00Z)." };
        var until = new Option<DateTimeOffset?>("--until") { Description = "Only sessions created before this time." };
        var title = new Option<string?>("--title", "-t") { Description = "Only sessions whose title contains this text (case-insensitive for ASCII)." };
        var sort = new Option<string>("--sort") { Description = "Order: updated-desc (default), updated-asc, created-desc, created-asc.", DefaultValueFactory = _ => "updated-desc" };
        sort.AcceptOnlyFromAmong("updated-desc", "updated-asc", "created-desc", "created-asc");
        var limit = new Option<int>("--limit", "-n") { Description = $"Rows per page, 1 to {PaginationOptions.MaxLimit}.", DefaultValueFactory = _ => PaginationOptions.DefaultLimit };
        var cursor = new Option<string?>("--cursor") { Description = "Continue after the previous page (the cursor it printed)." };
        var json = new Option<bool>("--json") { Description = "Print JSON instead of a table." };
        var command = new Command("list", "List sessions, newest first, a page at a time.\n\nExamples:\n  acode session list --state Executing --state Paused\n  acode session list --title parser --limit 20\n  acode session list --cursor <cursor printed by the previous page>")
        {
            states, since, until, title, sort, limit, cursor, json,
        };
        CommandAction.Set(command, globals, async (context, cancellationToken) =>
        {
            ParseResult p = context.ParseResult;
            int pageSize = p.GetValue(limit);
            if (pageSize is < 1 or > PaginationOptions.MaxLimit)
            {
                throw new UsageException($"--limit must be between 1 and {PaginationOptions.MaxLimit} (got {pageSize}).", "acode session list --limit 50");
            }

            SessionSort order = p.GetValue(sort) switch
            {
                "updated-asc" => SessionSort.UpdatedAscending,
                "created-desc" => SessionSort.CreatedDescending,
                "created-asc" => SessionSort.CreatedAscending,
                _ => SessionSort.UpdatedDescending,
            };
            var filter = new SessionFilter
            {
                States = p.GetValue(states) ?? [],
                CreatedFrom = p.GetValue(since),
                CreatedTo = p.GetValue(until),
                TitleContains = p.GetValue(title),
            };

            using SqliteWorkspaceDatabase database = context.OpenDatabase();
            var store = new SqliteRunStateStore(database);
            Page<SessionSummary> page;
            try
            {
                page = await store.QuerySessionsAsync(filter, order, new PaginationOptions { Limit = pageSize, Cursor = p.GetValue(cursor) }, cancellationToken);
            }
            catch (ArgumentException ex) when (ex.ParamName == "cursor")
            {
                throw new UsageException(ex.Message, "Drop --cursor to start from the first page, and keep the same --sort for every page.");
            }

            if (p.GetValue(json))
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
                }

                JsonOutput.Write(new JsonObject { ["items"] = items, ["nextCursor"] = page.NextCursor });
                return ExitCodes.Success;
            }

            if (page.Items.Count == 0)
            {
                context.Console.WriteLine(p.GetValue(cursor) is null ? "No sessions match. Record a sample with 'acode demo'." : "No more sessions.");
                return ExitCodes.Success;
            }

            var table = new Table().Border(TableBorder.Simple)
                .AddColumn("ID").AddColumn("State").AddColumn("Title").AddColumn(new TableColumn("Tasks").RightAligned())
                .AddColumn(new TableColumn("Tool calls").RightAligned()).AddColumn("Updated (UTC)");
            foreach (SessionSummary s in page.Items)
            {
                table.AddRow(s.Id.Value, s.State.ToString(), Display.Safe(s.Title, 60), s.TaskCount.ToString(CultureInfo.InvariantCulture),
                    s.ToolCallCount.ToString(CultureInfo.InvariantCulture), s.UpdatedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture));
            }

            context.Console.Write(table);
            if (page.NextCursor is not null)
            {
                context.Console.WriteLine($"More: acode session list --cursor {page.NextCursor}" + (order == SessionSort.UpdatedDescending ? "" : $" --sort {p.GetValue(sort)}"));
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
