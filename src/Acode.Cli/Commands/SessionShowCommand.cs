using System.CommandLine;
using Spectre.Console;
using System.Text.Json.Nodes;
using Acode.Application.Serialization;
using Acode.Cli.Output;
using Acode.Application;
using Acode.Infrastructure;
using Acode.Infrastructure.PostgresStore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Acode.Cli.Commands;

/// <summary><c>acode session show &lt;id&gt;</c>: the session as a tree of tasks, steps, tool calls and artifacts.</summary>
internal static class SessionShowCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var id = new Argument<string>("id") { Description = "The session id (sess_…), or a unique start of it (sess_01JD3Z6Q)." };
        var json = new Option<bool>("--json") { Description = "Print the session's entities as a JSON array (the export document shape)." };
        var remote = new Option<bool>("--remote") { Description = "Show the session as PostgreSQL holds it (any workspace's) instead of this workspace's copy." };
        var events = new Option<bool>("--events") { Description = "Also print the session's event log: sequence, time (UTC), type and payload (shortened unless --full)." };
        var full = new Option<bool>("--full") { Description = "Print tool-call arguments, results, errors and event payloads whole instead of shortened." };
        var command = new Command("show", "Show a session as a tree: tasks → steps → tool calls, artifacts, events; with states, durations and versions.\n\nExamples:\n  acode session show sess_01JD3Z6Q6V2K8M4N5P7R9S1T3V\n  acode session show sess_01JD3Z6Q --events\n  acode session show sess_01JD3Z6Q --full --events\n  acode session show --remote sess_01JD3Z6Q6V2K8M4N5P7R9S1T3V") { id, json, events, full, remote };
        CommandAction.Set(command, globals, async (context, cancellationToken) =>
        {
            SessionIdArgument wanted = SessionIdArgument.Parse(context.ParseResult.GetValue(id));
            StoreScope scope = await StoreScope.OpenAsync(context, context.ParseResult.GetValue(remote), "'acode session show' without --remote shows this workspace's sessions.", cancellationToken);
            IRunStateStore store = scope.Store;
            SessionId sessionId = await wanted.ResolveExistingAsync(scope, context.Workspace.RootDirectory, cancellationToken);
            Session session = await store.GetSessionAsync(sessionId, cancellationToken)
                ?? throw (scope.IsRemote ? await RemoteTombstone.FindAsync(context, sessionId, "Nothing is left there to show.", cancellationToken) : null) ?? new UsageException($"No session {sessionId} in {scope.Where}.", scope.IsRemote ? "List the team's sessions with 'acode session list --remote'." : "List the sessions with 'acode session list', or pick the workspace with --workspace.", ExitCodes.Problem);
            if (context.ParseResult.GetValue(json))
            {
                using var buffer = new StringWriter();
                await SessionArchive.WriteDocumentsAsync(buffer, store, session, cancellationToken);
                var array = new JsonArray();
                foreach (string line in buffer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries))
                {
                    array.Add(JsonNode.Parse(line));
                }

                JsonOutput.Write(array);
                return ExitCodes.Success;
            }

            long eventCount = await store.CountEventsAsync(session.Id, cancellationToken);
            IReadOnlyList<SessionEvent> last = eventCount == 0 ? [] : await store.ReadEventsAsync(session, session.LastEventSequence - 1, 1, cancellationToken);
            bool whole = context.ParseResult.GetValue(full);
            context.Console.Write(SessionTreeRenderer.Render(session, eventCount, last.Count > 0 ? last[0].Type : null, whole));
            if (context.ParseResult.GetValue(events))
            {
                await EventLogRenderer.WriteAsync(context.Console, store, session, whole, cancellationToken);
            }

            long redacted = scope.Database is { } database
                ? database.CountRedactedSecrets(session.Id.Value, cancellationToken)
                : await PostgresRedactedSecrets.CountAsync(
                    context.Services.GetRequiredKeyedService<NpgsqlDataSource>(PersistenceServiceCollectionExtensions.PostgresDataSourceKey),
                    session.Id.Value, scope.Where, cancellationToken);
            if (redacted > 0)
            {
                context.Console.WriteLine($"Secrets redacted: {redacted} (replaced by [REDACTED:kind] markers before they were stored)");
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
