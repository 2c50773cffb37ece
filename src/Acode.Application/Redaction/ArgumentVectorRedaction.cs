using System.Buffers;
using System.Text;
using System.Text.Json;
using Acode.Domain.Text;

namespace Acode.Application.Redaction;

/// <summary>
/// The <c>cli-password</c> rules over a command given in JSON as an array of its words (Codex CLI's <c>shell</c> tool:
/// <c>["mysql", "-u", "root", "--password", "…"]</c>; <c>execve</c>-style arguments): the words are read joined by
/// spaces, so a password in the word after <c>--password</c> or <c>docker login … -p</c>, or in <c>mysql</c>'s
/// <c>-p…</c>, is found as in the command written as one line (trial AU 2: each word was scanned alone). A password found
/// inside one word is replaced there. <see cref="SecretRedactor.RedactJson"/> feeds it the tokens of one JSON value as
/// it reads them; one instance per value.
/// </summary>
internal sealed class ArgumentVectorRedaction(IReadOnlyList<SecretRule> rules)
{
    /// <summary>What a shell would not read as part of a word: a word holding one is quoted when the words are joined.</summary>
    private static readonly SearchValues<char> QuotedWhenJoined = SearchValues.Create(" \t;&|<>()");

    // The arrays being read, innermost last: the words of each while it holds only strings (an argument vector), else null.
    private readonly Stack<List<ArgvWord>?> _arrays = new();

    /// <summary>An array starts: inside the enclosing one, which is then no argument vector.</summary>
    public void OpenArray()
    {
        NotAWord();
        _arrays.Push([]);
    }

    /// <summary>
    /// A string element of the innermost array: where its text starts in the JSON (UTF-8 bytes, after its quote), how long
    /// it is there, and its value as already redacted by the other rules.
    /// </summary>
    public void Word(int start, int length, string text)
    {
        if (_arrays.TryPeek(out List<ArgvWord>? words) && words is not null)
        {
            words.Add(new ArgvWord(start, length, text));
        }
    }

    /// <summary>Something other than a string (a number, an object, …): the innermost array is no argument vector.</summary>
    public void NotAWord()
    {
        if (_arrays.Count > 0 && _arrays.Peek() is not null)
        {
            _arrays.Pop();
            _arrays.Push(null);
        }
    }

    /// <summary>
    /// The innermost array ends: when it held two or more words and nothing else, a password a rule finds within one
    /// word is replaced there, and <paramref name="edits"/> (keyed by where each edited string starts in the JSON) gets that
    /// word's edit, in place of the one its own scan made, if any.
    /// </summary>
    public void CloseArray(RedactionCounts counts, ref Dictionary<int, (int Length, byte[] Replacement)>? edits)
    {
        if (_arrays.Pop() is not { Count: > 1 } words)
        {
            return;
        }

        var starts = new int[words.Count];
        string line = Joined(words, starts);
        if (!rules.Any(r => r.MayMatch(line)))
        {
            return;
        }

        string[] texts = [.. words.Select(w => w.Text)];
        var changed = new SortedSet<int>();
        string? ascii = null;
        foreach (SecretRule rule in rules)
        {
            if (rule.MayMatch(line))
            {
                Redact(rule, line, rule.AsciiWordBoundaries ? ascii ??= SecretRedactor.AsciiView(line) : line, starts, texts, changed, counts);
            }
        }

        foreach (int word in changed)
        {
            edits ??= [];
            ArgvWord w = words[word];
            byte[] encoded = JsonEncodedText.Encode(texts[word], MinimalJsonEncoder.Instance).EncodedUtf8Bytes.ToArray();
            edits[w.Start] = (w.Length, encoded);
        }
    }

    /// <summary>
    /// The words joined by spaces as a shell command line, a word holding white space or a shell's operator within quotes
    /// (<c>"Pa ss w0rd!"</c>, <c>"MSSQL_SA_PASSWORD=yourStrong(!)Password"</c>: the rules take a quoted password whole;
    /// trials BF F4, BJ F5), and where each word's text starts in it.
    /// </summary>
    private static string Joined(List<ArgvWord> words, int[] starts)
    {
        var line = new StringBuilder();
        for (int i = 0; i < words.Count; i++)
        {
            if (i > 0)
            {
                line.Append(' ');
            }

            string text = words[i].Text;
            char quote = !text.AsSpan().Trim(" \t").ContainsAny(QuotedWhenJoined) ? '\0' : !text.Contains('"') ? '"' : !text.Contains('\'') ? '\'' : '\0';
            if (quote != '\0')
            {
                line.Append(quote);
            }

            starts[i] = line.Length;
            line.Append(text);
            if (quote != '\0')
            {
                line.Append(quote);
            }
        }

        return line.ToString();
    }

    /// <summary>
    /// The passwords <paramref name="rule"/> finds in <paramref name="line"/> (the words joined; <paramref name="matched"/>
    /// its copy the rule runs on), each replaced in <paramref name="texts"/> when it lies within one word not yet redacted.
    /// </summary>
    private static void Redact(SecretRule rule, string line, string matched, int[] starts, string[] texts, SortedSet<int> changed, RedactionCounts counts)
    {
        foreach ((int index, int length) in SecretRedactor.SecretsFound(rule, matched))
        {
            int word = Array.BinarySearch(starts, index);
            word = word >= 0 ? word : ~word - 1;
            int at = index - starts[word];
            if (at + length > texts[word].Length || changed.Contains(word)
                || !SecretRedactor.Passes(rule.Check, line.AsSpan(index, length), line, index, length))
            {
                continue; // not within one word (or in one already redacted), or not a password (a placeholder, a variable)
            }

            texts[word] = string.Concat(texts[word].AsSpan(0, at), rule.Marker, texts[word].AsSpan(at + length));
            changed.Add(word);
            counts.Add(rule.Kind);
        }
    }

    /// <summary>A string element of an array: where its text starts and how long it is in the JSON, and its (redacted) value.</summary>
    private sealed record ArgvWord(int Start, int Length, string Text);
}
