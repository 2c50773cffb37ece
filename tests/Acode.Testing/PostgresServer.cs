using System.Globalization;
using System.Security.Cryptography;
using Acode.Infrastructure.Postgres;
using Npgsql;

namespace Acode.Testing;

/// <summary>
/// A real PostgreSQL server for tests. With <see cref="UrlVariable"/> set, the server it names is used (nothing is
/// started; <see cref="StopAsync"/>/<see cref="StartAsync"/> are not available). Otherwise a fresh, throwaway cluster
/// is created with <c>initdb</c> in a temporary folder (owned by the OS user <c>postgres</c> when running as root),
/// listening on 127.0.0.1 only, on a free port, with a random superuser password (scram-sha-256), and removed by
/// <see cref="DisposeAsync"/>. Start-up takes about a second.
/// </summary>
/// <remarks>
/// A server that cannot be started is an error with the reason and the command that fixes it, never a skipped test:
/// CI must fail loudly. Share one instance per test assembly through <see cref="PostgresFixture"/>.
/// </remarks>
public sealed partial class PostgresServer : IAsyncDisposable
{
    /// <summary>An existing server to use instead of starting one, e.g. <c>postgresql://postgres:secret@127.0.0.1:5432/postgres</c> (the user must be allowed to create databases).</summary>
    public const string UrlVariable = "ACODE_TEST_POSTGRES_URL";

    /// <summary>The folder of initdb and pg_ctl, when not <see cref="DefaultBinDirectory"/>.</summary>
    public const string BinVariable = "ACODE_TEST_POSTGRES_BIN";

    public const string DefaultBinDirectory = "/usr/lib/postgresql/15/bin";

    private const string SuperuserName = "postgres";
    private const string OsUser = "postgres";

    private readonly Lock _gate = new();
    private readonly List<string> _createdDatabases = [];
    private readonly string _adminDatabase;
    private readonly Cluster? _cluster;
    private int _databaseCount;
    private bool _disposed;

    private PostgresServer(string host, int port, string username, string password, string adminDatabase, Cluster? cluster)
    {
        Host = host;
        Port = port;
        Username = username;
        Password = password;
        _adminDatabase = adminDatabase;
        _cluster = cluster;
    }

    /// <summary>True when the server comes from <see cref="UrlVariable"/> and is not owned by the tests.</summary>
    public bool IsExternal => _cluster is null;

    public string Host { get; }

    public int Port { get; }

    /// <summary>The superuser (or, for an external server, the user of <see cref="UrlVariable"/>).</summary>
    public string Username { get; }

    /// <summary>The password of <see cref="Username"/>: tests check that it never shows up in output.</summary>
    public string Password { get; }

    /// <summary>The data folder of the cluster; null for an external server.</summary>
    public string? DataDirectory => _cluster?.DataDirectory;

    /// <summary>The server's log file; null for an external server.</summary>
    public string? LogFile => _cluster?.LogFile;

    /// <summary>The postmaster's process id while the owned server runs; null when stopped or external.</summary>
    public int? ProcessId => _cluster?.ProcessId;

    /// <summary>True unless <see cref="StopAsync"/> stopped the owned server.</summary>
    public bool IsRunning => _cluster?.IsRunning ?? true;

    /// <summary>Unpooled connection string of the administrative database, for setting up and inspecting.</summary>
    public string AdminConnectionString => ConnectionStringFor(_adminDatabase, pooling: false);

    /// <summary>Starts a throwaway cluster, or connects to the server of <see cref="UrlVariable"/>.</summary>
    /// <exception cref="InvalidOperationException">The server cannot be started or reached; the message gives the reason and the fix.</exception>
    public static Task<PostgresServer> StartNewAsync(CancellationToken cancellationToken = default) => StartNewAsync(durable: true, cancellationToken);

    /// <summary>
    /// As <see cref="StartNewAsync(CancellationToken)"/>, but a cluster of its own runs with PostgreSQL's non-durable settings
    /// (<c>fsync = off</c>, <c>full_page_writes = off</c>; PostgreSQL docs, "Non-Durable Settings"): for the test suites,
    /// whose faults are process crashes (an immediate stop, SIGKILL), which lose nothing the operating system holds.
    /// Under a loaded machine's I/O a fast stop's checkpoint and the end-of-recovery checkpoint after a crash took longer
    /// than pg_ctl's wait, and every later test of the collection failed. The benchmark keeps the durable cluster.
    /// </summary>
    /// <exception cref="InvalidOperationException">The server cannot be started or reached; the message gives the reason and the fix.</exception>
    public static Task<PostgresServer> StartNewNonDurableAsync(CancellationToken cancellationToken = default) => StartNewAsync(durable: false, cancellationToken);

    private static async Task<PostgresServer> StartNewAsync(bool durable, CancellationToken cancellationToken)
    {
        string? url = Environment.GetEnvironmentVariable(UrlVariable);
        if (!string.IsNullOrWhiteSpace(url))
        {
            return await ConnectExternalAsync(url, cancellationToken);
        }

        string password = RandomNumberGenerator.GetString("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789", 24);
        Cluster cluster = await Cluster.CreateAsync(Environment.GetEnvironmentVariable(BinVariable) ?? DefaultBinDirectory, OsUser, SuperuserName, password, durable, cancellationToken);
        var server = new PostgresServer("127.0.0.1", cluster.Port, SuperuserName, password, "postgres", cluster);
        try
        {
            await server.ProbeAsync(cancellationToken);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    /// <summary>Creates a new, empty, uniquely named database and returns its (pooled) Npgsql connection string.</summary>
    public async Task<string> CreateDatabaseAsync(CancellationToken cancellationToken = default)
    {
        string name = string.Create(CultureInfo.InvariantCulture, $"acode_test_{Interlocked.Increment(ref _databaseCount)}_{RandomNumberGenerator.GetHexString(8, lowercase: true)}");
        await using (var connection = new NpgsqlConnection(AdminConnectionString))
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\";", connection); // name is generated above, never input
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        lock (_gate)
        {
            _createdDatabases.Add(name);
        }

        return ConnectionStringFor(name);
    }

    /// <summary>The Npgsql connection string of <paramref name="database"/> on this server, password included.</summary>
    public string ConnectionStringFor(string database, bool pooling = true) => new NpgsqlConnectionStringBuilder
    {
        Host = Host,
        Port = Port,
        Username = Username,
        Password = Password,
        Database = database,
        Pooling = pooling,
        Timeout = 5,
    }.ConnectionString;

    /// <summary>The same target as <paramref name="connectionString"/> in URL form: <c>postgresql://user:password@host:port/database</c>.</summary>
    public static string ToUrl(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        string userInfo = builder.Username is null ? string.Empty
            : Uri.EscapeDataString(builder.Username) + (builder.Password is null ? string.Empty : ":" + Uri.EscapeDataString(builder.Password)) + "@";
        return string.Create(CultureInfo.InvariantCulture, $"postgresql://{userInfo}{builder.Host}:{builder.Port}/{Uri.EscapeDataString(builder.Database ?? string.Empty)}");
    }

    /// <summary>
    /// Stops the owned server (<c>pg_ctl stop -m fast</c>): open connections break, new ones are refused. Clears the
    /// pools of plain <see cref="NpgsqlConnection"/>s; an <see cref="NpgsqlDataSource"/> keeps its dead idle connections
    /// until its owner clears it or uses them.
    /// </summary>
    /// <exception cref="NotSupportedException">The server is external.</exception>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        await OwnedCluster().StopAsync(cancellationToken);

        // Idle pooled connections of plain connection strings died with the server; data sources are their owners' to clear.
        NpgsqlConnection.ClearAllPools();
    }

    /// <summary>
    /// Stops the owned server as a crash would (<c>pg_ctl stop -m immediate</c>, which signals the postmaster by the pid
    /// in its data folder): transactions in flight are neither finished nor rolled back cleanly, and the next
    /// <see cref="StartAsync"/> runs crash recovery. Clears the pools of plain <see cref="NpgsqlConnection"/>s.
    /// </summary>
    /// <exception cref="NotSupportedException">The server is external.</exception>
    public async Task StopImmediatelyAsync(CancellationToken cancellationToken = default)
    {
        await OwnedCluster().StopAsync("immediate", cancellationToken);
        NpgsqlConnection.ClearAllPools();
    }

    /// <summary>Starts the owned server again: same data, port and password.</summary>
    /// <exception cref="NotSupportedException">The server is external.</exception>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        await OwnedCluster().StartAsync(cancellationToken);
        await ProbeAsync(cancellationToken);
    }

    /// <summary>Stops and deletes the owned cluster; for an external server, drops the databases created here.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
            return;
        }

        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        foreach (string name in _createdDatabases)
        {
            await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE);", connection);
            await command.ExecuteNonQueryAsync();
        }
    }

    internal static InvalidOperationException CannotStart(string reason, string fix)
        => new($"Cannot start the PostgreSQL server for the tests: {reason}.{Environment.NewLine}Fix: {fix}{Environment.NewLine}Or point the tests at an existing server: export {UrlVariable}=postgresql://USER:PASSWORD@HOST:5432/postgres");

    private static async Task<PostgresServer> ConnectExternalAsync(string url, CancellationToken cancellationToken)
    {
        var builder = new NpgsqlConnectionStringBuilder(PostgresConnectionSettings.Parse(url, UrlVariable).ConnectionString);
        var server = new PostgresServer(builder.Host!, builder.Port, builder.Username ?? Environment.UserName, builder.Password ?? string.Empty, builder.Database ?? "postgres", null);
        await server.ProbeAsync(cancellationToken);
        return server;
    }

    private async Task ProbeAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = new NpgsqlConnection(AdminConnectionString);
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SELECT 1;", connection);
            await command.ExecuteScalarAsync(cancellationToken);
        }
        catch (NpgsqlException ex)
        {
            string redacted = PostgresConnectionSettings.Redact(AdminConnectionString);
            throw IsExternal
                ? CannotStart($"the server of {UrlVariable} ({redacted}) cannot be reached: {ex.Message}", $"check that it runs and that the URL, user and password are right, or unset {UrlVariable} to let the tests start their own server")
                : CannotStart($"the server started but refuses connections ({redacted}): {ex.Message}. Server log: {_cluster!.LogFile}", "read the server log above");
        }
    }

    private Cluster OwnedCluster()
        => _cluster ?? throw new NotSupportedException($"The test server comes from {UrlVariable}; it cannot be stopped or started by the tests. Unset {UrlVariable} to run fault tests against a server the tests own.");
}
