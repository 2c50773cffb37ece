using System.Globalization;
using System.Text.Json.Nodes;

namespace Acode.Cli.Output;

/// <summary>
/// How pending records leased by another sync (one running elsewhere, or one killed before it gave them back) are said,
/// wherever the backlog is shown: after a sync run (<see cref="Note"/>), in a Pending row or check line
/// (<see cref="PendingClause"/>), and in JSON (<c>leasedElsewhere</c>, <c>leasedUntil</c>: <see cref="AddJson"/>).
/// </summary>
internal static class LeaseOutput
{
    private const string Holder = "leased by another sync";

    private const string Why = "(running, or killed or stopped by an error before it gave them back)";

    /// <summary>After a run that left records pending: "N of them are leased by another sync (…) until T: …"; null when none are.</summary>
    public static string? Note(long count, DateTimeOffset? until)
        => count == 0 || until is null
            ? null
            : $"{count} of them are {Holder} {Why} until {Display.Second(until.Value)}: they, and the other changes of their sessions, go with a sync after that.";

    /// <summary>Appended to a backlog count: "; N leased by another sync until T (…): they go with a sync after that"; "" when none are.</summary>
    public static string PendingClause(long count, DateTimeOffset? until)
        => count == 0 || until is null
            ? ""
            : $"; {count.ToString("N0", CultureInfo.InvariantCulture)} {Holder} until {Display.Second(until.Value)} {Why}: they go with a sync after that";

    /// <summary>Sets <c>leasedElsewhere</c> (the count, 0 when none) and <c>leasedUntil</c> (to the second, null when none) on <paramref name="node"/>.</summary>
    public static JsonObject AddJson(JsonObject node, long count, DateTimeOffset? until)
    {
        ArgumentNullException.ThrowIfNull(node);
        node["leasedElsewhere"] = count;
        node["leasedUntil"] = count > 0 && until is { } end ? Display.Second(end) : null;
        return node;
    }
}
