using System.CommandLine;
using Acode.Application.Queries;
using Acode.Application.Serialization;

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

    public Option<string?> Title { get; } = new("--title", "-t") { Description = "Only sessions whose title contains this text (case-insensitive for ASCII)." };

    /// <summary>True when at least one of the options was given.</summary>
    public bool AnyGiven(ParseResult parseResult)
        => parseResult.GetValue(States) is { Length: > 0 } || parseResult.GetValue(Since) is not null || parseResult.GetValue(Until) is not null || parseResult.GetValue(Title) is not null;

    /// <summary>The filter the options describe; relative times are counted back from <paramref name="now"/>.</summary>
    /// <exception cref="UsageException">A time is not one of <see cref="TimeArgument.Forms"/>, or --since is not before --until (exit 2).</exception>
    public SessionFilter Build(ParseResult parseResult, DateTimeOffset now)
    {
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
}
