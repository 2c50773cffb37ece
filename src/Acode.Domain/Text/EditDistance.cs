namespace Acode.Domain.Text;

/// <summary>How far apart two names are, for "did you mean …?" suggestions (commands, options, settings, connection keywords).</summary>
internal static class EditDistance
{
    /// <summary>
    /// The optimal string alignment distance: the fewest insertions, deletions, substitutions and swaps of two neighbouring
    /// characters that turn <paramref name="a"/> into <paramref name="b"/> (<c>sesion</c> → <c>session</c>: 1, <c>pasword</c> →
    /// <c>password</c>: 1, <c>porxy</c> → <c>proxy</c>: 1). Compares characters ordinally: callers fold case first.
    /// </summary>
    public static int Between(string a, string b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
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
