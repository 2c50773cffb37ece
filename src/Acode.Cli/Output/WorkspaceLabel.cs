namespace Acode.Cli.Output;

/// <summary>
/// How every view names a workspace (the terminal's <c>--remote</c> tables, the viewer's Workspace column and its conflict
/// headings): the name it reported when it synced beside its id, or the id alone when it reported none or its id.
/// </summary>
internal static class WorkspaceLabel
{
    /// <summary>The name to show beside <paramref name="id"/>; null when there is none worth showing.</summary>
    public static string? ShownName(string? id, string? name) => name is not null && name != id ? name : null;

    /// <summary>On one line: <c>bo-desk (ws_…)</c>, or the id alone (unescaped: the caller escapes for its medium).</summary>
    public static string Inline(string? id, string? name) => ShownName(id, name) is { } shown ? $"{shown} ({id})" : id ?? "";
}
