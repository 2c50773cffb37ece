using System.Text.RegularExpressions;

namespace Acode.Cli.Tests.Support;

/// <summary>Output of Spectre.Console tables read as flowing text, for assertions on sentences a table may wrap.</summary>
public static partial class TableText
{
    /// <summary>The text of a table without its borders (box drawing, U+2500–U+257F), each run of white space one space, so wrapped cells read on.</summary>
    public static string Flowing(string output) => Whitespace().Replace(Borders().Replace(output, " "), " ");

    [GeneratedRegex(@"[\u2500-\u257F]")]
    private static partial Regex Borders();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
