using Acode.Application.Errors;
using Acode.Infrastructure.Migrations;
using Acode.Testing;

namespace Acode.Infrastructure.Tests.Migrations;

/// <summary>
/// What both migrators do alike (<see cref="SqliteMigrator"/>, <see cref="PostgresMigrator"/>): the journal, idempotence,
/// version order, one transaction per migration, checksums, refusing a newer schema, concurrent starters. Each test runs
/// once per engine (<see cref="SqliteMigratorContractTests"/>, <see cref="PostgresMigratorContractTests"/>) on a fresh,
/// empty database; what only one engine has (the workspace file, column types) stays in that engine's own tests.
/// </summary>
public abstract class MigratorContractTests
{
    /// <summary>The migrations this program ships for the engine.</summary>
    protected abstract IReadOnlyList<Migration> Shipped { get; }

    /// <summary>The exception type of the engine's driver, which a failed migration keeps as its inner exception.</summary>
    protected abstract Type DriverException { get; }

    /// <summary>Applies <paramref name="migrations"/> (the shipped ones when null) to the test database.</summary>
    protected abstract Task<IReadOnlyList<Migration>> MigrateAsync(IReadOnlyList<Migration>? migrations = null);

    /// <summary>The migration status of the test database as a migrator of <paramref name="migrations"/> sees it.</summary>
    protected abstract Task<MigrationStatus> GetStatusAsync(IReadOnlyList<Migration>? migrations = null);

    /// <summary>Builds (only) a migrator of <paramref name="migrations"/>.</summary>
    protected abstract void CreateMigrator(IReadOnlyList<Migration> migrations);

    /// <summary>The first column of what <paramref name="sql"/> returns, as text, in the order returned.</summary>
    protected abstract Task<IReadOnlyList<string>> QueryAsync(string sql);

    /// <summary>The names of the tables (acode's schema, not the engine's catalog).</summary>
    protected abstract Task<IReadOnlyList<string>> TablesAsync();

    /// <summary>
    /// The script of the failing migration <c>V1_1_0_Broken</c>: it creates <c>half_done</c>, alters a table that existed
    /// before (both engines' DDL is transactional, so that is undone too), then fails.
    /// </summary>
    private string BrokenScript => CreateTable("half_done") + " ALTER TABLE sessions ADD COLUMN extra text; SELECT * FROM no_such_table;";

    /// <summary>Checks what only the engine can: how it words the cause.</summary>
    protected virtual Task AssertRolledBackAsync(AcodeDbException error) => Task.CompletedTask;

    /// <summary>The names of the columns of <paramref name="table"/>.</summary>
    protected abstract Task<IReadOnlyList<string>> ColumnsAsync(string table);

    /// <summary>A statement that creates a one-column table in the engine's dialect.</summary>
    protected abstract string CreateTable(string table);

    /// <summary>Adds a row for version 9.0.0 to the journal, as a newer program would have.</summary>
    protected abstract Task RecordVersionFromTheFutureAsync();

    /// <summary>Runs several starters' migrators at once on the test database, each with its own connection; the migrations each applied.</summary>
    protected abstract Task<IReadOnlyList<Migration>[]> MigrateConcurrentlyAsync();

    /// <summary>The versions in <c>schema_version</c>, in version order.</summary>
    private async Task<IReadOnlyList<string>> JournalAsync()
        => [.. (await QueryAsync("SELECT version FROM schema_version;")).OrderBy(Version.Parse)];

    private async Task<bool> TableExistsAsync(string table) => (await TablesAsync()).Contains(table);

    [Fact]
    [Trait("AC", "AC-011")]
    [Trait("AC", "AC-012")]
    public async Task Migrating_twice_applies_nothing_the_second_time()
    {
        IReadOnlyList<Migration> first = await MigrateAsync();
        IReadOnlyList<string> journal = await JournalAsync();

        IReadOnlyList<Migration> second = await MigrateAsync();

        Assert.Equal(Shipped.Select(m => m.Id), first.Select(m => m.Id));
        Assert.Empty(second);
        Assert.Equal(journal, await JournalAsync());
        Assert.Equal(Shipped.Select(m => m.VersionText), journal);
        MigrationStatus status = await GetStatusAsync();
        Assert.Empty(status.Pending);
        Assert.Equal(ShippedSchema.Latest, status.CurrentText);
        Assert.Equal(status.LatestText, status.CurrentText);
    }

    [Fact]
    [Trait("AC", "AC-012")]
    public async Task The_status_of_an_empty_database_lists_every_migration_as_pending_and_writes_nothing()
    {
        MigrationStatus status = await GetStatusAsync();

        Assert.Null(status.Current);
        Assert.Equal("none", status.CurrentText);
        Assert.Equal(Shipped.Count, status.Pending.Count);
        Assert.Empty(await TablesAsync());
    }

    [Fact]
    [Trait("AC", "AC-013")]
    public async Task A_failing_migration_rolls_back_and_leaves_the_last_good_version()
    {
        var broken = new Migration(new Version(1, 1, 0), "Broken", BrokenScript);

        AcodeDbException error = await Assert.ThrowsAsync<AcodeDbException>(() => MigrateAsync([Shipped[0], broken]));

        Assert.Equal(AcodeErrorCode.MigrationFailed, error.ErrorCode);
        Assert.Equal("ACODE-DB-003", error.Code);
        Assert.Contains("V1_1_0_Broken", error.Message, StringComparison.Ordinal);
        Assert.Contains("still at version 1.0.0", error.Message, StringComparison.Ordinal);
        Assert.IsType(DriverException, error.InnerException);
        AssertNamesStatement(error, 3, 3, "SELECT * FROM no_such_table;");
        Assert.Equal(["1.0.0"], await JournalAsync());
        Assert.False(await TableExistsAsync("half_done"));
        Assert.DoesNotContain("extra", await ColumnsAsync("sessions"));
        Assert.Equal("1.0.0", (await GetStatusAsync([Shipped[0]])).CurrentText);
        await AssertRolledBackAsync(error);
    }

    /// <summary>
    /// Checks that the message names the failed statement, <paramref name="statement"/>, number <paramref name="number"/>
    /// of <paramref name="count"/>, where the engine's driver says which it was (see docs/reliability.md 10.16).
    /// </summary>
    protected virtual void AssertNamesStatement(AcodeDbException error, int number, int count, string statement)
    {
    }

    /// <summary>
    /// A statement with result columns before the failing one: SQLite's driver used to stop at such a statement and run
    /// the rest while disposing its reader, dropping their errors, so the migration was recorded with its failing
    /// statement and all after it skipped. An <c>ALTER TABLE ... ADD COLUMN</c> on a STRICT table has result columns too.
    /// </summary>
    [Theory]
    [Trait("AC", "AC-013")]
    [InlineData("SELECT 1;", "SELECT * FROM no_such_table;")]
    [InlineData("SELECT count(*) FROM sessions;", "INSERT INTO half_done (x) VALUES ('not a number');")]
    [InlineData("INSERT INTO half_done (x) VALUES (1) RETURNING x;", "SELECT * FROM no_such_table;")]
    [InlineData("ALTER TABLE sessions ADD COLUMN extra text;", "INSERT INTO half_done (x) VALUES ('not a number');")]
    public async Task A_statement_failing_after_one_that_returns_columns_fails_the_whole_migration(string returnsColumns, string failing)
    {
        var broken = new Migration(new Version(1, 1, 0), "Broken", $"{CreateTable("half_done")}\n{returnsColumns}\n{failing}\n{CreateTable("after_failure")}");

        AcodeDbException error = await Assert.ThrowsAsync<AcodeDbException>(() => MigrateAsync([Shipped[0], broken]));

        Assert.Equal("ACODE-DB-003", error.Code);
        Assert.Equal(AcodeErrorCode.MigrationFailed, error.ErrorCode);
        Assert.IsType(DriverException, error.InnerException);
        AssertNamesStatement(error, 3, 4, failing);
        Assert.Equal(["1.0.0"], await JournalAsync());
        Assert.False(await TableExistsAsync("half_done"));
        Assert.False(await TableExistsAsync("after_failure"));
        Assert.DoesNotContain("extra", await ColumnsAsync("sessions"));
    }

    [Fact]
    [Trait("AC", "AC-010")]
    public async Task A_migration_applies_every_statement_of_its_script()
    {
        var script = new Migration(new Version(1, 1, 0), "Many", string.Join('\n',
            "-- a comment; with a semicolon",
            CreateTable("first_table"),
            "SELECT 1;",
            "ALTER TABLE sessions ADD COLUMN extra text; /* a comment; with a semicolon */",
            "INSERT INTO first_table (x) VALUES (1) RETURNING x;",
            "INSERT INTO first_table (x) SELECT count(*) + 41 FROM sessions WHERE title <> ';';",
            CreateTable("last_table").TrimEnd(';')));

        await MigrateAsync([Shipped[0], script]);

        Assert.Equal(["1.0.0", "1.1.0"], await JournalAsync());
        Assert.Equal(["1", "41"], await QueryAsync("SELECT x FROM first_table ORDER BY x;"));
        Assert.Contains("extra", await ColumnsAsync("sessions"));
        Assert.True(await TableExistsAsync("last_table"));
    }

    [Fact]
    [Trait("AC", "AC-013")]
    [Trait("AC", "AC-012")]
    public async Task Each_migration_commits_on_its_own_so_a_later_failure_keeps_the_earlier_ones()
    {
        var notes = new Migration(new Version(1, 1, 0), "AddNotes", CreateTable("notes"));
        var broken = new Migration(new Version(1, 2, 0), "Broken", CreateTable("t") + " SELECT * FROM no_such_table;");

        await Assert.ThrowsAsync<AcodeDbException>(() => MigrateAsync([Shipped[0], notes, broken]));

        Assert.Equal(["1.0.0", "1.1.0"], await JournalAsync());
        Assert.True(await TableExistsAsync("notes"));
        Assert.False(await TableExistsAsync("t"));
    }

    [Fact]
    [Trait("AC", "AC-013")]
    public async Task A_database_newer_than_the_program_is_refused_and_not_changed()
    {
        await MigrateAsync();
        await RecordVersionFromTheFutureAsync();

        AcodeDbException error = await Assert.ThrowsAsync<AcodeDbException>(() => MigrateAsync());

        Assert.Equal(AcodeErrorCode.SchemaTooNew, error.ErrorCode);
        Assert.Equal("ACODE-DB-004", error.Code);
        Assert.Contains($" schema is at version 9.0.0, newer than this program knows (latest {ShippedSchema.Latest})", error.Message, StringComparison.Ordinal);
        Assert.Equal([.. Shipped.Select(m => m.VersionText), "9.0.0"], await JournalAsync());
    }

    [Fact]
    [Trait("AC", "AC-013")]
    public async Task A_status_read_by_a_program_that_does_not_know_an_applied_version_is_refused()
    {
        var notes = new Migration(new Version(1, 1, 0), "AddNotes", CreateTable("notes"));
        await MigrateAsync([Shipped[0], notes]);

        AcodeDbException error = await Assert.ThrowsAsync<AcodeDbException>(() => GetStatusAsync([Shipped[0]]));

        Assert.Equal(AcodeErrorCode.SchemaTooNew, error.ErrorCode);
        Assert.Equal(["1.0.0", "1.1.0"], await JournalAsync());
    }

    [Fact]
    [Trait("AC", "AC-012")]
    public async Task An_applied_migration_that_was_edited_is_detected_by_checksum()
    {
        await MigrateAsync();
        Migration initial = Shipped[0];
        var edited = new Migration(initial.Version, initial.Name, initial.Script + "\n-- edited\n");

        AcodeDbException error = await Assert.ThrowsAsync<AcodeDbException>(() => GetStatusAsync([edited, .. Shipped.Skip(1)]));

        Assert.Equal(AcodeErrorCode.MigrationFailed, error.ErrorCode);
        Assert.StartsWith("Migration V1_0_0_InitialSchema was changed after it was applied", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("AC", "AC-010")]
    public async Task Migrations_given_out_of_order_are_applied_in_version_order()
    {
        // Each entry is its position (thousands) and its version: applied out of order, 1.10.0 would be at position 1.
        var v1_0 = new Migration(new Version(1, 0, 0), "CreateLog", CreateTable("log") + " INSERT INTO log VALUES (100);");
        var v1_2 = new Migration(new Version(1, 2, 0), "UseLog", "INSERT INTO log VALUES ((SELECT count(*) FROM log) * 1000 + 102);");
        var v1_10 = new Migration(new Version(1, 10, 0), "UseLogAgain", "INSERT INTO log VALUES ((SELECT count(*) FROM log) * 1000 + 110);");

        IReadOnlyList<Migration> applied = await MigrateAsync([v1_10, v1_0, v1_2]);

        Assert.Equal(["V1_0_0_CreateLog", "V1_2_0_UseLog", "V1_10_0_UseLogAgain"], applied.Select(m => m.Id));
        Assert.Equal(["1.0.0", "1.2.0", "1.10.0"], await JournalAsync());
        Assert.Equal(["100", "1102", "2110"], await QueryAsync("SELECT x FROM log ORDER BY x;"));
        MigrationStatus status = await GetStatusAsync([v1_0, v1_2, v1_10]);
        Assert.Equal("1.10.0", status.CurrentText);
        Assert.Equal("1.10.0", status.LatestText);
    }

    [Fact]
    [Trait("AC", "AC-010")]
    public void A_migrator_refuses_two_migrations_with_the_same_version()
    {
        var notes = new Migration(new Version(1, 1, 0), "AddNotes", CreateTable("notes"));
        var other = new Migration(new Version(1, 1, 0), "AddNotes", "SELECT 1;");

        Assert.Throws<ArgumentException>(() => CreateMigrator([Shipped[0], notes, other]));
    }

    [Fact]
    [Trait("AC", "AC-011")]
    [Trait("AC", "AC-012")]
    public async Task Starters_migrating_at_once_apply_each_migration_exactly_once()
    {
        IReadOnlyList<Migration>[] results = await MigrateConcurrentlyAsync();

        Assert.Equal(Shipped.Count, results.Sum(r => r.Count));
        Assert.Equal(Shipped.Select(m => m.VersionText), await JournalAsync());
    }
}
