using Spectre.Console;

namespace Acode.Cli.Output;

/// <summary>
/// A table that fits the terminal: ids, states, timestamps and numbers (<see cref="Keep"/> and <see cref="Optional"/>
/// columns) are never wrapped nor cut; the free-text columns (titles, snippets, values) shrink and wrap first, to
/// <see cref="FreeComfortable"/> columns; then the optional columns are dropped, the last added first; then the rows are
/// shown in their narrow form (<see cref="AddRow(string[], string[], string[])"/>), without the columns it leaves empty;
/// then the free-text columns shrink on to <see cref="FreeMinimum"/>; and when even that does not fit, each row is
/// printed as a block of <c>Header: value</c> lines (a key/value table as <c>Item: value</c> lines), as plain text, never
/// cut, from the row's whole form. A wider terminal never shows fewer columns.
/// </summary>
internal sealed class FittedTable(TableBorder border)
{
    /// <summary>
    /// The narrowest a free-text column is made, in terminal columns, before optional columns are dropped and the narrow
    /// form is used (trial AI 4: a 20-column snippet beside a Workspace column took nine lines a hit, the narrow form three).
    /// </summary>
    private const int FreeComfortable = 40;

    /// <summary>The narrowest a free-text column is made in a table, in terminal columns: narrower, rows are blocks.</summary>
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
        if ((Layout(width) ?? Narrowest(width, FreeMinimum)) is not (List<string[]> rows, List<int> shown))
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

    /// <summary>
    /// The rows and columns of the table in <paramref name="width"/> terminal columns with each free-text column at least
    /// <see cref="FreeComfortable"/> wide (or as wide as its text): the whole rows less the optional columns that do not
    /// fit (the highest drop first); where even none fits, <see cref="Narrowest"/>; null when that does not fit either.
    /// </summary>
    private (List<string[]> Rows, List<int> Shown)? Layout(int width)
    {
        var shown = Enumerable.Range(0, _columns.Count).ToList();
        while (Needed(_rows, shown, FreeComfortable) > width)
        {
            int[] optional = [.. shown.Where(i => _columns[i].Kind == Kind.Optional).OrderByDescending(i => _columns[i].Drop)];
            if (optional.Length == 0)
            {
                return Narrowest(width, FreeComfortable);
            }

            shown.Remove(optional[0]);
        }

        return (_rows, shown);
    }

    /// <summary>
    /// The narrow rows without the optional columns and without the columns they leave empty, where they fit in
    /// <paramref name="width"/> with each free-text column at least <paramref name="free"/> wide; else null. It shows
    /// no column that a wider terminal would not.
    /// </summary>
    private (List<string[]> Rows, List<int> Shown)? Narrowest(int width, int free)
    {
        List<int> shown = [.. Enumerable.Range(0, _columns.Count)
            .Where(i => _columns[i].Kind != Kind.Optional && _narrowRows.Any(r => i < r.Length && r[i].Length > 0))];
        return Needed(_narrowRows, shown, free) <= width ? (_narrowRows, shown) : null;
    }

    private FittedTable Add(string header, Kind kind, bool right, int drop)
    {
        _columns.Add((header, kind, right, drop));
        return this;
    }

    /// <summary>
    /// The width the columns need, in terminal columns: whole kept columns, free ones at <paramref name="free"/> (or their
    /// text's width where narrower), and the borders and padding (3 per column and 1). The values of a key/value table
    /// (<see cref="Labelled"/>: ids, paths, versions) are not cut inside a word either, so there a free column needs its
    /// longest word where that is wider (trial AD: <c>db status</c> broke the workspace id at 60 columns).
    /// </summary>
    private int Needed(List<string[]> rows, List<int> shown, int free)
        => shown.Sum(i => _columns[i].Kind == Kind.Free ? Math.Min(Natural(rows, i), Labelled ? Math.Max(free, LongestWord(i)) : free) : Natural(rows, i)) + (3 * shown.Count) + 1;

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
