using Acode.Application.Search;
using Microsoft.Data.Sqlite;

namespace Acode.Infrastructure.Search;

/// <summary>
/// Runs an FTS5 MATCH expression against one text that no index of the workspace keeps: the text of a blob, which
/// <c>blob_search_index</c> (schema 1.6.0) indexes without content and without word positions. The text is put into an
/// FTS5 table of a private in-memory database with the tokenizer of the workspace's indexes, so the exact query
/// (phrases included) decides whether it matches, and FTS5's <c>snippet()</c> cuts and marks its snippet exactly as
/// for text an index keeps. One table, refilled per text. A NUL in the text is given to FTS5 as a space
/// (<see cref="Fts5Text"/>): <c>snippet()</c> would end at it.
/// </summary>
internal sealed class Fts5TextMatcher : IDisposable
{
    private readonly SqliteConnection _connection = new("Data Source=:memory:");
    private bool _created;

    /// <summary>
    /// The snippet of <paramref name="text"/> for <paramref name="match"/> (an exact <see cref="Fts5Query"/> expression),
    /// marked with <see cref="SearchSnippet.StartMark"/> and <see cref="SearchSnippet.EndMark"/>, at most
    /// <paramref name="words"/> words; null when the text does not match.
    /// </summary>
    public string? Snippet(string text, string match, int words)
    {
        if (!_created)
        {
            _connection.Open();
            Execute("CREATE VIRTUAL TABLE snippet_text USING fts5(text, tokenize='unicode61 remove_diacritics 2');");
            _created = true;
        }

        Execute("DELETE FROM snippet_text;");
        using (SqliteCommand insert = _connection.CreateCommand())
        {
            insert.CommandText = "INSERT INTO snippet_text (rowid, text) VALUES (1, $text);";
            insert.Parameters.AddWithValue("$text", Fts5Text.ForIndex(text));
            insert.ExecuteNonQuery();
        }

        using SqliteCommand snippet = _connection.CreateCommand();
        snippet.CommandText = "SELECT snippet(snippet_text, 0, $start, $end, '…', $words) FROM snippet_text WHERE snippet_text MATCH $match;";
        snippet.Parameters.AddWithValue("$start", SearchSnippet.StartMark.ToString());
        snippet.Parameters.AddWithValue("$end", SearchSnippet.EndMark.ToString());
        snippet.Parameters.AddWithValue("$words", words);
        snippet.Parameters.AddWithValue("$match", match);
        using SqliteDataReader reader = snippet.ExecuteReader();
        return reader.Read() ? (reader.IsDBNull(0) ? "" : reader.GetString(0)) : null;
    }

    /// <inheritdoc/>
    public void Dispose() => _connection.Dispose();

    private void Execute(string sql)
    {
        using SqliteCommand command = _connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
