using System.CommandLine;
using System.Text;
using Acode.Application.Serialization;
using Acode.Application;

namespace Acode.Cli.Commands;

/// <summary><c>acode session export &lt;id&gt;</c>: the whole session as JSON Lines, to stdout or a file.</summary>
internal static class SessionExportCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var id = new Argument<string>("id") { Description = "The session id (sess_…), or a unique start of it (sess_01JD3Z6Q)." };
        var output = new Option<string?>("--output", "-o") { Description = "Write to this file (0600) instead of standard output. An existing file is not overwritten." };
        var remote = new Option<bool>("--remote") { Description = "Export the session as PostgreSQL holds it (any workspace's) instead of this workspace's copy." };
        var command = new Command("export", "Export a session (entities and events) as JSON Lines; 'acode session import' reads it back exactly.\n\nExamples:\n  acode session export sess_01JD… > session.jsonl\n  acode session export sess_01JD… -o session.jsonl\n  acode session export --remote sess_01JD… -o session.jsonl") { id, output, remote };
        CommandAction.Set(command, globals, async (context, cancellationToken) =>
        {
            SessionIdArgument wanted = SessionIdArgument.Parse(context.ParseResult.GetValue(id));
            using StoreScope scope = StoreScope.Open(context, context.ParseResult.GetValue(remote));
            IRunStateStore store = scope.Store;
            SessionId sessionId = await wanted.ResolveExistingAsync(store, context.Workspace.RootDirectory, cancellationToken);
            Session session = await store.GetSessionAsync(sessionId, cancellationToken)
                ?? throw new UsageException($"No session {sessionId} in {scope.Where}.", scope.IsRemote ? "List the team's sessions with 'acode session list --remote'." : "List the sessions with 'acode session list'.", ExitCodes.Problem);
            string? path = context.ParseResult.GetValue(output);
            if (path is null)
            {
                await SessionArchive.WriteAsync(Console.Out, store, session, cancellationToken);
                await Console.Out.FlushAsync(cancellationToken);
                return ExitCodes.Success;
            }

            FileStream file;
            try
            {
                var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
                if (!OperatingSystem.IsWindows())
                {
                    options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
                }

                file = new FileStream(path, options);
            }
            catch (IOException ex) when (File.Exists(path))
            {
                throw new UsageException($"'{path}' already exists: {ex.Message}", "Choose another file name, or delete the old export first.");
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new UsageException($"Cannot create '{path}': {ex.Message}", "Check the folder exists and is writable.");
            }

            await using (file)
            await using (var writer = new StreamWriter(file, new UTF8Encoding(false)))
            {
                await SessionArchive.WriteAsync(writer, store, session, cancellationToken);
            }

            Console.Error.WriteLine($"Exported session {sessionId} to {path}.");
            return ExitCodes.Success;
        });
        return command;
    }
}
