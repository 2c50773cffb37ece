namespace Acode.Cli;

/// <summary>The name nearest to a mistyped one (<c>sesion</c> → <c>session</c>), for "Did you mean …?".</summary>
internal static class NearestName
{
    /// <summary>The candidate closest to <paramref name="typed"/> by edit distance (a swap of two neighbours counts once), or null when none is close.</summary>
    public static string? Find(string typed, IEnumerable<string> candidates)
    {
        string word = typed.TrimStart('-').ToLowerInvariant();
        if (word.Length == 0)
        {
            return null;
        }

        int allowed = Math.Clamp(word.Length / 3, 1, 3);
        return candidates
            .Select(c => (Name: c, Distance: word.Length >= 3 && c.TrimStart('-').StartsWith(word, StringComparison.OrdinalIgnoreCase) ? 0 : Distance(word, c.TrimStart('-').ToLowerInvariant())))
            .Where(c => c.Distance <= allowed)
            .OrderBy(c => c.Distance)
            .ThenBy(c => c.Name, StringComparer.Ordinal)
            .Select(c => c.Name)
            .FirstOrDefault();
    }

    /// <summary>Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps.</summary>
    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (int j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (int i = 1; i <= a.Length; i++)
        {
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }
}
