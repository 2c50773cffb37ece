using Acode.Cli.Output;
using Microsoft.AspNetCore.Http;

namespace Acode.Cli.Ui;

/// <summary>
/// The 400 page of a viewer address holding a value that cannot be the id it stands for, as the JSON endpoint answers
/// a malformed id (<see cref="ToolCallEndpoint"/>); an id of the right form that names nothing is each page's 404. The
/// value is quoted cut at <see cref="ShownLength"/> characters.
/// </summary>
internal static class MalformedIdPage
{
    /// <summary>Of a value quoted in the page, at most this many characters are shown.</summary>
    public const int ShownLength = 100;

    /// <summary>A value as an error quotes it: cut at <see cref="ShownLength"/> characters (also the JSON endpoint's errors).</summary>
    public static string Shown(string value) => TextCut.Cut(value, ShownLength);

    /// <summary>A session id that is not one; <paramref name="startTaken"/>: the address also takes a start of an id (the session and events pages).</summary>
    public static IResult Session(string workspace, string id, bool startTaken)
        => PageLayout.ProblemResult(workspace, StatusCodes.Status400BadRequest, "Not a session id",
            $"'{Shown(id)}' is not a session id (sess_ followed by 26 letters and digits)"
                + (startTaken ? ", nor the start of one (at least 4 of its characters after sess_)." : "."),
            "Pick a session from the list.");

    /// <summary>An artifact id that is not one.</summary>
    public static IResult Artifact(string workspace, string artifactId)
        => PageLayout.ProblemResult(workspace, StatusCodes.Status400BadRequest, "Not an artifact id",
            $"'{Shown(artifactId)}' is not an artifact id (art_ followed by 26 letters and digits).",
            "Go back to the session and pick one of its artifacts.");
}
