using System.Text.RegularExpressions;
using Acode.Application.Errors;
using Acode.Infrastructure.Migrations;
using Npgsql;

namespace Acode.Infrastructure.Postgres;

/// <summary>
/// Whether PostgreSQL can take a sync now, as far as the catalog tells without writing: the session may write (not a
/// standby, <c>default_transaction_read_only</c> off), and every table and column, view, function and trigger that the
/// applied migrations created is there (none dropped by hand). <c>acode db check</c> (and <c>db status</c>,
/// <c>db sync status</c>) fail on what the sync would be refused for, instead of reporting a healthy server.
/// </summary>
/// <remarks>
/// The expected objects are read from the migrations' scripts (<c>CREATE TABLE</c> with its columns, <c>ALTER TABLE … ADD
/// COLUMN</c>, <c>CREATE VIEW</c>, <c>CREATE FUNCTION</c>, <c>CREATE TRIGGER</c>; no shipped migration drops or renames one),
/// once per process; the check is one catalog query, readable by every role, and changes nothing.
/// </remarks>
internal static partial class PostgresSchemaCheck
{
    /// <summary>How many missing objects a message names before "…".</summary>
    private const int Named = 10;

    private static readonly Lazy<IReadOnlyList<(Version Version, string Kind, string Name)>> Expected = new(() => Parse(MigrationCatalog.For(MigrationCatalog.Postgres)));

    private const string Sql = """
        SELECT current_setting('transaction_read_only') = 'on', current_setting('default_transaction_read_only') = 'on', pg_is_in_recovery(),
               ARRAY(SELECT 'column:' || c.relname || '.' || a.attname
                     FROM pg_catalog.pg_class c
                     JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace AND n.nspname = current_schema()
                     JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
                     WHERE c.relkind IN ('r', 'p')
                     UNION ALL
                     SELECT 'view:' || c.relname
                     FROM pg_catalog.pg_class c
                     JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace AND n.nspname = current_schema()
                     WHERE c.relkind IN ('v', 'm')
                     UNION ALL
                     SELECT 'function:' || p.proname
                     FROM pg_catalog.pg_proc p
                     JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace AND n.nspname = current_schema()
                     UNION ALL
                     SELECT 'trigger:' || t.tgname
                     FROM pg_catalog.pg_trigger t
                     JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid
                     JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace AND n.nspname = current_schema()
                     WHERE NOT t.tgisinternal);
        """;

    private const string MissingRemedy =
        "Restore the database from a backup; or drop acode's tables and schema_version so that the next sync recreates them, then refill them with 'acode db sync retry --processed'.";

    /// <summary>Throws ACODE-DB-006 when the server accepts only reads or an object of acode's schema at <paramref name="current"/> is missing.</summary>
    /// <param name="connection">An open connection as acode's role.</param>
    /// <param name="current">The schema version the journal says is applied (null: none yet); objects of later migrations are not expected.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <exception cref="AcodeDbException">ACODE-DB-006 (refused) naming what is wrong and what fixes it.</exception>
    public static async Task EnsureAsync(NpgsqlConnection connection, Version? current, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        string target = PostgresConnectionSettings.Redact(connection.ConnectionString);
        bool readOnly, defaultReadOnly, standby;
        HashSet<string> present;
        using (var command = new NpgsqlCommand(Sql, connection))
        {
            NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                readOnly = reader.GetBoolean(0);
                defaultReadOnly = reader.GetBoolean(1);
                standby = reader.GetBoolean(2);
                present = new HashSet<string>(reader.GetFieldValue<string[]>(3), StringComparer.Ordinal);
            }
        }

        List<string> missing = current is null ? [] : MissingOf(current, present);
        if (current is not null && missing.Count > 0)
        {
            string listed = string.Join(", ", missing.Take(Named)) + (missing.Count > Named ? ", …" : "");
            throw AcodeErrors.PostgresRefused(target, $"a table or column of acode's schema {current.ToString(3)} is missing ({listed}); it was dropped or changed by hand after acode created it", MissingRemedy);
        }

        if (readOnly || defaultReadOnly || standby)
        {
            string why = standby
                ? "it is a standby (in recovery)"
                : "default_transaction_read_only is on for this role or database";
            throw AcodeErrors.PostgresRefused(target, $"the server accepts only reads ({why}), so the sync cannot write there",
                standby
                    ? "Point ACODE_POSTGRES_URL at the primary server."
                    : "Turn default_transaction_read_only off for acode's role or database (ALTER ROLE … / ALTER DATABASE … SET default_transaction_read_only = off), or point ACODE_POSTGRES_URL at a server that accepts writes.");
        }
    }

    /// <summary>The objects of the migrations up to <paramref name="current"/> that <paramref name="present"/> lacks: a table as "table x", a column of a present table as "column x.y".</summary>
    internal static List<string> MissingOf(Version current, IReadOnlySet<string> present)
    {
        var tables = new HashSet<string>(present.Where(p => p.StartsWith("column:", StringComparison.Ordinal)).Select(p => p["column:".Length..].Split('.')[0]), StringComparer.Ordinal);
        var missing = new List<string>();
        foreach ((Version version, string kind, string name) in Expected.Value)
        {
            if (version > current || present.Contains($"{kind}:{name}"))
            {
                continue;
            }

            if (kind == "column")
            {
                string table = name.Split('.')[0];
                string said = tables.Contains(table) ? $"column {name}" : $"table {table}";
                if (!missing.Contains(said))
                {
                    missing.Add(said);
                }
            }
            else
            {
                missing.Add($"{kind} {name}");
            }
        }

        return missing;
    }

    /// <summary>The objects each migration creates, in migration order.</summary>
    internal static IReadOnlyList<(Version Version, string Kind, string Name)> Parse(IEnumerable<Migration> migrations)
    {
        var objects = new List<(Version, string, string)>();
        foreach (Migration migration in migrations)
        {
            string script = LineComment().Replace(migration.Script, "");
            foreach (Match table in CreateTable().Matches(script))
            {
                string name = table.Groups["name"].Value;
                foreach (string part in TopLevelParts(script, table.Index + table.Length))
                {
                    Match column = ColumnDefinition().Match(part);
                    if (column.Success && !Constraint().IsMatch(part))
                    {
                        objects.Add((migration.Version, "column", $"{name}.{column.Groups["column"].Value}"));
                    }
                }
            }

            foreach (Match alter in AlterTable().Matches(script))
            {
                foreach (Match added in AddColumn().Matches(alter.Groups["body"].Value))
                {
                    objects.Add((migration.Version, "column", $"{alter.Groups["name"].Value}.{added.Groups["column"].Value}"));
                }
            }

            objects.AddRange(CreateView().Matches(script).Select(m => (migration.Version, "view", m.Groups["name"].Value)));
            objects.AddRange(CreateFunction().Matches(script).Select(m => (migration.Version, "function", m.Groups["name"].Value)));
            objects.AddRange(CreateTrigger().Matches(script).Select(m => (migration.Version, "trigger", m.Groups["name"].Value)));
        }

        return objects;
    }

    /// <summary>The comma-separated parts of the parenthesised list that starts at <paramref name="open"/> (its '('), nested parentheses kept whole.</summary>
    private static IEnumerable<string> TopLevelParts(string script, int open)
    {
        int depth = 0;
        int start = open + 1;
        for (int i = open; i < script.Length; i++)
        {
            char c = script[i];
            if (c == '(')
            {
                depth++;
            }
            else if (c == ')' && --depth == 0)
            {
                yield return script[start..i];
                yield break;
            }
            else if (c == ',' && depth == 1)
            {
                yield return script[start..i];
                start = i + 1;
            }
        }
    }

    [GeneratedRegex(@"--[^\n]*")]
    private static partial Regex LineComment();

    [GeneratedRegex(@"\bCREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?(?<name>[a-z_][a-z0-9_]*)\s*(?=\()", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex CreateTable();

    [GeneratedRegex(@"^\s*(?<column>[a-z_][a-z0-9_]*)\s+[a-z]", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ColumnDefinition();

    [GeneratedRegex(@"^\s*(?:PRIMARY|UNIQUE|CONSTRAINT|CHECK|FOREIGN|EXCLUDE|LIKE)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Constraint();

    [GeneratedRegex(@"\bALTER\s+TABLE\s+(?:ONLY\s+)?(?<name>[a-z_][a-z0-9_]*)\s+(?<body>[^;]*);", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex AlterTable();

    [GeneratedRegex(@"\bADD\s+COLUMN\s+(?:IF\s+NOT\s+EXISTS\s+)?(?<column>[a-z_][a-z0-9_]*)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex AddColumn();

    [GeneratedRegex(@"\bCREATE\s+(?:OR\s+REPLACE\s+)?(?:MATERIALIZED\s+)?VIEW\s+(?<name>[a-z_][a-z0-9_]*)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex CreateView();

    [GeneratedRegex(@"\bCREATE\s+(?:OR\s+REPLACE\s+)?FUNCTION\s+(?<name>[a-z_][a-z0-9_]*)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex CreateFunction();

    [GeneratedRegex(@"\bCREATE\s+(?:OR\s+REPLACE\s+)?TRIGGER\s+(?<name>[a-z_][a-z0-9_]*)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex CreateTrigger();
}
