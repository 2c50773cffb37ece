using Acode.Application.Outbox;
using Acode.Application.Serialization;
using Acode.Application.Sync;
using Acode.Domain.Text;
using Acode.Infrastructure.Sqlite;
using Acode.Testing;

namespace Acode.Infrastructure.Tests.Sync;

/// <summary>
/// Issue 10.3: every value acode accepts locally reaches PostgreSQL (in the documented normalized form) or is refused
/// up front; none becomes a record that can never be delivered. Saved through the public API or imported, synced to
/// the real PostgreSQL.
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class DeliverableValuesTests(PostgresFixture fixture)
{
    // JSON text as the caller hands it in (C# raw strings: \ud800 here is six characters of JSON, an escape), and the
    // key=value pairs PostgreSQL holds afterwards.
    [Theory]
    [InlineData("""{"q":"\ud800"}""", "q=\uFFFD")]
    [InlineData("""{"q":"\udc00"}""", "q=\uFFFD")]
    [InlineData("""{"q":"\ud800\ud800"}""", "q=\uFFFD\uFFFD")]
    [InlineData("""{"q":"a\uD800b\udc00"}""", "q=a\uFFFDb\uFFFD")]
    [InlineData("""{"q":"\ud800\u0041"}""", "q=\uFFFDA")]
    [InlineData("""{"q":"\ud83d\ude00"}""", "q=\U0001F600")]
    [InlineData("""{"q":"\u0000"}""", "q=\uFFFD")]
    [InlineData("""{"\ud800":"k","a\u0000":"n"}""", "\uFFFD=k,a\uFFFD=n")]
    [InlineData("""{"q":"\\u0000"}""", "q=\\u0000")] // looks like an escape: arrives unchanged
    [InlineData("""{"q":"\\ud800"}""", "q=\\ud800")]
    [InlineData("""{"q":"\\\u0000"}""", "q=\\\uFFFD")] // a backslash, then a real escape
    [InlineData("""{"q":"\\\\ud800 \\\"\\u0000"}""", "q=\\\\ud800 \\\"\\u0000")]
    [InlineData("""{"q":"\u00e9\n\t\"\/"}""", "q=\u00e9\n\t\"/")]
    public async Task Escapes_PostgreSQL_refuses_are_delivered_normalized_and_look_alikes_unchanged(string json, string expected)
    {
        using SyncHarness h = await SyncHarness.CreateAsync(fixture);
        Session session = Session.Create("escapes");
        session.AddTask("t").AddStep("s").AddToolCall("search", json).Succeed("done");
        session.AppendEvent("tool.args", json);
        await h.Store.SaveAsync(session);
        Assert.NotNull(await h.Store.AppendEventAsync(session.Id, "tool.args.appended", json));

        await AssertAllDeliveredAsync(h);
        Assert.Equal(expected, await h.PgScalarAsync("SELECT string_agg(key || '=' || value, ',' ORDER BY value) FROM tool_calls, jsonb_each_text(arguments)"));
        Assert.Equal(new[] { expected, expected }, await h.PgRowsAsync(
            "SELECT string_agg(key || '=' || value, ',' ORDER BY value) FROM session_events, jsonb_each_text(payload) WHERE type LIKE 'tool.args%' GROUP BY id ORDER BY id"));
        Assert.Equal(json, (await h.Store.GetSessionAsync(session.Id))!.Tasks[0].Steps[0].ToolCalls[0].ArgumentsJson);
    }

    public static TheoryData<string> NumbersPostgresHolds => new()
    {
        "1e131071", "-9.99e131071", new string('9', NumericRange.MaxIntegerDigits), "1e-16383", "1.5e-16382", "0e1073741822",
        "0." + new string('0', NumericRange.MaxFractionDigits), "0.0001e131075", "-0", "1E+400", "123.456e-7",
    };

    public static TheoryData<string> NumbersPostgresRefuses => new()
    {
        "1e1000000", "1e131072", "-1e131072", new string('9', NumericRange.MaxIntegerDigits + 1), "1e-16384", "1.5e-16383", "1e-1000000",
        "0e1073741823", "0e-16384", "0." + new string('0', NumericRange.MaxFractionDigits + 1), "0.0001e131076", "1e99999999999999999999",
    };

    [Theory]
    [MemberData(nameof(NumbersPostgresHolds))]
    public async Task Numbers_within_PostgreSQLs_numeric_are_delivered_exactly(string number)
    {
        using SyncHarness h = await SyncHarness.CreateAsync(fixture);
        Session session = Session.Create("numbers");
        session.AddTask("t").AddStep("s").AddToolCall("calc", $$"""{"n":{{number}}}""");

        // Inline (blobs off): arguments above the threshold keep only a prefix in the mirror's column (docs/storage.md).
        await new SqliteRunStateStore(h.Database, h.Clock, blobThresholdBytes: int.MaxValue).SaveAsync(session);

        await AssertAllDeliveredAsync(h);
        Assert.Equal(1, await h.PgCountAsync("SELECT count(*) FROM tool_calls WHERE (arguments->>'n')::numeric = $1::text::numeric", number));
    }

    [Theory]
    [MemberData(nameof(NumbersPostgresRefuses))]
    public async Task Numbers_outside_PostgreSQLs_numeric_are_refused_at_the_API_and_at_import(string number)
    {
        using SyncHarness h = await SyncHarness.CreateAsync(fixture);
        string json = $$"""{"n":[1,{"m":{{number}}}]}""";
        Session session = await h.Store.CreateSessionAsync("numbers");
        Step step = session.AddTask("t").AddStep("s");

        ArgumentException call = Assert.Throws<ArgumentException>(() => step.AddToolCall("calc", json));
        Assert.Contains("which PostgreSQL cannot store", call.Message, StringComparison.Ordinal);
        Assert.Contains("Send it as a JSON string", call.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => session.AppendEvent("e", json));
        await Assert.ThrowsAsync<ArgumentException>(() => h.Store.AppendEventAsync(session.Id, "e", json));

        // The same value in an export: the import stops at that line and names it.
        string export = await ExportAsync(h, """{"n":[1,{"m":0}]}""");
        string edited = export.Replace(":0}]}", $":{number}}}]}}", StringComparison.Ordinal); // the quotes are written as \u0022
        Assert.NotEqual(export, edited);
        FormatException import = await Assert.ThrowsAsync<FormatException>(() => ImportAsync(h, edited));
        Assert.Contains("which PostgreSQL cannot store", import.Message, StringComparison.Ordinal);
        Assert.StartsWith("Line ", import.Message, StringComparison.Ordinal);

        await AssertAllDeliveredAsync(h);
    }

    [Fact]
    public async Task Arguments_nested_as_deep_as_accepted_are_delivered()
    {
        using SyncHarness h = await SyncHarness.CreateAsync(fixture);
        string json = string.Concat(Enumerable.Repeat("{\"a\":", JsonText.MaxDepth - 1)) + "[\"\\ud800\"]" + new string('}', JsonText.MaxDepth - 1);
        Session session = Session.Create("deep");
        session.AddTask("t").AddStep("s").AddToolCall("deep", json);
        session.AppendEvent("deep", json);
        await h.Store.SaveAsync(session);

        await AssertAllDeliveredAsync(h);
        Assert.Equal(JsonText.MaxDepth - 1, await h.PgCountAsync("SELECT length(arguments::text) - length(replace(arguments::text, '{', '')) FROM tool_calls"));
    }

    [Fact]
    public async Task Imported_escapes_are_delivered_normalized_and_an_unpaired_surrogate_in_text_becomes_U_FFFD_at_import()
    {
        using SyncHarness h = await SyncHarness.CreateAsync(fixture);
        string export = await ExportAsync(h, """{"q":"\ud800","r":"\\u0000"}""");

        await ImportAsync(h, export);
        await AssertAllDeliveredAsync(h);
        Assert.Equal("\uFFFD|\\u0000", Assert.Single(await h.PgRowsAsync("SELECT arguments->>'q', arguments->>'r' FROM tool_calls")));

        // Outside the embedded JSON, an escaped unpaired surrogate is half a character: read as U+FFFD, as the API reads one.
        string broken = export.Replace("\"result\":\"done\"", "\"result\":\"\\ud800\"", StringComparison.Ordinal);
        Assert.NotEqual(export, broken);
        using SyncHarness other = await SyncHarness.CreateAsync(fixture);
        await ImportAsync(other, broken);
        await AssertAllDeliveredAsync(other);
        Assert.Equal("\uFFFD", Assert.Single(await other.PgRowsAsync("SELECT result FROM tool_calls")));
    }

    [Fact]
    public async Task A_record_larger_than_PostgreSQL_can_store_is_refused_at_save_and_nothing_is_written()
    {
        using SyncHarness h = await SyncHarness.CreateAsync(fixture);
        Session session = await h.Store.CreateSessionAsync("huge");
        await AssertAllDeliveredAsync(h);

        // U+0001 is written as \u0001: six bytes of JSON each, so 45 M characters make a document just over the limit.
        // Inline (blobs off): a large result is otherwise a blob and its record small (docs/storage.md).
        session.AddTask("t").AddStep("s").AddToolCall("cat", "{}").Succeed(new string('\u0001', (DocumentSize.MaxBytes / 6) + 1));
        ArgumentException ex = await Assert.ThrowsAsync<ArgumentException>(() => new SqliteRunStateStore(h.Database, h.Clock, blobThresholdBytes: int.MaxValue).SaveAsync(session));

        Assert.Contains("PostgreSQL can store at most 267386880 bytes (255 MiB) per record", ex.Message, StringComparison.Ordinal);
        Assert.StartsWith("ToolCall tc_", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, (await h.Outbox.GetStatisticsAsync()).Pending);
        Assert.Empty((await h.Store.GetSessionAsync(session.Id))!.Tasks);
    }

    private static async Task AssertAllDeliveredAsync(SyncHarness h)
    {
        SyncRunResult result = await h.Sync.SyncAsync();
        Assert.False(result.Paused, result.PauseReason);
        Assert.Equal(0, result.Retried + result.DeadLettered);
        OutboxStatistics stats = await h.Outbox.GetStatisticsAsync();
        Assert.Equal(0, stats.Pending);
        Assert.Equal(0, stats.Failed);
    }

    /// <summary>An export (JSON Lines) of a session, made in a throwaway store, with one tool call of these arguments.</summary>
    private async Task<string> ExportAsync(SyncHarness h, string arguments)
    {
        using SyncHarness other = await SyncHarness.CreateAsync(fixture, connectionString: h.ConnectionString);
        Session session = Session.Create("exported");
        session.AddTask("t").AddStep("s").AddToolCall("search", arguments).Succeed("done");
        await other.Store.SaveAsync(session);
        using var writer = new StringWriter();
        await SessionArchive.WriteAsync(writer, other.Store, (await other.Store.GetSessionAsync(session.Id))!);
        return writer.ToString();
    }

    private static async Task ImportAsync(SyncHarness h, string export)
    {
        await foreach (SessionGraphBuilder graph in SessionArchive.ReadAsync(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(export))))
        {
            await h.Store.ImportAsync(graph.Session!, graph.Events);
        }
    }
}
