using System.Diagnostics;
using System.Globalization;
using Acode.Infrastructure;
using Acode.Resilience.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Acode.Resilience.Tests.Scenarios;

/// <summary>
/// Scenario 6, bad files and environment, through the real acode binary: damaged, foreign and too-new databases,
/// random byte flips, permissions (as an unprivileged user), a full disk, a WAL left by a crashed process and a
/// symlinked database. Each gets its coded error (exit 11–14) or recovers; nothing crashes (exit 3) or hangs; and no
/// file that is not ours is ever changed.
/// </summary>
public sealed class S6_BadFilesAndEnvironmentTests(ITestOutputHelper output)
{
    private static readonly string[] WriteAndRead = ["demo", "db check", "session list"];

    [Fact]
    [Trait("Scenario", "6")]
    public async Task Truncated_random_foreign_and_newer_databases_get_their_coded_error_and_are_never_changed()
    {
        using var scratch = new Scratch();
        byte[] good = await GoodDatabaseAsync(scratch);
        var random = new Random(Knobs.Seed + 6);
        byte[] noise = new byte[16384];
        random.NextBytes(noise);
        string foreign = scratch.PathOf("foreign.db");
        Assert.Equal(0, Scratch.Run("/usr/bin/sqlite3", foreign, "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes (body) VALUES ('not yours');").ExitCode);
        string newer = scratch.PathOf("newer.db");
        File.WriteAllBytes(newer, good);
        using (SqliteConnection connection = Db.Open(newer))
        {
            Db.Strings(connection, "INSERT INTO schema_version (version, name, checksum, applied_at) VALUES ('9.0.0', 'FromTheFuture', 'x', '2030-01-01T00:00:00.0000000Z');");
        }

        var cases = new List<(string Name, byte[] Bytes, int[] Expected)>
        {
            ("truncated to 50 B", good[..50], [12]),
            ("truncated to 100 B", good[..100], [12]),
            ("truncated to 1 page", good[..4096], [12]),
            ("truncated to half", good[..(good.Length / 2)], [12]),
            ("truncated by 1 page", good[..(good.Length - 4096)], [12]),
            ("16 KB of random bytes", noise, [12]),
            ("random bytes after a valid SQLite header", [.. good[..100], .. noise], [12]),
            ("another application's SQLite database", File.ReadAllBytes(foreign), [12]),
            ("a schema newer than this program", File.ReadAllBytes(newer), [14]),
            ("one byte changed in a column name of the outbox's definition", ChangeByte(good, "CREATE TABLE \"outbox\" (", "session_id", 7, (byte)'X'), [12]),
            ("one byte changed in a row-count trigger's body", ChangeByte(good, "CREATE TRIGGER row_counts_outbox_insert", "row_count + 1", 12, (byte)'2'), [12]),
        };
        var lines = new List<string>();
        var problems = new List<string>();
        foreach ((string name, byte[] bytes, int[] expected) in cases)
        {
            string root = scratch.Dir("case-" + lines.Count.ToString(CultureInfo.InvariantCulture));
            var workspace = new Workspace(root);
            Directory.CreateDirectory(workspace.AgentDirectory);
            File.WriteAllBytes(workspace.DatabasePath, bytes);
            Dictionary<string, string> before = FileSnapshot.Take(root);
            var exits = new List<int>();
            foreach (string command in WriteAndRead)
            {
                RunResult result = await Cli.RunAsync(root, command.Split(' '));
                exits.Add(result.ExitCode);
                if (!expected.Contains(result.ExitCode) || !result.Stderr.Contains($"ACODE-DB-0{result.ExitCode - 10:00}", StringComparison.Ordinal))
                {
                    problems.Add($"{name}: acode {command} → {result}");
                }
            }

            // The database file itself is never touched; SQLite may have left nothing else behind either.
            List<string> changes = FileSnapshot.Changes(before, FileSnapshot.Take(root));
            problems.AddRange(changes.Select(c => $"{name}: {c}"));
            lines.Add($"{name} → exit {string.Join('/', exits.Distinct())}{(changes.Count == 0 ? ", unchanged" : ", CHANGED")}");
        }

        string figure = $"{cases.Count} damaged or foreign files × {WriteAndRead.Length} commands ({string.Join(", ", WriteAndRead)}): {problems.Count} problems, 0 crashes allowed. " + string.Join("; ", lines);
        Figures.Report(output, "S6 damaged files", figure);
        Assert.True(problems.Count == 0, figure + "\n" + string.Join("\n\n", problems));
    }

    [Fact]
    [Trait("Scenario", "6")]
    public async Task Random_byte_flips_are_flagged_or_harmless_and_never_crash_or_hang()
    {
        int mutants = Knobs.Mutants;
        using var scratch = new Scratch();
        byte[] good = await GoodDatabaseAsync(scratch);
        var random = new Random(Knobs.Seed + 66);
        var outcomes = new Dictionary<string, int>(StringComparer.Ordinal);
        var problems = new List<string>();
        int writtenDespiteDamage = 0;
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < mutants; i++)
        {
            byte[] bytes = (byte[])good.Clone();
            int flips = random.Next(1, 17);
            for (int f = 0; f < flips; f++)
            {
                bytes[random.Next(100, bytes.Length)] ^= (byte)random.Next(1, 256);
            }

            string root = scratch.Dir($"mutant-{i}");
            var workspace = new Workspace(root);
            Directory.CreateDirectory(workspace.AgentDirectory);
            File.WriteAllBytes(workspace.DatabasePath, bytes);
            RunResult check = await Cli.RunAsync(root, "db", "check");
            // ACODE-DB-003 and 004 are what a flip inside schema_version's checksum or version that still looks like one gets.
            string outcome = check.ExitCode switch
            {
                0 => "passed check (harmless)",
                1 => "flagged by db check",
                >= 12 and <= 14 => $"refused (ACODE-DB-00{check.ExitCode - 10})",
                _ => $"exit {check.ExitCode}",
            };
            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
            if (check.ExitCode is not (0 or 1 or (>= 12 and <= 14)))
            {
                problems.Add($"mutant {i} ({flips} flips): {check}");
            }

            if (check.ExitCode != 0)
            {
                // A write into a database known to be damaged: refused, or (found out by SQLite only when it touches a damaged page) it goes in.
                string hash = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(workspace.DatabasePath)));
                RunResult demo = await Cli.RunAsync(root, "demo");
                if (demo.ExitCode is not (0 or 1 or (>= 12 and <= 14)))
                {
                    problems.Add($"mutant {i}: demo → {demo}");
                }

                bool changed = hash != Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(workspace.DatabasePath)));
                if (demo.ExitCode == 0 || changed)
                {
                    writtenDespiteDamage++;
                }

                output.WriteLine($"mutant {i}: {flips} flips, db check exit {check.ExitCode}, demo exit {demo.ExitCode}, file {(changed ? "changed" : "unchanged")}: {demo.Stderr.Split('\n')[0]}");
            }
        }

        string figure = string.Create(CultureInfo.InvariantCulture,
            $"{mutants} databases with 1–16 random bytes flipped: {string.Join(", ", outcomes.OrderBy(o => o.Key).Select(o => $"{o.Value} {o.Key}"))}; {problems.Count} crashes or hangs; " +
            $"{writtenDespiteDamage} of the damaged ones still accepted a write (see docs/reliability.md); {clock.Elapsed.TotalSeconds:0} s");
        Figures.Report(output, "S6 byte flips", figure);
        Assert.True(problems.Count == 0, figure + "\n" + string.Join("\n\n", problems));
    }

    [Fact]
    [Trait("Scenario", "6")]
    [Trait("AC", "AC-057")]
    public async Task Read_only_and_foreign_owned_folders_and_files_give_ACODE_DB_001_to_an_unprivileged_user()
    {
        using var scratch = new Scratch(shared: true);
        string home = scratch.Dir("home");
        Unprivileged.Own(home);
        ChildOptions asUser = Unprivileged.Options(home);
        string ws = scratch.Dir("ws");
        Unprivileged.Own(ws);
        var workspace = new Workspace(ws);
        RunResult created = await Cli.RunAsync(ws, asUser, "demo");
        Assert.True(created.ExitCode == 0, created.ToString());
        string notOurs = scratch.Dir("not-writable");
        var cases = new List<(string Name, string Root, Action Setup, Action Undo)>
        {
            (".agent/ read-only (0500)", ws, () => File.SetUnixFileMode(workspace.AgentDirectory, (UnixFileMode)0b101_000_000), () => File.SetUnixFileMode(workspace.AgentDirectory, (UnixFileMode)0b111_000_000)),
            ("workspace.db read-only (0400)", ws, () => File.SetUnixFileMode(workspace.DatabasePath, (UnixFileMode)0b100_000_000), () => File.SetUnixFileMode(workspace.DatabasePath, (UnixFileMode)0b110_000_000)),
            // As root the folder is given to root (0700); a test user who cannot give files away takes all its own rights instead (0000).
            (Unprivileged.IsRoot ? ".agent/ owned by another user (root, 0700)" : ".agent/ with mode 0000", ws,
                () => _ = Unprivileged.IsRoot ? Scratch.Run("chown", "0:0", workspace.AgentDirectory) : Scratch.Run("chmod", "0000", workspace.AgentDirectory),
                () => _ = Unprivileged.IsRoot ? Scratch.Run("chown", $"{Unprivileged.Uid}:{Unprivileged.Uid}", workspace.AgentDirectory) : Scratch.Run("chmod", "0700", workspace.AgentDirectory)),
            ("workspace folder not writable (0555)", notOurs, () => File.SetUnixFileMode(notOurs, (UnixFileMode)0b101_101_101), () => { }),
        };
        var lines = new List<string>();
        var problems = new List<string>();
        int changed = 0;
        foreach ((string name, string root, Action setup, Action undo) in cases)
        {
            setup();
            Dictionary<string, string> before = FileSnapshot.Take(scratch.Root);
            var exits = new List<int>();
            foreach (string command in WriteAndRead)
            {
                RunResult result = await Cli.RunAsync(root, asUser, command.Split(' '));
                exits.Add(result.ExitCode);
                bool coded = result.ExitCode == 11 && result.Stderr.Contains("ACODE-DB-001", StringComparison.Ordinal);
                bool readsFine = result.ExitCode == 0 && command != "demo";
                // Where there is no workspace at all, a read-only command says so (exit 1) and creates nothing.
                bool noWorkspace = command != "demo" && root == notOurs && result.ExitCode == 1 && result.Stderr.Contains("No acode workspace", StringComparison.Ordinal);
                if (!coded && !readsFine && !noWorkspace)
                {
                    problems.Add($"{name}: acode {command} → {result}");
                }
            }

            // SQLite may leave its own (empty) -wal/-shm next to a read-only database it could only read; nothing else may change.
            List<string> changes = FileSnapshot.Changes(before, FileSnapshot.Take(scratch.Root), p => p.StartsWith("home", StringComparison.Ordinal)
                || (!before.ContainsKey(p) && (p.EndsWith("workspace.db-wal", StringComparison.Ordinal) || p.EndsWith("workspace.db-shm", StringComparison.Ordinal))));
            problems.AddRange(changes.Select(c => $"{name}: {c}"));
            changed += changes.Count;
            lines.Add($"{name} → exit {string.Join('/', exits)}{(changes.Count == 0 ? ", nothing changed" : ", CHANGED")}");
            undo();
        }

        // Permissions restored: the same user works again and nothing was lost.
        RunResult again = await Cli.RunAsync(ws, asUser, "db", "check");
        Assert.True(again.ExitCode == 0, again.ToString());
        string figure = $"{cases.Count} permission cases × {WriteAndRead.Length} commands run as {Unprivileged.Description}: {problems.Count} problems (every write refused with ACODE-DB-001, exit 11; reads 0 or 11, or 1 where no workspace exists; {changed} files changed). " + string.Join("; ", lines);
        Figures.Report(output, "S6 permissions", figure);
        Assert.True(problems.Count == 0, figure + "\n" + string.Join("\n\n", problems));
    }

    [Fact]
    [Trait("Scenario", "6")]
    [Trait("AC", "AC-005")]
    public async Task A_full_disk_gives_ACODE_DB_001_keeps_every_acknowledged_save_and_saves_resume_when_space_returns()
    {
        using var scratch = new Scratch();
        string disk = scratch.Dir("disk");
        (string method, ChildOptions limited, ChildOptions stillFull, Action grow) = FullDisk(scratch, disk);
        string root = Path.Combine(disk, "ws");
        Directory.CreateDirectory(root);
        var workspace = new Workspace(root);
        var ledger = new AckLedger();

        // Saves of 16 KB artifacts until the disk is full.
        int exit;
        using (ChildProcess child = ChildProcess.StartDotnet(Binaries.Driver, ["save-loop", "--workspace", root, "--artifact-bytes", "16384"], limited))
        {
            exit = await child.WaitForExitAsync(TimeSpan.FromMinutes(2));
            ledger.Add(child.Lines);
            string? error = child.Lines.FirstOrDefault(l => l.StartsWith("ERR", StringComparison.Ordinal) || l.StartsWith("CRASH", StringComparison.Ordinal));
            Assert.True(exit == 11 && error is not null && error.StartsWith("ERR ACODE-DB-001", StringComparison.Ordinal), $"expected ACODE-DB-001 (exit 11), got exit {exit}: {error}\n{child.Stderr}");
            output.WriteLine(error);
        }

        // While the disk is still full: the CLI says so, and what was acknowledged is there and sound.
        RunResult demo = await Cli.RunAsync(root, stillFull, "demo");
        Assert.True(demo.ExitCode == 11 && demo.Stderr.Contains("ACODE-DB-001", StringComparison.Ordinal), demo.ToString());
        List<string> integrityWhileFull, lostWhileFull;
        using (SqliteConnection connection = Db.Open(workspace.DatabasePath))
        {
            integrityWhileFull = Db.IntegrityProblems(connection);
            lostWhileFull = ledger.Lost(Db.Versions(connection));
        }

        // Space returns: saves resume, integrity holds, nothing acknowledged was lost.
        grow();
        using (ChildProcess child = ChildProcess.StartDriver("save-loop", "--workspace", root, "--max", "5"))
        {
            Assert.True(await child.WaitForExitAsync(TimeSpan.FromMinutes(1)) == 0, child.Stdout + child.Stderr);
            Assert.Equal(5, ledger.Add(child.Lines));
        }

        using SqliteConnection after = Db.Open(workspace.DatabasePath);
        List<string> integrity = Db.IntegrityProblems(after);
        (long partial, long mismatch, long orphans) = Db.ProbeInvariants(after);
        List<string> lost = ledger.Lost(Db.Versions(after));
        string figure = $"disk filled ({method}) after {ledger.Saves - 5} acknowledged saves of 16 KB: the failing save got ACODE-DB-001 (exit 11), so did 'acode demo'; " +
                        $"while full: {lostWhileFull.Count} lost, {integrityWhileFull.Count} integrity errors; after space returned: 5/5 saves resumed, {lost.Count} lost, {integrity.Count} integrity errors, {partial} partial units, {mismatch + orphans} outbox mismatches";
        Figures.Report(output, "S6 full disk", figure);
        Assert.True(lost.Count + lostWhileFull.Count + integrity.Count + integrityWhileFull.Count + partial + mismatch + orphans == 0, figure);
    }

    [Fact]
    [Trait("Scenario", "6")]
    [Trait("AC", "AC-005")]
    public async Task A_WAL_left_by_a_crashed_process_is_recovered_not_discarded()
    {
        using var scratch = new Scratch();
        string root = scratch.Dir("ws");
        var workspace = new Workspace(root);
        var ledger = new AckLedger();
        using (ChildProcess child = ChildProcess.StartDriver("save-loop", "--workspace", root))
        {
            int after = 15;
            Assert.True(await child.KillAfterLineAsync(l => l.StartsWith("ACK", StringComparison.Ordinal) && --after == 0, TimeSpan.FromSeconds(30)), child.Stdout + child.Stderr);
            ledger.Add(child.Lines);
        }

        long walBytes = new FileInfo(workspace.DatabasePath + "-wal").Length;
        long mainBytes = new FileInfo(workspace.DatabasePath).Length;
        Assert.True(walBytes > 0, "the killed process left no WAL");
        Assert.True(File.Exists(workspace.DatabasePath + "-shm"));

        // What discarding the WAL would have cost: the main file alone, opened as a copy.
        string mainOnly = scratch.PathOf("main-only.db");
        File.Copy(workspace.DatabasePath, mainOnly);
        int lostWithoutWal;
        using (SqliteConnection copy = Db.Open(mainOnly))
        {
            lostWithoutWal = ledger.Lost(Db.Count(copy, "SELECT count(*) FROM sqlite_schema WHERE name = 'sessions'") == 0 ? [] : Db.Versions(copy)).Count;
        }

        RunResult check = await Cli.RunAsync(root, "db", "check");
        Assert.True(check.ExitCode == 0, check.ToString());
        RunResult list = await Cli.RunAsync(root, "session", "list", "--json", "--limit", "1000");
        Assert.True(list.ExitCode == 0, list.ToString());
        using SqliteConnection connection = Db.Open(workspace.DatabasePath);
        List<string> lost = ledger.Lost(Db.Versions(connection));
        string figure = $"killed after {ledger.Saves} acknowledged saves: main file {mainBytes / 1024} KB, WAL left behind {walBytes / 1024} KB; without the WAL {lostWithoutWal} acknowledged entity versions would be missing; " +
                        $"'acode db check' passed and {lost.Count} were lost (the WAL was recovered, not discarded)";
        Figures.Report(output, "S6 WAL left by a crash", figure);
        Assert.Empty(lost);
        Assert.True(lostWithoutWal > 0, "the acknowledged saves were all in the main file already, so this run proves nothing about the WAL: " + figure);
    }

    [Fact]
    [Trait("Scenario", "6")]
    public async Task A_symlinked_database_pointing_elsewhere_never_changes_a_file_that_is_not_ours()
    {
        using var scratch = new Scratch();
        string outside = scratch.Dir("outside");
        string notes = Path.Combine(outside, "notes.txt");
        File.WriteAllText(notes, "my notes, not a database\n");
        string otherApp = Path.Combine(outside, "other-app.db");
        Assert.Equal(0, Scratch.Run("/usr/bin/sqlite3", otherApp, "CREATE TABLE t (x); INSERT INTO t VALUES (1);").ExitCode);
        string elsewhereRoot = scratch.Dir("elsewhere");
        Assert.Equal(0, (await Cli.RunAsync(elsewhereRoot, "demo")).ExitCode);
        var cases = new List<(string Name, string Target, int Expected)>
        {
            ("→ a text file", notes, 12),
            ("→ another application's SQLite database", otherApp, 12),
            ("→ a path that does not exist", Path.Combine(outside, "missing.db"), 11),
            ("→ an acode database in another folder (followed: it is ours)", new Workspace(elsewhereRoot).DatabasePath, 0),
        };
        var lines = new List<string>();
        var problems = new List<string>();
        foreach ((string name, string target, int expected) in cases)
        {
            string root = scratch.Dir("link-" + lines.Count.ToString(CultureInfo.InvariantCulture));
            var workspace = new Workspace(root);
            Directory.CreateDirectory(workspace.AgentDirectory);
            File.CreateSymbolicLink(workspace.DatabasePath, target);
            Dictionary<string, string> before = FileSnapshot.Take(scratch.Root);
            RunResult result = await Cli.RunAsync(root, "demo");
            if (result.ExitCode != expected || (expected != 0 && !result.Stderr.Contains($"ACODE-DB-0{expected - 10:00}", StringComparison.Ordinal)))
            {
                problems.Add($"{name}: {result}");
            }

            List<string> changes = FileSnapshot.Changes(before, FileSnapshot.Take(scratch.Root), p => expected == 0 && p.StartsWith("elsewhere", StringComparison.Ordinal));
            problems.AddRange(changes.Select(c => $"{name}: {c}"));
            lines.Add($"{name}: exit {result.ExitCode}{(changes.Count == 0 ? ", nothing else changed" : ", CHANGED")}");
        }

        string figure = $"{cases.Count} symlinked databases: {problems.Count} problems. " + string.Join("; ", lines);
        Figures.Report(output, "S6 symlinks", figure);
        Assert.True(problems.Count == 0, figure + "\n" + string.Join("\n\n", problems));
    }

    /// <summary>
    /// A small file system to fill: a 2 MB tmpfs mounted at <paramref name="disk"/> (needs root), or, where mounting is
    /// not possible (or ACODE_RESILIENCE_DISK_FULL=fsize), a file-size limit on the child (RLIMIT_FSIZE through prlimit,
    /// with SIGXFSZ ignored so that writes fail with EFBIG instead of killing it). Returns how, the child options that
    /// fill the disk, those of a later process that finds it (still) full, and how to give the space back.
    /// </summary>
    private static (string Method, ChildOptions Fill, ChildOptions StillFull, Action Grow) FullDisk(Scratch scratch, string disk)
    {
        bool forceLimit = Environment.GetEnvironmentVariable("ACODE_RESILIENCE_DISK_FULL") == "fsize";
        if (!forceLimit && Unprivileged.IsRoot)
        {
            (int exit, string mountOutput) = Scratch.Run("mount", "-t", "tmpfs", "-o", "size=2m,mode=0755", "tmpfs", disk);
            if (exit == 0)
            {
                scratch.Mounted(disk);
                return ("a 2 MB tmpfs", new ChildOptions(), new ChildOptions(), () => Assert.Equal(0, Scratch.Run("mount", "-o", "remount,size=64m", disk).ExitCode));
            }

            Assert.Fail($"Running as root but 'mount -t tmpfs' failed ({mountOutput}); set ACODE_RESILIENCE_DISK_FULL=fsize to use a file-size limit instead.");
        }

        Assert.True(File.Exists("/usr/bin/prlimit"), "The full-disk scenario needs root (to mount a tmpfs) or prlimit (util-linux) for a file-size limit: apt-get install -y util-linux.");
        const long limit = 2 * 1024 * 1024;

        // A file-size limit is per process and per file: the filling child gets 2 MB, a later child 4 KB (its WAL's
        // first frame already crosses it), which is what a full disk looks like to it.
        static ChildOptions Limit(long bytes) => new()
        {
            Prefix = ["/bin/sh", "-c", $"trap '' XFSZ; exec /usr/bin/prlimit --fsize={bytes} -- \"$0\" \"$@\""],

            // W^X double mapping makes the runtime ftruncate a memory file past any small limit at start-up: off for these children.
            Environment = new Dictionary<string, string?> { ["DOTNET_EnableWriteXorExecute"] = "0" },
        };
        return ($"a {limit / 1024 / 1024} MB file-size limit (RLIMIT_FSIZE via prlimit, SIGXFSZ ignored)", Limit(limit), Limit(4096), () => { });
    }

    /// <summary>A copy of <paramref name="good"/> with the byte at <paramref name="offset"/> of <paramref name="text"/>, found after <paramref name="anchor"/>, replaced.</summary>
    /// <remarks>
    /// The outbox's live definition reads <c>CREATE TABLE "outbox" (</c>: schema 1.11.0 rebuilt the table and SQLite's
    /// rename quotes the name. The definition's text can also linger in a free page (a table rebuilt by a migration; with
    /// <c>auto_vacuum=INCREMENTAL</c> free pages stay in the file until reclaimed), so the byte is changed in every copy:
    /// the live one in <c>sqlite_master</c> is among them, the others are never read.
    /// </remarks>
    private static byte[] ChangeByte(byte[] good, string anchor, string text, int offset, byte replacement)
    {
        byte[] bytes = (byte[])good.Clone();
        byte[] anchorBytes = System.Text.Encoding.ASCII.GetBytes(anchor);
        byte[] textBytes = System.Text.Encoding.ASCII.GetBytes(text);
        int changed = 0;
        for (int from = 0; from < bytes.Length;)
        {
            int at = bytes.AsSpan(from).IndexOf(anchorBytes);
            if (at < 0)
            {
                break;
            }

            at += from;
            int found = bytes.AsSpan(at).IndexOf(textBytes);
            Assert.True(found >= 0, text);
            bytes[at + found + offset] = replacement;
            changed++;
            from = at + anchorBytes.Length;
        }

        Assert.True(changed > 0, anchor);
        return bytes;
    }

    /// <summary>A healthy workspace database of about a megabyte, closed cleanly (no WAL), as bytes.</summary>
    private static async Task<byte[]> GoodDatabaseAsync(Scratch scratch)
    {
        string root = scratch.Dir("good");
        using (ChildProcess seed = ChildProcess.StartDriver("save-loop", "--workspace", root, "--max", "80", "--artifact-bytes", "4096"))
        {
            Assert.True(await seed.WaitForExitAsync(TimeSpan.FromMinutes(1)) == 0, seed.Stdout + seed.Stderr);
        }

        string path = new Workspace(root).DatabasePath;
        Assert.False(File.Exists(path + "-wal"));
        return File.ReadAllBytes(path);
    }
}
