using Acode.Infrastructure.Migrations;
using Acode.Infrastructure.Sqlite;
using Acode.Infrastructure.Tests.Support;
using Acode.Testing;
using Microsoft.Data.Sqlite;

namespace Acode.Infrastructure.Tests.Sqlite;

/// <summary>
/// SQL text of several statements runs every statement to its end and throws the first error (<see cref="SqliteScript"/>),
/// where <c>SqliteCommand.ExecuteNonQuery</c> drops the errors of the statements after one with result columns.
/// </summary>
public sealed class SqliteScriptTests : IDisposable
{
    private readonly SqliteConnection _connection = new("Data Source=:memory:");

    public SqliteScriptTests()
    {
        _connection.Open();
        SqliteProbe.Execute(_connection, "CREATE TABLE t (x INTEGER) STRICT;");
    }

    public void Dispose() => _connection.Dispose();

    [Theory]
    [InlineData("SELECT 1;")]
    [InlineData("PRAGMA busy_timeout = 1000;")]
    [InlineData("INSERT INTO t (x) VALUES (1) RETURNING x;")]
    [InlineData("ALTER TABLE t ADD COLUMN extra TEXT;")]
    public void A_statement_failing_after_one_that_returns_columns_throws(string returnsColumns)
    {
        string script = $"{returnsColumns} INSERT INTO t (x) VALUES ('not a number'); CREATE TABLE after_failure (x);";

        SqliteException error = Assert.Throws<SqliteException>(() => SqliteScript.Execute(_connection, null, script));

        Assert.Contains("cannot store TEXT value in INTEGER column t.x", error.Message, StringComparison.Ordinal);
        Assert.Empty(SqliteProbe.Rows(_connection, "SELECT name FROM sqlite_schema WHERE name = 'after_failure';"));
    }

    [Fact]
    public void Statements_end_where_SQLite_sees_a_complete_statement()
    {
        const string Script = """
            -- leading comment; not a statement
            CREATE TABLE a (x TEXT);
            INSERT INTO a VALUES ('semi;colon');
            /* block; comment */
            CREATE TRIGGER a_t AFTER INSERT ON a BEGIN
                SELECT ';';
                SELECT 2;
            END;
            ;
            SELECT 'last, without a semicolon'
            -- trailing comment
            """;

        IReadOnlyList<string> statements = SqliteScript.Statements(Script);

        Assert.Equal(
            ["CREATE TABLE a (x TEXT);", "INSERT INTO a VALUES ('semi;colon');", "CREATE TRIGGER a_t AFTER INSERT ON a BEGIN SELECT ';'; SELECT 2; END;", "SELECT 'last, without a semicolon' -- trailing comment"],
            statements.Select(StatementText.Excerpt));
    }

    [Fact]
    public void Text_of_only_comments_and_semicolons_has_no_statements()
        => Assert.Empty(SqliteScript.Statements("-- a;\n/* b; */ ;\n ; "));

    [Fact]
    public void Every_shipped_migration_splits_into_statements_that_rebuild_its_schema()
    {
        // 1.5.0 calls the acode_blob_* functions, which the migrator registers on its connection: so do both here.
        using var replayed = new SqliteConnection("Data Source=:memory:");
        replayed.Open();
        SqliteMigrationFunctions.Register(replayed);
        foreach (Migration migration in ShippedSchema.Sqlite)
        {
            foreach (string statement in SqliteScript.Statements(migration.Script))
            {
                SqliteScript.Run(replayed, null, statement);
            }
        }

        using var whole = new SqliteConnection("Data Source=:memory:");
        whole.Open();
        SqliteMigrationFunctions.Register(whole);
        foreach (Migration migration in ShippedSchema.Sqlite)
        {
            SqliteProbe.Execute(whole, migration.Script);
        }

        const string Schema = "SELECT type || ' ' || name || ' ' || ifnull(sql, '') FROM sqlite_schema ORDER BY name;";
        Assert.Equal(
            SqliteProbe.Rows(whole, Schema).Select(r => r.Values.First()),
            SqliteProbe.Rows(replayed, Schema).Select(r => r.Values.First()));
    }
}
