using System.Security.Cryptography;
using System.Text;
using Acode.Application.Errors;

namespace Acode.Application.Queries;

/// <summary>
/// The store a keyset cursor was printed by, which alone may continue it: one workspace's own store, told from every other
/// workspace's by a fingerprint of its workspace id (two workspaces' sessions are two listings), or the team's PostgreSQL
/// (<c>--remote</c>: every workspace that reads it continues the same listing). Written in a cursor as <c>w.</c> and 8
/// hex digits (the first 32 bits of the SHA-256 of the workspace id), or <c>p</c>.
/// </summary>
internal readonly record struct CursorStore(CursorSource Source, string Key)
{
    private const int KeyLength = 8;

    /// <summary>The team's PostgreSQL, whichever workspace reads it.</summary>
    public static CursorStore Postgres { get; } = new(CursorSource.Postgres, string.Empty);

    /// <summary>The store of the workspace whose id is <paramref name="workspaceId"/> (null: a database not migrated yet, which holds no sessions).</summary>
    public static CursorStore Workspace(string? workspaceId)
        => new(CursorSource.Workspace, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(workspaceId ?? string.Empty)))[..KeyLength]);

    /// <summary>How the store is written in a cursor.</summary>
    public string Code => Source == CursorSource.Postgres ? "p" : "w." + Key;

    /// <summary>The store a cursor's <see cref="Code"/> names; false for anything else.</summary>
    public static bool TryParse(string code, out CursorStore store)
    {
        ArgumentNullException.ThrowIfNull(code);
        if (code == "p")
        {
            store = Postgres;
            return true;
        }

        string key = code.StartsWith("w.", StringComparison.Ordinal) ? code[2..] : string.Empty;
        store = new CursorStore(CursorSource.Workspace, key);
        return key.Length == KeyLength && key.All(char.IsAsciiHexDigitLower);
    }

    /// <summary>The refusal of this store's cursor, given to <paramref name="expected"/>.</summary>
    public CursorMismatchException Mismatch(CursorStore expected)
        => Source != expected.Source
            ? new($"The cursor was made for a page of {Listing(Source)}, not of {Listing(expected.Source)}. Ask for every page from the same place, or start again without a cursor.")
            : new("The cursor was made for a page of another workspace's sessions, not of this one's. Ask for every page in the same workspace (the 'More:' line keeps its --workspace), or start again without a cursor.");

    private static string Listing(CursorSource source)
        => source == CursorSource.Postgres ? "the team's PostgreSQL (--remote)" : "a workspace's own sessions (without --remote)";
}
