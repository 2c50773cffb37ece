using Acode.Domain.Text;

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
            .Select(c => (Name: c, Distance: word.Length >= 3 && c.TrimStart('-').StartsWith(word, StringComparison.OrdinalIgnoreCase) ? 0 : EditDistance.Between(word, c.TrimStart('-').ToLowerInvariant())))
            .Where(c => c.Distance <= allowed)
            .OrderBy(c => c.Distance)
            .ThenBy(c => c.Name, StringComparer.Ordinal)
            .Select(c => c.Name)
            .FirstOrDefault();
    }
}
