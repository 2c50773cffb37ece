using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Acode.Application.Search;

/// <summary>
/// A parsed search query (docs/search.md): words are ANDed; <c>"a phrase"</c>; <c>prefix*</c>; <c>OR</c>;
/// <c>NOT word</c> or <c>-word</c>; <c>AND</c> (optional); parentheses. Operators are upper case (lower-case
/// <c>or</c> is a word). Punctuation and symbols separate words (<c>src/parser.cs</c> is the phrase
/// <c>src parser cs</c>), so no character of the text is ever an engine operator: engines get <see cref="Root"/>, a
/// tree of words, never the text. Unbalanced quotes and parentheses close at the end of the text.
/// </summary>
public sealed class SearchQuery
{
    /// <summary>The longest query accepted, in UTF-16 code units.</summary>
    public const int MaxLength = 4096;

    /// <summary>The most terms (words, phrases, prefixes) a query may hold.</summary>
    public const int MaxTerms = 64;

    /// <summary>The deepest nesting of parentheses accepted.</summary>
    public const int MaxDepth = 16;

    private SearchQuery(string text, SearchNode root)
    {
        Text = text;
        Root = root;
        Canonical = Render(root);
        Fingerprint = Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes("acode-search-query/1|" + Canonical)).AsSpan(0, 12));
    }

    /// <summary>The text as given.</summary>
    public string Text { get; }

    /// <summary>What to search for.</summary>
    public SearchNode Root { get; }

    /// <summary>The query as parsed, in one normal form, e.g. <c>("deploy" AND "time out"* NOT "retry")</c>; for messages and logs.</summary>
    public string Canonical { get; }

    /// <summary>True when the query holds a phrase anywhere (<see cref="SearchNode.HasPhrase"/>).</summary>
    public bool HasPhrase => Root.HasPhrase;

    /// <summary>16 URL-safe base64 characters identifying <see cref="Canonical"/>: queries that parse alike share it.</summary>
    public string Fingerprint { get; }

    /// <summary>Parses <paramref name="text"/>.</summary>
    /// <exception cref="SearchQueryException">Nothing to search for, only exclusions, too long, too many terms or nested too deeply.</exception>
    public static SearchQuery Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > MaxLength)
        {
            throw new SearchQueryException($"The query is {text.Length:N0} characters long; at most {MaxLength:N0} are accepted. Search for a few distinctive words or a phrase from it.");
        }

        return new SearchQuery(text, SearchQueryParser.Parse(text));
    }

    private static string Render(SearchNode node) => node switch
    {
        SearchTerm t => "\"" + string.Join(' ', t.Words) + "\"" + (t.Prefix ? "*" : ""),
        SearchAll a => "(" + string.Join(" AND ", a.Include.Select(Render)) + string.Concat(a.Exclude.Select(e => " NOT " + Render(e))) + ")",
        SearchAny o => "(" + string.Join(" OR ", o.Options.Select(Render)) + ")",
        _ => throw new ArgumentOutOfRangeException(nameof(node)),
    };
}
