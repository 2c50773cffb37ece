using Acode.Application.Queries;
using Acode.Cli.Output;
using Acode.Infrastructure;
using Acode.Infrastructure.PostgresStore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Acode.Cli;

/// <summary>
/// A session the team's PostgreSQL holds only as a tombstone (deleted by another workspace's <c>session delete</c> and
/// sync, or by <c>db prune --remote</c>): the error a remote read or a pull gives for it, saying when and by which
/// workspace it was deleted and what that means for a local copy, instead of "no session".
/// </summary>
internal static class RemoteTombstone
{
    /// <summary>The error (exit 1) for a session deleted in PostgreSQL, or null when PostgreSQL has no tombstone of it.</summary>
    /// <param name="context">The invocation (PostgreSQL configured and found readable).</param>
    /// <param name="id">The session asked for.</param>
    /// <param name="nothingDone">What the command did not do, e.g. "Nothing was pulled."</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    /// <exception cref="Application.Errors.AcodeDbException">ACODE-DB-006 when PostgreSQL cannot be read.</exception>
    public static async Task<UsageException?> FindAsync(CliContext context, SessionId id, string nothingDone, CancellationToken cancellationToken)
    {
        string target = context.SyncTarget!.Redacted;
        var reader = new PostgresSessionWorkspaceReader(
            context.Services.GetRequiredKeyedService<NpgsqlDataSource>(PersistenceServiceCollectionExtensions.PostgresDataSourceKey), target);
        if (await reader.GetAsync(id, cancellationToken) is not { DeletedAt: { } deletedAt } tombstone)
        {
            return null;
        }

        return new UsageException(
            $"{TombstoneText.Deleted(id, tombstone, deletedAt, target)} {nothingDone}",
            $"A copy of it in a workspace stays there but is no longer shared: a change made to it loses to the deletion when synced (recorded as a conflict). "
            + (context.WorkspaceDatabaseExists
                ? $"Delete this workspace's copy, if it has one you no longer need, with '{DeleteCommand(context, id)}'; "
                : $"Delete a workspace's copy, if one you no longer need holds it, with 'acode --workspace <folder> session delete {id.Value} --local'; ")
            + "'acode session list --remote' lists the team's sessions.",
            ExitCodes.Problem);
    }

    /// <summary>The delete of this workspace's copy only (<c>--local</c>, as the team's copy is gone already), with the workspace named: pasted in another folder it must not delete that folder's copy.</summary>
    private static string DeleteCommand(CliContext context, SessionId id)
        => "acode " + ShellQuoting.Join(["--workspace", context.Workspace.RootDirectory, "session", "delete", id.Value, "--local"]);
}
