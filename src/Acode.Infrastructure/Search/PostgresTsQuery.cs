using System.Text;
using Acode.Application.Search;

namespace Acode.Infrastructure.Search;

/// <summary>
/// A parsed <see cref="SearchQuery"/> as a PostgreSQL tsquery expression built from parameters: every term is a
/// parameter of <c>phraseto_tsquery('simple', …)</c> (which treats its text as words, never as tsquery syntax), a prefix
/// word a parameter of <c>to_tsquery('simple', … || ':*')</c> holding only letters, digits and marks, joined with the
/// tsquery operators <c>&amp;&amp;</c>, <c>||</c>, <c>!!</c> and <c>tsquery_phrase</c>. No user text is ever SQL.
/// </summary>
internal sealed class PostgresTsQuery
{
    private readonly List<string> _values = [];
    private bool _loose;
    private bool _secondPass;
    private int _secondPassNext;

    private PostgresTsQuery()
    {
    }

    /// <summary>The SQL expression; it refers to parameters <c>$first</c> … in order of <see cref="Values"/>.</summary>
    public string Sql { get; private set; } = "";

    /// <summary>
    /// The same query with every phrase loosened to its words (<c>plainto_tsquery</c>), except inside an exclusion, over
    /// the same parameters: what a blob's vector that could not keep every position (<c>blobs.search_lossy</c>, schema
    /// 1.6.0: a tsvector keeps at most 255 positions per word and none above 16383) is matched with to find the candidates
    /// whose text the search then checks, since a phrase cannot be judged by position there (docs/search.md).
    /// </summary>
    public string LooseSql { get; private set; } = "";

    /// <summary>The text of each parameter, in order.</summary>
    public IReadOnlyList<string> Values => _values;

    /// <param name="query">The query.</param>
    /// <param name="first">The number of the first positional parameter (<c>$first</c>).</param>
    public static PostgresTsQuery From(SearchQuery query, int first)
    {
        ArgumentNullException.ThrowIfNull(query);
        var built = new PostgresTsQuery();
        var sql = new StringBuilder();
        built.Append(sql, query.Root, first);
        built.Sql = sql.ToString();
        built._loose = true;
        built._secondPass = true;
        var loose = new StringBuilder();
        built.Append(loose, query.Root, first);
        built.LooseSql = loose.ToString();
        built._loose = false;
        built._secondPass = false;
        return built;
    }

    private void Append(StringBuilder sql, SearchNode node, int first)
    {
        switch (node)
        {
            case SearchTerm { Prefix: false } term:
                sql.Append(_loose ? "plainto_tsquery('simple', " : "phraseto_tsquery('simple', ").Append(Parameter(string.Join(' ', term.Words), first)).Append(')');
                break;
            case SearchTerm term:
                string prefix = $"to_tsquery('simple', {Parameter(term.Words[^1], first)} || ':*')";
                if (term.Words.Count == 1)
                {
                    sql.Append(prefix);
                }
                else
                {
                    string words = Parameter(string.Join(' ', term.Words.Take(term.Words.Count - 1)), first);
                    sql.Append(_loose ? $"(plainto_tsquery('simple', {words}) && {prefix})" : $"tsquery_phrase(phraseto_tsquery('simple', {words}), {prefix})");
                }

                break;
            case SearchAll all:
                sql.Append('(');
                Join(sql, all.Include, " && ", first);
                if (all.Exclude.Count > 0)
                {
                    // Exclusions stay exact in the loose form: a word left out must be absent from the whole text.
                    bool loose = _loose;
                    _loose = false;
                    sql.Append(" && !!(");
                    Join(sql, all.Exclude, " || ", first);
                    sql.Append(')');
                    _loose = loose;
                }

                sql.Append(')');
                break;
            case SearchAny any:
                sql.Append('(');
                Join(sql, any.Options, " || ", first);
                sql.Append(')');
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(node), node, null);
        }
    }

    private void Join(StringBuilder sql, IReadOnlyList<SearchNode> nodes, string separator, int first)
    {
        for (int i = 0; i < nodes.Count; i++)
        {
            if (i > 0)
            {
                sql.Append(separator);
            }

            Append(sql, nodes[i], first);
        }
    }

    private string Parameter(string value, int first)
    {
        // The second pass (LooseSql) visits the same terms in the same order: it reuses the first pass's parameters.
        int index = _values.Count;
        if (_secondPass)
        {
            index = _secondPassNext++;
        }
        else
        {
            _values.Add(value);
        }

        return "$" + (first + index).ToString(System.Globalization.CultureInfo.InvariantCulture) + "::text";
    }
}
