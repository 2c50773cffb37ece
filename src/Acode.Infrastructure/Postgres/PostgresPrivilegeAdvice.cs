using System.Text.RegularExpressions;
using Npgsql;

namespace Acode.Infrastructure.Postgres;

/// <summary>
/// Turns SQLSTATE 42501 (insufficient_privilege) into words that name the privilege acode's role lacks and the
/// <c>GRANT</c> that gives it. The object comes from the server's message ("permission denied for table sessions");
/// which operation was denied it does not say, so the advice grants everything acode needs on that kind of object
/// (<see cref="PostgresPrivilegeCheck"/> names the exact privileges where it runs first).
/// </summary>
internal static partial class PostgresPrivilegeAdvice
{
    public static PostgresDiagnosis ForDenial(PostgresException pg, string role)
    {
        string said = PostgresServerSaid.Of(pg);
        string schema = string.IsNullOrEmpty(pg.SchemaName) ? PostgresGrants.DefaultSchema : pg.SchemaName;
        string who = PostgresGrants.Quote(role);
        Match denied = DeniedFor().Match(pg.MessageText);
        if (denied.Success)
        {
            string kind = denied.Groups["kind"].Value;
            string name = denied.Groups["name"].Value.Trim('"');
            return kind switch
            {
                "schema" => new PostgresDiagnosis(
                    $"role {who} lacks USAGE or CREATE on schema {name} ({said}); acode needs USAGE there, and CREATE to create or migrate its tables",
                    PostgresGrants.Run(PostgresGrants.OnSchema(name, role, create: true))),
                "database" => new PostgresDiagnosis(
                    $"role {who} lacks CONNECT on database {name} ({said})",
                    PostgresGrants.Run(PostgresGrants.OnDatabase(name, role))),
                "sequence" => new PostgresDiagnosis(
                    $"role {who} lacks USAGE on sequence {name} ({said})",
                    PostgresGrants.Run(PostgresGrants.OnTables(schema, role))),
                _ => new PostgresDiagnosis(
                    $"role {who} lacks a privilege on {kind} {name} ({said}); acode needs {PostgresGrants.TablePrivileges} on each of its tables",
                    PostgresGrants.Run(PostgresGrants.OnTables(schema, role))),
            };
        }

        Match temporary = TemporaryDenied().Match(pg.MessageText);
        if (temporary.Success)
        {
            string database = temporary.Groups["name"].Value;
            return new PostgresDiagnosis(
                $"role {who} lacks TEMPORARY on database {database} ({said}); the sync stages each batch in a temporary table",
                PostgresGrants.Run(PostgresGrants.TemporaryOnDatabase(database, role)));
        }

        Match owner = OwnerOf().Match(pg.MessageText);
        if (owner.Success)
        {
            return new PostgresDiagnosis(
                $"role {who} does not own {owner.Groups["kind"].Value} {owner.Groups["name"].Value} ({said}); changing a table's definition takes its owner",
                $"Run 'acode db migrate' with the role that created acode's tables (its owner), or have a superuser run: ALTER {owner.Groups["kind"].Value.ToUpperInvariant()} {PostgresGrants.Quote(owner.Groups["name"].Value.Trim('"'))} OWNER TO {who};");
        }

        return new PostgresDiagnosis(
            $"role {who} lacks a privilege acode needs ({said})",
            PostgresGrants.Run($"{PostgresGrants.OnSchema(schema, role, create: true)} {PostgresGrants.OnTables(schema, role)}"));
    }

    [GeneratedRegex("^permission denied for (?<kind>[a-z ]+?) (?<name>\\S+)$", RegexOptions.CultureInvariant)]
    private static partial Regex DeniedFor();

    // PostgreSQL's wording (src/backend/catalog/namespace.c, InitTempTableNamespace).
    [GeneratedRegex("^permission denied to create temporary tables in database \"(?<name>.+)\"$", RegexOptions.CultureInvariant)]
    private static partial Regex TemporaryDenied();

    [GeneratedRegex("^must be owner of (?<kind>[a-z ]+?) (?<name>\\S+)$", RegexOptions.CultureInvariant)]
    private static partial Regex OwnerOf();
}
