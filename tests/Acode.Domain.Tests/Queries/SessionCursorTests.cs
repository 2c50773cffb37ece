using System.Buffers.Text;
using System.Text;
using Acode.Application.Queries;

namespace Acode.Domain.Tests.Queries;

public class SessionCursorTests
{
    private static readonly DateTimeOffset _stamp = new DateTimeOffset(2026, 1, 15, 10, 30, 0, TimeSpan.Zero).AddTicks(1_234_567);

    public static TheoryData<SessionSort> Sorts => [.. Enum.GetValues<SessionSort>()];

    [Theory]
    [MemberData(nameof(Sorts))]
    public void Decode_returns_what_Encode_encoded(SessionSort sort)
    {
        var cursor = new SessionCursor(sort, _stamp, SessionId.New());

        SessionCursor decoded = SessionCursor.Decode(cursor.Encode(), sort);

        Assert.Equal(cursor, decoded);
        Assert.Equal(_stamp.UtcTicks, decoded.Timestamp.UtcTicks);
    }

    [Fact]
    public void Encode_is_url_safe()
    {
        for (int i = 0; i < 200; i++)
        {
            string encoded = new SessionCursor(SessionSort.CreatedAscending, _stamp.AddTicks(i * 7919), SessionId.New()).Encode();

            Assert.DoesNotContain('+', encoded);
            Assert.DoesNotContain('/', encoded);
            Assert.DoesNotContain('=', encoded);
        }
    }

    [Fact]
    public void Encode_keeps_the_instant_but_not_the_offset()
    {
        var cursor = new SessionCursor(SessionSort.UpdatedDescending, _stamp.ToOffset(TimeSpan.FromHours(3)), SessionId.New());

        SessionCursor decoded = SessionCursor.Decode(cursor.Encode(), SessionSort.UpdatedDescending);

        Assert.Equal(_stamp.UtcTicks, decoded.Timestamp.UtcTicks);
        Assert.Equal(TimeSpan.Zero, decoded.Timestamp.Offset);
    }

    [Theory]
    [MemberData(nameof(Sorts))]
    public void Decode_throws_ArgumentException_for_a_cursor_made_for_another_sort(SessionSort sort)
    {
        string encoded = new SessionCursor(sort, _stamp, SessionId.New()).Encode();

        foreach (SessionSort other in Enum.GetValues<SessionSort>().Where(s => s != sort))
        {
            var ex = Assert.Throws<ArgumentException>(() => SessionCursor.Decode(encoded, other));
            Assert.Equal("cursor", ex.ParamName);
            Assert.Contains($"made for sort order {sort}, not {other}", ex.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("not a cursor!")]
    [InlineData("%%%")]
    [InlineData("A")]
    public void Decode_throws_ArgumentException_for_garbage(string cursor)
    {
        var ex = Assert.Throws<ArgumentException>(() => SessionCursor.Decode(cursor, SessionSort.UpdatedDescending));

        Assert.Equal("cursor", ex.ParamName);
        Assert.Contains("Start again without a cursor", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0|2026-01-15T10:30:00.1234567Z")]
    [InlineData("0|2026-01-15T10:30:00.1234567Z|sess_01JD3Z6Q6V2K8M4N5P7R9S1T3V|extra")]
    [InlineData("x|2026-01-15T10:30:00.1234567Z|sess_01JD3Z6Q6V2K8M4N5P7R9S1T3V")]
    [InlineData("0|2026-01-15T10:30:00Z|sess_01JD3Z6Q6V2K8M4N5P7R9S1T3V")]
    [InlineData("0|2026-01-15T10:30:00.1234567Z|task_01JD3Z6Q6V2K8M4N5P7R9S1T3V")]
    [InlineData("0|2026-01-15T10:30:00.1234567Z|sess_nope")]
    public void Decode_throws_ArgumentException_for_well_encoded_text_that_is_not_a_cursor(string text)
    {
        string cursor = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(text));

        Assert.Throws<ArgumentException>(() => SessionCursor.Decode(cursor, SessionSort.UpdatedDescending));
    }

    [Fact]
    public void Decode_accepts_a_hand_made_cursor_in_the_documented_layout()
    {
        string cursor = Base64Url.EncodeToString(Encoding.UTF8.GetBytes("2|2026-01-15T10:30:00.1234567Z|sess_01JD3Z6Q6V2K8M4N5P7R9S1T3V"));

        SessionCursor decoded = SessionCursor.Decode(cursor, SessionSort.CreatedDescending);

        Assert.Equal(SessionSort.CreatedDescending, decoded.Sort);
        Assert.Equal(_stamp, decoded.Timestamp);
        Assert.Equal(SessionId.Parse("sess_01JD3Z6Q6V2K8M4N5P7R9S1T3V"), decoded.Id);
    }
}
