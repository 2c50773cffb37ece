using System.Globalization;
using Spectre.Console;

namespace Acode.Cli.Output;

/// <summary>Renders a session as a tree: tasks → steps → tool calls, then artifacts and the event log summary.</summary>
internal static class SessionTreeRenderer
{
    public const int PreviewLength = 100;

    /// <summary>The tree of <paramref name="session"/>, ending with the number of its events and the type of the last (<paramref name="lastEventType"/>, null when none).</summary>
    /// <param name="session">The session, loaded whole.</param>
    /// <param name="eventCount">How many events its log holds.</param>
    /// <param name="lastEventType">The type of its last event, or null.</param>
    /// <param name="full">Tool-call arguments, results and errors whole (lines kept) instead of their first <see cref="PreviewLength"/> characters.</param>
    public static Tree Render(Session session, long eventCount, string? lastEventType, bool full = false)
    {
        string Text(string text) => full ? Display.SafeLines(text) : Display.Safe(text, PreviewLength);

        var tree = new Tree(new Markup(
            $"[bold]{session.Id}[/] {Display.Safe(session.Title)} [[{session.State}]] v{session.Version}  created {Display.Time(session.CreatedAt)}  updated {Display.Time(session.UpdatedAt)}"));
        if (session.Goal is not null)
        {
            tree.AddNode($"[grey]goal:[/] {Display.Safe(session.Goal, PreviewLength * 2)}");
        }

        foreach (SessionTask task in session.Tasks)
        {
            TreeNode taskNode = tree.AddNode($"[bold]Task {task.Ordinal}[/] {Display.Safe(task.Title)} [[{task.State}]] {Display.Duration(task.Duration)}  ({task.Id}, v{task.Version})");
            foreach (Step step in task.Steps)
            {
                TreeNode stepNode = taskNode.AddNode($"Step {task.Ordinal}.{step.Ordinal} {Display.Safe(step.Title)} [[{step.State}]] {Display.Duration(step.Duration)}  ({step.Id}, v{step.Version})");
                foreach (ToolCall call in step.ToolCalls)
                {
                    TreeNode callNode = stepNode.AddNode($"[bold]{Display.Safe(call.ToolName)}[/] [[{call.Status}]] {Display.Duration(call.Duration)}  ({call.Id}, v{call.Version})");
                    callNode.AddNode($"[grey]args:[/] {Text(call.ArgumentsJson)}");
                    if (call.Result is not null)
                    {
                        callNode.AddNode($"[grey]result:[/] {Text(call.Result)} [grey]({call.Result.Length.ToString(CultureInfo.InvariantCulture)} chars)[/]");
                    }

                    if (call.Error is not null)
                    {
                        callNode.AddNode($"[red]error:[/] {Text(call.Error)}");
                    }
                }
            }
        }

        if (session.Artifacts.Count > 0)
        {
            TreeNode artifacts = tree.AddNode($"[bold]Artifacts[/] ({session.Artifacts.Count})");
            foreach (Artifact artifact in session.Artifacts)
            {
                string stored = artifact.HasContent ? "stored" : "hash only";
                artifacts.AddNode($"{Display.Safe(artifact.Name)} [[{artifact.Kind}, {Display.Safe(artifact.MediaType)}]] {Display.Bytes(artifact.Size)} sha256:{Display.Safe(artifact.ContentHash.Length > 12 ? artifact.ContentHash[..12] : artifact.ContentHash)} {stored}  ({artifact.Id})");
            }
        }

        tree.AddNode($"[bold]Events[/] {eventCount}" + (lastEventType is null ? "" : $" (last: {Display.Safe(lastEventType)})"));
        return tree;
    }
}
