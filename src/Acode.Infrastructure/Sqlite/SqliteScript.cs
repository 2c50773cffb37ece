using Acode.Infrastructure.Migrations;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Acode.Infrastructure.Sqlite;

/// <summary>
/// Runs SQL text of several statements (a migration script, a list of pragmas) so that every statement runs to its end
/// and the first error is thrown: one statement per command, each stepped through all its rows.
/// </summary>
/// <remarks>
/// <c>SqliteCommand.ExecuteNonQuery</c> on several statements does not do that. It stops at the first statement that has
/// result columns and runs the rest while it disposes its reader, where errors are caught and dropped: every statement
/// after the failing one is skipped, and no exception comes out (https://github.com/dotnet/efcore/issues/32740). Result
/// columns are not only a SELECT's: a <c>RETURNING</c> clause, most pragmas (<c>PRAGMA busy_timeout = 5000</c> returns the
/// value) and <c>ALTER TABLE ... ADD COLUMN</c> on a STRICT table or with a CHECK constraint (SQLite compiles a
/// <c>pragma_quick_check</c> query into it) have them too.
/// </remarks>
internal static class SqliteScript
{
    /// <summary>
    /// The statements of <paramref name="sql"/> in order, split where SQLite itself sees a complete statement
    /// (<c>sqlite3_complete</c>: semicolons in strings, comments and trigger bodies do not end one). Text that holds only
    /// comments, whitespace or semicolons is not a statement; a last statement needs no semicolon.
    /// </summary>
    public static IReadOnlyList<string> Statements(string sql)
    {
        ArgumentNullException.ThrowIfNull(sql);
        var statements = new List<string>();
        int start = 0;
        for (int end = sql.IndexOf(';', StringComparison.Ordinal); end >= 0; end = sql.IndexOf(';', end + 1))
        {
            string candidate = sql[start..(end + 1)];
            if (raw.sqlite3_complete(candidate) != 0)
            {
                Add(statements, candidate);
                start = end + 1;
            }
        }

        Add(statements, sql[start..]);
        return statements;
    }

    /// <summary>Runs every statement of <paramref name="sql"/> in order, each to its end.</summary>
    /// <exception cref="SqliteException">The first statement that failed; the statements after it did not run.</exception>
    public static void Execute(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        foreach (string statement in Statements(sql))
        {
            Run(connection, transaction, statement);
        }
    }

    /// <summary>Runs <paramref name="statement"/> to its end, reading and dropping any rows it returns.</summary>
    /// <exception cref="SqliteException">The statement failed.</exception>
    public static void Run(SqliteConnection connection, SqliteTransaction? transaction, string statement)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = statement;
        using SqliteDataReader reader = command.ExecuteReader();

        // NextResult, unlike disposing the reader, throws what the next statement raised (should the split ever leave two).
        do
        {
            while (reader.Read())
            {
            }
        }
        while (reader.NextResult());
    }

    private static void Add(List<string> statements, string text)
    {
        if (StatementText.CodeStart(text) < text.Length)
        {
            statements.Add(text);
        }
    }
}
