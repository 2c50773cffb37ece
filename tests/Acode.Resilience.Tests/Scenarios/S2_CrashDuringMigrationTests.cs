using System.Diagnostics;
using System.Globalization;
using Acode.Application.Errors;
using Acode.Infrastructure;
using Acode.Infrastructure.Migrations;
using Acode.Infrastructure.Sqlite;
using Acode.Resilience.Driver.Shared;
using Acode.Resilience.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Acode.Resilience.Tests.Scenarios;

/// <summary>
/// Scenario 2, crash during migration: SIGKILL a process while it applies a heavy migration (99.0.0, see
/// <see cref="ProbeMigration"/>) to a populated workspace, and while it creates a brand-new workspace (the shipped migrations). After each
/// kill the database is at the old version or the new one, never in between, with no row lost; the next start finishes.
/// </summary>
public sealed class S2_CrashDuringMigrationTests(ITestOutputHelper output)
{
    [Fact]
    [Trait("AC", "AC-013")]
    [Trait("Scenario", "2")]
    public async Task A_kill_during_a_migration_leaves_the_old_or_the_new_version_and_the_next_start_finishes()
    {
        int kills = Knobs.MigrationKills;
        var random = new Random(Knobs.Seed + 2);
        using var scratch = new Scratch();
        string baseRoot = scratch.Dir("base");
        using (ChildProcess seed = ChildProcess.StartDriver("save-loop", "--workspace", baseRoot, "--max", "60"))
        {
            Assert.True(await seed.WaitForExitAsync(TimeSpan.FromMinutes(1)) == 0, seed.Stdout + seed.Stderr);
        }

        string baseDb = new Workspace(baseRoot).DatabasePath;
        Assert.False(File.Exists(baseDb + "-wal"), "a cleanly closed workspace has no WAL");
        long sessions = Db.Count(baseDb, "SELECT count(*) FROM sessions");
        long outbox = Db.Count(baseDb, "SELECT count(*) FROM outbox");
        string shipped = string.Join(",", MigrationCatalog.For(MigrationCatalog.Sqlite).Select(m => m.VersionText).Order(StringComparer.Ordinal));

        // How long a whole run takes, so that kills spread over start-up, the migration and the end.
        TimeSpan full = await TimeOneRunAsync(CopyOf(baseDb, scratch.Dir("calibration")));
        int atOld = 0, atNew = 0, insideMigration = 0;
        var problems = new List<string>();
        var clock = Stopwatch.StartNew();
        for (int i = 1; i <= kills; i++)
        {
            string root = CopyOf(baseDb, scratch.Dir($"run{i}"));
            var workspace = new Workspace(root);
            using (ChildProcess child = ChildProcess.StartDriver("migrate", "--workspace", root, "--probe"))
            {
                await child.KillAfterAsync(TimeSpan.FromMilliseconds(random.NextDouble() * full.TotalMilliseconds * 1.1));
                if (child.Lines.Contains("OPENING") && !child.Lines.Contains("MIGRATED"))
                {
                    insideMigration++;
                }
            }

            using (SqliteConnection connection = Db.Open(workspace.DatabasePath))
            {
                List<string> versions = Db.Strings(connection, "SELECT version FROM schema_version ORDER BY version;");
                bool migrated = versions.Contains("99.0.0");
                _ = migrated ? atNew++ : atOld++;
                long probeTable = Db.Count(connection, "SELECT count(*) FROM sqlite_schema WHERE name IN ('probe_rows', 'ix_probe_rows_payload');");
                long noteColumn = Db.Count(connection, "SELECT count(*) FROM pragma_table_info('sessions') WHERE name = 'probe_note';");
                string state = string.Join(",", versions);
                if (migrated && (probeTable != 2 || noteColumn != 1 || Db.Count(connection, "SELECT count(*) FROM probe_rows") != ProbeMigration.Rows
                                 || Db.Count(connection, "SELECT count(*) FROM sessions WHERE probe_note IS NOT 'migrated'") != 0))
                {
                    problems.Add($"run {i}: at {state} but the migration's changes are incomplete");
                }

                if (!migrated && (probeTable != 0 || noteColumn != 0 || state != shipped))
                {
                    problems.Add($"run {i}: at {state} but {probeTable} probe objects and {noteColumn} probe column(s) exist: half-migrated");
                }

                if (Db.Count(connection, "SELECT count(*) FROM sessions") != sessions || Db.Count(connection, "SELECT count(*) FROM outbox") != outbox)
                {
                    problems.Add($"run {i}: rows lost");
                }

                problems.AddRange(Db.IntegrityProblems(connection).Select(p => $"run {i}: {p}"));
            }

            // The next start (a process that knows the migration) finishes it.
            using (SqliteWorkspaceDatabase database = SqliteWorkspaceDatabase.Open(workspace, migrations: ProbeMigration.WithShipped()))
            {
                Assert.Empty(database.GetMigrationStatus().Pending);
            }

            Assert.Equal(ProbeMigration.Rows, Db.Count(workspace.DatabasePath, "SELECT count(*) FROM probe_rows"));
        }

        string figure = string.Create(CultureInfo.InvariantCulture,
            $"{kills} kills during a {ProbeMigration.Rows}-row migration of a {sessions}-session workspace (runs take {full.TotalMilliseconds:0} ms; {insideMigration} kills between open and migrated): " +
            $"{atOld} left at {shipped}, {atNew} at 99.0.0, {problems.Count} half-migrated/lost/corrupt; next start finished {kills}/{kills}; {clock.Elapsed.TotalSeconds:0} s");
        Figures.Report(output, "S2 crash during migration", figure);
        Assert.True(problems.Count == 0, figure + "\n" + string.Join('\n', problems));
    }

    [Fact]
    [Trait("AC", "AC-004")]
    [Trait("Scenario", "2")]
    public async Task A_kill_while_a_new_workspace_is_created_never_strands_it()
    {
        int kills = Knobs.MigrationKills;
        var random = new Random(Knobs.Seed + 22);
        using var scratch = new Scratch();
        TimeSpan full = await TimeOneRunAsync(scratch.Dir("calibration"), probe: false);
        var outcomes = new Dictionary<string, int>(StringComparer.Ordinal);
        var problems = new List<string>();
        for (int i = 1; i <= kills; i++)
        {
            string root = scratch.Dir($"new{i}");
            var workspace = new Workspace(root);
            using (ChildProcess child = ChildProcess.StartDriver("migrate", "--workspace", root))
            {
                await child.KillAfterAsync(TimeSpan.FromMilliseconds(random.NextDouble() * full.TotalMilliseconds * 1.1));
            }

            string left = !File.Exists(workspace.DatabasePath) ? "no file"
                : new FileInfo(workspace.DatabasePath).Length == 0 ? "empty file"
                : Db.Count(workspace.DatabasePath, "SELECT count(*) FROM sqlite_schema WHERE name = 'schema_version'") == 0 ? "file without schema" : "migrated";
            outcomes[left] = outcomes.GetValueOrDefault(left) + 1;
            try
            {
                using SqliteWorkspaceDatabase database = SqliteWorkspaceDatabase.Open(workspace);
                Assert.NotNull(database.WorkspaceId);
                Assert.Empty(database.GetMigrationStatus().Pending);
                Assert.Equal("ok", Db.Strings(workspace.DatabasePath, "PRAGMA integrity_check;").Single());
            }
            catch (AcodeDbException ex)
            {
                problems.Add($"kill {i} (left {left}): the next start failed with {ex.Code}: {ex.Message}");
            }
        }

        string figure = $"{kills} kills while creating a workspace (a run takes {full.TotalMilliseconds:0} ms; left: {string.Join(", ", outcomes.OrderBy(o => o.Key).Select(o => $"{o.Value} {o.Key}"))}): next start succeeded {kills - problems.Count}/{kills}";
        Figures.Report(output, "S2 crash during creation", figure);
        Assert.True(problems.Count == 0, figure + "\n" + string.Join('\n', problems));
    }

    private static string CopyOf(string database, string root)
    {
        string target = new Workspace(root).DatabasePath;
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.Copy(database, target);
        return root;
    }

    private static async Task<TimeSpan> TimeOneRunAsync(string root, bool probe = true)
    {
        var clock = Stopwatch.StartNew();
        using ChildProcess child = probe ? ChildProcess.StartDriver("migrate", "--workspace", root, "--probe") : ChildProcess.StartDriver("migrate", "--workspace", root);
        Assert.True(await child.WaitForExitAsync(TimeSpan.FromMinutes(1)) == 0, child.Stdout + child.Stderr);
        Assert.Contains("MIGRATED", child.Lines);
        return clock.Elapsed;
    }
}
