using System.Text;
using Acode.Application;
using Acode.Application.Queries;
using Acode.Application.Search;
using Acode.Domain.Entities;

namespace Acode.Infrastructure.Tests.Search;

/// <summary>
/// What every <see cref="ISessionSearch"/> does, run against SQLite (<see cref="SqliteSessionSearchTests"/>) and
/// PostgreSQL after a sync (<see cref="PostgresSessionSearchTests"/>): the same tests, two engines.
/// </summary>
public abstract class SessionSearchContract
{
    /// <summary>The store the sessions are saved with.</summary>
    protected abstract IRunStateStore Store { get; }

    /// <summary>The search under test.</summary>
    protected abstract ISessionSearch Search { get; }

    /// <summary>Makes what the store committed visible to <see cref="Search"/> (PostgreSQL: a sync; SQLite: nothing).</summary>
    protected abstract Task PublishAsync();

    [Fact]
    [Trait("Issue", "13.2")]
    public async Task Every_searchable_field_is_found_with_its_entity_and_a_highlighted_snippet()
    {
        Session session = Session.Create("Alphatitle work", "reach the betagoal");
        SessionTask task = session.AddTask("gammatask planning", "deltadescription here");
        Step step = task.AddStep("epsilonstep run", "zetastepdescription");
        ToolCall call = step.AddToolCall("etatool", """{"path":"src/thetaarg.cs"}""");
        call.Start();
        call.Succeed("the build printed iotaresult at the end");
        ToolCall failed = step.AddToolCall("shell", "{}");
        failed.Fail("kappaerror: exit code 1");
        Artifact text = session.AddArtifact("lambdaname.log", ArtifactKind.Log, "text/plain", Encoding.UTF8.GetBytes("first line\nmuartifact content\n"));
        session.AddArtifact("image.png", ArtifactKind.Other, "image/png", new byte[] { 0x89, 0x50, 0x4E, 0x47, 0xFF, 0xFE, 0x6E, 0x75, 0x61, 0x72, 0x74 });
        await Store.SaveAsync(session);
        await PublishAsync();

        (string Query, EntityType Type, string Id, string Field)[] expected =
        [
            ("alphatitle", EntityType.Session, session.Id.Value, "title"),
            ("betagoal", EntityType.Session, session.Id.Value, "goal"),
            ("gammatask", EntityType.SessionTask, task.Id.Value, "title"),
            ("deltadescription", EntityType.SessionTask, task.Id.Value, "description"),
            ("epsilonstep", EntityType.Step, step.Id.Value, "title"),
            ("zetastepdescription", EntityType.Step, step.Id.Value, "description"),
            ("etatool", EntityType.ToolCall, call.Id.Value, "tool_name"),
            ("thetaarg", EntityType.ToolCall, call.Id.Value, "arguments"),
            ("iotaresult", EntityType.ToolCall, call.Id.Value, "result"),
            ("kappaerror", EntityType.ToolCall, failed.Id.Value, "error"),
            ("lambdaname", EntityType.Artifact, text.Id.Value, "name"),
            ("muartifact", EntityType.Artifact, text.Id.Value, "content"),
        ];
        foreach ((string query, EntityType type, string id, string field) in expected)
        {
            SearchHit hit = Assert.Single((await SearchAsync(query)).Items);
            Assert.Equal((session.Id, type, id, field), (hit.SessionId, hit.EntityType, hit.EntityId, hit.Field));
            Assert.Equal(session.Title, hit.SessionTitle);
            SearchHighlight highlight = Assert.Single(hit.Snippet.Highlights);
            Assert.Equal(query, hit.Snippet.Text.Substring(highlight.Start, highlight.Length), ignoreCase: true);
        }

        // A binary artifact's content is not text: not indexed, whatever bytes it holds.
        Assert.Empty((await SearchAsync("nuart")).Items);
    }

    [Fact]
    [Trait("Issue", "13.3")]
    public async Task Large_content_is_found_by_every_word_of_its_first_65536_characters_once_per_field()
    {
        // Stored once as a blob (docs/storage.md), indexed once per distinct content over the same 65,536 characters as
        // any other field; each row that names the blob is a hit of its own, and the prefix a row keeps is not a second hit.
        string head = "nupreamble words " + new string('.', 400);
        string log = head + string.Concat(Enumerable.Range(0, 4000).Select(i => $"line {i} ok\n")) + " omegatail";
        Session session = Session.Create("large content search");
        Step step = session.AddTask("t").AddStep("s");
        ToolCall call = step.AddToolCall("run_tests", "{\"filter\":\"xiargument\",\"pad\":\"" + new string('p', 6000) + "\",\"then\":\"sigmaargument\"}");
        call.Succeed(log);
        ToolCall again = step.AddToolCall("run_tests", "{}");
        again.Succeed(log);
        ToolCall longer = step.AddToolCall("cat", "{}");
        longer.Succeed("taubefore " + string.Concat(Enumerable.Repeat("filler ", 10_000)) + "taubeyond");
        Artifact diff = session.AddArtifact("big.diff", ArtifactKind.Diff, "text/x-diff", Encoding.UTF8.GetBytes("+ pidiffline\n" + new string('+', 9000) + "\n+ rhotail"));
        session.AddArtifact("data.bin", ArtifactKind.Other, "application/octet-stream", Encoding.UTF8.GetBytes("upsilonbinary " + new string('b', 5000) + " upsilontail"));
        await Store.SaveAsync(session);
        await PublishAsync();

        (string, string)[] both = [.. new[] { (call.Id.Value, "result"), (again.Id.Value, "result") }.OrderBy(h => h.Item1, StringComparer.Ordinal)];
        Assert.Equal(both, await HitsAsync("nupreamble"));
        Assert.Equal(both, await HitsAsync("omegatail"));
        Assert.Equal(both, await HitsAsync("\"line 3999 ok\""));
        Assert.Equal([(call.Id.Value, "arguments")], await HitsAsync("xiargument"));
        Assert.Equal([(call.Id.Value, "arguments")], await HitsAsync("sigmaargument"));
        Assert.Equal([(diff.Id.Value, "content")], await HitsAsync("pidiffline"));
        Assert.Equal([(diff.Id.Value, "content")], await HitsAsync("rhotail"));
        Assert.Equal([(longer.Id.Value, "result")], await HitsAsync("taubefore"));
        Assert.Empty(await HitsAsync("taubeyond"));
        Assert.Empty(await HitsAsync("upsilonbinary OR upsilontail"));

        SearchHit tail = (await SearchAsync("omegatail")).Items[0];
        SearchHighlight highlight = Assert.Single(tail.Snippet.Highlights);
        Assert.Equal("omegatail", tail.Snippet.Text.Substring(highlight.Start, highlight.Length));
        Assert.Contains("line 3999 ok", tail.Snippet.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("nupreamble", tail.Snippet.Text, StringComparison.Ordinal);

        Assert.True(await Store.DeleteSessionAsync(session.Id));
        await PublishAsync();
        Assert.Empty(await HitsAsync("omegatail OR sigmaargument OR rhotail OR nupreamble"));
    }

    [Fact]
    [Trait("Issue", "13.3")]
    public async Task Phrases_in_large_content_match_words_next_to_each_other_only()
    {
        string filler = string.Concat(Enumerable.Repeat("lorem ipsum dolor ", 200));
        SessionId adjacent = await SaveWithResultAsync("adjacent", filler + "connection refused by kappaserver at src/kappaparser.cs " + filler);
        SessionId apart = await SaveWithResultAsync("apart", "refused " + filler + " connection kappaserver " + filler + " kappaparser src");
        await PublishAsync();

        Assert.Equal([adjacent, apart], await SessionsAsync("connection refused kappaserver"));
        Assert.Equal([adjacent], await SessionsAsync("\"connection refused\""));
        Assert.Equal([adjacent], await SessionsAsync("src/kappaparser.cs"));
        Assert.Equal([adjacent], await SessionsAsync("\"src kappapars\"*"));
        Assert.Equal([apart], await SessionsAsync("kappaserver NOT \"connection refused\""));
        Assert.Equal([adjacent, apart], await SessionsAsync("\"connection refused\" OR \"kappaparser src\""));
        Assert.Empty(await SessionsAsync("\"refused connection kappaserver\""));

        SearchHit hit = Assert.Single((await SearchAsync("\"refused by kappaserver\"")).Items);
        Assert.Equal("refused by kappaserver", string.Join(' ', hit.Snippet.Highlights.Select(h => hit.Snippet.Text.Substring(h.Start, h.Length)))); // one mark or one per word
    }

    [Theory]
    [InlineData(30)] // an inline result
    [InlineData(400)] // over 1 KiB: large content, a blob
    public async Task A_snippet_marks_with_an_ellipsis_each_end_where_it_left_text_of_the_field_out_and_keeps_the_field_s_own_ends(int fillerWords)
    {
        string filler = string.Join(' ', Enumerable.Range(1, fillerWords).Select(i => $"w{i}x"));
        await SaveWithResultAsync("middle", $"{filler} the ellmiddle word {filler}.");
        await SaveWithResultAsync("start", $"(ellstart) begins it, {filler}.");
        await SaveWithResultAsync("end", $"{filler} and then ellend!");
        await SaveWithResultAsync("whole", "<ellwhole> is here.");
        await PublishAsync();

        string middle = Assert.Single((await SearchAsync("ellmiddle")).Items).Snippet.Text;
        string start = Assert.Single((await SearchAsync("ellstart")).Items).Snippet.Text;
        string end = Assert.Single((await SearchAsync("ellend")).Items).Snippet.Text;

        Assert.True(middle.StartsWith('…') && middle.EndsWith('…'), middle);
        Assert.True(start.StartsWith("(ellstart) begins it,", StringComparison.Ordinal) && start.EndsWith('…'), start);
        Assert.True(end.StartsWith('…') && end.EndsWith(" and then ellend!", StringComparison.Ordinal), end);
        Assert.Equal("<ellwhole> is here.", Assert.Single((await SearchAsync("ellwhole")).Items).Snippet.Text); // nothing dropped at either end
    }

    [Fact]
    [Trait("Issue", "13.2")]
    public async Task A_short_field_is_its_own_snippet_with_its_short_words_at_both_ends()
    {
        // PostgreSQL's ts_headline drops words of up to three letters at a headline's ends unless told otherwise
        // (ShortWord, https://www.postgresql.org/docs/15/textsearch-controls.html): "so", "it" and "now" went missing.
        const string result = "so the zetafix is in it now";
        await SaveWithResultAsync("short", result);
        await PublishAsync();

        SearchHit hit = Assert.Single((await SearchAsync("zetafix")).Items);
        Assert.Equal(result, hit.Snippet.Text);
        SearchHighlight highlight = Assert.Single(hit.Snippet.Highlights);
        Assert.Equal("zetafix", hit.Snippet.Text.Substring(highlight.Start, highlight.Length));
    }

    [Fact]
    [Trait("Issue", "13.2")]
    public async Task Phrases_prefixes_or_and_not_select_what_the_syntax_says()
    {
        SessionId a = await SaveWithResultAsync("one", "connection refused by the database server");
        SessionId b = await SaveWithResultAsync("two", "refused connection, then the deployment timed out");
        SessionId c = await SaveWithResultAsync("three", "deployer started; everything fine");
        await PublishAsync();

        Assert.Equal([a, b], await SessionsAsync("connection refused"));
        Assert.Equal([a], await SessionsAsync("\"connection refused\""));
        Assert.Equal([b, c], await SessionsAsync("deploy*"));
        Assert.Equal([a, c], await SessionsAsync("database OR everything"));
        Assert.Equal([a], await SessionsAsync("connection -deployment"));
        Assert.Equal([a], await SessionsAsync("connection NOT deployment"));
        Assert.Equal([a, b], await SessionsAsync("(database OR timed) AND refused"));
        Assert.Equal([a], await SessionsAsync("(NOT deployment) connection"));
        Assert.Equal([a], await SessionsAsync("connection (-deployment)"));
        Assert.Equal([b], await SessionsAsync("refused (NOT database NOT everything)"));
        Assert.Empty(await SessionsAsync("connection refused everything"));
        Assert.Equal([a, b], await SessionsAsync("CONNECTION"));
    }

    [Fact]
    [Trait("Issue", "13.2")]
    public async Task Changed_text_is_found_by_its_new_words_only_and_a_deleted_session_not_at_all()
    {
        Session session = Session.Create("Original omicrontitle");
        ToolCall call = session.AddTask("t").AddStep("s").AddToolCall("shell", "{}");
        call.Start();
        await Store.SaveAsync(session);
        session.Rename("Renamed pititle");
        call.Succeed("rhoresult arrived");
        await Store.SaveAsync(session);
        await PublishAsync();

        Assert.Empty((await SearchAsync("omicrontitle")).Items);
        Assert.Single((await SearchAsync("pititle")).Items);
        Assert.Single((await SearchAsync("rhoresult")).Items);

        Assert.True(await Store.DeleteSessionAsync(session.Id));
        await PublishAsync();
        Assert.Empty((await SearchAsync("pititle")).Items);
        Assert.Empty((await SearchAsync("rhoresult")).Items);
    }

    [Fact]
    [Trait("Issue", "13.2")]
    public async Task Filters_apply_to_the_hit_s_session()
    {
        Session done = Session.Create("sigmafilter done");
        done.TransitionTo(SessionState.Executing);
        done.TransitionTo(SessionState.Completed);
        Session open = Session.Create("sigmafilter open");
        await Store.SaveAllAsync([done, open]);
        await PublishAsync();

        Page<SearchHit> completed = await Search.SearchAsync(SearchQuery.Parse("sigmafilter"), new SessionFilter { States = [SessionState.Completed] }, PaginationOptions.FirstPage);
        Assert.Equal(done.Id, Assert.Single(completed.Items).SessionId);
        Page<SearchHit> titled = await Search.SearchAsync(SearchQuery.Parse("sigmafilter"), new SessionFilter { TitleContains = "OPEN" }, PaginationOptions.FirstPage);
        Assert.Equal(open.Id, Assert.Single(titled.Items).SessionId);
        Page<SearchHit> future = await Search.SearchAsync(SearchQuery.Parse("sigmafilter"), new SessionFilter { CreatedFrom = DateTimeOffset.UtcNow.AddDays(1) }, PaginationOptions.FirstPage);
        Assert.Empty(future.Items);
    }

    [Fact]
    [Trait("Issue", "msgfix13.2")]
    public async Task The_title_filter_ignores_the_case_of_non_ASCII_letters()
    {
        Session accented = Session.Create("omegafilter Émoji");
        Session plain = Session.Create("omegafilter emoji");
        await Store.SaveAllAsync([accented, plain]);
        await PublishAsync();

        Page<SearchHit> titled = await Search.SearchAsync(SearchQuery.Parse("omegafilter"), new SessionFilter { TitleContains = "éMOJI" }, PaginationOptions.FirstPage);

        Assert.Equal(accented.Id, Assert.Single(titled.Items).SessionId);
    }

    [Fact]
    [Trait("Issue", "13.2")]
    public async Task Keyset_pages_return_every_hit_once_in_score_order()
    {
        var sessions = new List<Session>();
        for (int i = 0; i < 23; i++)
        {
            // Different lengths and repeats give different scores; equal ones are broken by entity id.
            Session s = Session.Create($"tauneedle {i}", string.Join(' ', Enumerable.Repeat("tauneedle", i % 4)) + " filler" + new string('x', i % 3));
            sessions.Add(s);
        }

        await Store.SaveAllAsync(sessions);
        await PublishAsync();

        var seen = new List<SearchHit>();
        string? cursor = null;
        int pages = 0;
        do
        {
            Page<SearchHit> page = await Search.SearchAsync(SearchQuery.Parse("tauneedle"), SessionFilter.All, new PaginationOptions { Limit = 7, Cursor = cursor });
            seen.AddRange(page.Items);
            cursor = page.NextCursor;
            pages++;
        }
        while (cursor is not null && pages < 20);

        int expected = 23 + sessions.Count(s => s.Goal!.Contains("tauneedle", StringComparison.Ordinal));
        Assert.Equal(expected, seen.Count);
        Assert.Equal(expected, seen.Select(h => (h.EntityId, h.Field)).Distinct().Count());
        Assert.Equal(seen.Select(h => h.Score).OrderByDescending(s => s), seen.Select(h => h.Score));
        Page<SearchHit> all = await Search.SearchAsync(SearchQuery.Parse("tauneedle"), SessionFilter.All, new PaginationOptions { Limit = 100 });
        Assert.Equal(all.Items.Select(h => (h.EntityId, h.Field)), seen.Select(h => (h.EntityId, h.Field)));
        Assert.Null(all.NextCursor);
    }

    [Theory]
    [Trait("Issue", "13.2")]
    [InlineData("\"unbalanced quote")]
    [InlineData("unbalanced\" quote\"\"")]
    [InlineData("NEAR(upsilonword other, 3)")]
    [InlineData("upsilonword:other")]
    [InlineData("upsilonword*")]
    [InlineData("^upsilonword")]
    [InlineData("upsilonword AND")]
    [InlineData("OR upsilonword OR")]
    [InlineData("((upsilonword")]
    [InlineData("upsilonword))")]
    [InlineData("upsilonword\0")]
    [InlineData("upsilonword 🙂")]
    [InlineData("upsilonword'; DROP TABLE sessions; --")]
    [InlineData("upsilonword $1 :* & | ! <-> \\")]
    [InlineData("upsilonword NOT NOT")]
    public async Task Hostile_queries_find_what_their_words_say(string text)
    {
        // Every word of every query below is here: operators of FTS5, tsquery and SQL are only words or separators.
        Session session = Session.Create("upsilonword other near 3 text unbalanced quote drop table sessions 1", "שלום עולם and مرحبا");
        await Store.SaveAsync(session);
        await PublishAsync();

        Assert.Equal(session.Id, Assert.Single((await SearchAsync(text)).Items).SessionId);
        Assert.NotNull(await Store.GetSessionAsync(session.Id));
    }

    [Theory]
    [Trait("Issue", "13.2")]
    [InlineData("שלום")]
    [InlineData("مرحبا")]
    public async Task Right_to_left_words_are_words(string text)
    {
        Session session = Session.Create("rtl", "שלום עולם and مرحبا");
        await Store.SaveAsync(session);
        await PublishAsync();

        Assert.Equal(session.Id, Assert.Single((await SearchAsync(text)).Items).SessionId);
    }

    [Theory]
    [Trait("Issue", "13.2")]
    [InlineData("*")]
    [InlineData("^ : ( ) \"\"")]
    [InlineData("OR AND NOT")]
    [InlineData("🙂🙂")]
    [InlineData("-excluded")]
    [InlineData("\0")]
    [InlineData("(NOT excluded)")]
    [InlineData("deploy (NOT excluded OR other)")]
    public void Queries_without_a_word_to_search_for_are_refused_with_a_reason(string text)
    {
        var error = Assert.Throws<SearchQueryException>(() => SearchQuery.Parse(text));
        Assert.False(string.IsNullOrWhiteSpace(error.Reason));
    }

    [Fact]
    public async Task A_query_word_PostgreSQL_would_drop_is_refused_and_one_a_byte_shorter_is_searched()
    {
        // PostgreSQL's text search drops a word of 2,047 bytes or more from a query: --remote would search without it.
        string word = new('b', 2046);
        Session session = Session.Create("long word", "parser " + word);
        await Store.SaveAsync(session);
        await PublishAsync();

        var error = Assert.Throws<SearchQueryException>(() => SearchQuery.Parse("parser " + word + "b"));
        Assert.Contains("a word of 2,047 bytes (UTF-8)", error.Reason, StringComparison.Ordinal);
        Assert.Throws<SearchQueryException>(() => SearchQuery.Parse("parser \"x " + new string('é', 1024) + "\""));
        Assert.Equal(session.Id, Assert.Single((await SearchAsync("parser " + word)).Items).SessionId);
    }

    [Fact]
    [Trait("Issue", "13.2")]
    public async Task Ten_kilobytes_of_text_are_refused_and_a_long_phrase_is_searched()
    {
        Assert.Throws<SearchQueryException>(() => SearchQuery.Parse(string.Concat(Enumerable.Repeat("lorem ipsum ", 900))));
        string passage = string.Join(' ', Enumerable.Range(0, 300).Select(i => $"w{i}"));
        Session session = Session.Create("long", passage);
        await Store.SaveAsync(session);
        await PublishAsync();

        Assert.Single((await SearchAsync("\"" + passage + "\"")).Items);
    }

    [Fact]
    [Trait("Issue", "13.2")]
    public async Task A_cursor_of_another_query_is_refused()
    {
        for (int i = 0; i < 3; i++)
        {
            await Store.SaveAsync(Session.Create($"phicursor {i}"));
        }

        await PublishAsync();
        Page<SearchHit> first = await Search.SearchAsync(SearchQuery.Parse("phicursor"), SessionFilter.All, new PaginationOptions { Limit = 1 });
        Assert.NotNull(first.NextCursor);
        await Assert.ThrowsAsync<Acode.Application.Errors.CursorMismatchException>(() => Search.SearchAsync(SearchQuery.Parse("phicursor OR x"), SessionFilter.All, new PaginationOptions { Cursor = first.NextCursor }));
        await Assert.ThrowsAsync<Acode.Application.Errors.InvalidCursorException>(() => Search.SearchAsync(SearchQuery.Parse("phicursor"), SessionFilter.All, new PaginationOptions { Cursor = "bm90IGEgY3Vyc29y" }));
    }

    [Fact]
    [Trait("Issue", "uitrial.1")]
    public async Task A_title_filter_with_a_nul_character_is_refused_alike_on_both_engines()
    {
        await Store.SaveAllAsync([Session.Create("nulfilter one"), Session.Create("nulfilter two")]);
        await PublishAsync();

        ArgumentException refused = await Assert.ThrowsAsync<ArgumentException>(() => Search.SearchAsync(SearchQuery.Parse("nulfilter"), new SessionFilter { TitleContains = "\0zzzz" }, PaginationOptions.FirstPage));

        Assert.Equal(nameof(SessionFilter.TitleContains), refused.ParamName);
        Assert.Contains("NUL", refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [Trait("Issue", "uitrial.1")]
    [InlineData("sess_\0x", null)]
    [InlineData(null, "title\0")]
    [InlineData("sess_\u001b[2J", null)]
    public async Task A_cursor_naming_an_entity_or_field_acode_never_writes_is_refused(string? entityId, string? field)
    {
        for (int i = 0; i < 3; i++)
        {
            await Store.SaveAsync(Session.Create($"nulcursor {i}"));
        }

        await PublishAsync();
        SearchQuery query = SearchQuery.Parse("nulcursor");
        Page<SearchHit> first = await Search.SearchAsync(query, SessionFilter.All, new PaginationOptions { Limit = 1 });
        string[] parts = System.Text.Encoding.UTF8.GetString(System.Buffers.Text.Base64Url.DecodeFromChars(first.NextCursor!)).Split('|');
        parts[5] = entityId ?? parts[5]; // s3|store|query|filter|scoreBits|entityId|field
        parts[6] = field ?? parts[6];
        string forged = System.Buffers.Text.Base64Url.EncodeToString(System.Text.Encoding.UTF8.GetBytes(string.Join('|', parts)));

        await Assert.ThrowsAsync<Acode.Application.Errors.InvalidCursorException>(() => Search.SearchAsync(query, SessionFilter.All, new PaginationOptions { Limit = 1, Cursor = forged }));
    }

    [Fact]
    [Trait("Issue", "search-nul")]
    public async Task The_words_after_a_NUL_in_a_field_are_found_and_marked_in_their_snippet()
    {
        // The stored value keeps its NUL (docs/json-format.md). Locally substr() and snippet() read text as a C string
        // and stopped at the NUL; PostgreSQL holds it as U+FFFD (part of a word to its parser, hence the spaces here).
        Session session = Session.Create("nulatitle \0 nulbtitle", "nulagoal \0 nulbgoal");
        SessionTask task = session.AddTask("nulatask \0 nulbtask", "desc x\0y nulinside");
        Step step = task.AddStep("nulastep \0 nulbstep", "nulastepdesc \0 nulbstepdesc");
        ToolCall call = step.AddToolCall("shell", """{"a":"x\u0000y nulinside"}""");
        call.Start();
        call.Succeed("result r1079 x\0y nulinside");
        ToolCall failed = step.AddToolCall("shell", "{}");
        failed.Fail("nulaerror \0 nulberror");
        ToolCall large = step.AddToolCall("cat", "{}");
        large.Succeed("nulalarge \0 nulblarge " + string.Concat(Enumerable.Repeat("filler ", 400)));
        await Store.SaveAsync(session);
        await PublishAsync();

        (string Before, string After, string Id, string Field)[] fields =
        [
            ("nulatitle", "nulbtitle", session.Id.Value, "title"),
            ("nulagoal", "nulbgoal", session.Id.Value, "goal"),
            ("nulatask", "nulbtask", task.Id.Value, "title"),
            ("nulastep", "nulbstep", step.Id.Value, "title"),
            ("nulastepdesc", "nulbstepdesc", step.Id.Value, "description"),
            ("nulaerror", "nulberror", failed.Id.Value, "error"),
            ("nulalarge", "nulblarge", large.Id.Value, "result"),
        ];
        foreach ((string before, string after, string id, string field) in fields)
        {
            Assert.Equal([(id, field)], await HitsAsync(before));
            SearchHit hit = Assert.Single((await SearchAsync(after)).Items);
            Assert.Equal((id, field), (hit.EntityId, hit.Field));
            SearchHighlight highlight = Assert.Single(hit.Snippet.Highlights);
            Assert.Equal(after, hit.Snippet.Text.Substring(highlight.Start, highlight.Length));
            Assert.Contains(before, hit.Snippet.Text, StringComparison.Ordinal);
        }

        (string, string)[] descriptionAndResult = [.. new[] { (task.Id.Value, "description"), (call.Id.Value, "result") }.OrderBy(h => h.Item1, StringComparer.Ordinal)];
        (string, string)[] withArguments = [.. descriptionAndResult.Append((call.Id.Value, "arguments")).OrderBy(h => h.Item1, StringComparer.Ordinal).ThenBy(h => h.Item2, StringComparer.Ordinal)];
        Assert.Equal(withArguments, await HitsAsync("nulinside"));
        SearchHit result = Assert.Single((await SearchAsync("r1079 nulinside")).Items);
        Assert.Equal(["r1079", "nulinside"], result.Snippet.Highlights.Select(h => result.Snippet.Text.Substring(h.Start, h.Length)));
        Assert.Equal("nulatitle \0 nulbtitle", (await Store.GetSessionAsync(session.Id))!.Title);
    }

    [Fact]
    [Trait("Issue", "search-nul")]
    public async Task A_NUL_in_a_query_separates_its_words_like_a_space()
    {
        SessionId id = await SaveWithResultAsync("nulquery", "connectionword was refusedword by the server");
        await PublishAsync();

        Assert.Equal([id], await SessionsAsync("refusedword connectionword"));
        Assert.Equal([id], await SessionsAsync("refusedword\0connectionword"));
        Assert.Equal([id], await SessionsAsync("connectionword\0-absentword"));
        Assert.Empty(await SessionsAsync("connectionword\0-refusedword"));
    }

    [Fact]
    [Trait("Issue", "search-escapes")]
    public async Task A_word_right_after_a_JSON_escape_in_arguments_is_found_in_the_row_and_in_a_blob()
    {
        // arguments is indexed as its JSON text: a line break is the escape \n there, and the tokenizers split at the
        // backslash but not before its letter ('nmake'). An escaped backslash is no such escape: C:\\new keeps 'new'.
        Session session = Session.Create("escapes");
        Step step = session.AddTask("t").AddStep("s");
        ToolCall multiLine = step.AddToolCall("shell", """{"command":"set -e\nmake deploy\tnow"}""");
        ToolCall path = step.AddToolCall("write", """{"path":"C:\\new\\file"}""");
        ToolCall mixed = step.AddToolCall("shell", """{"a":"x\\\nescbackslash\n\nescdouble\r\nesccrlf\f\bescformfeed"}""");
        string filler = string.Concat(Enumerable.Repeat("filler ", 400));
        ToolCall large = step.AddToolCall("write", $$"""{"content":"{{filler}}set -e\nblobmake blobdeploy\tblobnow","path":"C:\\blobnew\\blobfile"}""");
        await Store.SaveAsync(session);
        await PublishAsync();

        (string Query, string Id)[] expected =
        [
            ("make", multiLine.Id.Value), ("now", multiLine.Id.Value), ("deploy", multiLine.Id.Value),
            ("new", path.Id.Value), ("file", path.Id.Value),
            ("escbackslash", mixed.Id.Value), ("escdouble", mixed.Id.Value), ("esccrlf", mixed.Id.Value), ("escformfeed", mixed.Id.Value),
            ("blobmake", large.Id.Value), ("blobnow", large.Id.Value), ("blobnew", large.Id.Value),
        ];
        foreach ((string query, string id) in expected)
        {
            SearchHit hit = Assert.Single((await SearchAsync(query)).Items, h => h.Field == "arguments" && h.SessionId == session.Id);
            Assert.Equal(id, hit.EntityId);
            SearchHighlight highlight = Assert.Single(hit.Snippet.Highlights);
            Assert.Equal(query, hit.Snippet.Text.Substring(highlight.Start, highlight.Length));
        }

        // The escape's letter is no longer a word of its own or part of the next one.
        Assert.Empty(await HitsAsync("nmake"));
        Assert.Empty(await HitsAsync("nblobmake"));
        Assert.Empty(await HitsAsync("ew"));
        Assert.Equal("""{"command":"set -e\nmake deploy\tnow"}""", (await Store.GetSessionAsync(session.Id))!.Tasks[0].Steps[0].ToolCalls[0].ArgumentsJson);
    }

    [Fact]
    [Trait("Issue", "search-uescapes")]
    public async Task Words_written_as_unicode_escapes_or_after_an_escape_in_any_JSON_field_are_found_in_the_row_and_in_a_blob()
    {
        // System.Text.Json's default encoder writes é as \u00e9 and an apostrophe as \u0027: a field whose text is one JSON
        // value is indexed with its escapes decoded (schema 1.13.0), whatever the field; plain text is indexed as it is.
        Session session = Session.Create("unicode escapes");
        Step step = session.AddTask("task").AddStep("step");
        ToolCall arguments = step.AddToolCall("shell", """{"text":"caf\u00e9 ouvert","quote":"don\u0027t","emoji":"\ud83d\ude00 smile"}""");
        ToolCall result = step.AddToolCall("shell", "{}");
        result.Start();
        result.Succeed("""{"stdout":"set -e\nresmake na\u00efve left\ud800right \udc00lowlone"}""");
        ToolCall error = step.AddToolCall("shell", "{}");
        error.Start();
        error.Fail("""{"message":"exit 2\nerrword r\u00e9sum\u00e9"}""");
        ToolCall plain = step.AddToolCall("read", "{}");
        plain.Start();
        plain.Succeed(@"dir C:\newdir\bindir caf\u00e9plain");
        Artifact artifact = session.AddArtifact("out.json", ArtifactKind.Other, "application/json", Encoding.UTF8.GetBytes("""{"c":"gr\u00fc\u00dfe\nartword"}"""));
        string filler = string.Concat(Enumerable.Repeat("filler ", 400));
        ToolCall large = step.AddToolCall("read", "{}");
        large.Start();
        large.Succeed($$"""{"content":"{{filler}}blob\u00e9t\u00e9 \nblobmake \ud83d\ude00 blobsmile"}""");
        await Store.SaveAsync(session);
        await PublishAsync();

        (string Query, string Id, string Field)[] expected =
        [
            ("café", arguments.Id.Value, "arguments"), ("ouvert", arguments.Id.Value, "arguments"), ("t", arguments.Id.Value, "arguments"),
            ("smile", arguments.Id.Value, "arguments"),
            ("resmake", result.Id.Value, "result"), ("naïve", result.Id.Value, "result"), ("left", result.Id.Value, "result"),
            ("right", result.Id.Value, "result"), ("lowlone", result.Id.Value, "result"),
            ("errword", error.Id.Value, "error"), ("résumé", error.Id.Value, "error"),
            ("newdir", plain.Id.Value, "result"), ("bindir", plain.Id.Value, "result"), ("u00e9plain", plain.Id.Value, "result"),
            ("grüße", artifact.Id.Value, "content"), ("artword", artifact.Id.Value, "content"),
            ("blobété", large.Id.Value, "result"), ("blobmake", large.Id.Value, "result"), ("blobsmile", large.Id.Value, "result"),
        ];
        foreach ((string query, string id, string field) in expected)
        {
            SearchHit hit = Assert.Single((await SearchAsync(query)).Items);
            Assert.Equal((id, field), (hit.EntityId, hit.Field));
            SearchHighlight highlight = Assert.Single(hit.Snippet.Highlights);
            Assert.Equal(query, hit.Snippet.Text.Substring(highlight.Start, highlight.Length));
        }

        Assert.Contains("\U0001F600 smile", Assert.Single((await SearchAsync("smile")).Items).Snippet.Text, StringComparison.Ordinal);
        Assert.Contains("\U0001F600 blobsmile", Assert.Single((await SearchAsync("blobsmile")).Items).Snippet.Text, StringComparison.Ordinal);
        foreach (string glued in new[] { "u00e9", "u0027t", "ud83d", "nresmake", "nerrword", "nartword", "nblobmake", "blob", "u00e9t" })
        {
            Assert.Empty(await HitsAsync(glued));
        }

        Assert.Equal("""{"stdout":"set -e\nresmake na\u00efve left\ud800right \udc00lowlone"}""", (await Store.GetSessionAsync(session.Id))!.Tasks[0].Steps[0].ToolCalls[1].Result);
    }

    protected Task<Page<SearchHit>> SearchAsync(string text) => Search.SearchAsync(SearchQuery.Parse(text), SessionFilter.All, new PaginationOptions { Limit = 100 });

    private async Task<(string EntityId, string Field)[]> HitsAsync(string text)
        => (await SearchAsync(text)).Items.Select(h => (h.EntityId, h.Field)).OrderBy(h => h.EntityId, StringComparer.Ordinal).ThenBy(h => h.Field, StringComparer.Ordinal).ToArray();

    private async Task<SessionId[]> SessionsAsync(string text)
        => (await SearchAsync(text)).Items.Select(h => h.SessionId).Distinct().OrderBy(id => id.Value, StringComparer.Ordinal).ToArray();

    private async Task<SessionId> SaveWithResultAsync(string title, string result)
    {
        Session session = Session.Create(title);
        ToolCall call = session.AddTask("t").AddStep("s").AddToolCall("shell", "{}");
        call.Start();
        call.Succeed(result);
        await Store.SaveAsync(session);
        return session.Id;
    }
}
