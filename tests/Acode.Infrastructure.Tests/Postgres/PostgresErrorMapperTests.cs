using System.Net;
using System.Net.Sockets;
using Acode.Application.Errors;
using Acode.Application.Options;
using Acode.Infrastructure.Postgres;
using Acode.Infrastructure.Tests.Support;
using Acode.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Npgsql;

namespace Acode.Infrastructure.Tests.Postgres;

/// <summary>AC-058 (partial) and ACODE-DB-006: outages, refusals and auth failures against the real server, never showing the password.</summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class PostgresErrorMapperTests(PostgresFixture fixture)
{
    private const string WrongPassword = "Wrong-Zq9xKv-Wm4tR";

    private PostgresServer Server => fixture.Server;

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [Fact]
    [Trait("AC", "AC-058")]
    public async Task A_dead_port_is_ACODE_DB_006_connection_refused()
    {
        int port = FreePort();
        var settings = Settings($"Host=127.0.0.1;Port={port};Username=acode;Password={Server.Password};Database=runs");

        AcodeDbException ex = await OpenFails(settings);

        Assert.Equal(
            $"PostgreSQL at postgresql://acode@127.0.0.1:{port}/runs is unavailable: the connection was refused (is the server running and listening on that host and port?).",
            ex.Message);
        Assert.Equal("ACODE-DB-006", ex.Code);
        Assert.True(ex.IsTransient);
        Assert.StartsWith("Check that the server is running", ex.Hint, StringComparison.Ordinal);
        Assert.Contains("Local work continues meanwhile; sync resumes by itself", ex.Hint, StringComparison.Ordinal);
        AssertNoSecret(ex, Server.Password);
    }

    [Fact]
    [Trait("AC", "AC-058")]
    public async Task A_wrong_password_is_ACODE_DB_006_authentication_failed()
    {
        string connectionString = await fixture.CreateDatabaseAsync();
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { Password = WrongPassword };
        PostgresConnectionSettings settings = Settings(builder.ConnectionString);

        AcodeDbException ex = await OpenFails(settings);

        Assert.Equal(
            $"PostgreSQL at postgresql://{Server.Username}@127.0.0.1:{Server.Port}/{builder.Database} is unavailable: authentication failed (SQLSTATE 28P01: password authentication failed for user \"{Server.Username}\").",
            ex.Message);
        PostgresException inner = Assert.IsType<PostgresException>(ex.InnerException);
        Assert.Equal(PostgresErrorCodes.InvalidPassword, inner.SqlState);
        AssertNoSecret(ex, WrongPassword);
        AssertNoSecret(ex, Server.Password);
    }

    [Fact]
    public async Task A_password_put_in_the_user_name_is_not_repeated_from_the_target_or_the_server_s_message()
    {
        // Trial AU 7: "user:password" with the ':' percent-encoded; the server quotes the user name back.
        const string InUser = "Secret9InUser-Kq4";
        string connectionString = await fixture.CreateDatabaseAsync();
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { Username = "r_quote:" + InUser };
        PostgresConnectionSettings settings = Settings(builder.ConnectionString);

        AcodeDbException ex = await OpenFails(settings);

        Assert.Equal(
            $"PostgreSQL at postgresql://r_quote%3A***@127.0.0.1:{Server.Port}/{builder.Database} is unavailable: authentication failed (SQLSTATE 28P01: password authentication failed for user \"r_quote:***\").",
            ex.Message);
        Assert.DoesNotContain(InUser, ex.Hint, StringComparison.Ordinal);
        AssertNoSecret(ex, Server.Password);
    }

    [Fact]
    public async Task A_statement_cancelled_by_the_statement_timeout_says_so_and_how_to_raise_it_not_that_the_server_is_down()
    {
        // trial Z: worded as "unavailable", with the advice for a server that is down, although it answers.
        string connectionString = await fixture.CreateDatabaseAsync();
        await using NpgsqlDataSource dataSource = NpgsqlDataSource.Create(connectionString);
        await using NpgsqlConnection connection = await dataSource.OpenConnectionAsync();
        await using var command = new NpgsqlCommand("SET statement_timeout = 10; SELECT pg_sleep(5);", connection);
        PostgresException cancelled = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync());
        string target = $"postgresql://{Server.Username}@127.0.0.1:{Server.Port}/runs";

        AcodeDbException ex = PostgresErrorMapper.Map(cancelled, target)!;

        Assert.Equal("ACODE-DB-006", ex.Code);
        Assert.True(PostgresErrorMapper.IsOutage(cancelled)); // the sync retries the batch record by record, as before
        Assert.StartsWith($"PostgreSQL at {target} is reachable but cancelled a statement of acode's: the server cancelled the statement (statement_timeout", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"ALTER ROLE {Server.Username} SET statement_timeout", ex.Hint, StringComparison.Ordinal);
        Assert.Contains("persistence:sync:batchSize", ex.Hint, StringComparison.Ordinal);
        Assert.DoesNotContain("Check that the server is running", ex.Hint, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("AC", "AC-058")]
    public async Task A_missing_database_is_ACODE_DB_006()
    {
        var builder = new NpgsqlConnectionStringBuilder(Server.AdminConnectionString) { Database = "acode_no_such_database" };

        AcodeDbException ex = await OpenFails(Settings(builder.ConnectionString));

        Assert.Contains("the database does not exist (SQLSTATE 3D000: database \"acode_no_such_database\" does not exist)", ex.Message, StringComparison.Ordinal);
        AssertNoSecret(ex, Server.Password);
    }

    [Fact]
    [Trait("AC", "AC-028")]
    public async Task The_pool_size_caps_open_connections_and_an_exhausted_pool_is_reported_in_time()
    {
        string connectionString = await fixture.CreateDatabaseAsync();
        var options = new PostgresOptions { ConnectionString = connectionString, PoolSize = 2, ConnectTimeoutSeconds = 1 };
        await using NpgsqlDataSource dataSource = PostgresDataSourceFactory.Create(options);
        await using NpgsqlConnection first = await PostgresDataSourceFactory.OpenConnectionAsync(dataSource);
        await using NpgsqlConnection second = await PostgresDataSourceFactory.OpenConnectionAsync(dataSource);

        AcodeDbException ex = await Assert.ThrowsAsync<AcodeDbException>(() => PostgresDataSourceFactory.OpenConnectionAsync(dataSource));

        Assert.Equal(AcodeErrorCode.PostgresUnavailable, ex.ErrorCode);
        Assert.Contains("every pooled connection is in use", ex.Message, StringComparison.Ordinal);
        AssertNoSecret(ex, Server.Password);
    }

    [Fact]
    public async Task Statement_errors_are_not_availability_problems()
    {
        string connectionString = await fixture.CreateDatabaseAsync();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t VALUES (1); INSERT INTO t VALUES (1);", connection);

        PostgresException duplicate = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync());
        command.CommandText = "SELEC 1;";
        PostgresException syntax = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync());

        Assert.False(PostgresErrorMapper.IsUnavailable(duplicate));
        Assert.Null(PostgresErrorMapper.Map(syntax, "postgresql://x@y:1/z"));
        Assert.Null(PostgresErrorMapper.Map(new InvalidOperationException("misuse"), "postgresql://x@y:1/z"));
    }

    [Theory]
    [InlineData(PostgresErrorCodes.DiskFull, "could not extend file: No space left on device")]
    [InlineData(PostgresErrorCodes.OutOfMemory, "out of memory")]
    [InlineData(PostgresErrorCodes.ConfigurationLimitExceeded, "configuration limit exceeded")]
    [InlineData(PostgresErrorCodes.DatabaseDropped, "database dropped")]
    [InlineData(PostgresErrorCodes.IdleSessionTimeout, "terminating connection due to idle-session timeout")]
    [InlineData(PostgresErrorCodes.QueryCanceled, "canceling statement due to statement timeout")]
    [InlineData(PostgresErrorCodes.IoError, "could not read block 0")]
    [InlineData(PostgresErrorCodes.DataCorrupted, "invalid page in block 0")]
    [InlineData(PostgresErrorCodes.LockNotAvailable, "canceling statement due to lock timeout")]
    [InlineData(PostgresErrorCodes.InvalidAuthorizationSpecification, "role \"x\" is not permitted to log in")]
    public void Server_side_outages_of_every_class_are_ACODE_DB_006_outages(string sqlState, string message)
    {
        var failure = new PostgresException(message, "FATAL", "FATAL", sqlState);

        AcodeDbException mapped = PostgresErrorMapper.Map(failure, "postgresql://acode@db:5432/runs")!;

        Assert.True(PostgresErrorMapper.IsOutage(failure));
        Assert.Equal(AcodeErrorCode.PostgresUnavailable, mapped.ErrorCode);
        Assert.Contains($"(SQLSTATE {sqlState}: {message})", mapped.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(PostgresErrorCodes.InsufficientPrivilege, "permission denied for table sessions", "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA \"public\" TO \"ac\"\"me\"; GRANT USAGE ON ALL SEQUENCES IN SCHEMA \"public\" TO \"ac\"\"me\";")]
    [InlineData(PostgresErrorCodes.InsufficientPrivilege, "permission denied for schema public", "GRANT USAGE, CREATE ON SCHEMA \"public\" TO \"ac\"\"me\";")]
    [InlineData(PostgresErrorCodes.InsufficientPrivilege, "permission denied for database runs", "GRANT CONNECT ON DATABASE \"runs\" TO \"ac\"\"me\";")]
    [InlineData(PostgresErrorCodes.InsufficientPrivilege, "must be owner of table sessions", "ALTER TABLE \"sessions\" OWNER TO \"ac\"\"me\";")]
    [InlineData(PostgresErrorCodes.ReadOnlySqlTransaction, "cannot execute INSERT in a read-only transaction", "default_transaction_read_only")]
    [InlineData(PostgresErrorCodes.InvalidSchemaName, "no schema has been selected to create in", "search_path")]
    [InlineData(PostgresErrorCodes.UndefinedTable, "relation \"session_events\" does not exist", "retry --processed")]
    [InlineData(PostgresErrorCodes.UndefinedColumn, "column \"hlc\" does not exist", "retry --processed")]
    public void Refusals_by_a_server_that_answers_are_ACODE_DB_006_saying_what_fixes_them(string sqlState, string message, string remedy)
    {
        var failure = new PostgresException(message, "ERROR", "ERROR", sqlState);

        AcodeDbException mapped = PostgresErrorMapper.Map(failure, "postgresql://ac%22me@db:5432/runs")!;

        Assert.True(PostgresErrorMapper.IsUnavailable(failure));
        Assert.False(PostgresErrorMapper.IsOutage(failure));
        Assert.Equal(AcodeErrorCode.PostgresUnavailable, mapped.ErrorCode);
        Assert.StartsWith("PostgreSQL at postgresql://ac%22me@db:5432/runs refused what acode needs: ", mapped.Message, StringComparison.Ordinal);
        Assert.Contains($"SQLSTATE {sqlState}: {message}", mapped.Message, StringComparison.Ordinal);
        Assert.Contains(remedy, mapped.Message, StringComparison.Ordinal);
        if (sqlState is not (PostgresErrorCodes.UndefinedTable or PostgresErrorCodes.UndefinedColumn))
        {
            Assert.Contains(remedy, PostgresErrorMapper.Refusal(failure, "postgresql://ac%22me@db:5432/runs")!.Value.Remedy, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(PostgresErrorCodes.UniqueViolation)] // unique violation
    [InlineData(PostgresErrorCodes.CheckViolation)] // check violation
    [InlineData(PostgresErrorCodes.InvalidTextRepresentation)] // invalid text representation
    [InlineData(PostgresErrorCodes.ProgramLimitExceeded)] // program limit exceeded
    [InlineData(PostgresErrorCodes.SyntaxError)] // syntax error
    public void A_records_own_fault_is_neither_an_outage_nor_a_refusal(string sqlState)
    {
        var failure = new PostgresException("rejected", "ERROR", "ERROR", sqlState);

        Assert.False(PostgresErrorMapper.IsUnavailable(failure));
        Assert.Null(PostgresErrorMapper.Refusal(failure, "postgresql://acode@db:5432/runs"));
    }

    [Fact]
    [Trait("AC", "AC-058")]
    public async Task A_server_stopped_under_an_open_connection_is_an_outage()
    {
        string connectionString = await fixture.CreateDatabaseAsync();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        Exception? failure;
        await Server.StopAsync();
        try
        {
            await using var command = new NpgsqlCommand("SELECT 1;", connection);
            failure = await Record.ExceptionAsync(() => command.ExecuteScalarAsync());
        }
        finally
        {
            await Server.StartAsync();
        }

        Assert.NotNull(failure);
        Assert.True(PostgresErrorMapper.IsUnavailable(failure), failure.ToString());
        AcodeDbException mapped = PostgresErrorMapper.Map(failure, "postgresql://acode@127.0.0.1/runs")!;
        Assert.Equal(AcodeErrorCode.PostgresUnavailable, mapped.ErrorCode);
    }

    [Fact]
    [Trait("AC", "AC-058")]
    public async Task Npgsql_logs_never_contain_the_password()
    {
        string connectionString = await fixture.CreateDatabaseAsync();
        using var capture = new FakeLoggerProvider();
        using ILoggerFactory logs = capture.CreateFactory();
        await using (NpgsqlDataSource good = PostgresDataSourceFactory.Create(Settings(connectionString), logs))
        {
            await using NpgsqlConnection connection = await PostgresDataSourceFactory.OpenConnectionAsync(good);
            await using var command = new NpgsqlCommand("SELECT @p;", connection);
            command.Parameters.AddWithValue("p", "value");
            await command.ExecuteScalarAsync();
        }

        var wrong = new NpgsqlConnectionStringBuilder(connectionString) { Password = WrongPassword };
        await using (NpgsqlDataSource bad = PostgresDataSourceFactory.Create(Settings(wrong.ConnectionString), logs))
        {
            await Assert.ThrowsAsync<AcodeDbException>(() => PostgresDataSourceFactory.OpenConnectionAsync(bad));
        }

        Assert.NotEmpty(capture.Messages());
        Assert.DoesNotContain(capture.Messages(), line => line.Contains(Server.Password, StringComparison.Ordinal) || line.Contains(WrongPassword, StringComparison.Ordinal));
    }

    private static PostgresConnectionSettings Settings(string connectionString)
        => PostgresConnectionSettings.Parse(connectionString, "test", new PostgresOptions { ConnectTimeoutSeconds = 2 });

    private static async Task<AcodeDbException> OpenFails(PostgresConnectionSettings settings)
    {
        await using NpgsqlDataSource dataSource = PostgresDataSourceFactory.Create(settings);
        AcodeDbException ex = await Assert.ThrowsAsync<AcodeDbException>(() => PostgresDataSourceFactory.OpenConnectionAsync(dataSource));
        Assert.Equal(AcodeErrorCode.PostgresUnavailable, ex.ErrorCode);
        return ex;
    }

    private static void AssertNoSecret(AcodeDbException ex, string secret)
    {
        foreach (string text in new[] { ex.Message, ex.Hint, ex.ToString(), ex.InnerException?.ToString() ?? string.Empty, ex.InnerException?.Message ?? string.Empty })
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        }
    }
}
