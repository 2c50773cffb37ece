using System.Globalization;
using System.Text;

namespace Acode.Application.Search;

/// <summary>
/// The grammar of <see cref="SearchQuery"/>: <c>any := all (OR all)*</c>, <c>all := unary ([AND] unary)*</c>,
/// <c>unary := (NOT | -) unary | ( any ) | term</c>. Lenient where a reading is obvious: an unclosed quote or
/// parenthesis ends with the text, a stray <c>)</c> or a dangling operator is ignored, a "word" with no letter or digit
/// (<c>*</c>, <c>^</c>, an emoji) is skipped.
/// </summary>
internal sealed class SearchQueryParser
{
    /// <summary>
    /// The longest word a query may hold, in UTF-8 bytes: PostgreSQL's text search drops a word of 2,047 bytes or more
    /// from both the index and the query ("word is too long to be indexed", MAXSTRLEN in its tsearch sources), so a query
    /// holding one would match without it on <c>--remote</c> and not at all here.
    /// </summary>
    public const int MaxWordBytes = 2046;

    private const string OnlyExcludes = "NOT (or -word) only excludes: it needs a word to search for beside it, e.g. 'timeout -retry' or 'timeout NOT retry'.";

    private readonly List<Token> _tokens;
    private int _position;
    private int _terms;

    private SearchQueryParser(List<Token> tokens) => _tokens = tokens;

    private enum Kind
    {
        Term,
        Or,
        And,
        Not,
        Open,
        Close,
    }

    public static SearchNode Parse(string text)
    {
        var parser = new SearchQueryParser(Lex(text));
        SearchNode? root = null;
        while (parser._position < parser._tokens.Count)
        {
            SearchNode? part = parser.ParseAny(0);
            root = (root, part) switch
            {
                (null, _) => part,
                (_, null) => root,
                _ => Combine([root, part], []),
            };
            parser._position++; // a stray ')' ends ParseAny: skip it and go on
        }

        return root ?? throw new SearchQueryException("The query has nothing to search for: give at least one word (letters or digits), e.g. acode session search \"connection refused\".");
    }

    private SearchNode? ParseAny(int depth)
    {
        var options = new List<SearchNode>();
        while (true)
        {
            if (ParseAll(depth) is { } all)
            {
                options.Add(all);
            }

            if (Peek() != Kind.Or)
            {
                break;
            }

            _position++;
        }

        if (options.Count > 1 && options.Any(o => o is Exclusion))
        {
            throw new SearchQueryException(OnlyExcludes); // 'x OR NOT y' would have to read every entry
        }

        return options.Count switch
        {
            0 => null,
            1 => options[0],
            _ => new SearchAny(options),
        };
    }

    private SearchNode? ParseAll(int depth)
    {
        var include = new List<SearchNode>();
        var exclude = new List<SearchNode>();
        while (Peek() is { } kind && kind is not Kind.Or and not Kind.Close)
        {
            if (kind == Kind.And)
            {
                _position++;
                continue;
            }

            (SearchNode? node, bool negated) = ParseUnary(depth);
            if (node is not null)
            {
                (negated ? exclude : include).Add(node);
            }
        }

        if (include.Count == 0 && exclude.Count > 0)
        {
            if (depth > 0)
            {
                // '(NOT a) b': a group that only excludes excludes from what stands beside it (NOT a AND NOT b = NOT (a OR b)).
                return new Exclusion(exclude.Count == 1 ? exclude[0] : new SearchAny(exclude));
            }

            throw new SearchQueryException(OnlyExcludes);
        }

        return include.Count == 0 ? null : Combine(include, exclude);
    }

    private (SearchNode? Node, bool Negated) ParseUnary(int depth)
    {
        Token token = _tokens[_position++];
        switch (token.Kind)
        {
            case Kind.Not:
                if (Peek() is null or Kind.Or or Kind.Close)
                {
                    return (null, false); // a dangling NOT
                }

                (SearchNode? inner, bool negated) = ParseUnary(depth);
                return (inner, !negated);
            case Kind.Open:
                if (depth + 1 > SearchQuery.MaxDepth)
                {
                    throw new SearchQueryException($"The query nests parentheses more than {SearchQuery.MaxDepth} deep.");
                }

                SearchNode? group = ParseAny(depth + 1);
                if (Peek() == Kind.Close)
                {
                    _position++;
                }

                return group is Exclusion excluded ? (excluded.Node, true) : (group, false);
            default:
                if (token.Words.Count == 0)
                {
                    return (null, false);
                }

                if (++_terms > SearchQuery.MaxTerms)
                {
                    throw new SearchQueryException($"The query has more than {SearchQuery.MaxTerms} words, phrases and prefixes. Search for a few distinctive words, or put a passage in quotes as one phrase.");
                }

                if (token.Words.FirstOrDefault(w => Encoding.UTF8.GetByteCount(w) > MaxWordBytes) is { } tooLong)
                {
                    string start = string.Concat(tooLong.EnumerateRunes().Take(12));
                    throw new SearchQueryException(
                        $"The query holds a word of {Encoding.UTF8.GetByteCount(tooLong):N0} bytes (UTF-8), '{start}…'; at most {MaxWordBytes:N0} are accepted, since PostgreSQL's text search ignores longer words and --remote would search without it. "
                        + $"Search for its start as a prefix instead, e.g. {start}*.");
                }

                return (new SearchTerm(token.Words, token.Prefix), false);
        }
    }

    private Kind? Peek() => _position < _tokens.Count ? _tokens[_position].Kind : null;

    private static SearchNode Combine(List<SearchNode> include, List<SearchNode> exclude)
        => include.Count == 1 && exclude.Count == 0 ? include[0] : new SearchAll(include, exclude);

    private static List<Token> Lex(string text)
    {
        var tokens = new List<Token>();
        int i = 0;
        while (i < text.Length)
        {
            char c = text[i];
            if (IsSeparator(c))
            {
                i++;
            }
            else if (c == '"')
            {
                int end = text.IndexOf('"', i + 1);
                string phrase = end < 0 ? text[(i + 1)..] : text[(i + 1)..end];
                i = end < 0 ? text.Length : end + 1;
                bool prefix = false;
                while (i < text.Length && text[i] == '*')
                {
                    prefix = true;
                    i++;
                }

                tokens.Add(Token.Term(Words(phrase), prefix));
            }
            else if (c == '(')
            {
                tokens.Add(new Token(Kind.Open, [], false));
                i++;
            }
            else if (c == ')')
            {
                tokens.Add(new Token(Kind.Close, [], false));
                i++;
            }
            else if (c == '-' && i + 1 < text.Length && !IsSeparator(text[i + 1]) && text[i + 1] != '-')
            {
                tokens.Add(new Token(Kind.Not, [], false));
                i++;
            }
            else
            {
                int start = i;
                while (i < text.Length && !IsSeparator(text[i]) && text[i] is not '"' and not '(' and not ')')
                {
                    i++;
                }

                string word = text[start..i];
                switch (word)
                {
                    case "OR":
                        tokens.Add(new Token(Kind.Or, [], false));
                        break;
                    case "AND":
                        tokens.Add(new Token(Kind.And, [], false));
                        break;
                    case "NOT":
                        tokens.Add(new Token(Kind.Not, [], false));
                        break;
                    default:
                        string trimmed = word.TrimEnd('*');
                        tokens.Add(Token.Term(Words(trimmed), trimmed.Length < word.Length));
                        break;
                }
            }
        }

        return tokens;
    }

    /// <summary>True for what separates the tokens of a query: white space, and NUL (U+0000), which a C string would end at.</summary>
    private static bool IsSeparator(char c) => char.IsWhiteSpace(c) || c == '\0';

    /// <summary>The runs of letters, digits and combining marks in <paramref name="text"/>; everything else separates them.</summary>
    private static List<string> Words(string text)
    {
        var words = new List<string>();
        var current = new StringBuilder();
        foreach (Rune rune in text.EnumerateRunes())
        {
            UnicodeCategory category = Rune.GetUnicodeCategory(rune);
            if (Rune.IsLetterOrDigit(rune) || category is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber)
            {
                current.Append(rune.ToString());
            }
            else if (current.Length > 0)
            {
                words.Add(current.ToString());
                current.Clear();
            }
        }

        if (current.Length > 0)
        {
            words.Add(current.ToString());
        }

        return words;
    }

    /// <summary>What a group that only excludes stands for until the enclosing AND takes it as an exclusion; never in a parsed tree.</summary>
    private sealed record Exclusion(SearchNode Node) : SearchNode
    {
        public override bool HasPhrase => Node.HasPhrase;
    }

    private sealed record Token(Kind Kind, IReadOnlyList<string> Words, bool Prefix)
    {
        public static Token Term(List<string> words, bool prefix) => new(Kind.Term, words, prefix);
    }
}
