using Acode.Application.Errors;
using Acode.Application.Queries;
using Acode.Infrastructure;
using Acode.Infrastructure.PostgresStore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Acode.Cli;

/// <summary>
/// Which of the sessions <c>acode session delete --local</c> removes the team's PostgreSQL holds no copy of (a
/// tombstone: deleted there by another workspace or <c>db prune --remote</c>; or never delivered): once this workspace's
/// copy is gone, <c>acode session pull</c> cannot bring those back, so the command says so before and after instead of
/// promising it. One read of PostgreSQL's <c>sessions</c> through its primary key.
/// </summary>
internal sealed class RemoteCopies
{
    private RemoteCopies(IReadOnlyList<string>? missing, string? problem)
    {
        Missing = missing;
        Problem = problem;
    }

    /// <summary>The sessions PostgreSQL holds no copy of, in the order given; null when PostgreSQL could not be asked (<see cref="Problem"/>).</summary>
    public IReadOnlyList<string>? Missing { get; }

    /// <summary>Why PostgreSQL could not be asked (its ACODE-DB code and message, without a password); null when it answered.</summary>
    public string? Problem { get; }

    /// <summary>Asks the configured PostgreSQL about <paramref name="sessionIds"/>; a PostgreSQL that does not answer gives <see cref="Problem"/>, never an error.</summary>
    public static async Task<RemoteCopies> ReadAsync(CliContext context, IEnumerable<string> sessionIds, CancellationToken cancellationToken)
    {
        var reader = new PostgresSessionWorkspaceReader(
            context.Services.GetRequiredKeyedService<NpgsqlDataSource>(PersistenceServiceCollectionExtensions.PostgresDataSourceKey), context.SyncTarget!.Redacted);
        List<string> ids = [.. sessionIds];
        try
        {
            IReadOnlySet<string> live = await reader.LiveAmongAsync([.. ids.Select(SessionId.Parse)], cancellationToken);
            return new RemoteCopies([.. ids.Where(id => !live.Contains(id))], null);
        }
        catch (AcodeDbException ex)
        {
            return new RemoteCopies(null, $"{ex.Code}: {ex.Message.TrimEnd('.', ' ')}");
        }
    }

    /// <summary>The same answer, for <paramref name="sessionIds"/> only (those a stopped deletion did delete).</summary>
    public RemoteCopies For(IEnumerable<string> sessionIds)
    {
        var kept = new HashSet<string>(sessionIds, StringComparer.Ordinal);
        return Missing is null ? this : new RemoteCopies([.. Missing.Where(kept.Contains)], null);
    }

    /// <summary>
    /// What to tell the user before (<paramref name="done"/> false) or after the deletion; null when PostgreSQL holds a copy
    /// of every session (before: nothing to add; after: the usual "PostgreSQL keeps them" applies).
    /// </summary>
    public string? Note(bool done)
    {
        if (Missing is null)
        {
            return done
                ? $"Only this workspace's copy was deleted. PostgreSQL could not be asked whether it still holds the sessions ({Problem}): where it does, 'acode session pull <id>' brings one back."
                : $"PostgreSQL could not be asked whether it still holds these sessions ({Problem}): one it no longer holds cannot be pulled back once this copy is deleted.";
        }

        if (Missing.Count == 0)
        {
            return null;
        }

        string ids = string.Join(", ", Missing);
        return done
            ? $"Only this workspace's copy was deleted. PostgreSQL holds no copy of {Missing.Count} of them ({ids}: deleted there, or never delivered), so 'acode session pull' cannot bring those back; another workspace may still hold one."
            : $"PostgreSQL holds no copy of {Missing.Count} of these sessions ({ids}: deleted there, or never delivered): once this workspace's copy is deleted, 'acode session pull' cannot bring those back.";
    }
}
