namespace Acode.Cli.Ui;

/// <summary>
/// An id taken from a viewer URL, written as acode writes ids: the prefix in lower case, the ULID in upper case. A
/// ULID's Crockford base32 is read in any case (https://github.com/ulid/spec), and the command line takes an id in any
/// case too (<c>acode session show sess_01jd…</c>), so a pasted lower-case link opens the same page.
/// </summary>
internal static class RouteIds
{
    /// <summary><paramref name="text"/> with the part before its first <c>_</c> lowered and the rest raised (invariant culture); null stays null.</summary>
    public static string? Canonical(string? text)
    {
        if (text is null)
        {
            return null;
        }

        int underscore = text.IndexOf('_', StringComparison.Ordinal);
        return underscore < 0 ? text : text[..underscore].ToLowerInvariant() + text[underscore..].ToUpperInvariant();
    }
}
