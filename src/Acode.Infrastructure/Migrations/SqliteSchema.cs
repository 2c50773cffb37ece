using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Acode.Infrastructure.Sqlite;
using Microsoft.Data.Sqlite;

namespace Acode.Infrastructure.Migrations;

/// <summary>
/// The tables, indexes, triggers and views of a database as <c>sqlite_schema</c> records them, and what a set of
/// migrations defines: the same scripts replayed into an in-memory database by the same SQLite library.
/// </summary>
/// <remarks>
/// SQLite keeps each definition as the text of the statement that created it, so a definition damaged in the file
/// (one flipped byte can rename a column) or edited by another program no longer equals its migration's text. The
/// expected text is what the same SQLite library writes when it replays the migrations (an <c>ALTER TABLE … ADD
/// COLUMN</c> of 1.5.0 included), so equal text is the test, and a newer SQLite library cannot make a sound database
/// differ. The journal and the definitions are read in one snapshot (<see cref="SqliteMigrator.GetStatus"/>). Line endings are not part of the text
/// (<see cref="SchemaText"/>): a build from a CRLF checkout stored its definitions with CRLF. SQLite's own objects (<c>sqlite_%</c>) are left to
/// <c>PRAGMA integrity_check</c>; objects a user added beside ours are allowed.
/// <para>The shadow tables of a full-text index the migrations declare (<c>search_index_data</c>, <c>_idx</c>,
/// <c>_content</c>, <c>_docsize</c>, <c>_config</c> of <c>CREATE VIRTUAL TABLE search_index USING fts5</c>) are
/// written by FTS5, not by a migration: another SQLite library may word them differently. They must exist, but their
/// text is FTS5's to check (<c>PRAGMA integrity_check</c> runs FTS5's own check); every other object, the virtual
/// table's own definition included, must still equal its migration's text.</para>
/// <para>Replaying the migrations takes tens of milliseconds of every command's start (JIT included), so a database
/// that holds exactly the schema this build ships is recognized by its <see cref="ShippedFingerprint"/> first; any
/// other database (an older version, a user's own objects beside ours, a damaged definition, another SQLite library's
/// wording) is compared with the replay as before. The fingerprint only skips work: it never accepts what the replay
/// would refuse.</para>
/// </remarks>
internal sealed class SqliteSchema
{
    /// <summary>
    /// <see cref="FingerprintOf"/> the migrations this build embeds and the schema their replay defines; a test
    /// (<c>SchemaFingerprintTests</c>) fails with the new value when a migration is added or changed and this is not.
    /// </summary>
    internal const string ShippedFingerprint = "df727fc9d559d38bdfabaed6eb09d918cec0942420c31f422f446ad0b82fb90c";

    private const string ReadSql = "SELECT type, name, tbl_name, sql FROM sqlite_schema WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\';";

    private static readonly ConcurrentDictionary<string, SqliteSchema> Defined = new(StringComparer.Ordinal);

    private static readonly HashSet<string> ShadowSuffixes = new(StringComparer.OrdinalIgnoreCase) { "data", "idx", "content", "docsize", "config" };

    private readonly Dictionary<string, SchemaObject> _objects;

    private SqliteSchema(Dictionary<string, SchemaObject> objects) => _objects = objects;

    /// <summary>What <paramref name="connection"/>'s database holds now (in <paramref name="transaction"/>'s snapshot when given).</summary>
    public static SqliteSchema Read(SqliteConnection connection, SqliteTransaction? transaction = null)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = ReadSql;
        using SqliteDataReader reader = command.ExecuteReader();
        var objects = new Dictionary<string, SchemaObject>(StringComparer.OrdinalIgnoreCase);
        while (reader.Read())
        {
            // A damaged record can hold NULL or a number where SQLite writes text; that is a difference, not a crash.
            var item = new SchemaObject(reader.GetValue(0) as string, reader.GetValue(1) as string ?? "", reader.GetValue(2) as string, SchemaText.Normalize(reader.GetValue(3) as string));
            objects[item.Name] = item;
        }

        return new SqliteSchema(objects);
    }

    /// <summary>What <paramref name="migrations"/> define, applied in version order; replayed once per process and set.</summary>
    public static SqliteSchema DefinedBy(IReadOnlyList<Migration> migrations)
        => Defined.GetOrAdd(string.Join(',', migrations.Select(m => m.VersionText + ":" + m.Checksum)), _ =>
        {
            using var memory = new SqliteConnection("Data Source=:memory:");
            memory.Open();
            SqliteMigrationFunctions.Register(memory);
            SqliteScript.Execute(memory, null, SqliteMigrator.CreateJournal);
            foreach (Migration migration in migrations)
            {
                SqliteScript.Execute(memory, null, migration.Script);
            }

            return Read(memory);
        });

    /// <summary>
    /// SHA-256 (lower-case hex) of <paramref name="migrations"/>' versions and checksums and of every object of
    /// <paramref name="schema"/> (type, name, table and definition, in name order): equal for two databases only when
    /// both hold the same definitions after the same migrations.
    /// </summary>
    public static string FingerprintOf(IReadOnlyList<Migration> migrations, SqliteSchema schema)
    {
        var text = new StringBuilder();
        foreach (Migration migration in migrations)
        {
            text.Append(migration.VersionText).Append(':').Append(migration.Checksum).Append('\n');
        }

        foreach (SchemaObject item in schema._objects.Values.OrderBy(o => o.Name, StringComparer.Ordinal))
        {
            text.Append(item.Type).Append('\u0001').Append(item.Name).Append('\u0001').Append(item.Table).Append('\u0001').Append(item.Sql).Append('\u0000');
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    /// <summary>
    /// Each object <paramref name="migrations"/> define that this (actual) schema lacks or defines differently, as
    /// <see cref="DifferencesIn"/> words it; without replaying them when this is exactly the schema this build ships.
    /// </summary>
    public IReadOnlyList<string> DifferencesFrom(IReadOnlyList<Migration> migrations)
        => FingerprintOf(migrations, this) == ShippedFingerprint ? [] : DefinedBy(migrations).DifferencesIn(this);

    /// <summary>
    /// Each object of this (expected) schema that <paramref name="actual"/> lacks or defines differently, one line each,
    /// e.g. <c>table 'outbox' is defined differently</c>; empty when all are there as defined.
    /// </summary>
    public IReadOnlyList<string> DifferencesIn(SqliteSchema actual)
    {
        var differences = new List<string>();
        foreach (SchemaObject expected in _objects.Values.OrderBy(o => o.Name, StringComparer.Ordinal))
        {
            if (!actual._objects.TryGetValue(expected.Name, out SchemaObject? found))
            {
                differences.Add($"{expected.Type} '{expected.Name}' is missing");
            }
            else if (found != expected && !IsShadowTable(expected))
            {
                differences.Add($"{expected.Type} '{expected.Name}' is defined differently");
            }
        }

        return differences;
    }

    /// <summary>True for a table FTS5 keeps for a virtual table of this schema (<c>&lt;table&gt;_data</c> and so on).</summary>
    private bool IsShadowTable(SchemaObject item)
    {
        int separator = item.Name.LastIndexOf('_');
        return item.Type == "table"
            && separator > 0
            && ShadowSuffixes.Contains(item.Name[(separator + 1)..])
            && _objects.TryGetValue(item.Name[..separator], out SchemaObject? owner)
            && owner.Type == "table"
            && owner.Sql is { } sql
            && sql.StartsWith("CREATE VIRTUAL TABLE ", StringComparison.OrdinalIgnoreCase)
            && sql.Contains(" USING fts5(", StringComparison.OrdinalIgnoreCase);
    }

    private sealed record SchemaObject(string? Type, string Name, string? Table, string? Sql);
}
