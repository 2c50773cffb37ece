using System.Text;
using Acode.Application.Search;

namespace Acode.Infrastructure.Search;

/// <summary>
/// A parsed <see cref="SearchQuery"/> as an FTS5 MATCH expression: every term a double-quoted FTS5 string (so nothing of
/// the user's text is FTS5 syntax: no column filter, NEAR, ^ or bare operator can reach FTS5), joined by the operators
/// of the tree, fully parenthesized. Passed to SQLite as a parameter.
/// </summary>
internal static class Fts5Query
{
    /// <summary>The exact expression, for an index that keeps word positions (<c>detail=full</c>).</summary>
    public static string From(SearchQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var text = new StringBuilder();
        Append(text, query.Root, relaxed: false);
        return text.ToString();
    }

    /// <summary>
    /// An expression for an index without word positions (<c>detail=none</c>, where FTS5 refuses phrases) that matches
    /// at least what <paramref name="query"/> matches: a phrase becomes all of its words, and an exclusion that holds a
    /// phrase is left out (excluding its words apart would exclude too much). <c>Exact</c> is true when nothing was
    /// relaxed (the query has no phrase), so the matches need no check against the text.
    /// </summary>
    public static (string Expression, bool Exact) WithoutPhrases(SearchQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var text = new StringBuilder();
        Append(text, query.Root, relaxed: true);
        return (text.ToString(), !query.HasPhrase);
    }

    private static void Append(StringBuilder text, SearchNode node, bool relaxed)
    {
        switch (node)
        {
            case SearchTerm { Words.Count: > 1 } phrase when relaxed:
                text.Append('(');
                for (int i = 0; i < phrase.Words.Count; i++)
                {
                    text.Append(i > 0 ? " AND \"" : "\"").Append(phrase.Words[i].Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
                }

                text.Append(phrase.Prefix ? " *)" : ")");
                break;
            case SearchTerm term:
                text.Append('"').Append(string.Join(' ', term.Words).Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
                if (term.Prefix)
                {
                    text.Append(" *");
                }

                break;
            case SearchAll all:
                IReadOnlyList<SearchNode> exclude = relaxed ? all.Exclude.Where(e => !e.HasPhrase).ToList() : all.Exclude;
                text.Append('(');
                if (exclude.Count > 0)
                {
                    text.Append('(');
                }

                Join(text, all.Include, " AND ", relaxed);
                if (exclude.Count > 0)
                {
                    text.Append(") NOT (");
                    Join(text, exclude, " OR ", relaxed);
                    text.Append(')');
                }

                text.Append(')');
                break;
            case SearchAny any:
                text.Append('(');
                Join(text, any.Options, " OR ", relaxed);
                text.Append(')');
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(node), node, null);
        }
    }

    private static void Join(StringBuilder text, IReadOnlyList<SearchNode> nodes, string separator, bool relaxed)
    {
        for (int i = 0; i < nodes.Count; i++)
        {
            if (i > 0)
            {
                text.Append(separator);
            }

            Append(text, nodes[i], relaxed);
        }
    }
}
