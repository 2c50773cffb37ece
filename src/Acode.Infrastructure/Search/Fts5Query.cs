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
    public static string From(SearchQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var text = new StringBuilder();
        Append(text, query.Root);
        return text.ToString();
    }

    private static void Append(StringBuilder text, SearchNode node)
    {
        switch (node)
        {
            case SearchTerm term:
                text.Append('"').Append(string.Join(' ', term.Words).Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
                if (term.Prefix)
                {
                    text.Append(" *");
                }

                break;
            case SearchAll all:
                text.Append('(');
                if (all.Exclude.Count > 0)
                {
                    text.Append('(');
                }

                Join(text, all.Include, " AND ");
                if (all.Exclude.Count > 0)
                {
                    text.Append(") NOT (");
                    Join(text, all.Exclude, " OR ");
                    text.Append(')');
                }

                text.Append(')');
                break;
            case SearchAny any:
                text.Append('(');
                Join(text, any.Options, " OR ");
                text.Append(')');
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(node), node, null);
        }
    }

    private static void Join(StringBuilder text, IReadOnlyList<SearchNode> nodes, string separator)
    {
        for (int i = 0; i < nodes.Count; i++)
        {
            if (i > 0)
            {
                text.Append(separator);
            }

            Append(text, nodes[i]);
        }
    }
}
