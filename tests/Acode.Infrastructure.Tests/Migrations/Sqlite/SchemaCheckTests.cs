using System.Security.Cryptography;
using Acode.Application.Errors;
using Acode.Infrastructure.Migrations;
using Acode.Infrastructure.Sqlite;
using Acode.Infrastructure.Tests.Support;
using Acode.Testing;
using Microsoft.Data.Sqlite;

namespace Acode.Infrastructure.Tests.Migrations.Sqlite;

/// <summary>
/// Every open compares the tables, indexes and triggers with what the applied migrations define. A definition damaged
/// in the file or edited by another program is refused with ACODE-DB-002 before anything is written.
/// </summary>
public sealed class SchemaCheckTests : IDisposable
{
    private readonly TempWorkspace _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [Trait("AC", "AC-012")]
    [InlineData("table", "outbox", "session_id       TEXT", "sessionXid       TEXT")]
    [InlineData("table", "sessions", "'Completed'", "'Complete!'")]
    [InlineData("index", "ix_outbox_status", "(status, id)", "(id, status)")]
    [InlineData("trigger", "row_counts_outbox_insert", "row_count + 1", "row_count + 2")]
    public async Task A_changed_definition_is_refused_with_ACODE_DB_002_naming_it_and_the_file_is_left_untouched(string type, string name, string from, string to)
    {
        await CreatePopulatedAsync();
        RewriteDefinition(name, from, to);
        byte[] before = Hash();

        AcodeDbException refused = Assert.Throws<AcodeDbException>(() => _temp.Open().Dispose());

        Assert.Equal("ACODE-DB-002", refused.Code);
        Assert.Contains($"{type} '{name}' is defined differently", refused.Message, StringComparison.Ordinal);
        Assert.Contains($"version {ShippedSchema.Latest}", refused.Message, StringComparison.Ordinal);
        Assert.Equal(before, Hash());
    }

    [Fact]
    [Trait("AC", "AC-012")]
    public async Task A_missing_index_or_trigger_is_refused_and_every_difference_is_counted()
    {
        await CreatePopulatedAsync();
        SqliteProbe.Execute(_temp.DatabasePath, "DROP INDEX ix_outbox_entity; DROP TRIGGER row_counts_sessions_insert; DROP TRIGGER row_counts_sessions_delete; DROP TRIGGER row_counts_outbox_delete;");

        AcodeDbException refused = Assert.Throws<AcodeDbException>(() => _temp.Open(migrate: false).Dispose());

        Assert.Equal("ACODE-DB-002", refused.Code);
        Assert.Contains("index 'ix_outbox_entity' is missing", refused.Message, StringComparison.Ordinal);
        Assert.Contains("and 1 more", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("AC", "AC-012")]
    public async Task Objects_a_user_adds_beside_ours_and_SQLite_statistics_are_accepted()
    {
        await CreatePopulatedAsync();
        SqliteProbe.Execute(_temp.DatabasePath, "CREATE INDEX my_sessions_by_title ON sessions (title); CREATE VIEW my_recent AS SELECT id FROM sessions; ANALYZE;");

        using SqliteWorkspaceDatabase reopened = _temp.Open();

        Assert.Equal(ShippedSchema.Latest, reopened.GetMigrationStatus().CurrentText);
    }

    [Fact]
    [Trait("AC", "AC-012")]
    public void An_older_version_is_compared_with_that_version_and_then_migrated()
    {
        _temp.Open(migrations: [ShippedSchema.Sqlite[0]]).Dispose();
        RewriteDefinition("outbox", "session_id       TEXT", "sessionXid       TEXT");

        AcodeDbException refused = Assert.Throws<AcodeDbException>(() => _temp.Open().Dispose());

        Assert.Contains($"version {ShippedSchema.Sqlite[0].VersionText}", refused.Message, StringComparison.Ordinal);
        Assert.Equal(ShippedSchema.Sqlite[0].VersionText, SqliteProbe.Scalar(_temp.DatabasePath, "SELECT max(version) FROM schema_version;"));
    }

    [Theory]
    [Trait("AC", "AC-012")]
    [InlineData("version = '1.0.x'")]
    [InlineData("checksum = substr(checksum, 1, 63) || 'G'")]
    [InlineData("applied_at = 'yesterday'")]
    [InlineData("checksum = 42")]
    public void A_damaged_schema_version_row_is_refused_with_ACODE_DB_002(string damage)
    {
        _temp.Open().Dispose();
        SqliteProbe.Execute(_temp.DatabasePath, $"UPDATE schema_version SET {damage} WHERE version = (SELECT min(version) FROM schema_version);");

        AcodeDbException refused = Assert.Throws<AcodeDbException>(() => _temp.Open().Dispose());

        Assert.Equal("ACODE-DB-002", refused.Code);
        Assert.Contains("row 1 of its schema_version table is damaged", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("AC", "AC-012")]
    public void A_checksum_that_differs_only_past_its_short_form_is_shown_whole()
    {
        _temp.Open().Dispose();
        string checksum = ShippedSchema.Sqlite[0].Checksum;
        string edited = checksum[..^1] + (checksum[^1] == '0' ? '1' : '0');
        SqliteProbe.Execute(_temp.DatabasePath, "UPDATE schema_version SET checksum = $edited WHERE version = $version;", ("$edited", edited), ("$version", ShippedSchema.Sqlite[0].VersionText));

        AcodeDbException refused = Assert.Throws<AcodeDbException>(() => _temp.Open().Dispose());

        Assert.Equal("ACODE-DB-003", refused.Code);
        Assert.Contains($"checksum {edited} in the database, {checksum} in this program", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("AC", "AC-012")]
    public void Every_definition_in_a_migrated_database_is_the_text_of_a_migration()
    {
        // The check compares text, which is sound only while SQLite never rewrites a definition (ALTER TABLE does).
        // FTS5 writes its shadow tables' definitions itself (schema 1.3.0); SqliteSchema requires them, not their text.
        // ALTER TABLE ... ADD COLUMN (schema 1.5.0) appends the column to the table's text, the same way in every database
        // that replays the same migrations, which is what SqliteSchema compares against: those tables are the exception.
        _temp.Open().Dispose();
        string scripts = string.Join("\n", ShippedSchema.Sqlite.Select(m => m.Script));
        HashSet<string> altered = System.Text.RegularExpressions.Regex.Matches(scripts, @"ALTER TABLE (\w+) ADD COLUMN").Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);

        List<string> rewritten = SqliteProbe.Rows(_temp.DatabasePath, "SELECT name, sql FROM sqlite_schema WHERE sql IS NOT NULL AND name <> 'schema_version' AND name NOT IN (SELECT name FROM pragma_table_list WHERE type = 'shadow');")
            .Where(r => !scripts.Contains(((string)r["sql"]!)["CREATE ".Length..], StringComparison.Ordinal) && !altered.Contains((string)r["name"]!))
            .Select(r => (string)r["name"]!)
            .ToList();

        Assert.Empty(rewritten);
        Assert.True(SqliteProbe.Count(_temp.DatabasePath, "SELECT count(*) FROM sqlite_schema WHERE sql IS NOT NULL;") > 20);
    }

    private async Task CreatePopulatedAsync()
    {
        using SqliteWorkspaceDatabase db = _temp.Open();
        await new SqliteRunStateStore(db).SaveAsync(TestSessions.Rich());
    }

    /// <summary>What a flipped byte or another program does to a definition, through SQLite's own escape hatch.</summary>
    private void RewriteDefinition(string name, string from, string to)
    {
        using (SqliteConnection connection = SqliteProbe.Open(_temp.DatabasePath))
        {
            SqliteProbe.Execute(connection, "PRAGMA writable_schema = ON;");
            Assert.Equal(1, SqliteProbe.Execute(connection, "UPDATE sqlite_schema SET sql = replace(sql, $from, $to) WHERE name = $name AND instr(sql, $from) > 0;",
                ("$from", from), ("$to", to), ("$name", name)));
        }

        SqliteConnection.ClearAllPools();
    }

    private byte[] Hash() => SHA256.HashData(File.ReadAllBytes(_temp.DatabasePath));
}
