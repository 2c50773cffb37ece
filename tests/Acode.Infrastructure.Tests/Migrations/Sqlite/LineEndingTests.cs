using Acode.Application.Errors;
using Acode.Infrastructure.Migrations;
using Acode.Infrastructure.Sqlite;
using Acode.Infrastructure.Tests.Support;
using Acode.Testing;
using Microsoft.Data.Sqlite;

namespace Acode.Infrastructure.Tests.Migrations.Sqlite;

/// <summary>
/// Issue 10.2: a checkout may give the migration scripts CRLF (Windows, <c>core.autocrlf=true</c>) or LF line endings.
/// The same version built either way must accept the other's database; line endings are the one normalization, applied
/// to the checksum, to what is applied and to the schema comparison alike. Any other difference is still refused.
/// </summary>
public sealed class LineEndingTests : IDisposable
{
    private readonly TempWorkspace _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>Shipped checksums, pinned: the normalization must never change what an existing database recorded.</summary>
    public static TheoryData<string, string, string> ShippedChecksums => new()
    {
        { MigrationCatalog.Sqlite, "1.0.0", "38b51a39dfe81f9ea19a5ae20a0b18ad4d527d11e7fbfdde2689bf83ae70a5e1" },
        { MigrationCatalog.Sqlite, "1.1.0", "784bdde486d309000d5c6fdde9f81004806e0a5e9806d8914ec55c22e0bc8e24" },
        { MigrationCatalog.Sqlite, "1.2.0", "f8b529ba366b8cd79673ef50a36c8933e36b6d438140e568b107f33a817d0ff4" },
        { MigrationCatalog.Sqlite, "1.4.0", "a0e3eacbae68701d2afc39ee1747698b3affae2103087717b8ecb783a17d070d" },
        { MigrationCatalog.Postgres, "1.0.0", "736d68fe3e7066e6bca6b13f8123754ff541ee36acc851094dcee7f3af3a01a6" },
        { MigrationCatalog.Postgres, "1.1.0", "5deed436f30735eae1c03e3286c3fce2bbd08f70166fe7fe80f2f4979b9a8882" },
        { MigrationCatalog.Postgres, "1.2.0", "d4386f351939ce57d4e3106a86f1cdaae97b2da2c2019a706684088c50580bf2" },
        { MigrationCatalog.Postgres, "1.4.0", "685a61d8a8a2a0983ac8a8e99b06bc513fbc98d5b0e730eb319feb418955e786" },
    };

    public static TheoryData<string> LineEndings => new() { "\r\n", "\r" };

    [Theory]
    [Trait("Issue", "10.2")]
    [InlineData("\r\n", "\n")]
    [InlineData("\n", "\r\n")]
    [InlineData("\r", "\r\n")]
    public async Task A_workspace_created_by_one_checkout_opens_in_a_build_from_the_other(string createdWith, string openedWith)
    {
        Acode.Domain.Entities.Session session = TestSessions.Rich();
        using (SqliteWorkspaceDatabase created = _temp.Open(migrations: WithLineEndings(ShippedSchema.Sqlite, createdWith)))
        {
            await new SqliteRunStateStore(created).SaveAsync(session);
        }

        using SqliteWorkspaceDatabase reopened = _temp.Open(migrations: WithLineEndings(ShippedSchema.Sqlite, openedWith));

        Assert.Equal(ShippedSchema.Latest, reopened.GetMigrationStatus().CurrentText);
        Assert.True(reopened.Check().IsHealthy);
        Assert.NotNull(await new SqliteRunStateStore(reopened).GetSessionAsync(session.Id));
    }

    [Theory]
    [Trait("Issue", "10.2")]
    [MemberData(nameof(LineEndings))]
    public async Task Definitions_stored_with_other_line_endings_by_an_earlier_build_are_the_same_schema(string lineEnding)
    {
        // What an earlier build from a CRLF checkout left in the file: SQLite keeps each definition as the text it was given.
        using (SqliteWorkspaceDatabase created = _temp.Open())
        {
            await new SqliteRunStateStore(created).SaveAsync(TestSessions.Rich());
        }

        Assert.True(RewriteLineEndings(lineEnding) > 20);

        using SqliteWorkspaceDatabase reopened = _temp.Open();
        Assert.Equal(ShippedSchema.Latest, reopened.GetMigrationStatus().CurrentText);
    }

    [Fact]
    [Trait("Issue", "10.2")]
    public void An_older_CRLF_workspace_is_compared_and_then_migrated_by_an_LF_build()
    {
        _temp.Open(migrations: WithLineEndings([ShippedSchema.Sqlite[0]], "\r\n")).Dispose();
        RewriteLineEndings("\r\n");

        using SqliteWorkspaceDatabase migrated = _temp.Open();

        Assert.Equal(ShippedSchema.Latest, migrated.GetMigrationStatus().CurrentText);
    }

    [Theory]
    [Trait("Issue", "10.2")]
    [InlineData("session_id       TEXT", "sessionXid       TEXT")]
    [InlineData("session_id       TEXT", "session_id       TEXT ")]
    [InlineData("session_id       TEXT", "session_id\tTEXT")]
    [InlineData("\n", " ")]
    public void A_definition_that_differs_in_more_than_line_endings_is_still_refused(string from, string to)
    {
        _temp.Open().Dispose();
        RewriteLineEndings("\r\n");
        using (SqliteConnection connection = SqliteProbe.Open(_temp.DatabasePath))
        {
            SqliteProbe.Execute(connection, "PRAGMA writable_schema = ON;");
            string crlfFrom = from.Replace("\n", "\r\n", StringComparison.Ordinal);
            Assert.Equal(1, SqliteProbe.Execute(connection, "UPDATE sqlite_schema SET sql = replace(sql, $from, $to) WHERE name = 'outbox';", ("$from", crlfFrom), ("$to", to)));
        }

        SqliteConnection.ClearAllPools();

        AcodeDbException refused = Assert.Throws<AcodeDbException>(() => _temp.Open().Dispose());

        Assert.Equal("ACODE-DB-002", refused.Code);
        Assert.Contains("table 'outbox' is defined differently", refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [Trait("Issue", "10.2")]
    [MemberData(nameof(LineEndings))]
    public void A_migration_is_the_same_migration_whatever_its_line_endings(string lineEnding)
    {
        foreach (Migration shipped in ShippedSchema.Sqlite.Concat(ShippedSchema.Postgres))
        {
            Migration converted = WithLineEndings([shipped], lineEnding)[0];

            Assert.Equal(shipped.Checksum, converted.Checksum);
            Assert.Equal(shipped.Script, converted.Script);
            Assert.DoesNotContain('\r', converted.Script);
        }
    }

    [Theory]
    [Trait("Issue", "10.2")]
    [MemberData(nameof(ShippedChecksums))]
    public void A_shipped_checksum_is_the_same_from_an_LF_and_a_CRLF_checkout(string engine, string version, string checksum)
    {
        Migration shipped = MigrationCatalog.For(engine).Single(m => m.VersionText == version);

        Assert.Equal(checksum, shipped.Checksum);
        Assert.Equal(checksum, WithLineEndings([shipped], "\r\n")[0].Checksum);
    }

    [Fact]
    [Trait("Issue", "10.2")]
    public void Characters_that_are_not_SQL_line_breaks_are_kept()
    {
        var migration = new Migration(new Version(9, 0, 0), "Literal", "SELECT 'a\u2028b\u0085c\fd';\r\n");

        Assert.Equal("SELECT 'a\u2028b\u0085c\fd';\n", migration.Script);
        Assert.NotEqual(new Migration(new Version(9, 0, 0), "Literal", "SELECT 'a\nb\nc\nd';\n").Checksum, migration.Checksum);
    }

    private static List<Migration> WithLineEndings(IEnumerable<Migration> migrations, string lineEnding)
        => [.. migrations.Select(m => new Migration(m.Version, m.Name, m.Script.ReplaceLineEndings("\n").Replace("\n", lineEnding, StringComparison.Ordinal)))];

    /// <summary>Gives every definition in the file <paramref name="lineEnding"/> line endings, through SQLite's own escape hatch.</summary>
    private int RewriteLineEndings(string lineEnding)
    {
        int rewritten;
        using (SqliteConnection connection = SqliteProbe.Open(_temp.DatabasePath))
        {
            SqliteProbe.Execute(connection, "PRAGMA writable_schema = ON;");
            rewritten = SqliteProbe.Execute(connection, "UPDATE sqlite_schema SET sql = replace(sql, char(10), $lineEnding) WHERE instr(sql, char(10)) > 0;", ("$lineEnding", lineEnding));
        }

        SqliteConnection.ClearAllPools();
        return rewritten;
    }
}
