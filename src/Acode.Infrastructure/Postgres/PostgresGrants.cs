namespace Acode.Infrastructure.Postgres;

/// <summary>
/// The privileges acode needs in PostgreSQL and the <c>GRANT</c> statements that give them, as shown in ACODE-DB-006
/// and ACODE-DB-003 messages. Identifiers are always double-quoted, so a role or schema name is never read as SQL.
/// </summary>
/// <remarks>
/// acode's role needs <c>CONNECT</c> on the database (and <c>TEMPORARY</c> to sync: each batch is staged in a temporary
/// table), <c>USAGE</c> on its schema (and <c>CREATE</c> there while a
/// migration is pending: the first sync creates the tables), <c>SELECT, INSERT, UPDATE, DELETE</c> on every table it
/// created and <c>USAGE</c> on their sequences. A role that applied the migrations owns the tables and has all of it.
/// A reader role (remote reads, <c>session pull</c>, <c>acode ui --remote</c>) needs only CONNECT, USAGE on the schema
/// and SELECT on the tables.
/// </remarks>
internal static class PostgresGrants
{
    public const string TablePrivileges = "SELECT, INSERT, UPDATE, DELETE";

    /// <summary>The default schema, when the server does not say which one.</summary>
    public const string DefaultSchema = "public";

    public static string OnTables(string schema, string role)
        => $"GRANT {TablePrivileges} ON ALL TABLES IN SCHEMA {Quote(schema)} TO {Quote(role)}; GRANT USAGE ON ALL SEQUENCES IN SCHEMA {Quote(schema)} TO {Quote(role)};";

    /// <summary>What a reader role needs on acode's tables (docs/postgres.md, "A reader role").</summary>
    public static string SelectOnTables(string schema, string role) => $"GRANT SELECT ON ALL TABLES IN SCHEMA {Quote(schema)} TO {Quote(role)};";

    public static string OnSchema(string schema, string role, bool create)
        => $"GRANT USAGE{(create ? ", CREATE" : "")} ON SCHEMA {Quote(schema)} TO {Quote(role)};";

    public static string OnDatabase(string database, string role) => $"GRANT CONNECT ON DATABASE {Quote(database)} TO {Quote(role)};";

    /// <summary>TEMPORARY, for the sync's staging table; PostgreSQL grants it to PUBLIC unless an owner revoked it.</summary>
    public static string TemporaryOnDatabase(string database, string role) => $"GRANT TEMPORARY ON DATABASE {Quote(database)} TO {Quote(role)};";

    /// <summary>"Have the owner of the database (or a superuser) run: …".</summary>
    public static string Run(string statements) => $"Have the owner of the database (or a superuser) run: {statements}";

    /// <summary>An identifier as PostgreSQL reads it verbatim: in double quotes, inner quotes doubled.</summary>
    public static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>The role of a redacted target <c>postgresql://role@host:port/database</c>, or a placeholder when it names none.</summary>
    public static string RoleOf(string redactedTarget)
    {
        const string scheme = "postgresql://";
        if (redactedTarget.StartsWith(scheme, StringComparison.Ordinal))
        {
            string rest = redactedTarget[scheme.Length..];
            int at = rest.IndexOf('@', StringComparison.Ordinal);
            int slash = rest.IndexOf('/', StringComparison.Ordinal);
            if (at > 0 && (slash < 0 || at < slash))
            {
                return Uri.UnescapeDataString(rest[..at]);
            }
        }

        return Environment.UserName; // Npgsql's default user name when none is configured
    }
}
