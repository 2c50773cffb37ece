using System.Text.RegularExpressions;
using Npgsql;

namespace Acode.Infrastructure.Postgres;

/// <summary>
/// What a <see cref="PostgresException"/> says, as acode's messages quote it: <c>SQLSTATE 28P01: password authentication
/// failed for user "…"</c>, with a user or role name the server quotes shown by
/// <see cref="PostgresConnectionSettings.ShownUserName"/> (a password put in the user name by mistake is not repeated:
/// trial AU 7).
/// </summary>
internal static partial class PostgresServerSaid
{
    /// <summary><c>SQLSTATE {code}: {message text}</c>, user and role names shown as the target shows them.</summary>
    public static string Of(PostgresException pg) => $"SQLSTATE {pg.SqlState}: {MessageText(pg)}";

    /// <summary>The server's message text, user and role names shown as the target shows them.</summary>
    public static string MessageText(PostgresException pg)
        => QuotedName().Replace(pg.MessageText, m => m.Groups["kind"].Value + " \"" + PostgresConnectionSettings.ShownUserName(m.Groups["name"].Value, escaped: false) + "\"");

    // PostgreSQL's own wording (src/backend/libpq/auth.c, utils/init/miscinit.c): password authentication failed for
    // user "…"; role "…" does not exist; no pg_hba.conf entry for host "…", user "…", database "…". The server quotes a
    // name without escaping a '"' in it, so the name runs to the last '"' before what follows it there (trial AY F9).
    [GeneratedRegex(@"\b(?<kind>user|role) ""(?<name>.*)""(?=$| does not exist| is not permitted|,\s*database\b)")]
    private static partial Regex QuotedName();
}
