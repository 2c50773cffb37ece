using System.Reflection;
using Npgsql;
using NpgsqlTypes;

namespace Acode.Infrastructure.Sync;

/// <summary>
/// What a workspace tells PostgreSQL about itself, once per sync run, into <c>workspaces</c> (schema 1.4.0,
/// docs/postgres.md): its id, its name, the acode version and its outbox retention. Nothing else is sent: no path,
/// no user name, no configuration.
/// </summary>
/// <param name="Id">The workspace id (the <c>origin</c> of its rows).</param>
/// <param name="Name">The configured <c>persistence:sync:workspaceName</c>, else <c>host/folder</c>.</param>
/// <param name="AcodeVersion">The informational version of the acode build, without build metadata.</param>
/// <param name="OutboxRetentionDays"><c>persistence:sqlite:outboxRetentionDays</c>: how long this workspace keeps delivered records.</param>
internal sealed record WorkspaceRegistration(string Id, string Name, string AcodeVersion, int OutboxRetentionDays)
{
    // The CTE reads the row as it was before the upsert (one snapshot for the whole statement). An existing row's
    // last_sync_at is not moved here: the read of the changes lost since that follows moves it to the end of the window
    // it read (LostSinceReader), so a read that fails leaves the next run's window starting where the last one ended.
    private const string UpsertSql = """
        WITH previous AS (SELECT last_sync_at FROM workspaces WHERE id = $1)
        INSERT INTO workspaces (id, name, acode_version, outbox_retention_days, first_sync_at, last_sync_at)
        VALUES ($1, $2, $3, $4, now(), now())
        ON CONFLICT (id) DO UPDATE SET name = excluded.name, acode_version = excluded.acode_version,
            outbox_retention_days = excluded.outbox_retention_days
        RETURNING (SELECT last_sync_at FROM previous);
        """;

    /// <summary>The registration of the workspace at <paramref name="rootDirectory"/>.</summary>
    /// <param name="id">The workspace id.</param>
    /// <param name="rootDirectory">The workspace folder (the one holding <c>.agent/</c>).</param>
    /// <param name="outboxRetentionDays">The workspace's <c>persistence:sqlite:outboxRetentionDays</c>.</param>
    /// <param name="configuredName">The configured name; null or blank for the default <c>host/folder</c>.</param>
    public static WorkspaceRegistration Of(string id, string rootDirectory, string? configuredName, int outboxRetentionDays)
        => new(id, string.IsNullOrWhiteSpace(configuredName) ? DefaultName(rootDirectory) : configuredName.Trim(), CurrentVersion(), outboxRetentionDays);

    /// <summary><c>host/folder</c>: the machine name and the last segment of the workspace folder.</summary>
    public static string DefaultName(string rootDirectory)
    {
        string folder = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(rootDirectory)));
        return $"{Environment.MachineName}/{(folder.Length == 0 ? rootDirectory : folder)}";
    }

    /// <summary>Upserts this workspace's row: inserted at its first sync, name/version/retention updated later (the last sync by <see cref="LostSinceReader"/>).</summary>
    /// <returns>The row's <c>last_sync_at</c> as this upsert found it (UTC; the upsert leaves it): null when the row was new.</returns>
    public async Task<DateTimeOffset?> UpsertAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        NpgsqlConnection connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var connectionScope = connection.ConfigureAwait(false);
        var command = new NpgsqlCommand(UpsertSql, connection);
        await using var commandScope = command.ConfigureAwait(false);
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = Id });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = Name });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = AcodeVersion });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Integer, Value = OutboxRetentionDays });
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is DateTime before
            ? new DateTimeOffset(DateTime.SpecifyKind(before, DateTimeKind.Utc))
            : null;
    }

    private static string CurrentVersion()
    {
        string? version = typeof(WorkspaceRegistration).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        return string.IsNullOrEmpty(version) ? "unknown" : version.Split('+')[0];
    }
}
