using Spectre.Console;

namespace Acode.Cli.Output;

/// <summary>
/// A table that fits the terminal: ids, states, timestamps and numbers (<see cref="Keep"/> and <see cref="Optional"/>
/// columns) are never wrapped nor cut; the free-text columns (titles, snippets, values) shrink and wrap first; then the
/// optional columns are dropped, the last added first; then the rows are shown in their narrow form
/// (<see cref="AddRow(string[], string[], string[])"/>), without the columns it leaves empty; and when even that does
/// not fit, each row is printed as a block of <c>Header: value</c> lines (a key/value table as <c>Item: value</c>
/// lines), as plain text, never cut, from the row's whole form.
/// </summary>
internal sealed class FittedTable(TableBorder border)
{
    /// <summary>The narrowest a free-text column is made before optional columns are dropped.</summary>
    private const int FreeMinimum = 20;

    private readonly List<(string Header, Kind Kind, bool Right, int Drop)> _columns = [];
    private readonly List<string[]> _rows = [];
    private readonly List<string[]> _narrowRows = [];
    private readonly List<string[]> _wholeRows = [];

    private enum Kind
    {
        Keep,
        Optional,
        Free,
    }

    /// <summary>A column always shown, whole on one line (an id, a state, a label).</summary>
    public FittedTable Keep(string header, bool right = false) => Add(header, Kind.Keep, right, 0);

    /// <summary>A column shown whole on one line when there is room, dropped otherwise: the highest <paramref name="drop"/> first.</summary>
    public FittedTable Optional(string header, int drop, bool right = false) => Add(header, Kind.Optional, right, drop);

    /// <summary>A free-text column: it shrinks and wraps to make room.</summary>
    public FittedTable Free(string header) => Add(header, Kind.Free, right: false, 0);

    /// <summary>A row of markup cells, one per column (a cell may hold several lines).</summary>
    public void AddRow(params string[] cells) => AddRow(cells, cells, cells);

    /// <summary>A row of markup cells, one per column, in three forms.</summary>
    /// <param name="cells">The table's cells.</param>
    /// <param name="narrow">
    /// The cells where <paramref name="cells"/> make no table even without the optional columns; a column whose narrow
    /// cells are all empty is left out (a workspace's name under the session id instead of a Workspace column).
    /// </param>
    /// <param name="whole">The cells of the block form, where no column width applies (a name not cut to a column).</param>
    public void AddRow(string[] cells, string[] narrow, string[] whole)
    {
        _rows.Add(cells);
        _narrowRows.Add(narrow);
        _wholeRows.Add(whole);
    }

    public void Write(IAnsiConsole console)
    {
        int width = console.Profile.Width;
        List<string[]> rows = _rows;
        List<int> shown = Fit(rows, width);
        if (Needed(rows, shown) > width)
        {
            // The columns left (no optional one is), less those the narrow form leaves empty: a wider terminal never
            // shows fewer columns than a narrower one.
            rows = _narrowRows;
            shown = [.. shown.Where(i => rows.Any(r => i < r.Length && r[i].Length > 0))];
        }

        if (Needed(rows, shown) > width)
        {
            WriteBlocks(console);
            return;
        }

        var table = new Table().Border(border);
        foreach (int i in shown)
        {
            (string header, Kind kind, bool right, _) = _columns[i];
            var column = new TableColumn(Markup.Escape(header));
            if (kind != Kind.Free)
            {
                column.NoWrap().Width(Natural(rows, i));
            }

            if (right)
            {
                column.RightAligned();
            }

            table.AddColumn(column);
        }

        foreach (string[] row in rows)
        {
            table.AddRow([.. shown.Select(i => i < row.Length ? row[i] : string.Empty)]);
        }

        console.Write(table);
    }

    /// <summary>The columns shown of <paramref name="rows"/> in <paramref name="width"/>: all, less the optional ones that do not fit (the highest drop first).</summary>
    private List<int> Fit(List<string[]> rows, int width)
    {
        var shown = Enumerable.Range(0, _columns.Count).ToList();
        while (Needed(rows, shown) > width)
        {
            int[] optional = [.. shown.Where(i => _columns[i].Kind == Kind.Optional).OrderByDescending(i => _columns[i].Drop)];
            if (optional.Length == 0)
            {
                break;
            }

            shown.Remove(optional[0]);
        }

        return shown;
    }

    private FittedTable Add(string header, Kind kind, bool right, int drop)
    {
        _columns.Add((header, kind, right, drop));
        return this;
    }

    /// <summary>
    /// The width the columns need: whole kept columns, free ones at their minimum, and the borders and padding (3 per
    /// column and 1). A free column's minimum is <see cref="FreeMinimum"/>; the values of a key/value table (<see cref="Labelled"/>:
    /// ids, paths, versions) are not cut inside a word either, so there it is their longest word where that is longer
    /// (trial AD: <c>db status</c> broke the workspace id at 60 columns).
    /// </summary>
    private int Needed(List<string[]> rows, List<int> shown)
        => shown.Sum(i => _columns[i].Kind == Kind.Free ? Math.Min(Natural(rows, i), Labelled ? Math.Max(FreeMinimum, LongestWord(i)) : FreeMinimum) : Natural(rows, i)) + (3 * shown.Count) + 1;

    /// <summary>A key/value table: a kept label column and a free value column.</summary>
    private bool Labelled => _columns.Count == 2 && _columns[0].Kind == Kind.Keep && _columns[1].Kind == Kind.Free;

    /// <summary>The longest word (a run without spaces) of the column's cells, in terminal cells.</summary>
    private int LongestWord(int column)
        => _rows.Select(r => column < r.Length ? r[column] : string.Empty)
            .SelectMany(cell => Markup.Remove(cell).Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries))
            .Select(word => word.GetCellWidth())
            .DefaultIfEmpty(0)
            .Max();

    /// <summary>The widest line of the column in <paramref name="rows"/>, in terminal cells (a CJK character takes two, a combining mark none).</summary>
    private int Natural(List<string[]> rows, int column)
        => rows.Select(r => column < r.Length ? r[column] : string.Empty).Prepend(Markup.Escape(_columns[column].Header))
            .SelectMany(cell => Markup.Remove(cell).Split('\n'))
            .Max(line => line.GetCellWidth());

    /// <summary>
    /// Too narrow for any table: one block per row of <c>Header: value</c> lines (a two-column table whose first column
    /// is the label: <c>label: value</c>), blocks apart by an empty line; plain text, so a long id is never broken.
    /// </summary>
    private void WriteBlocks(IAnsiConsole console)
    {
        bool labelled = Labelled;
        TextWriter output = console.Profile.Out.Writer;
        for (int r = 0; r < _wholeRows.Count; r++)
        {
            string[] row = _wholeRows[r];
            if (labelled)
            {
                output.WriteLine($"{Plain(row[0])}: {Plain(row.Length > 1 ? row[1] : string.Empty)}");
                continue;
            }

            if (r > 0)
            {
                output.WriteLine();
            }

            for (int i = 0; i < _columns.Count; i++)
            {
                output.WriteLine($"{_columns[i].Header}: {Plain(i < row.Length ? row[i] : string.Empty)}");
            }
        }

        if (!labelled)
        {
            output.WriteLine();
        }

        output.Flush();
    }

    /// <summary>A cell as plain text on one line (its markup removed, its lines joined by " / ").</summary>
    private static string Plain(string cell) => string.Join(" / ", Markup.Remove(cell).Split('\n'));
}
