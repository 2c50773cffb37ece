using System.CommandLine;
using Acode.Application.Queries;
using Acode.Application.Serialization;
using Acode.Cli.Output;

namespace Acode.Cli;

/// <summary>
/// The session filter options (<c>--state</c>, <c>--since</c>, <c>--until</c>, <c>--title</c>), declared once for every
/// command that selects sessions by them (<c>session list</c>, <c>session export</c>), and the <see cref="SessionFilter"/> they make.
/// </summary>
internal sealed class SessionFilterOptions
{
    public Option<SessionState[]> States { get; } = new("--state", "-s") { Description = "Only sessions in this state (repeatable): Created, Planning, AwaitingApproval, Executing, Paused, Completed, Failed, Cancelled.", AllowMultipleArgumentsPerToken = true };

    public Option<string?> Since { get; } = new("--since") { Description = $"Only sessions created at or after this time. {TimeArgument.Forms}." };

    public Option<string?> Until { get; } = new("--until") { Description = "Only sessions created before this time (the forms of --since)." };

    public Option<string?> Title { get; } = new("--title", "-t") { Description = "Only sessions whose title contains this text, ignoring case for every letter (É finds é); the same with --remote." };

    /// <summary>True when at least one of the options was given.</summary>
    public bool AnyGiven(ParseResult parseResult)
        => parseResult.GetValue(States) is { Length: > 0 } || parseResult.GetValue(Since) is not null || parseResult.GetValue(Until) is not null || parseResult.GetValue(Title) is not null;

    /// <summary>The filter the options describe; relative times are counted back from <paramref name="now"/>.</summary>
    /// <exception cref="UsageException">A time is not one of <see cref="TimeArgument.Forms"/>, --since is not before --until, or --title holds a NUL character (exit 2).</exception>
    public SessionFilter Build(ParseResult parseResult, DateTimeOffset now)
    {
        CheckTitle(parseResult.GetValue(Title));
        var filter = new SessionFilter
        {
            States = parseResult.GetValue(States)?.Distinct().ToArray() ?? [],
            CreatedFrom = parseResult.GetValue(Since) is { } from ? TimeArgument.Parse(from, "--since", now) : null,
            CreatedTo = parseResult.GetValue(Until) is { } to ? TimeArgument.Parse(to, "--until", now) : null,
            TitleContains = parseResult.GetValue(Title),
        };

        if (filter.CreatedFrom >= filter.CreatedTo)
        {
            throw new UsageException($"--since ({UtcTimestamp.Format(filter.CreatedFrom)}) is not before --until ({UtcTimestamp.Format(filter.CreatedTo)}), so no session can match.", "Give --since the earlier time; both are UTC unless they carry an offset.");
        }

        return filter;
    }

    /// <summary>Whether the filter of a listing or search (states, created range, title) leaves any session out.</summary>
    public static bool Narrows(SessionFilter filter)
        => filter.States.Count > 0 || filter.CreatedFrom is not null || filter.CreatedTo is not null || filter.TitleContains is not null;

    /// <summary>The filter in words (markup, the title made safe), e.g. <c>state Failed or Paused, created 2026-11-30T00:00:00.0000000Z to now (UTC), title containing 'parser'</c>.</summary>
    public static string Words(SessionFilter filter)
    {
        var parts = new List<string>();
        if (filter.States.Count > 0)
        {
            parts.Add($"state {string.Join(" or ", filter.States)}");
        }

        if (filter.CreatedFrom is not null || filter.CreatedTo is not null)
        {
            parts.Add($"created {UtcTimestamp.Format(filter.CreatedFrom) ?? "any time"} to {UtcTimestamp.Format(filter.CreatedTo) ?? "now"} (UTC)");
        }

        if (filter.TitleContains is { } title)
        {
            parts.Add($"title containing '{Display.Safe(title)}'");
        }

        return string.Join(", ", parts);
    }

    /// <summary>Refuses a <c>--title</c> no store can search for (<see cref="SessionFilter.TitleProblem"/>), before anything is opened.</summary>
    /// <exception cref="UsageException">The title holds a NUL character (exit 2).</exception>
    public static void CheckTitle(string? title)
    {
        if (SessionFilter.TitleProblem(title) is { } problem)
        {
            throw new UsageException($"--title: {problem}", "Give --title the text without the NUL character, e.g. --title parser.");
        }
    }

    /// <summary>
    /// Appends <c>--workspace</c> and the options that make <paramref name="filter"/> to a next-page command line, times as
    /// the UTC instants the filter holds (a relative <c>--since</c> would move between pages).
    /// </summary>
    public static void AddArguments(List<string> arguments, string? workspace, SessionFilter filter)
    {
        if (workspace is not null)
        {
            AddOption(arguments, "--workspace", workspace);
        }

        foreach (SessionState state in filter.States)
        {
            arguments.AddRange(["--state", state.ToString()]);
        }

        if (filter.CreatedFrom is { } from)
        {
            arguments.AddRange(["--since", UtcTimestamp.Format(from)]);
        }

        if (filter.CreatedTo is { } to)
        {
            arguments.AddRange(["--until", UtcTimestamp.Format(to)]);
        }

        if (filter.TitleContains is { } title)
        {
            AddOption(arguments, "--title", title);
        }
    }

    // A value that starts like an option ("-x") or a response file ("@x") is joined to its option, so that it is read as the value.
    private static void AddOption(List<string> arguments, string option, string value)
    {
        if (value.Length > 0 && value[0] is '-' or '@')
        {
            arguments.Add($"{option}={value}");
        }
        else
        {
            arguments.AddRange([option, value]);
        }
    }
}
