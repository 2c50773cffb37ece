namespace Acode.Infrastructure;

/// <summary>
/// Reads a stored text value that holds one of an enum's names, as acode writes it. A value acode never writes (the row
/// was damaged, or edited by another program: <c>steps.state</c> and <c>tool_calls.status</c> have no CHECK constraint,
/// and damage passes those that exist) is a reading fault (<see cref="FormatException"/>) naming the column, which the
/// SQLite connection factory's guard and the PostgreSQL store's load turn into ACODE-DB-002, never a crash.
/// </summary>
internal static class StoredValue
{
    /// <summary>The enum value named exactly <paramref name="text"/>.</summary>
    /// <param name="text">The column's text.</param>
    /// <param name="column">The column, as <c>table.column</c>, for the message.</param>
    /// <exception cref="FormatException"><paramref name="text"/> is not one of the enum's names, spelled as acode writes them.</exception>
    public static TEnum Enum<TEnum>(string text, string column)
        where TEnum : struct, System.Enum
    {
        ArgumentNullException.ThrowIfNull(text);
        if (Names<TEnum>.Values.TryGetValue(text, out TEnum value))
        {
            return value;
        }

        string shown = Application.Redaction.RedactedCut.Ellipsis(text, 40);
        throw new FormatException($"{column} holds '{shown}', which is none of the values acode writes there ({string.Join(", ", System.Enum.GetNames<TEnum>())})");
    }

    // One lookup per read: these values are read for every row a load, listing or search returns.
    private static class Names<TEnum>
        where TEnum : struct, System.Enum
    {
        public static readonly Dictionary<string, TEnum> Values =
            System.Enum.GetValues<TEnum>().Distinct().ToDictionary(v => v.ToString(), StringComparer.Ordinal);
    }
}
