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
        // acode's statements are short index ranges and batches: JIT compilation (tens of ms, whenever a row estimate
        // crosses jit_above_cost) would cost far more than it saves (docs/postgres.md). A jit setting of the user's wins.
        if (builder.ConnectionStringBuilder.Options?.Contains("jit", StringComparison.OrdinalIgnoreCase) != true)
        {
            builder.ConnectionStringBuilder.Options = $"{builder.ConnectionStringBuilder.Options} -c jit=off".TrimStart();
        }

        // The same few statements run over and over (saves, gets, pages, sync batches): Npgsql prepares each one after its
        // second use, so PostgreSQL stops parsing and planning it every time. A setting of the user's wins.
        if (!settings.ConnectionString.Contains("Auto Prepare", StringComparison.OrdinalIgnoreCase))
        {
            builder.ConnectionStringBuilder.MaxAutoPrepare = AutoPreparedStatements;
        }

        // Npgsql resets a pooled connection when it is handed out again (RESET ALL, UNLISTEN, unlocking advisory locks,
        // DISCARD TEMP: seven statements the server runs before the caller's first one). acode leaves no session state
        // behind (only transaction-scoped locks; its one session lock is released in a finally; its temp table is
        // CREATE … IF NOT EXISTS, ON COMMIT DELETE ROWS), and Npgsql still rolls back an unfinished transaction. A setting of the user's wins.
        if (!settings.ConnectionString.Contains("No Reset On Close", StringComparison.OrdinalIgnoreCase))
        {
            builder.ConnectionStringBuilder.NoResetOnClose = true;
        }

        // Npgsql 10 asks for GSSAPI session encryption by default (Prefer), which loads the system's Kerberos library
        // (libgssapi_krb5) on every first connection even where nobody uses Kerberos; a process stopped while that library
        // initializes aborts in its exit handlers (krb5int_key_delete assertion, exit 134). acode does not use GSSAPI
        // unless asked: a GSS Encryption Mode in the connection string (URL: gssencmode) or PGGSSENCMODE wins.
        if (!settings.ConnectionString.Contains("GSS Encryption Mode", StringComparison.OrdinalIgnoreCase)
            && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("PGGSSENCMODE")))
        {
            builder.ConnectionStringBuilder.GssEncryptionMode = GssEncryptionMode.Disable;
        }

        if (loggerFactory is not null)
        {
            builder.UseLoggerFactory(new NpgsqlLoggerFactory(loggerFactory));
        }

        return builder.Build();
    }

    /// <summary>A data source for the configured PostgreSQL.</summary>
    /// <exception cref="InvalidOperationException">PostgreSQL is not configured.</exception>
    /// <exception cref="AcodeDbException">ACODE-DB-007: the connection string cannot be used.</exception>
    public static NpgsqlDataSource Create(PostgresOptions options, ILoggerFactory? loggerFactory = null)
        => Create(PostgresConnectionSettings.From(options), loggerFactory);

    /// <summary>Opens a pooled connection.</summary>
    /// <exception cref="AcodeDbException">ACODE-DB-006: PostgreSQL is unreachable, refused the connection or the login.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static async Task<NpgsqlConnection> OpenConnectionAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        try
        {
            return await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && PostgresErrorMapper.Map(ex, PostgresConnectionSettings.Redact(dataSource.ConnectionString)) is { } unavailable)
        {
            throw unavailable;
        }
    }
}
