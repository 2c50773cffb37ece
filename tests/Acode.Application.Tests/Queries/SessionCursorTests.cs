using System.Buffers.Text;
using System.Text;
using Acode.Application.Errors;
using Acode.Application.Queries;
using Acode.Domain.Entities;

namespace Acode.Application.Tests.Queries;

public class SessionCursorTests
{
    private static readonly DateTimeOffset _stamp = new DateTimeOffset(2026, 1, 15, 10, 30, 0, TimeSpan.Zero).AddTicks(1_234_567);

    private static readonly SessionFilter _failed = new() { States = [SessionState.Failed] };

    private static readonly CursorStore Here = CursorStore.Workspace("ws_01JD3Z6Q6V2K8M4N5P7R9S1T3V");

    public static TheoryData<SessionSort> Sorts => [.. Enum.GetValues<SessionSort>()];

    [Theory]
    [MemberData(nameof(Sorts))]
    public void Decode_returns_what_Encode_encoded(SessionSort sort)
    {
        var cursor = SessionCursor.After(_failed, sort, _stamp, SessionId.New(), Here);

        SessionCursor decoded = SessionCursor.Decode(cursor.Encode(), _failed, sort, Here);

        Assert.Equal(cursor, decoded);
        Assert.Equal(_stamp.UtcTicks, decoded.Timestamp.UtcTicks);
    }

    [Fact]
    public void Encode_is_url_safe()
    {
        for (int i = 0; i < 200; i++)
        {
            var filter = new SessionFilter { TitleContains = $"title {i} ?&/+=" };
            string encoded = SessionCursor.After(filter, SessionSort.CreatedAscending, _stamp.AddTicks(i * 7919), SessionId.New(), Here).Encode();

            Assert.DoesNotContain('+', encoded);
            Assert.DoesNotContain('/', encoded);
            Assert.DoesNotContain('=', encoded);
        }
    }

    [Fact]
    public void Encode_keeps_the_instant_but_not_the_offset()
    {
        var cursor = SessionCursor.After(SessionFilter.All, SessionSort.UpdatedDescending, _stamp.ToOffset(TimeSpan.FromHours(3)), SessionId.New(), Here);

        SessionCursor decoded = SessionCursor.Decode(cursor.Encode(), SessionFilter.All, SessionSort.UpdatedDescending, Here);

        Assert.Equal(_stamp.UtcTicks, decoded.Timestamp.UtcTicks);
        Assert.Equal(TimeSpan.Zero, decoded.Timestamp.Offset);
    }

    [Theory]
    [MemberData(nameof(Sorts))]
    public void Decode_throws_CursorMismatchException_for_a_cursor_made_for_another_sort(SessionSort sort)
    {
        string encoded = SessionCursor.After(SessionFilter.All, sort, _stamp, SessionId.New(), Here).Encode();

        foreach (SessionSort other in Enum.GetValues<SessionSort>().Where(s => s != sort))
        {
            var ex = Assert.Throws<CursorMismatchException>(() => SessionCursor.Decode(encoded, SessionFilter.All, other, Here));
            Assert.Equal("cursor", ex.ParamName);
            // As the user spells them ('session list --sort', the viewer's sort), not the enum's names.
            Assert.Contains($"made for sort order {Spelling(sort)}, not {Spelling(other)}", ex.Reason, StringComparison.Ordinal);
        }
    }

    public static TheoryData<string, SessionFilter> OtherFilters => new()
    {
        { "no filter", SessionFilter.All },
        { "another state", new SessionFilter { States = [SessionState.Completed] } },
        { "one more state", new SessionFilter { States = [SessionState.Failed, SessionState.Paused] } },
        { "a created range", _failed with { CreatedFrom = _stamp } },
        { "another created end", _failed with { CreatedTo = _stamp } },
        { "an updated range", _failed with { UpdatedFrom = _stamp } },
        { "an updated end", _failed with { UpdatedTo = _stamp } },
        { "a title", _failed with { TitleContains = "parser" } },
    };

    [Theory]
    [MemberData(nameof(OtherFilters))]
    public void Decode_throws_CursorMismatchException_for_a_cursor_made_for_another_filter(string what, SessionFilter other)
    {
        string encoded = SessionCursor.After(_failed, SessionSort.UpdatedDescending, _stamp, SessionId.New(), Here).Encode();

        var ex = Assert.Throws<CursorMismatchException>(() => SessionCursor.Decode(encoded, other, SessionSort.UpdatedDescending, Here));

        Assert.True(ex.Reason.Contains("different filter", StringComparison.Ordinal), what);
        Assert.IsAssignableFrom<ArgumentException>(ex);
    }

    [Fact]
    public void Decode_accepts_the_same_filter_written_differently()
    {
        var filter = new SessionFilter
        {
            States = [SessionState.Paused, SessionState.Failed],
            CreatedFrom = _stamp,
            TitleContains = "Parser",
        };
        var same = new SessionFilter
        {
            States = [SessionState.Failed, SessionState.Paused, SessionState.Failed],
            CreatedFrom = _stamp.ToOffset(TimeSpan.FromHours(-8)),
            TitleContains = "pARSER",
        };
        string encoded = SessionCursor.After(filter, SessionSort.CreatedAscending, _stamp, SessionId.New(), Here).Encode();

        SessionCursor decoded = SessionCursor.Decode(encoded, same, SessionSort.CreatedAscending, Here);

        Assert.Equal(_stamp, decoded.Timestamp);
    }

    [Fact]
    public void Decode_treats_an_empty_title_as_no_title()
    {
        var id = SessionId.New();
        string encoded = SessionCursor.After(SessionFilter.All, SessionSort.CreatedAscending, _stamp, id, Here).Encode();

        Assert.Equal(id, SessionCursor.Decode(encoded, new SessionFilter { TitleContains = "" }, SessionSort.CreatedAscending, Here).Id);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not a cursor!")]
    [InlineData("%%%")]
    [InlineData("A")]
    public void Decode_throws_InvalidCursorException_for_garbage(string cursor)
    {
        var ex = Assert.Throws<InvalidCursorException>(() => SessionCursor.Decode(cursor, SessionFilter.All, SessionSort.UpdatedDescending, Here));

        Assert.Equal("cursor", ex.ParamName);
        Assert.Contains("Start again without a cursor", ex.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0|2026-01-15T10:30:00.1234567Z|sess_01JD3Z6Q6V2K8M4N5P7R9S1T3V")]
    [InlineData("4|w.0a1b2c3d|0|x|2026-01-15T10:30:00.1234567Z")]
    [InlineData("4|w.0a1b2c3d|0|x|2026-01-15T10:30:00.1234567Z|sess_01JD3Z6Q6V2K8M4N5P7R9S1T3V|extra")]
    [InlineData("1|0|x|2026-01-15T10:30:00.1234567Z|sess_01JD3Z6Q6V2K8M4N5P7R9S1T3V")]
    [InlineData("3|w|0|x|2026-01-15T10:30:00.1234567Z|sess_01JD3Z6Q6V2K8M4N5P7R9S1T3V")]
    [InlineData("4|w|0|x|2026-01-15T10:30:00.1234567Z|sess_01JD3Z6Q6V2K8M4N5P7R9S1T3V")]
    [InlineData("4|w.0A1B2C3D|0|x|2026-01-15T10:30:00.1234567Z|sess_01JD3Z6Q6V2K8M4N5P7R9S1T3V")]
    [InlineData("2|0|x|2026-01-15T10:30:00.1234567Z|sess_01JD3Z6Q6V2K8M4N5P7R9S1T3V")]
    [InlineData("4|x|0|x|2026-01-15T10:30:00.1234567Z|sess_01JD3Z6Q6V2K8M4N5P7R9S1T3V")]
    [InlineData("4||0|x|2026-01-15T10:30:00.1234567Z|sess_01JD3Z6Q6V2K8M4N5P7R9S1T3V")]
    [InlineData("4|w.0a1b2c3d|x|x|2026-01-15T10:30:00.1234567Z|sess_01JD3Z6Q6V2K8M4N5P7R9S1T3V")]
    [InlineData("4|w.0a1b2c3d|9|x|2026-01-15T10:30:00.1234567Z|sess_01JD3Z6Q6V2K8M4N5P7R9S1T3V")]
    [InlineData("4|w.0a1b2c3d|0||2026-01-15T10:30:00.1234567Z|sess_01JD3Z6Q6V2K8M4N5P7R9S1T3V")]
    [InlineData("4|w.0a1b2c3d|0|x|2026-01-15T10:30:00Z|sess_01JD3Z6Q6V2K8M4N5P7R9S1T3V")]
    [InlineData("4|w.0a1b2c3d|0|x|2026-01-15T10:30:00.1234567Z|task_01JD3Z6Q6V2K8M4N5P7R9S1T3V")]
    [InlineData("4|w.0a1b2c3d|0|x|2026-01-15T10:30:00.1234567Z|sess_nope")]
    public void Decode_throws_InvalidCursorException_for_well_encoded_text_that_is_not_a_cursor(string text)
    {
        string cursor = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(text));

        var ex = Assert.Throws<InvalidCursorException>(() => SessionCursor.Decode(cursor, SessionFilter.All, SessionSort.UpdatedDescending, Here));

        Assert.Equal("cursor", ex.ParamName);
    }

    [Fact]
    public void Encode_writes_the_documented_layout()
    {
        var id = SessionId.Parse("sess_01JD3Z6Q6V2K8M4N5P7R9S1T3V");

        string text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(SessionCursor.After(_failed, SessionSort.CreatedDescending, _stamp, id, Here).Encode()));

        Assert.Matches(@"^4\|w\.[0-9a-f]{8}\|2\|[A-Za-z0-9_-]{16}\|2026-01-15T10:30:00\.1234567Z\|sess_01JD3Z6Q6V2K8M4N5P7R9S1T3V$", text);
    }

    [Theory]
    [InlineData(false, "a workspace's own sessions (without --remote)", "the team's PostgreSQL (--remote)")]
    [InlineData(true, "the team's PostgreSQL (--remote)", "a workspace's own sessions (without --remote)")]
    public void A_cursor_of_one_store_is_refused_by_the_other_with_what_each_listing_is(bool printedByPostgres, string printed, string given)
    {
        CursorStore printedBy = printedByPostgres ? CursorStore.Postgres : Here;
        CursorStore givenTo = printedByPostgres ? Here : CursorStore.Postgres;
        string encoded = SessionCursor.After(_failed, SessionSort.CreatedAscending, _stamp, SessionId.New(), printedBy).Encode();

        var ex = Assert.Throws<CursorMismatchException>(() => SessionCursor.Decode(encoded, _failed, SessionSort.CreatedAscending, givenTo));

        Assert.Equal($"The cursor was made for a page of {printed}, not of {given}. Ask for every page from the same place, or start again without a cursor.", ex.Reason);
        Assert.Equal(printedBy, SessionCursor.Decode(encoded, _failed, SessionSort.CreatedAscending, printedBy).Store);
    }

    [Fact]
    public void A_cursor_of_one_workspace_is_refused_by_another_and_taken_by_its_own()
    {
        string encoded = SessionCursor.After(_failed, SessionSort.CreatedAscending, _stamp, SessionId.New(), Here).Encode();

        var ex = Assert.Throws<CursorMismatchException>(() => SessionCursor.Decode(encoded, _failed, SessionSort.CreatedAscending, CursorStore.Workspace("ws_01JD3Z6Q6V2K8M4N5P7R9S1T3W")));

        Assert.Contains("another workspace's sessions", ex.Reason, StringComparison.Ordinal);
        Assert.Equal(Here, SessionCursor.Decode(encoded, _failed, SessionSort.CreatedAscending, CursorStore.Workspace("ws_01JD3Z6Q6V2K8M4N5P7R9S1T3V")).Store);
    }

    private static string Spelling(SessionSort sort) => sort switch
    {
        SessionSort.UpdatedDescending => "updated-desc",
        SessionSort.UpdatedAscending => "updated-asc",
        SessionSort.CreatedDescending => "created-desc",
        SessionSort.CreatedAscending => "created-asc",
        _ => throw new ArgumentOutOfRangeException(nameof(sort)),
    };
}
