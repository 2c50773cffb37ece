using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Acode.Application.Errors;
using Acode.Application.Queries;
using Acode.Application.Search;
using Acode.Application.Serialization;
using Acode.Cli.Output;
using Acode.Infrastructure.Migrations;
using Acode.Infrastructure;
using Acode.Infrastructure.Search;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Spectre.Console;

namespace Acode.Cli.Commands;

/// <summary><c>acode session search "query"</c>: full-text search over this workspace, or with <c>--remote</c> over every workspace in PostgreSQL.</summary>
internal static class SessionSearchCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var text = new Argument<string>("query") { Description = "What to search for: words (all must match), \"a phrase\", prefix*, OR, NOT word or -word, parentheses. See docs/search.md." };
        var states = new Option<SessionState[]>("--state", "-s") { Description = "Only hits in sessions in this state (repeatable).", AllowMultipleArgumentsPerToken = true };
        var since = new Option<string?>("--since") { Description = $"Only hits in sessions created at or after this time. {TimeArgument.Forms}." };
        var until = new Option<string?>("--until") { Description = "Only hits in sessions created before this time (the forms of --since)." };
        var title = new Option<string?>("--title", "-t") { Description = "Only hits in sessions whose title contains this text." };
        var limit = new Option<int>("--limit", "-n") { Description = $"Hits per page, 1 to {PaginationOptions.MaxLimit}.", DefaultValueFactory = _ => 20, CustomParser = WholeNumberRange.Parser("--limit", 1, PaginationOptions.MaxLimit) };
        var cursor = new Option<string?>("--cursor") { Description = "Continue after the previous page (run the 'More:' line, or --json's nextCommand, as printed)." };
        var remote = new Option<bool>("--remote") { Description = "Search every workspace's sessions in PostgreSQL (ACODE_POSTGRES_URL) instead of this workspace." };
        var json = new Option<bool>("--json") { Description = "Print JSON: items (with snippet and highlights as [start, length] in UTF-16 code units), nextCursor, nextCommand, nextArguments." };
        var command = new Command("search", """
            Full-text search over session titles and goals, task and step titles and descriptions, tool-call names,
            arguments, results and errors, artifact names and text artifacts (the first 65,536 characters of each).
            Best matches first; each hit names its session, the entity and field, and a snippet with the matched words
            highlighted.

            Query syntax: words are ANDed; "quoted phrase"; prefix*; OR; NOT word or -word; AND and parentheses
            optional. Operators are upper case. Punctuation separates words: src/parser.cs is the phrase "src parser cs".

            Examples:
              acode session search "connection refused"
              acode session search 'timeout -retry' --state Failed --since 7d
              acode session search 'deploy* AND (staging OR production)' --json
              acode session search '"permission denied"' --remote
            """)
        {
            text, states, since, until, title, limit, cursor, remote, json,
        };
        CommandAction.Set(command, globals, async (context, cancellationToken) =>
        {
            ParseResult p = context.ParseResult;
            int pageSize = p.GetValue(limit);

            SearchQuery query;
            try
            {
                query = SearchQuery.Parse(p.GetValue(text) ?? "");
            }
            catch (SearchQueryException ex)
            {
                throw new UsageException(ex.Reason, "acode session search 'connection refused' (see 'acode session search --help' for phrases, prefix*, OR and NOT).");
            }

            DateTimeOffset now = DateTimeOffset.UtcNow;
            SessionFilterOptions.CheckTitle(p.GetValue(title));
            var filter = new SessionFilter
            {
                States = p.GetValue(states)?.Distinct().ToArray() ?? [],
                CreatedFrom = p.GetValue(since) is { } from ? TimeArgument.Parse(from, "--since", now) : null,
                CreatedTo = p.GetValue(until) is { } to ? TimeArgument.Parse(to, "--until", now) : null,
                TitleContains = p.GetValue(title),
            };
            if (filter.CreatedFrom >= filter.CreatedTo)
            {
                throw new UsageException($"--since ({UtcTimestamp.Format(filter.CreatedFrom)}) is not before --until ({UtcTimestamp.Format(filter.CreatedTo)}), so no session can match.", "Give --since the earlier time; both are UTC unless they carry an offset.");
            }

            bool isRemote = p.GetValue(remote);
            var options = new PaginationOptions { Limit = pageSize, Cursor = p.GetValue(cursor) };
            Page<SearchHit> page;
            try
            {
                page = isRemote ? await SearchRemoteAsync(context, query, filter, options, cancellationToken) : await SearchLocalAsync(context, query, filter, options, cancellationToken);
            }
            catch (CursorMismatchException ex)
            {
                throw new UsageException(ex.Reason, "Run the 'More:' line of the previous page exactly as printed, or drop --cursor to start from the first page.");
            }
            catch (InvalidCursorException ex)
            {
                throw new UsageException(ex.Reason, "Drop --cursor to start from the first page, and give every later page the cursor the previous page printed.");
            }

            bool asJson = p.GetValue(json);
            List<string>? next = page.NextCursor is null ? null : NextPageArguments(p.GetValue(globals.Workspace), query.Text, filter, pageSize, isRemote, asJson, page.NextCursor);
            if (asJson)
            {
                JsonOutput.Write(new JsonObject
                {
                    ["items"] = new JsonArray([.. page.Items.Select(hit => ToJson(hit, isRemote))]),
                    ["nextCursor"] = page.NextCursor,
                    ["nextCommand"] = next is null ? null : "acode " + ShellQuoting.Join(next),
                    ["nextArguments"] = next is null ? null : new JsonArray([.. next.Select(a => (JsonNode)a)]),
                });
                return ExitCodes.Success;
            }

            if (page.Items.Count == 0)
            {
                // With a filter, the hits may be there in sessions it leaves out: say which filter, as session list does.
                context.Console.MarkupLine(options.Cursor is not null ? "No more hits."
                    : SessionFilterOptions.Narrows(filter) ? $"No hits for {Display.Safe(query.Canonical)} {(isRemote ? "in PostgreSQL" : "in this workspace")} in sessions that match the filter ({SessionFilterOptions.Words(filter)}). Loosen it (another --state, a wider --since/--until, less of the --title), or search every session without it."
                    : $"No hits for {Display.Safe(query.Canonical)}{(isRemote ? " in PostgreSQL" : " in this workspace")}.{UnspacedScriptNote(query.Canonical)}");
                return ExitCodes.Success;
            }

            // The session cell is its id over its title (cut to the id's width); Entity goes first when narrow. With
            // --remote the workspace each hit comes from is kept (trial AH 1: it went first, so 80 to 139 columns did not
            // say it): a Workspace column where it fits, else its name under the session's title, else in the blocks.
            var table = new FittedTable(TableBorder.Simple).Keep("Session").Optional("Entity", drop: 1).Keep("Field").Free("Snippet");
            if (isRemote)
            {
                table.Keep("Workspace");
            }

            foreach (SearchHit hit in page.Items)
            {
                var row = new List<string>
                {
                    $"{hit.SessionId.Value}\n{Display.Safe(hit.SessionTitle, 30)}", $"{hit.EntityType}\n{Display.Safe(hit.EntityId)}", Display.Safe(hit.Field), Highlighted(hit.Snippet),
                };
                if (isRemote)
                {
                    table.AddRow([.. row, Display.Workspace(hit.Origin, hit.OriginName)],
                        [$"{row[0]}\n{Display.WorkspaceName(hit.Origin, hit.OriginName, hit.SessionId.Value.Length - 1)}", .. row[1..], string.Empty],
                        [.. row, Display.Workspace(hit.Origin, hit.OriginName, int.MaxValue)]);
                }
                else
                {
                    table.AddRow([.. row]);
                }
            }

            table.Write(context.Console);
            if (next is not null)
            {
                System.Console.Out.WriteLine($"More: acode {ShellQuoting.Join(next)}");
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static async Task<Page<SearchHit>> SearchLocalAsync(CliContext context, SearchQuery query, SessionFilter filter, PaginationOptions page, CancellationToken cancellationToken)
    {
        context.OpenExistingDatabase();
        return await context.Services.GetRequiredService<ISessionSearch>().SearchAsync(query, filter, page, cancellationToken);
    }

    private static async Task<Page<SearchHit>> SearchRemoteAsync(CliContext context, SearchQuery query, SessionFilter filter, PaginationOptions page, CancellationToken cancellationToken)
    {
        await RemoteSchema.EnsureReadableAsync(context, "'acode session search' without --remote searches this workspace.", cancellationToken);
        return await context.Services.GetRequiredService<PostgresSessionSearch>().SearchAsync(query, filter, page, cancellationToken);
    }

    /// <summary>The snippet for the terminal: escaped text, each matched word in bold yellow.</summary>
    private static string Highlighted(SearchSnippet snippet)
    {
        var markup = new StringBuilder();
        int at = 0;
        foreach (SearchHighlight highlight in snippet.Highlights)
        {
            markup.Append(Display.Safe(snippet.Text[at..highlight.Start]));
            markup.Append("[bold yellow]").Append(Display.Safe(snippet.Text.Substring(highlight.Start, highlight.Length))).Append("[/]");
            at = highlight.Start + highlight.Length;
        }

        markup.Append(Display.Safe(snippet.Text[at..]));
        return markup.ToString();
    }

    private static JsonObject ToJson(SearchHit hit, bool remote)
    {
        var item = new JsonObject
        {
            ["sessionId"] = hit.SessionId.Value,
            ["sessionTitle"] = hit.SessionTitle,
            ["sessionState"] = hit.SessionState.ToString(),
            ["sessionUpdatedAt"] = UtcTimestamp.Format(hit.SessionUpdatedAt),
            ["entityType"] = hit.EntityType.ToString(),
            ["entityId"] = hit.EntityId,
            ["field"] = hit.Field,
            ["snippet"] = hit.Snippet.Text,
            ["highlights"] = new JsonArray([.. hit.Snippet.Highlights.Select(h => (JsonNode)new JsonArray(h.Start, h.Length))]),
            ["score"] = hit.Score,
            ["origin"] = hit.Origin,
        };
        if (remote)
        {
            item["workspaceName"] = hit.OriginName;
        }

        return item;
    }

    private static List<string> NextPageArguments(string? workspace, string query, SessionFilter filter, int limit, bool remote, bool json, string cursor)
    {
        var arguments = new List<string> { "session", "search" };
        SessionFilterOptions.AddArguments(arguments, workspace, filter);

        arguments.AddRange(["--limit", limit.ToString(CultureInfo.InvariantCulture)]);
        if (remote)
        {
            arguments.Add("--remote");
        }

        if (json)
        {
            arguments.Add("--json");
        }

        arguments.AddRange(["--cursor", cursor, "--"]);
        arguments.Add(query);
        return arguments;
    }

    /// <summary>
    /// For a query holding letters of a script written without spaces (CJK, Thai), the sentence saying that a run of them
    /// is one word, so that only its start is found, as a prefix (docs/search.md); else empty.
    /// </summary>
    private static string UnspacedScriptNote(string query)
        => query.Any(c => c is (>= '\u3040' and <= '\u30FF') or (>= '\u3400' and <= '\u4DBF') or (>= '\u4E00' and <= '\u9FFF') or (>= '\u0E00' and <= '\u0E7F'))
            ? " Text written without spaces (Chinese, Japanese, Thai) is indexed as one word per run, so a word inside a run is not found: search for the start of the run as a prefix, with * after it."
            : "";
}
