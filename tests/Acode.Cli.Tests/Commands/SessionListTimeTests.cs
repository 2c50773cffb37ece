using System.Text.Json;
using Acode.Cli.Tests.Support;
using Acode.Domain.Entities;
using Acode.Domain.Ids;

namespace Acode.Cli.Tests.Commands;

/// <summary>
/// Issue 10.9: every time <c>session list</c> reads means what its output means, UTC, whatever the machine's time zone;
/// an explicit offset is honoured and durations count back from now.
/// </summary>
public sealed class SessionListTimeTests : IDisposable
{
    private static readonly DateTimeOffset Day = new(2026, 11, 30, 0, 0, 0, TimeSpan.Zero);

    private readonly CliWorkspace _workspace = new();

    public static TheoryData<string> TimeZones => ["America/Los_Angeles", "Pacific/Kiritimati", "UTC"];

    [Theory]
    [MemberData(nameof(TimeZones))]
    public async Task Since_and_until_read_a_date_without_an_offset_as_UTC_in_any_local_time_zone(string timeZone)
    {
        SessionFile.Row before = Row(Day.AddMinutes(-30)), early = Row(Day.AddMinutes(30)), morning = Row(Day.AddHours(7).AddMinutes(59)),
            late = Row(Day.AddHours(23).AddMinutes(59)), next = Row(Day.AddDays(1));
        await SessionFile.ImportAsync(_workspace, [before, early, morning, late, next]);
        _workspace.Environment["TZ"] = timeZone;

        Assert.Equal(Ids(early, morning, late), await _workspace.SessionIdsAsync("--since", "2026-11-30", "--until", "2026-12-01", "--sort", "created-asc"));
        Assert.Equal(Ids(morning, late, next), await _workspace.SessionIdsAsync("--since", "2026-11-30T07:59", "--sort", "created-asc"));
        Assert.Equal(Ids(morning, late, next), await _workspace.SessionIdsAsync("--since", "2026-11-30 07:59:00", "--sort", "created-asc"));
        Assert.Equal(Ids(before, early), await _workspace.SessionIdsAsync("--until", "2026-11-30T07:59:00.0000000Z", "--sort", "created-asc"));
        // An explicit offset is honoured: 08:00 at -08:00 is 16:00 UTC; 09:59 at +02:00 is 07:59 UTC.
        Assert.Equal(Ids(late, next), await _workspace.SessionIdsAsync("--since", "2026-11-30T08:00:00-08:00", "--sort", "created-asc"));
        Assert.Equal(Ids(morning, late, next), await _workspace.SessionIdsAsync("--since", "2026-11-30T09:59+02:00", "--sort", "created-asc"));

        // The table prints the same instants, in UTC, with the Z that says so.
        AcodeResult table = await _workspace.RunOkAsync("session", "list", "--since", "2026-11-30", "--until", "2026-12-01");
        Assert.Contains("2026-11-30T00:30:00Z", table.Stdout);
        Assert.Contains("2026-11-30T07:59:00Z", table.Stdout);
        Assert.DoesNotContain("2026-12-01T00:00:00Z", table.Stdout);
    }

    [Theory]
    [MemberData(nameof(TimeZones))]
    public async Task A_time_the_table_printed_finds_that_session_when_given_back_to_since(string timeZone)
    {
        SessionFile.Row row = Row(Day.AddHours(5).AddMinutes(6).AddSeconds(7)), earlier = Row(Day.AddHours(5));
        await SessionFile.ImportAsync(_workspace, [row, earlier]);
        _workspace.Environment["TZ"] = timeZone;
        AcodeResult table = await _workspace.RunOkAsync("session", "list", "--title", row.Title);
        string printed = System.Text.RegularExpressions.Regex.Match(table.Stdout, @"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ").Value;

        Assert.Equal("2026-11-30T05:06:07Z", printed);
        Assert.Equal(Ids(row), await _workspace.SessionIdsAsync("--since", printed));
    }

    [Fact]
    public async Task Relative_times_count_back_from_now()
    {
        DateTimeOffset now = DateTimeOffset.UtcNow;
        SessionFile.Row minutesAgo = Row(now.AddMinutes(-20)), hoursAgo = Row(now.AddHours(-3)), daysAgo = Row(now.AddDays(-3)), weeksAgo = Row(now.AddDays(-20));
        await SessionFile.ImportAsync(_workspace, [minutesAgo, hoursAgo, daysAgo, weeksAgo]);
        _workspace.Environment["TZ"] = "America/Los_Angeles";

        Assert.Equal(Ids(minutesAgo), await _workspace.SessionIdsAsync("--since", "2h"));
        Assert.Equal(Ids(minutesAgo, hoursAgo), await _workspace.SessionIdsAsync("--since", "600m"));
        Assert.Equal(Ids(minutesAgo, hoursAgo, daysAgo), await _workspace.SessionIdsAsync("--since", "7d"));
        Assert.Equal(Ids(minutesAgo, hoursAgo, daysAgo, weeksAgo), await _workspace.SessionIdsAsync("--since", "4w"));
        Assert.Equal(Ids(daysAgo, weeksAgo), await _workspace.SessionIdsAsync("--until", "1d"));
        Assert.Equal(Ids(hoursAgo), await _workspace.SessionIdsAsync("--since", "1d", "--until", "3600s"));
    }

    [Theory]
    [InlineData("--since", "yesterday")]
    [InlineData("--since", "2026-11-31")]
    [InlineData("--since", "30/11/2026")]
    [InlineData("--since", "Nov 30 2026")]
    [InlineData("--since", "2 h")]
    [InlineData("--since", "2y")]
    [InlineData("--until", "2026-11-30T25:00")]
    [InlineData("--until", "999999999w")]
    public async Task A_time_in_no_accepted_form_is_a_usage_error_that_names_the_forms(string option, string value)
    {
        AcodeResult result = await _workspace.RunAsync("session", "list", option, value);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith($"Error: {option} '{value}' is not a time", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("UTC unless an offset is given", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("7d", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("Try: ", result.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(_workspace.DatabasePath), "a refused command line must not create the workspace database");
    }

    [Fact]
    public async Task Since_after_until_is_a_usage_error()
    {
        AcodeResult result = await _workspace.RunAsync("session", "list", "--since", "2026-12-01", "--until", "2026-11-30");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--since (2026-12-01T00:00:00.0000000Z) is not before --until (2026-11-30T00:00:00.0000000Z)", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_states_the_rule_for_times()
    {
        AcodeResult help = await _workspace.RunOkAsync("session", "list", "--help");

        Assert.Contains("Times are UTC on input and output", help.Stdout, StringComparison.Ordinal);
        Assert.Contains("UTC unless an offset is given", help.Stdout, StringComparison.Ordinal);
        Assert.Contains("30m, 2h, 7d, 2w", help.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_prints_UTC_with_a_Z_in_any_local_time_zone()
    {
        SessionFile.Row row = Row(Day.AddHours(23));
        await SessionFile.ImportAsync(_workspace, [row]);
        _workspace.Environment["TZ"] = "Pacific/Kiritimati";

        JsonElement list = await _workspace.JsonAsync("session", "list");

        Assert.Equal("2026-11-30T23:00:00.0000000Z", list.GetProperty("items")[0].GetProperty("createdAt").GetString());
    }

    public void Dispose() => _workspace.Dispose();

    private static SessionFile.Row Row(DateTimeOffset createdAt)
        => new(SessionId.New(), $"created {createdAt:O}", SessionState.Created, createdAt);

    private static List<string> Ids(params SessionFile.Row[] rows) => rows.Select(r => r.Id.Value).ToList();
}
