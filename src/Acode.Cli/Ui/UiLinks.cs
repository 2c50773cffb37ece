using Microsoft.AspNetCore.Http;

namespace Acode.Cli.Ui;

/// <summary>The viewer's URLs. Ids and values are always escaped as path segments or query values.</summary>
internal static class UiLinks
{
    public static string Session(string sessionId) => "/sessions/" + Uri.EscapeDataString(sessionId);

    /// <summary>The session page with the tool call opened: the fragment is the call's id, which the page's script opens.</summary>
    public static string ToolCall(string sessionId, string toolCallId) => Session(sessionId) + "#" + Uri.EscapeDataString(toolCallId);

    /// <summary>The events page showing the events after number <paramref name="after"/>; 0: from the first event (no query).</summary>
    public static string Events(string sessionId, long after)
        => Session(sessionId) + "/events" + (after > 0 ? QueryString.Create("after", after.ToString(System.Globalization.CultureInfo.InvariantCulture)).Value : "");

    public static string Artifact(string sessionId, string artifactId) => Session(sessionId) + "/artifacts/" + Uri.EscapeDataString(artifactId);

    /// <summary>An image artifact's bytes (<see cref="ArtifactContentEndpoint"/>), which its page shows.</summary>
    public static string ArtifactContent(string sessionId, string artifactId) => Artifact(sessionId, artifactId) + "/content";

    public static string ToolCallJson(string sessionId, string toolCallId) => "/api/sessions/" + Uri.EscapeDataString(sessionId) + "/tool-calls/" + Uri.EscapeDataString(toolCallId);

    public static string Sessions(IEnumerable<KeyValuePair<string, string?>> query) => "/" + QueryString.Create(query);
}
