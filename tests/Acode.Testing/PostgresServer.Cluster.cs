using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Acode.Testing;

public sealed partial class PostgresServer
{
    /// <summary>A throwaway cluster: initdb into a temporary folder, pg_ctl start/stop, deleted at the end.</summary>
    private sealed class Cluster : IAsyncDisposable
    {
        private const int PortAttempts = 3;

        private readonly CommandRunner _runner;
        private readonly string _pgCtl;
        private readonly string _pgIsReady;
        private readonly EventHandler _onProcessExit;
        private bool _deleted;

        private Cluster(string root, string binDirectory, CommandRunner runner)
        {
            Root = root;
            DataDirectory = Path.Combine(root, "data");
            LogFile = Path.Combine(root, "server.log");
            _pgCtl = Path.Combine(binDirectory, "pg_ctl");
            _pgIsReady = Path.Combine(binDirectory, "pg_isready");
            _runner = runner;
            _onProcessExit = (_, _) => EmergencyShutdown();

            // A test run that ends without disposing the fixture (a crash, Ctrl+C) must not leave a server behind.
            AppDomain.CurrentDomain.ProcessExit += _onProcessExit;
        }

        public string Root { get; }

        public string DataDirectory { get; }

        public string LogFile { get; }

        public int Port { get; private set; }

        public int? ProcessId { get; private set; }

        public bool IsRunning => ProcessId is not null;

        public static async Task<Cluster> CreateAsync(string binDirectory, string osUser, string superuser, string password, bool durable, CancellationToken cancellationToken)
        {
            string initdb = Path.Combine(binDirectory, "initdb");
            if (!File.Exists(initdb) || !File.Exists(Path.Combine(binDirectory, "pg_ctl")))
            {
                throw CannotStart($"initdb and pg_ctl were not found in {binDirectory}", $"apt-get install -y postgresql-15   (or set {BinVariable} to the folder that holds initdb and pg_ctl)");
            }

            CommandRunner runner = CommandRunner.For(osUser);
            if (runner.SwitchesUser && (await CommandRunner.RunDirectAsync("id", ["-u", osUser], Path.GetTempPath(), cancellationToken)).ExitCode != 0)
            {
                throw CannotStart($"this process runs as root, the server refuses to run as root, and the OS user '{osUser}' it would run as does not exist", $"useradd --system --user-group --no-create-home {osUser}   (installing postgresql-15 creates it)");
            }

            string root = Directory.CreateTempSubdirectory("acode-pg-").FullName;
            var cluster = new Cluster(root, binDirectory, runner);
            try
            {
                await cluster.InitializeAsync(initdb, osUser, superuser, password, durable, cancellationToken);
                await cluster.StartOnFreePortAsync(cancellationToken);
                return cluster;
            }
            catch
            {
                await cluster.DisposeAsync();
                throw;
            }
        }

        public async Task StartAsync(CancellationToken cancellationToken)
        {
            if (IsRunning)
            {
                return;
            }

            (int exitCode, string output) = await _runner.RunAsync(_pgCtl, ["-D", DataDirectory, "-l", LogFile, "-w", "-t", PgCtlWaitSeconds, "-s", "start"], Root, cancellationToken);
            if (exitCode != 0 && output.Contains("did not start in time", StringComparison.Ordinal) && await BecomesReadyAsync(cancellationToken))
            {
                // Still in crash recovery when pg_ctl stopped waiting (a loaded machine): it got there in the end.
                exitCode = 0;
            }

            if (exitCode != 0)
            {
                throw CannotStart($"pg_ctl start failed (exit {exitCode}): {output}{Environment.NewLine}Server log ({LogFile}):{Environment.NewLine}{LogTail()}", "see the server log above");
            }

            ProcessId = int.Parse(File.ReadLines(Path.Combine(DataDirectory, "postmaster.pid")).First(), CultureInfo.InvariantCulture);
        }

        /// <summary>True once the started server accepts connections (pg_isready), within a few more of pg_ctl's waits.</summary>
        private async Task<bool> BecomesReadyAsync(CancellationToken cancellationToken)
        {
            for (int wait = 0; wait < 4; wait++)
            {
                // 0: accepting; 1: rejecting (still starting up); 2: no answer; 3: bad arguments.
                (int exitCode, _) = await _runner.RunAsync(_pgIsReady, ["-h", Root, "-p", Port.ToString(CultureInfo.InvariantCulture), "-t", PgCtlWaitSeconds, "-q"], Root, cancellationToken);
                if (exitCode == 0)
                {
                    return true;
                }

                if (exitCode is not (1 or 2))
                {
                    return false;
                }

                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            }

            return false;
        }

        /// <summary>
        /// How long pg_ctl waits for the server to start or stop: generous, since CI machines are shared, but shorter than
        /// <see cref="CommandRunner"/>'s own limit (60 s), so that a slow fast shutdown ends in pg_ctl's failure, which
        /// <see cref="StopAsync(string, CancellationToken)"/> follows with an immediate one, not in the runner's timeout.
        /// </summary>
        private const string PgCtlWaitSeconds = "45";

        public Task StopAsync(CancellationToken cancellationToken) => StopAsync("fast", cancellationToken);

        /// <param name="mode">pg_ctl's shutdown mode: <c>fast</c> (roll back, checkpoint, exit) or <c>immediate</c> (quit at once, as in a crash).</param>
        /// <param name="cancellationToken">Cancels the wait for pg_ctl.</param>
        public async Task StopAsync(string mode, CancellationToken cancellationToken)
        {
            if (!IsRunning)
            {
                return;
            }

            (int exitCode, string output) = await _runner.RunAsync(_pgCtl, ["-D", DataDirectory, "-m", mode, "-w", "-t", PgCtlWaitSeconds, "-s", "stop"], Root, cancellationToken);
            if (exitCode != 0 && mode != "immediate")
            {
                // A fast shutdown writes a checkpoint first, which on a loaded machine after a large test can outlast the
                // wait; the server is stopping either way, so finish it as a crash would rather than leave it half down
                // for every later test of the collection.
                (exitCode, string again) = await _runner.RunAsync(_pgCtl, ["-D", DataDirectory, "-m", "immediate", "-w", "-t", PgCtlWaitSeconds, "-s", "stop"], Root, cancellationToken);
                output += again;
            }

            if (exitCode != 0)
            {
                throw new InvalidOperationException($"pg_ctl stop failed (exit {exitCode}): {output}");
            }

            ProcessId = null;
        }

        public async ValueTask DisposeAsync()
        {
            AppDomain.CurrentDomain.ProcessExit -= _onProcessExit;
            try
            {
                await StopAsync(CancellationToken.None);
            }
            catch (Exception ex) when (ex is InvalidOperationException or TimeoutException)
            {
                KillPostmaster();
            }

            Delete();
        }

        private async Task InitializeAsync(string initdb, string osUser, string superuser, string password, bool durable, CancellationToken cancellationToken)
        {
            string passwordFile = Path.Combine(Root, "superuser-password");
            await File.WriteAllTextAsync(passwordFile, password + "\n", cancellationToken);
            if (_runner.SwitchesUser)
            {
                (int chownExit, string chownOutput) = await CommandRunner.RunDirectAsync("chown", ["-R", $"{osUser}:", Root], Root, cancellationToken);
                if (chownExit != 0)
                {
                    throw CannotStart($"chown of {Root} to the OS user '{osUser}' failed: {chownOutput}", "run the tests as root or as a non-root user that may write to the temp folder");
                }
            }

            (int exitCode, string output) = await _runner.RunAsync(
                initdb,
                ["-D", DataDirectory, "-U", superuser, $"--pwfile={passwordFile}", "--auth=scram-sha-256", "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions"],
                Root,
                cancellationToken);
            File.Delete(passwordFile);
            if (exitCode != 0)
            {
                throw CannotStart($"initdb failed (exit {exitCode}): {output}", "check that the temp folder is writable and has space; run initdb by hand with the same arguments to see more");
            }

            // Password (scram-sha-256) everywhere: the TCP listener is 127.0.0.1 only, the socket lives in the private folder.
            await File.WriteAllTextAsync(Path.Combine(DataDirectory, "pg_hba.conf"), """
                local all all scram-sha-256
                host  all all 127.0.0.1/32 scram-sha-256

                """, cancellationToken);
            await File.AppendAllTextAsync(Path.Combine(DataDirectory, "postgresql.conf"), $"""

                # acode tests
                listen_addresses = '127.0.0.1'
                unix_socket_directories = '{Root}'
                max_connections = 200
                shared_buffers = 32MB
                # After an immediate stop (the fault tests' crash) the server syncs its data folder before recovery: one
                # syncfs() instead of an fsync of every file, which took over 30 s of pg_ctl's wait on a loaded machine.
                recovery_init_sync_method = syncfs

                """, cancellationToken);
            if (!durable)
            {
                await File.AppendAllTextAsync(Path.Combine(DataDirectory, "postgresql.conf"), """
                    fsync = off
                    full_page_writes = off

                    """, cancellationToken);
            }
        }

        private async Task StartOnFreePortAsync(CancellationToken cancellationToken)
        {
            for (int attempt = 1; ; attempt++)
            {
                Port = FreePort();
                await File.AppendAllTextAsync(Path.Combine(DataDirectory, "postgresql.conf"), $"port = {Port}\n", cancellationToken);
                try
                {
                    await StartAsync(cancellationToken);
                    return;
                }
                catch (InvalidOperationException) when (attempt < PortAttempts && LogTail().Contains("could not bind", StringComparison.Ordinal))
                {
                    // Another process took the port between FreePort and the server's bind: try another.
                }
            }
        }

        private static int FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        private string LogTail()
        {
            try
            {
                return string.Join(Environment.NewLine, File.ReadLines(LogFile).TakeLast(20));
            }
            catch (IOException)
            {
                return "(no server log)";
            }
        }

        private void EmergencyShutdown()
        {
            try
            {
                _runner.RunAsync(_pgCtl, ["-D", DataDirectory, "-m", "immediate", "-w", "-t", "10", "-s", "stop"], Root, CancellationToken.None).GetAwaiter().GetResult();
            }
            catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or IOException)
            {
                KillPostmaster();
            }

            Delete();
        }

        private void KillPostmaster()
        {
            if (ProcessId is not { } pid)
            {
                return;
            }

            try
            {
                using System.Diagnostics.Process process = System.Diagnostics.Process.GetProcessById(pid);
                process.Kill(entireProcessTree: true);
            }
            catch (ArgumentException)
            {
                // already gone
            }

            ProcessId = null;
        }

        private void Delete()
        {
            if (_deleted)
            {
                return;
            }

            _deleted = true;
            try
            {
                Directory.Delete(Root, recursive: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Best effort: a leftover folder in the temp directory is harmless.
            }
        }
    }
}
