using System.Data.Common;
using System.Text.RegularExpressions;
using Acode.Domain.Text;
using Npgsql;

namespace Acode.Infrastructure.Postgres;

/// <summary>
/// Says which pair of a key=value connection string Npgsql refuses, naming the keyword but never a value (a value may
/// be a password). An unknown keyword is named only when it is a few typos from one Npgsql knows (<c>Pasword</c>):
/// anything else may be a fragment of a password that holds an unquoted <c>;</c>, so it is not shown.
/// </summary>
internal static class KeyValueProblem
{
    // The keywords people write, for "did you mean"; Npgsql accepts more (and synonyms), which are recognised anyway.
    private static readonly string[] CommonKeywords =
    [
        "Host", "Server", "Port", "Database", "Username", "User ID", "Password", "Passfile", "Timeout", "Command Timeout",
        "SSL Mode", "Trust Server Certificate", "Root Certificate", "SSL Certificate", "SSL Key", "Pooling",
        "Minimum Pool Size", "Maximum Pool Size", "Connection Idle Lifetime", "Application Name", "Search Path",
        "Keepalive", "Include Error Detail", "Target Session Attributes", "Options", "Encoding", "Client Encoding",
    ];

    /// <summary>The problem in words, e.g. <c>the keyword 'Timeout' has a value of the wrong type</c>, without any value.</summary>
    public static string Describe(string text)
    {
        var pairs = new DbConnectionStringBuilder();
        try
        {
            pairs.ConnectionString = text;
        }
        catch (ArgumentException)
        {
            return "the key=value pairs cannot be read (each pair is keyword=value, separated by ';'; quote a value that holds ';' or '=' with double quotes)";
        }

        var probe = new NpgsqlConnectionStringBuilder();
        foreach (string keyword in pairs.Keys.Cast<string>())
        {
            if (!probe.TryGetValue(keyword, out _))
            {
                string? suggestion = Suggest(keyword);
                return suggestion is null
                    ? "a keyword is not one Npgsql knows (it is not shown: it may be part of a password that holds an unquoted ';')"
                    : $"the keyword '{AsWritten(text, keyword)}' is not one Npgsql knows (did you mean '{suggestion}'?)";
            }

            try
            {
                probe[keyword] = pairs[keyword];
            }
            catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidCastException or OverflowException or KeyNotFoundException)
            {
                return $"the keyword '{AsWritten(text, keyword)}' has a value of the wrong type (e.g. Port and Timeout take a whole number, Pooling true or false)";
            }
        }

        return "the key=value pairs hold an unknown keyword or a value of the wrong type";
    }

    /// <summary>The keyword as the user wrote it (the parser lowercases keywords).</summary>
    private static string AsWritten(string text, string keyword)
    {
        Match match = Regex.Match(text, $@"(?:^|;)\s*({Regex.Escape(keyword)})\s*=", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        return match.Success ? match.Groups[1].Value : keyword;
    }

    private static string? Suggest(string keyword)
    {
        string wanted = Normalize(keyword);
        (string Keyword, int Distance) best = CommonKeywords.Select(k => (k, EditDistance.Between(Normalize(k), wanted))).MinBy(c => c.Item2);
        return best.Distance <= 2 && wanted.Length >= 3 ? best.Keyword : null;
    }

    private static string Normalize(string keyword) => keyword.Replace(" ", string.Empty, StringComparison.Ordinal).ToUpperInvariant();
}
