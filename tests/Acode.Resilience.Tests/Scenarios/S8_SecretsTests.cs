using System.Globalization;
using System.Text;
using Acode.Application.Options;
using Acode.Application.Sync;
using Acode.Infrastructure;
using Acode.Infrastructure.Postgres;
using Acode.Infrastructure.Sqlite;
using Acode.Infrastructure.Sync;
using Acode.Resilience.Tests.Support;
using Acode.Testing;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Acode.Resilience.Tests.Scenarios;

/// <summary>
/// Scenario 8, secrets: every CLI command (with --verbose) and a sync run with known passwords and a token in the
/// configuration file and the environment, against a working server, a wrong password, a refused port and a malformed
/// connection string; plus an in-process sync logging at Trace (Npgsql's own logs included). Every byte of output, the
/// logs, exception texts, the workspace database and the server log are scanned: no secret may appear, in clear or
/// percent-encoded.
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class S8_SecretsTests(PostgresFixture fixture, ITestOutputHelper output)
{
    private const string Token = "ACODE_AGENT_TOKEN";

    [Fact]
    [Trait("AC", "AC-058")]
    [Trait("Scenario", "8")]
    public async Task No_password_or_token_appears_in_any_output_log_error_or_file()
    {
        string connectionString = await fixture.CreateDatabaseAsync();
        var target = new NpgsqlConnectionStringBuilder(connectionString);
        string password = fixture.Server.Password;
        string Canary(string what) => $"{what}-CANARY-{Guid.NewGuid():N}";
        string filePassword = Canary("filepw"), wrongPassword = Canary("wrongpw"), pgPassword = Canary("pgpassword"), token = Canary("token"), refusedPassword = Canary("refusedpw");
        string[] secrets = [password, filePassword, wrongPassword, pgPassword, token, refusedPassword];
        string Url(string pw, int? port = null) => $"postgresql://{target.Username}:{Uri.EscapeDataString(pw)}@127.0.0.1:{port ?? target.Port}/{target.Database}";

        using var scratch = new Scratch();
        var workspace = new Workspace(scratch.Dir("ws"));
        Assert.Equal(0, (await Cli.RunAsync(workspace.RootDirectory, "demo", "--sessions", "2")).ExitCode);
        string sessionId = (await Cli.RunAsync(workspace.RootDirectory, "session", "list", "--json")).Stdout.Split('"').First(p => p.StartsWith("sess_", StringComparison.Ordinal));
        string export = scratch.PathOf("export.jsonl");
        var baseEnv = new Dictionary<string, string?> { [Token] = token, ["PGPASSWORD"] = pgPassword };

        string[][] everyCommand =
        [
            ["db", "status"], ["db", "status", "--json"], ["db", "check"], ["db", "check", "--json"], ["db", "schema", "version"], ["db", "schema", "version", "--json"],
            ["db", "migrate", "--dry-run"], ["db", "migrate"], ["db", "sync"], ["db", "sync", "--json"], ["db", "sync", "status"], ["db", "sync", "status", "--json"],
            ["db", "sync", "retry", "--all"], ["session", "list"], ["session", "list", "--json"], ["session", "show", sessionId], ["session", "show", sessionId, "--json"],
            ["session", "export", sessionId], ["session", "import", export], ["demo"],
        ];
        string[][] postgresCommands = [["db", "status"], ["db", "check"], ["db", "schema", "version"], ["db", "migrate"], ["db", "sync"], ["db", "sync", "--json"], ["db", "sync", "status", "--json"]];
        var configurations = new List<(string Name, string? File, Dictionary<string, string?> Env, string[][] Commands, int[] Exits)>
        {
            ("the password in the config file (URL)", Url(password), new(baseEnv), everyCommand, [0, 1]),
            ("the password in the config file (key=value)", $"Host=127.0.0.1;Port={target.Port};Username={target.Username};Password={password};Database={target.Database}", new(baseEnv), postgresCommands, [0, 1]),
            ("ACODE_POSTGRES_URL over a file password", Url(filePassword), new(baseEnv) { [PostgresOptions.EnvironmentVariable] = Url(password) }, postgresCommands, [0, 1]),
            ("ACODE_PERSISTENCE__POSTGRES__CONNECTIONSTRING", null, new(baseEnv) { ["ACODE_PERSISTENCE__POSTGRES__CONNECTIONSTRING"] = Url(password) }, postgresCommands, [0, 1]),
            ("a wrong password", null, new(baseEnv) { [PostgresOptions.EnvironmentVariable] = Url(wrongPassword) }, postgresCommands, [0, 1, 16]),
            ("a refused port", null, new(baseEnv) { [PostgresOptions.EnvironmentVariable] = Url(refusedPassword, FreePort()) }, postgresCommands, [0, 1, 16]),
            ("a malformed URL holding a password", $"postgresql://{target.Username}:{filePassword}@127.0.0.1:notaport/x", new(baseEnv), postgresCommands, [17]),
        };

        long scannedBytes = 0;
        int runs = 0;
        var hits = new List<string>();
        var unexpected = new List<string>();
        List<string> Found(string text) => secrets.Where(s => text.Contains(s, StringComparison.Ordinal) || text.Contains(Uri.EscapeDataString(s), StringComparison.Ordinal)).ToList();
        void Scan(string sink, string text)
        {
            scannedBytes += Encoding.UTF8.GetByteCount(text);
            hits.AddRange(Found(text).Select(secret => $"{sink}: contains {secret[..Math.Min(12, secret.Length)]}…"));
        }

        // Positive control: the scanner does find a secret where one legitimately is.
        Assert.Single(Found($"postgresql://u:{Uri.EscapeDataString(filePassword)}@h/db"));

        foreach ((string name, string? file, Dictionary<string, string?> env, string[][] commands, int[] exits) in configurations)
        {
            if (file is null)
            {
                File.Delete(workspace.ConfigPath);
            }
            else
            {
                await File.WriteAllTextAsync(workspace.ConfigPath, $$"""{ "persistence": { "postgres": { "connectionString": "{{file}}" } } }""");
            }

            var options = new ChildOptions { Environment = env };
            foreach (string[] command in commands)
            {
                File.Delete(export);
                if (command is ["session", "import", ..])
                {
                    Assert.Equal(0, (await Cli.RunAsync(workspace.RootDirectory, "session", "export", sessionId, "-o", export)).ExitCode);
                }

                // Verbose output is a superset of the quiet one (more log lines, the same results); the first configuration runs both.
                foreach (bool verbose in name == configurations[0].Name ? new[] { true, false } : [true])
                {
                    RunResult result = await Cli.RunAsync(workspace.RootDirectory, options, [.. (verbose ? new[] { "--verbose" } : []), .. command]);
                    runs++;
                    Scan($"{name}: acode {string.Join(' ', command)}{(verbose ? " --verbose" : "")}", result.All);
                    if (!exits.Contains(result.ExitCode))
                    {
                        unexpected.Add($"{name}: acode {string.Join(' ', command)} → {result}");
                    }
                }
            }

            // The watching sync, for a few seconds (it logs pauses and retries as it goes), then SIGKILL: with a working
            // server, a wrong password and a refused port.
            if (!(name == configurations[0].Name || exits.Contains(16)))
            {
                continue;
            }

            using ChildProcess watch = ChildProcess.StartDotnet(Binaries.Acode, ["--workspace", workspace.RootDirectory, "--verbose", "db", "sync", "--watch"], options);
            await watch.KillAfterAsync(TimeSpan.FromSeconds(2.5));
            runs++;
            Scan($"{name}: acode db sync --watch --verbose", watch.Stdout + watch.Stderr);
        }

        // In process, logging everything at Trace (Npgsql included), with a failing and a working password.
        var logs = new CapturingLoggerFactory();
        using (SqliteWorkspaceDatabase database = SqliteWorkspaceDatabase.Open(workspace, loggerFactory: logs))
        {
            foreach (string pw in new[] { wrongPassword, password })
            {
                using var sync = new OutboxSyncService(database, PostgresConnectionSettings.Parse(Url(pw), PostgresOptions.EnvironmentVariable));
                SyncRunResult result = await sync.SyncAsync();
                Scan("in-process sync result", result.ToString());
                Scan("in-process sync status", (await sync.GetStatusAsync()).ToString());
            }
        }

        Scan("in-process logs at Trace (messages and exceptions)", logs.Text);
        foreach (string file in new[] { workspace.DatabasePath, workspace.DatabasePath + "-wal" }.Where(File.Exists))
        {
            Scan(Path.GetFileName(file), Encoding.UTF8.GetString(await File.ReadAllBytesAsync(file)));
        }

        if (fixture.Server.LogFile is { } serverLog)
        {
            Scan("PostgreSQL server log", await File.ReadAllTextAsync(serverLog));
        }

        string figure = string.Create(CultureInfo.InvariantCulture,
            $"{runs} CLI runs ({everyCommand.Length} commands with --verbose, and without it under the first configuration, plus db sync --watch for 2.5 s with a working server, a wrong password and a refused port) under {configurations.Count} configurations (secret in the config file as URL and key=value, in ACODE_POSTGRES_URL, in ACODE_PERSISTENCE__POSTGRES__CONNECTIONSTRING, PGPASSWORD and a token variable; wrong password; refused port; malformed URL), " +
            $"an in-process sync logging at Trace ({logs.Count} log entries), the workspace database and the server log: {scannedBytes / 1024} KB scanned for {secrets.Length} secrets (clear and percent-encoded): {hits.Count} hits; {unexpected.Count} unexpected exit codes");
        Figures.Report(output, "S8 secrets", figure);
        Assert.True(hits.Count == 0 && unexpected.Count == 0, figure + "\n" + string.Join('\n', hits.Concat(unexpected).Take(30)));
        Assert.True(logs.Count > 0, "the in-process sync logged nothing: the scan of logs proves nothing");
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A logger factory that keeps every entry at every level (message and exception text).</summary>
    private sealed class CapturingLoggerFactory : ILoggerFactory
    {
        private readonly StringBuilder _text = new();

        public int Count { get; private set; }

        public string Text
        {
            get
            {
                lock (_text)
                {
                    return _text.ToString();
                }
            }
        }

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void AddProvider(ILoggerProvider provider)
        {
        }

        public void Dispose()
        {
        }

        private void Add(string line)
        {
            lock (_text)
            {
                Count++;
                _text.AppendLine(line);
            }
        }

        private sealed class Logger(CapturingLoggerFactory owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                string properties = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(", ", pairs.Select(p => $"{p.Key}={p.Value}")) : "";
                owner.Add($"{logLevel} {category}: {formatter(state, exception)} [{properties}] {exception}");
            }
        }
    }
}
