using System.Text.RegularExpressions;
using Acode.Application.Errors;
using Acode.Infrastructure.Migrations;
using Npgsql;

namespace Acode.Infrastructure.Postgres;

/// <summary>
/// Before acode reads or writes its PostgreSQL tables, asks the catalog which of the privileges it needs the connected
/// role lacks (USAGE on the schema; SELECT, INSERT, UPDATE, DELETE on each table acode's migrations create; USAGE on
/// their sequences), so that a role short of a privilege gets ACODE-DB-006 naming each missing privilege and the
/// GRANT that fixes it, from <c>acode db status</c> as from a sync, before any record is tried. A reader (<c>--remote</c>
/// reads, <c>session pull</c>, <c>acode ui --remote</c>) checks only SELECT on the tables and USAGE on the schema, so a
/// SELECT-only role or a read replica serves it (docs/postgres.md, "A reader role").
/// </summary>
/// <remarks>Reads only the catalog (readable by every role); one round trip; changes nothing.</remarks>
internal static partial class PostgresPrivilegeCheck
{
    private static readonly string[] Order = ["SELECT", "INSERT", "UPDATE", "DELETE", "USAGE"];
    private static readonly string[] ReadPrivileges = ["SELECT"];

    private const string Sql = """
        SELECT current_user, current_schema(), COALESCE(has_schema_privilege(current_schema(), 'USAGE'), false),
               COALESCE(has_schema_privilege(current_schema(), 'CREATE'), false),
               ARRAY(SELECT c.relname || ':' || p.privilege
                     FROM pg_catalog.pg_class c
                     JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace AND n.nspname = current_schema()
                     CROSS JOIN unnest($2::text[]) AS p(privilege)
                     WHERE c.relkind IN ('r', 'p') AND c.relname = ANY($1)
                           AND CASE WHEN c.relkind IN ('r', 'p') THEN NOT has_table_privilege(c.oid, p.privilege) ELSE false END
                     UNION ALL
                     SELECT s.relname || ':USAGE'
                     FROM pg_catalog.pg_class s
                     JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = s.oid
                          AND d.refclassid = 'pg_catalog.pg_class'::regclass AND d.deptype IN ('a', 'i')
                     JOIN pg_catalog.pg_class t ON t.oid = d.refobjid
                     JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace AND n.nspname = current_schema()
                     WHERE $3 AND s.relkind = 'S' AND t.relname = ANY($1)
                           AND CASE WHEN s.relkind = 'S' THEN NOT has_sequence_privilege(s.oid, 'USAGE') ELSE false END),
               ARRAY(SELECT o.name FROM (
                         SELECT 'table ' || c.relname AS name
                         FROM pg_catalog.pg_class c
                         JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace AND n.nspname = current_schema()
                         WHERE $4 AND c.relkind IN ('r', 'p') AND c.relname = ANY($1) AND NOT pg_has_role(c.relowner, 'USAGE')
                         UNION ALL
                         SELECT DISTINCT 'function ' || p.proname
                         FROM pg_catalog.pg_proc p
                         JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace AND n.nspname = current_schema()
                         WHERE $4 AND p.proname LIKE 'acode\_%' AND NOT pg_has_role(p.proowner, 'USAGE')) o
                     ORDER BY o.name);
        """;

    /// <summary>How many objects the role does not own a message names before "…".</summary>
    private const int OwnedNamed = 10;

    /// <summary>The tables <paramref name="migrations"/> create, plus the migration journal <c>schema_version</c>.</summary>
    public static string[] TablesOf(IEnumerable<Migration> migrations)
        => migrations.SelectMany(m => CreateTable().Matches(m.Script).Select(match => match.Groups["name"].Value))
            .Append("schema_version")
            .Distinct(StringComparer.Ordinal)
            .ToArray();

    /// <summary>Throws ACODE-DB-006 naming every missing privilege and the GRANT statements that give them.</summary>
    /// <param name="connection">An open connection as acode's role.</param>
    /// <param name="tables">acode's tables (<see cref="TablesOf"/>); those that do not exist yet are skipped.</param>
    /// <param name="needCreate">True while a migration is pending: CREATE on the schema is needed to apply it, and the
    /// ownership of acode's tables and functions already there, as a migration changes their definitions (ALTER, CREATE
    /// INDEX, REINDEX), which PostgreSQL lets only their owner do (trial AT 2: the dry run passed a role that then
    /// failed on each function in turn).</param>
    /// <param name="readOnly">True for a reader: only SELECT on the tables (and USAGE on the schema) is needed, and the
    /// GRANT named is the SELECT-only one.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <exception cref="AcodeDbException">ACODE-DB-006 (refused) when a privilege is missing or no schema is selected.</exception>
    public static async Task EnsureAsync(NpgsqlConnection connection, string[] tables, bool needCreate, bool readOnly, CancellationToken cancellationToken)
    {
        string target = PostgresConnectionSettings.Redact(connection.ConnectionString);
        string role;
        string? schema;
        bool usage, create;
        string[] missing;
        string[] notOwned;
        using (var command = new NpgsqlCommand(Sql, connection))
        {
            command.Parameters.AddWithValue(tables);
            command.Parameters.AddWithValue(readOnly ? ReadPrivileges : Order[..4]);
            command.Parameters.AddWithValue(!readOnly);
            command.Parameters.AddWithValue(needCreate && !readOnly);
            NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                role = reader.GetString(0);
                schema = reader.IsDBNull(1) ? null : reader.GetString(1);
                usage = reader.GetBoolean(2);
                create = reader.GetBoolean(3);
                missing = reader.GetFieldValue<string[]>(4);
                notOwned = reader.GetFieldValue<string[]>(5);
            }
        }
        if (schema is null)
        {
            throw AcodeErrors.PostgresRefused(target, $"role {PostgresGrants.Quote(role)} has no schema to work in (none of its search_path exists)",
                $"Create the schema first in the role's search_path (usually {PostgresGrants.DefaultSchema}), or fix the search_path option of the connection string.");
        }

        var lacks = new List<string>();
        var grants = new List<string>();
        if (!usage || (needCreate && !create))
        {
            string privileges = string.Join(" and ", new[] { usage ? null : "USAGE", needCreate && !create ? "CREATE" : null }.OfType<string>());
            lacks.Add($"{privileges} on schema {schema}{(needCreate && !create ? " (CREATE to apply the pending migrations, which create acode's tables)" : "")}");
            grants.Add(PostgresGrants.OnSchema(schema, role, create: needCreate && !create));
        }

        if (missing.Length > 0)
        {
            // "sessions:INSERT" … grouped as "INSERT, UPDATE on sessions, steps".
            IEnumerable<string> byPrivileges = missing.Select(m => m.Split(':'))
                .GroupBy(p => p[0], p => p[1], StringComparer.Ordinal)
                .GroupBy(g => string.Join(", ", g.OrderBy(p => Array.IndexOf(Order, p))), g => g.Key, StringComparer.Ordinal)
                .Select(g => $"{g.Key} on {string.Join(", ", g.Order(StringComparer.Ordinal))}");
            lacks.AddRange(byPrivileges);
            grants.Add(readOnly ? PostgresGrants.SelectOnTables(schema, role) : PostgresGrants.OnTables(schema, role));
        }

        if (lacks.Count > 0 && readOnly)
        {
            throw AcodeErrors.PostgresReadRefused(target, $"role {PostgresGrants.Quote(role)} lacks {string.Join("; ", lacks)}", PostgresGrants.Run(string.Join(" ", grants)));
        }

        string? owners = null;
        if (notOwned.Length > 0)
        {
            string named = string.Join(", ", notOwned.Take(OwnedNamed)) + (notOwned.Length > OwnedNamed ? ", …" : "");
            lacks.Add($"the ownership of {named} (a pending migration changes their definitions, which PostgreSQL lets only their owner do)");
            owners = "Run 'acode db migrate' once as the role that owns acode's tables and functions (ACODE_POSTGRES_URL naming that role, for that one command), then go on with this one.";
        }

        if (lacks.Count > 0)
        {
            string remedy = string.Join(" ", new[] { grants.Count > 0 ? PostgresGrants.Run(string.Join(" ", grants)) : null, owners }.OfType<string>());
            throw AcodeErrors.PostgresRefused(target, $"role {PostgresGrants.Quote(role)} lacks {string.Join("; ", lacks)}", remedy);
        }
    }

    [GeneratedRegex(@"\bCREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?(?<name>[a-z_][a-z0-9_]*)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex CreateTable();
}
