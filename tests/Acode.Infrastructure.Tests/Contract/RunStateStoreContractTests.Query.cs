using Acode.Application.Errors;
using Acode.Application.Queries;
using Acode.Infrastructure.Tests.Support;

namespace Acode.Infrastructure.Tests.Contract;

/// <summary>Session listings: filters, sorts and keyset pagination.</summary>
public abstract partial class RunStateStoreContractTests
{
    public static TheoryData<SessionSort> Sorts => [SessionSort.UpdatedDescending, SessionSort.UpdatedAscending, SessionSort.CreatedDescending, SessionSort.CreatedAscending];

    [Theory]
    [MemberData(nameof(Sorts))]
    public async Task QuerySessionsAsync_pages_through_120_sessions_50_50_20_without_overlap(SessionSort sort)
    {
        List<Session> sessions = Enumerable.Range(0, 120).Select(i => Session.Create($"session {i:000}")).ToList();
        await Store.SaveAllAsync(sessions);
        List<Session> renamed = sessions.Where((_, i) => i % 3 == 0).Reverse().ToList();
        foreach (Session session in renamed)
        {
            session.Rename(session.Title + " (renamed)");
        }

        await Store.SaveAllAsync(renamed);

        List<Page<SessionSummary>> pages = await AllPages(SessionFilter.All, sort, 50);

        Assert.Equal([50, 50, 20], pages.Select(p => p.Items.Count));
        Assert.NotNull(pages[0].NextCursor);
        Assert.NotNull(pages[1].NextCursor);
        Assert.Null(pages[2].NextCursor);
        List<SessionSummary> all = pages.SelectMany(p => p.Items).ToList();
        Assert.Equal(120, all.Select(s => s.Id).Distinct().Count());
        Assert.Equal(Expected(sessions, sort), all.Select(s => s.Id));
    }

    [Theory]
    [MemberData(nameof(Sorts))]
    public async Task QuerySessionsAsync_breaks_timestamp_ties_by_id_so_pages_never_overlap(SessionSort sort)
    {
        var instant = new DateTimeOffset(2026, 1, 15, 10, 30, 0, TimeSpan.Zero).AddTicks(1234567);
        var sessions = new List<Session>();
        for (int i = 0; i < 30; i++)
        {
            Session session = Session.Restore(SessionId.New(), $"tied {i}", null, SessionState.Created, 0, 1, instant, instant);
            sessions.Add(session);
            await Store.ImportAsync(session, []);
        }

        List<Page<SessionSummary>> pages = await AllPages(SessionFilter.All, sort, 7);

        Assert.Equal([7, 7, 7, 7, 2], pages.Select(p => p.Items.Count));
        List<SessionId> ids = pages.SelectMany(p => p.Items).Select(s => s.Id).ToList();
        Assert.Equal(30, ids.Distinct().Count());
        Assert.Equal(Expected(sessions, sort), ids);
    }

    [Fact]
    public async Task QuerySessionsAsync_gives_each_page_the_size_it_asks_for_when_sizes_change_from_page_to_page()
    {
        List<Session> sessions = Enumerable.Range(0, 12).Select(i => Session.Create($"session {i:00}")).ToList();
        await Store.SaveAllAsync(sessions);
        List<SessionId> expected = Expected(sessions, SessionSort.CreatedAscending).ToList();

        foreach (int limit in new[] { 3, 5, 3, 3, 12, 1, 5 })
        {
            Page<SessionSummary> page = await Store.QuerySessionsAsync(SessionFilter.All, SessionSort.CreatedAscending, new PaginationOptions { Limit = limit });
            Assert.Equal(expected.Take(limit), page.Items.Select(s => s.Id));
            Assert.Equal(limit < 12, page.NextCursor is not null);
        }

        var walked = new List<SessionId>();
        string? cursor = null;
        foreach (int limit in new[] { 5, 2, 5 })
        {
            Page<SessionSummary> page = await Store.QuerySessionsAsync(SessionFilter.All, SessionSort.CreatedAscending, new PaginationOptions { Limit = limit, Cursor = cursor });
            Assert.Equal(limit, page.Items.Count);
            walked.AddRange(page.Items.Select(s => s.Id));
            cursor = page.NextCursor;
        }

        Assert.Null(cursor);
        Assert.Equal(expected, walked);
    }

    [Fact]
    public async Task QuerySessionsAsync_does_not_shift_pages_when_sessions_are_added_meanwhile()
    {
        await Store.SaveAllAsync(Enumerable.Range(0, 10).Select(i => Session.Create($"s{i}")).ToList());
        Page<SessionSummary> first = await Store.QuerySessionsAsync(SessionFilter.All, SessionSort.CreatedAscending, new PaginationOptions { Limit = 4 });

        await Store.CreateSessionAsync("added after the first page");
        Page<SessionSummary> second = await Store.QuerySessionsAsync(SessionFilter.All, SessionSort.CreatedAscending, new PaginationOptions { Limit = 4, Cursor = first.NextCursor });

        Assert.Equal(["s4", "s5", "s6", "s7"], second.Items.Select(s => s.Title));
    }

    [Fact]
    public async Task QuerySessionsAsync_rejects_a_cursor_made_for_another_sort()
    {
        await Store.SaveAllAsync(Enumerable.Range(0, 5).Select(i => Session.Create($"s{i}")).ToList());
        Page<SessionSummary> first = await Store.QuerySessionsAsync(SessionFilter.All, SessionSort.UpdatedDescending, new PaginationOptions { Limit = 2 });

        var error = await Assert.ThrowsAsync<CursorMismatchException>(() =>
            Store.QuerySessionsAsync(SessionFilter.All, SessionSort.CreatedAscending, new PaginationOptions { Limit = 2, Cursor = first.NextCursor }));

        Assert.Contains("sort order", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task QuerySessionsAsync_rejects_a_cursor_made_for_another_filter_and_reads_nothing()
    {
        var failed = new List<Session>();
        for (int i = 0; i < 6; i++)
        {
            Session session = Session.Create($"s{i}");
            session.TransitionTo(SessionState.Planning);
            if (i % 2 == 0)
            {
                session.TransitionTo(SessionState.Failed);
                failed.Add(session);
            }

            await Store.SaveAsync(session);
        }

        var onlyFailed = new SessionFilter { States = [SessionState.Failed] };
        Page<SessionSummary> first = await Store.QuerySessionsAsync(onlyFailed, SessionSort.CreatedAscending, new PaginationOptions { Limit = 2 });

        foreach (SessionFilter other in new[] { SessionFilter.All, new SessionFilter { States = [SessionState.Planning] }, onlyFailed with { TitleContains = "s" } })
        {
            await Assert.ThrowsAsync<CursorMismatchException>(() =>
                Store.QuerySessionsAsync(other, SessionSort.CreatedAscending, new PaginationOptions { Limit = 2, Cursor = first.NextCursor }));
        }

        // The same filter continues, even with another page size: only the filtered rows, none twice.
        Page<SessionSummary> rest = await Store.QuerySessionsAsync(new SessionFilter { States = [SessionState.Failed, SessionState.Failed] }, SessionSort.CreatedAscending, new PaginationOptions { Limit = 50, Cursor = first.NextCursor });
        Assert.Equal(failed.Select(s => s.Id), first.Items.Concat(rest.Items).Select(s => s.Id));
        Assert.Null(rest.NextCursor);
    }

    [Theory]
    [InlineData("not-a-cursor!")]
    [InlineData("MHwyMDI2fHNlc3NfeA")]
    public async Task QuerySessionsAsync_rejects_a_malformed_cursor(string cursor)
    {
        await Assert.ThrowsAsync<InvalidCursorException>(() =>
            Store.QuerySessionsAsync(SessionFilter.All, SessionSort.UpdatedDescending, new PaginationOptions { Cursor = cursor }));
    }

    [Fact]
    public async Task QuerySessionsAsync_filters_by_state()
    {
        Session created = Session.Create("created");
        Session planning = Session.Create("planning");
        planning.TransitionTo(SessionState.Planning);
        Session executing = Session.Create("executing");
        executing.TransitionTo(SessionState.Executing);
        Session completed = Session.Create("completed");
        completed.TransitionTo(SessionState.Executing);
        completed.TransitionTo(SessionState.Completed);
        await Store.SaveAllAsync([created, planning, executing, completed]);

        Page<SessionSummary> page = await Store.QuerySessionsAsync(
            new SessionFilter { States = [SessionState.Planning, SessionState.Completed] }, SessionSort.CreatedAscending, PaginationOptions.FirstPage);

        Assert.Equal([planning.Id, completed.Id], page.Items.Select(s => s.Id));
        Assert.Equal([SessionState.Planning, SessionState.Completed], page.Items.Select(s => s.State));
    }

    [Fact]
    public async Task QuerySessionsAsync_filters_by_creation_and_update_time_ranges()
    {
        var sessions = new List<Session>();
        for (int i = 0; i < 5; i++)
        {
            sessions.Add(await Store.CreateSessionAsync($"s{i}"));
        }

        sessions[0].Rename("touched last");
        await Store.SaveAsync(sessions[0]);

        Page<SessionSummary> created = await Store.QuerySessionsAsync(
            new SessionFilter { CreatedFrom = sessions[1].CreatedAt, CreatedTo = sessions[4].CreatedAt }, SessionSort.CreatedAscending, PaginationOptions.FirstPage);
        Page<SessionSummary> updated = await Store.QuerySessionsAsync(
            new SessionFilter { UpdatedFrom = sessions[4].UpdatedAt }, SessionSort.UpdatedAscending, PaginationOptions.FirstPage);

        Assert.Equal([sessions[1].Id, sessions[2].Id, sessions[3].Id], created.Items.Select(s => s.Id));
        Assert.Equal([sessions[4].Id, sessions[0].Id], updated.Items.Select(s => s.Id));
    }

    [Fact]
    public async Task QuerySessionsAsync_filters_by_title_text_ignoring_ascii_case()
    {
        Session login = await Store.CreateSessionAsync("Fix Login page");
        Session logout = await Store.CreateSessionAsync("fix logout");
        await Store.CreateSessionAsync("Refactor");
        await Store.CreateSessionAsync("100% done_not");

        Page<SessionSummary> page = await Store.QuerySessionsAsync(new SessionFilter { TitleContains = "FIX LOG" }, SessionSort.CreatedAscending, PaginationOptions.FirstPage);
        Page<SessionSummary> wildcards = await Store.QuerySessionsAsync(new SessionFilter { TitleContains = "%_" }, SessionSort.CreatedAscending, PaginationOptions.FirstPage);

        Assert.Equal([login.Id, logout.Id], page.Items.Select(s => s.Id));
        Assert.Empty(wildcards.Items);
    }

    /// <summary>The titles of <see cref="QuerySessionsAsync_filters_by_title_ignoring_the_case_of_every_letter_alike_on_both_engines"/>.</summary>
    public static readonly string[] FoldedTitles =
        ["Fix Login page", "Émoji support", "an émoji ROCKET", "Straße bauen", "STRAẞE NORD", "İstanbul trip", "ΟΔΟΣ map", "νέα οδος", "Ärger mit Öl"];

    /// <summary>Text searched → the indexes in <see cref="FoldedTitles"/> it finds (docs/search.md, "The title filter").</summary>
    public static TheoryData<string, int[]> TitleFolds => new()
    {
        { "FIX LOGIN", [0] },
        { "ÉMOJI", [1, 2] },
        { "emoji", [] }, // an accent is not case
        { "straße", [3, 4] },
        { "STRAẞE", [3, 4] },
        { "STRASSE", [] }, // no language's rules: ß is not ss
        { "İSTANBUL", [5] },
        { "i̇stanbul", [5] }, // İ lowers to i + U+0307 on both engines
        { "ΟΔΟΣ", [6, 7] }, // a final ς is σ
        { "οδοσ", [6, 7] },
        { "äRGER MIT öL", [8] },
    };

    [Theory]
    [MemberData(nameof(TitleFolds))]
    [Trait("Issue", "msgfix13.2")]
    public async Task QuerySessionsAsync_filters_by_title_ignoring_the_case_of_every_letter_alike_on_both_engines(string text, int[] expected)
    {
        var sessions = new List<Session>();
        foreach (string title in FoldedTitles)
        {
            sessions.Add(await Store.CreateSessionAsync(title));
        }

        Page<SessionSummary> page = await Store.QuerySessionsAsync(new SessionFilter { TitleContains = text }, SessionSort.CreatedAscending, PaginationOptions.FirstPage);

        Assert.Equal(expected.Select(i => FoldedTitles[i]), page.Items.Select(s => s.Title));
    }

    [Fact]
    public async Task QuerySessionsAsync_combines_filters_with_and_and_paginates_the_result()
    {
        var matching = new List<Session>();
        for (int i = 0; i < 7; i++)
        {
            Session hit = Session.Create($"match {i}");
            hit.TransitionTo(SessionState.Planning);
            matching.Add(hit);
            Session wrongState = Session.Create($"match but created {i}");
            Session wrongTitle = Session.Create($"other {i}");
            wrongTitle.TransitionTo(SessionState.Planning);
            await Store.SaveAllAsync([hit, wrongState, wrongTitle]);
        }

        var filter = new SessionFilter { States = [SessionState.Planning], TitleContains = "match" };
        List<Page<SessionSummary>> pages = await AllPages(filter, SessionSort.CreatedDescending, 3);

        Assert.Equal([3, 3, 1], pages.Select(p => p.Items.Count));
        Assert.Equal(Expected(matching, SessionSort.CreatedDescending), pages.SelectMany(p => p.Items).Select(s => s.Id));
    }

    [Fact]
    public async Task QuerySessionsAsync_reports_task_and_tool_call_counts()
    {
        Session rich = TestSessions.Rich();
        await Store.SaveAsync(rich);

        SessionSummary summary = Assert.Single((await Store.QuerySessionsAsync(SessionFilter.All, SessionSort.UpdatedDescending, PaginationOptions.FirstPage)).Items);

        Assert.Equal(2, summary.TaskCount);
        Assert.Equal(4, summary.ToolCallCount);
        Assert.Equal(rich.Title, summary.Title);
        Assert.Equal(rich.Version, summary.Version);
        Assert.Equal(rich.CreatedAt, summary.CreatedAt);
        Assert.Equal(rich.UpdatedAt, summary.UpdatedAt);
    }

    [Theory]
    [Trait("Issue", "uitrial.1")]
    [InlineData("\0zzzz")]
    [InlineData("\0")]
    [InlineData("fix\0")]
    public async Task QuerySessionsAsync_refuses_a_title_filter_with_a_nul_character_alike_on_both_engines(string title)
    {
        await Store.CreateSessionAsync("fix login");
        await Store.CreateSessionAsync("other");

        ArgumentException refused = await Assert.ThrowsAsync<ArgumentException>(() => Store.QuerySessionsAsync(new SessionFilter { TitleContains = title }, SessionSort.UpdatedDescending, PaginationOptions.FirstPage));

        Assert.Equal(nameof(SessionFilter.TitleContains), refused.ParamName);
        Assert.Contains("NUL", refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [Trait("Issue", "uitrial.1")]
    [InlineData("CD TAIL")]
    [InlineData("ab")]
    [InlineData("\uFFFDcd")]
    public async Task QuerySessionsAsync_finds_a_title_holding_a_nul_character_by_its_text_on_either_side_alike_on_both_engines(string text)
    {
        Session titled = await Store.CreateSessionAsync("ab\0cd tail");
        await Store.CreateSessionAsync("other");

        Page<SessionSummary> page = await Store.QuerySessionsAsync(new SessionFilter { TitleContains = text }, SessionSort.UpdatedDescending, PaginationOptions.FirstPage);

        Assert.Equal([titled.Id], page.Items.Select(s => s.Id));
    }

    [Fact]
    [Trait("AC", "AC-059")]
    public async Task QuerySessionsAsync_treats_injection_text_in_the_title_filter_as_data()
    {
        Session target = await Store.CreateSessionAsync("x'); DROP TABLE sessions; --");
        await Store.CreateSessionAsync("harmless");

        Page<SessionSummary> hit = await Store.QuerySessionsAsync(new SessionFilter { TitleContains = "'); DROP TABLE sessions; --" }, SessionSort.UpdatedDescending, PaginationOptions.FirstPage);
        Page<SessionSummary> miss = await Store.QuerySessionsAsync(new SessionFilter { TitleContains = "' OR '1'='1" }, SessionSort.UpdatedDescending, PaginationOptions.FirstPage);

        Assert.Equal([target.Id], hit.Items.Select(s => s.Id));
        Assert.Empty(miss.Items);
        Assert.Equal(2, await CountSessionsAsync());
    }
}
