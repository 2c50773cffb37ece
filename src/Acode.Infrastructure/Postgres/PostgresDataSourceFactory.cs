using Acode.Application.Errors;
using Acode.Application.Options;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Acode.Infrastructure.Postgres;

/// <summary>
/// Builds the one <see cref="NpgsqlDataSource"/> (connection pool) of a process for the configured PostgreSQL,
/// and opens connections from it with failures reported as ACODE-DB-006. The caller owns and disposes the data source.
/// </summary>
public static class PostgresDataSourceFactory
{
    /// <summary>Statements Npgsql keeps prepared per connection (<c>Max Auto Prepare</c>) unless the connection string sets it.</summary>
    public const int AutoPreparedStatements = 64;

    /// <summary>A data source for <paramref name="settings"/>; opens no connection yet.</summary>
    /// <param name="settings">The parsed connection string (pool size and timeouts applied).</param>
    /// <param name="loggerFactory">Receives Npgsql's own logs, its per-command Information lines lowered to Debug; parameter values are never logged.</param>
    internal static NpgsqlDataSource Create(PostgresConnectionSettings settings, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var builder = new NpgsqlDataSourceBuilder(settings.ConnectionString)
        {
            // The pool's name appears in Npgsql's metrics and traces: the redacted target, never the connection string.
            Name = settings.Redacted,
        };
        NpgsqlConnectionStringBuilder connection = builder.ConnectionStringBuilder;
        // acode's statements are short index ranges and batches: JIT compilation (tens of ms, whenever a row estimate
        // crosses jit_above_cost) would cost far more than it saves (docs/postgres.md). A jit setting of the user's wins.
        if (connection.Options?.Contains("jit", StringComparison.OrdinalIgnoreCase) != true)
        {
            connection.Options = $"{connection.Options} -c jit=off".TrimStart();
        }

        // The same few statements run over and over (saves, gets, pages, sync batches): Npgsql prepares each one once it
        // has been used Auto Prepare Min Usages times (Npgsql's default: 5), so PostgreSQL stops parsing and planning it
        // every time. Only Max Auto Prepare turns this off: a connection string that sets Auto Prepare Min Usages alone
        // asks for preparation, and Npgsql's own Max Auto Prepare=0 would prepare nothing.
        SetUnlessGiven(connection, ["Max Auto Prepare"], c => c.MaxAutoPrepare = AutoPreparedStatements);

        // Npgsql resets a pooled connection when it is handed out again (RESET ALL, UNLISTEN, unlocking advisory locks,
        // DISCARD TEMP: seven statements the server runs before the caller's first one). acode leaves no session state
        // behind (only transaction-scoped locks; its one session lock is released in a finally; its temp table is
        // CREATE … IF NOT EXISTS, ON COMMIT DELETE ROWS), and Npgsql still rolls back an unfinished transaction.
        SetUnlessGiven(connection, ["No Reset On Close"], c => c.NoResetOnClose = true);

        // Npgsql 10 asks for GSSAPI session encryption by default (Prefer), which loads the system's Kerberos library
        // (libgssapi_krb5) on every first connection even where nobody uses Kerberos; a process stopped while that library
        // initializes aborts in its exit handlers (krb5int_key_delete assertion, exit 134). acode does not use GSSAPI
        // unless asked: a GSS Encryption Mode in the connection string (URL: gssencmode, set under this name) or PGGSSENCMODE wins.
        SetUnlessGiven(connection, ["GSS Encryption Mode"], c => c.GssEncryptionMode = GssEncryptionMode.Disable, environmentVariable: "PGGSSENCMODE");

        if (loggerFactory is not null)
        {
            builder.UseLoggerFactory(new NpgsqlLoggerFactory(loggerFactory));
        }

        return builder.Build();
    }

    /// <summary>
    /// Applies one of acode's defaults with <paramref name="set"/> unless the user chose the setting: the connection
    /// string sets one of <paramref name="keywords"/> (Npgsql's own names, under which it keeps a value whatever synonym
    /// or casing the connection string used), or <paramref name="environmentVariable"/> is set.
    /// </summary>
    private static void SetUnlessGiven(NpgsqlConnectionStringBuilder connection, string[] keywords, Action<NpgsqlConnectionStringBuilder> set, string? environmentVariable = null)
    {
        // ShouldSerialize, not ContainsKey: Npgsql's ContainsKey is true for every keyword it knows, set or not.
        if (!keywords.Any(connection.ShouldSerialize)
            && (environmentVariable is null || string.IsNullOrEmpty(Environment.GetEnvironmentVariable(environmentVariable))))
        {
            set(connection);
        }
    }

    /// <summary>A data source for the configured PostgreSQL.</summary>
    /// <exception cref="InvalidOperationException">PostgreSQL is not configured.</exception>
    /// <exception cref="AcodeDbException">ACODE-DB-007: the connection string cannot be used.</exception>
    public static NpgsqlDataSource Create(PostgresOptions options, ILoggerFactory? loggerFactory = null)
        => Create(PostgresConnectionSettings.From(options), loggerFactory);

    /// <summary>Opens a pooled connection.</summary>
    /// <exception cref="AcodeDbException">ACODE-DB-006: PostgreSQL is unreachable, refused the connection or the login.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static Task<NpgsqlConnection> OpenConnectionAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken = default)
        => OpenAsync(dataSource, PostgresErrorMapper.Map, cancellationToken);

    /// <summary>
    /// As <see cref="OpenConnectionAsync"/>, for a reader of the team's database: a failure carries the reader's hint
    /// (<see cref="PostgresErrorMapper.MapForReader"/>: nothing was read or changed), not the sync's.
    /// </summary>
    /// <exception cref="AcodeDbException">ACODE-DB-006: PostgreSQL is unreachable, refused the connection or the login.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    internal static Task<NpgsqlConnection> OpenReaderConnectionAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken = default)
        => OpenAsync(dataSource, PostgresErrorMapper.MapForReader, cancellationToken);

    private static async Task<NpgsqlConnection> OpenAsync(NpgsqlDataSource dataSource, Func<Exception, string, AcodeDbException?> map, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        try
        {
            return await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && map(ex, PostgresConnectionSettings.Redact(dataSource.ConnectionString)) is { } unavailable)
        {
            throw unavailable;
        }
    }
}
