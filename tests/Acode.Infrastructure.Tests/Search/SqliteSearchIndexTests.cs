using Acode.Application.Errors;
using Acode.Application.Queries;
using Acode.Application.Search;
using Acode.Infrastructure.Blobs;
using Acode.Infrastructure.Search;
using Acode.Infrastructure.Sqlite;
using Acode.Infrastructure.Tests.Support;
using Acode.Testing;

namespace Acode.Infrastructure.Tests.Search;

/// <summary>Schema 1.3.0: the SQLite search index changes with the rows, in their transaction, and an existing database is indexed by its migration.</summary>
public sealed class SqliteSearchIndexTests : IDisposable
{
    private readonly TempWorkspace _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    [Trait("Issue", "13.2")]
    public async Task A_rolled_back_save_leaves_no_index_entry()
    {
        using SqliteWorkspaceDatabase db = _temp.Open();
        var store = new SqliteRunStateStore(db);
        Session saved = await store.CreateSessionAsync("conflicted");
        Session first = (await store.GetSessionAsync(saved.Id))!;
        Session second = (await store.GetSessionAsync(saved.Id))!;
        first.Rename("winner alphawin");
        await store.SaveAsync(first);

        second.Rename("loser betalose");
        ToolCall call = second.AddTask("task gammanew").AddStep("s").AddToolCall("deltatool", "{}");
        call.Start();
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => store.SaveAsync(second));

        var search = new SqliteSessionSearch(db);
        Assert.Single((await Find(search, "alphawin")).Items);
        Assert.Empty((await Find(search, "betalose")).Items);
        Assert.Empty((await Find(search, "gammanew OR deltatool")).Items);
        Assert.Equal(0L, SqliteProbe.Count(_temp.DatabasePath, "SELECT count(*) FROM search_entries WHERE text LIKE '%betalose%' OR text LIKE '%gammanew%';"));
        Assert.True(db.Check().IsHealthy);
    }

    [Fact]
    [Trait("Issue", "13.2")]
    public async Task Migrating_a_1_2_0_database_with_data_indexes_what_it_holds()
    {
        Session session = TestSessions.Rich("Legacy epsilonold session");
        using (SqliteWorkspaceDatabase old = _temp.Open(migrations: ShippedSchema.Sqlite.Where(m => m.Version < new Version(1, 3, 0)).ToList()))
        {
            Assert.Equal("1.2.0", old.GetMigrationStatus().CurrentText);
            await OldSchemaSessions.SaveAsync(old, session);
        }

        using SqliteWorkspaceDatabase migrated = _temp.Open();
        Assert.Equal(ShippedSchema.Latest, migrated.GetMigrationStatus().CurrentText);
        var search = new SqliteSessionSearch(migrated);
        Assert.Equal(EntityType.Session, Assert.Single((await Find(search, "epsilonold")).Items).EntityType);
        Assert.Contains((await Find(search, "run_tests")).Items, h => h.Field == "tool_name");
        Assert.Contains((await Find(search, "compiling")).Items, h => h.Field == "result");
        Assert.Contains((await Find(search, "\"exit code 1\"")).Items, h => h.Field == "error");

        int entries = await AssertEntriesAsTheTriggersWriteThemAsync(migrated, session.Id);
        Assert.True(entries >= 15);
        Assert.True(migrated.Check().IsHealthy);
    }

    [Fact]
    [Trait("Issue", "13.2")]
    public async Task Db_check_stays_healthy_and_fts5_agrees_with_its_content_after_saves_updates_and_deletes()
    {
        using SqliteWorkspaceDatabase db = _temp.Open();
        var store = new SqliteRunStateStore(db);
        Session kept = TestSessions.Rich("kept");
        Session gone = TestSessions.Rich("gone");
        await store.SaveAllAsync([kept, gone]);
        kept.Rename("kept and renamed");
        await store.SaveAsync(kept);
        Assert.True(await store.DeleteSessionAsync(gone.Id));

        Assert.True(db.Check().IsHealthy);
        Assert.Empty(db.CheckRowCounts());
        AssertFts5AgreesWithContent();
        Assert.Equal(0L, SqliteProbe.Count(_temp.DatabasePath, $"SELECT count(*) FROM search_entries WHERE session_id = '{gone.Id.Value}';"));
        Assert.Equal(0L, SqliteProbe.Count(_temp.DatabasePath, "SELECT count(*) FROM search_entries e WHERE NOT EXISTS (SELECT 1 FROM sessions s WHERE s.id = e.session_id);"));
    }

    [Fact]
    [Trait("Issue", "13.2")]
    public async Task Db_check_reports_an_index_that_disagrees_with_its_content()
    {
        using SqliteWorkspaceDatabase db = _temp.Open();
        await new SqliteRunStateStore(db).CreateSessionAsync("indexed");
        Assert.True(db.Check().IsHealthy);

        // An index entry without content, as a damaged file or a foreign writer could leave it (PRAGMA integrity_check does not see it).
        SqliteProbe.Execute(_temp.DatabasePath, "INSERT INTO search_index (rowid, text) VALUES (999999, 'phantom');");

        Assert.False(db.Check().IsHealthy);
    }

    [Fact]
    [Trait("Issue", "13.2")]
    public async Task Only_the_first_65536_characters_of_a_field_are_indexed()
    {
        using SqliteWorkspaceDatabase db = _temp.Open();
        Session session = Session.Create("big");
        ToolCall call = session.AddTask("t").AddStep("s").AddToolCall("read_file", "{}");
        call.Start();
        call.Succeed("headword " + new string('x', 70_000) + " tailword");
        await new SqliteRunStateStore(db).SaveAsync(session);

        var search = new SqliteSessionSearch(db);
        Assert.Single((await Find(search, "headword")).Items);
        Assert.Empty((await Find(search, "tailword")).Items);
    }

    [Fact]
    [Trait("Issue", "search-nul")]
    public async Task The_first_65536_characters_of_a_field_holding_a_NUL_are_indexed_with_the_NUL_read_as_a_space()
    {
        // An error is never stored as a blob: its search_entries row holds the indexed text.
        using SqliteWorkspaceDatabase db = _temp.Open();
        Session session = Session.Create("big");
        ToolCall call = session.AddTask("t").AddStep("s").AddToolCall("read_file", "{}");
        string error = "headword\0" + new string('x', 65517) + " edgeword tailword";
        call.Fail(error);
        await new SqliteRunStateStore(db).SaveAsync(session);

        var search = new SqliteSessionSearch(db);
        Assert.Single((await Find(search, "headword")).Items);
        Assert.Single((await Find(search, "edgeword")).Items);
        Assert.Empty((await Find(search, "tailword")).Items);
        Assert.Equal(error[..65536].Replace('\0', ' '), (string)Assert.Single(SqliteProbe.Rows(_temp.DatabasePath, "SELECT text FROM search_entries WHERE field = 'error';"))["text"]!);
        Assert.Equal(1L, SqliteProbe.Count(_temp.DatabasePath, $"SELECT count(*) FROM tool_calls WHERE instr(error, char(0)) = 9 AND id = '{call.Id.Value}';"));
    }

    [Fact]
    [Trait("Issue", "search-nul")]
    public async Task Migrating_a_1_9_0_database_indexes_the_words_after_a_NUL_it_holds()
    {
        Session session = Session.Create("nulold\0nulnew title", "goal\0nulgoal");
        SessionTask task = session.AddTask("task", "desc x\0nuldesc");
        Step step = task.AddStep("step\0nulstep", "d");
        ToolCall call = step.AddToolCall("shell", "{}");
        call.Start();
        call.Succeed("result\0nulresult");
        ToolCall failed = step.AddToolCall("shell", "{}");
        failed.Fail("error\0nulerror");
        session.AddArtifact("nul.log", ArtifactKind.Log, "text/plain", System.Text.Encoding.UTF8.GetBytes("content\0nulcontent"));
        ToolCall large = step.AddToolCall("cat", "{}");
        large.Succeed("bigold\0nulbig " + string.Concat(Enumerable.Repeat("filler ", 400)));
        using (SqliteWorkspaceDatabase old = _temp.Open(migrations: [.. ShippedSchema.Sqlite.Where(m => m.Version < new Version(1, 10, 0))]))
        {
            Assert.Equal("1.9.0", old.GetMigrationStatus().CurrentText);
            await OldSchemaSessions.SaveAllAsync(old, [session], blobs: true);
        }

        // The blob's index entry as acode before 1.10.0 wrote it: its text read up to the NUL.
        SqliteProbe.Execute(_temp.DatabasePath, """
            DELETE FROM blob_search_index WHERE rowid = (SELECT id FROM blob_search_entries);
            INSERT INTO blob_search_index (rowid, text) SELECT id, 'bigold' FROM blob_search_entries;
            """);

        using SqliteWorkspaceDatabase migrated = _temp.Open();
        Assert.Equal(ShippedSchema.Latest, migrated.GetMigrationStatus().CurrentText);
        var search = new SqliteSessionSearch(migrated);
        foreach (string word in new[] { "nulold", "nulnew", "nulgoal", "nuldesc", "nulstep", "nulresult", "nulerror", "nulcontent", "bigold", "nulbig" })
        {
            Assert.Single((await Find(search, word)).Items);
        }

        int entries = await AssertEntriesAsTheTriggersWriteThemAsync(migrated, session.Id);
        Assert.Equal(16, entries); // the large result has no entry of its own: its blob is indexed
        Assert.True(migrated.Check().IsHealthy);
        AssertFts5AgreesWithContent();
    }

    [Fact]
    [Trait("Issue", "search-escapes")]
    public async Task The_triggers_give_arguments_the_text_BlobSearchText_gives_a_blob_with_the_same_JSON()
    {
        string[] arguments =
        [
            """{"command":"set -e\nmake deploy\tnow"}""", """{"path":"C:\\new\\file"}""", """{"a":"x\\\nword\n\nsecond\r\n\f\b"}""",
            """{"a":"x\\\\nword"}""", """{"a":"don\u0027t \"q\" \/"}""", """{"a":"nul\u0000x\ny"}""", """["\n", 1, true, null]""",
            """{"a":"caf\u00e9s \u00E9t\u00e9 \ud83d\ude00 \\u00e9"}""", "{\n  \"pretty\": \"x\\ty\"\n}",
        ];
        Session session = Session.Create("triggers");
        Step step = session.AddTask("t").AddStep("s");
        ToolCall[] calls = [.. arguments.Select(a => step.AddToolCall("shell", a))];
        using (SqliteWorkspaceDatabase db = _temp.Open())
        {
            await new SqliteRunStateStore(db).SaveAsync(session);
        }

        foreach (ToolCall call in calls)
        {
            string indexed = (string)Assert.Single(SqliteProbe.Rows(_temp.DatabasePath, $"SELECT text FROM search_entries WHERE entity_id = '{call.Id.Value}' AND field = 'arguments';"))["text"]!;
            Assert.Equal(BlobSearchText.Of(System.Text.Encoding.UTF8.GetBytes(call.ArgumentsJson)), indexed);
        }
    }

    [Fact]
    [Trait("Issue", "search-escapes")]
    public async Task Migrating_a_1_11_0_database_indexes_the_words_after_a_JSON_escape_in_its_arguments()
    {
        Session session = Session.Create("escapes");
        Step step = session.AddTask("t").AddStep("s");
        ToolCall call = step.AddToolCall("shell", """{"command":"set -e\nmake deploy\tnow","path":"C:\\new"}""");
        ToolCall plain = step.AddToolCall("shell", """{"command":"untouched"}""");
        string largeArguments = $$"""{"content":"{{string.Concat(Enumerable.Repeat("filler ", 400))}}\nblobmake\tblobnow"}""";
        ToolCall large = step.AddToolCall("write", largeArguments);
        using (SqliteWorkspaceDatabase old = _temp.Open(migrations: [.. ShippedSchema.Sqlite.Where(m => m.Version < new Version(1, 12, 0))]))
        {
            Assert.Equal("1.11.0", old.GetMigrationStatus().CurrentText);
            await OldSchemaSessions.SaveAllAsync(old, [session], blobs: true);
        }

        // The 1.11.0 triggers wrote the row's entry as its JSON text; the blob's entry as acode before 1.12.0 wrote it.
        Assert.Equal(call.ArgumentsJson, (string)Assert.Single(SqliteProbe.Rows(_temp.DatabasePath, $"SELECT text FROM search_entries WHERE entity_id = '{call.Id.Value}' AND field = 'arguments';"))["text"]!);
        SqliteProbe.Execute(_temp.DatabasePath, $"""
            DELETE FROM blob_search_index WHERE rowid = (SELECT id FROM blob_search_entries);
            INSERT INTO blob_search_index (rowid, text) SELECT id, '{largeArguments}' FROM blob_search_entries;
            """);

        using SqliteWorkspaceDatabase migrated = _temp.Open();
        Assert.Equal(ShippedSchema.Latest, migrated.GetMigrationStatus().CurrentText);
        var search = new SqliteSessionSearch(migrated);
        foreach ((string word, ToolCall hit) in new[] { ("make", call), ("now", call), ("new", call), ("untouched", plain), ("blobmake", large), ("blobnow", large) })
        {
            Assert.Equal(hit.Id.Value, Assert.Single((await Find(search, word)).Items).EntityId);
        }

        Assert.Empty((await Find(search, "nmake")).Items);
        Assert.Empty((await Find(search, "nblobmake")).Items);

        Assert.True(await AssertEntriesAsTheTriggersWriteThemAsync(migrated, session.Id) > 0);
        Assert.Equal("{\"command\":\"set -e\nmake deploy\tnow\",\"path\":\"C:\\new\"}", (string)Assert.Single(SqliteProbe.Rows(_temp.DatabasePath, $"SELECT text FROM search_entries WHERE entity_id = '{call.Id.Value}' AND field = 'arguments';"))["text"]!);
        Assert.Equal(call.ArgumentsJson, (string)Assert.Single(SqliteProbe.Rows(_temp.DatabasePath, $"SELECT arguments FROM tool_calls WHERE id = '{call.Id.Value}';"))["arguments"]!);
        Assert.True(migrated.Check().IsHealthy);
        AssertFts5AgreesWithContent();
    }

    [Fact]
    [Trait("Issue", "search-uescapes")]
    public async Task Migrating_a_1_12_0_database_decodes_the_JSON_escapes_of_its_fields_in_rows_and_blobs()
    {
        Session session = Session.Create("unicode escapes");
        Step step = session.AddTask("task").AddStep("step");
        ToolCall arguments = step.AddToolCall("shell", """{"text":"caf\u00e9 ouvert","quote":"don\u0027t"}""");
        ToolCall result = step.AddToolCall("shell", "{}");
        result.Start();
        result.Succeed("""{"stdout":"set -e\nresmake gr\u00fc\u00dfe left\ud800right"}""");
        ToolCall error = step.AddToolCall("shell", "{}");
        error.Start();
        error.Fail("""{"message":"exit 2\nerrword"}""");
        ToolCall plain = step.AddToolCall("read", "{}");
        plain.Start();
        plain.Succeed(@"dir C:\newdir\bindir");
        Artifact artifact = session.AddArtifact("out.json", ArtifactKind.Other, "application/json", System.Text.Encoding.UTF8.GetBytes("""{"c":"x\nartword"}"""));
        string largeResult = $$"""{"content":"{{string.Concat(Enumerable.Repeat("filler ", 400))}}blob\u00e9t\u00e9\nblobmake"}""";
        ToolCall large = step.AddToolCall("read", "{}");
        large.Start();
        large.Succeed(largeResult);
        using (SqliteWorkspaceDatabase old = _temp.Open(migrations: [.. ShippedSchema.Sqlite.Where(m => m.Version < new Version(1, 13, 0))]))
        {
            Assert.Equal("1.12.0", old.GetMigrationStatus().CurrentText);
            await OldSchemaSessions.SaveAllAsync(old, [session], blobs: true);
        }

        // The 1.12.0 triggers wrote the rows' entries with their escapes; the blob's entry as acode before 1.13.0 wrote it.
        Assert.Equal(arguments.ArgumentsJson, (string)Assert.Single(SqliteProbe.Rows(_temp.DatabasePath, $"SELECT text FROM search_entries WHERE entity_id = '{arguments.Id.Value}' AND field = 'arguments';"))["text"]!);
        Assert.Equal(result.Result, (string)Assert.Single(SqliteProbe.Rows(_temp.DatabasePath, $"SELECT text FROM search_entries WHERE entity_id = '{result.Id.Value}' AND field = 'result';"))["text"]!);
        SqliteProbe.Execute(_temp.DatabasePath, $"""
            DELETE FROM blob_search_index WHERE rowid = (SELECT id FROM blob_search_entries);
            INSERT INTO blob_search_index (rowid, text) SELECT id, '{largeResult}' FROM blob_search_entries;
            """);
        using (SqliteWorkspaceDatabase old = _temp.Open(migrations: [.. ShippedSchema.Sqlite.Where(m => m.Version < new Version(1, 13, 0))]))
        {
            Assert.Equal([arguments.Id.Value, large.Id.Value], (await Find(new SqliteSessionSearch(old), "u00e9")).Items.Select(h => h.EntityId).Order(StringComparer.Ordinal));
            Assert.Equal(result.Id.Value, Assert.Single((await Find(new SqliteSessionSearch(old), "nresmake")).Items).EntityId);
        }

        using SqliteWorkspaceDatabase migrated = _temp.Open();
        Assert.Equal(ShippedSchema.Latest, migrated.GetMigrationStatus().CurrentText);
        var search = new SqliteSessionSearch(migrated);
        foreach ((string word, string id) in new[]
        {
            ("café", arguments.Id.Value), ("cafe", arguments.Id.Value), ("ouvert", arguments.Id.Value), ("t", arguments.Id.Value),
            ("resmake", result.Id.Value), ("grüße", result.Id.Value), ("left", result.Id.Value), ("right", result.Id.Value),
            ("errword", error.Id.Value), ("newdir", plain.Id.Value), ("bindir", plain.Id.Value), ("artword", artifact.Id.Value),
            ("blobété", large.Id.Value), ("blobete", large.Id.Value), ("blobmake", large.Id.Value),
        })
        {
            Assert.Equal(id, Assert.Single((await Find(search, word)).Items).EntityId);
        }

        foreach (string glued in new[] { "caf", "u00e9", "u0027t", "nresmake", "nerrword", "nartword", "nblobmake", "u00e9t" })
        {
            Assert.Empty((await Find(search, glued)).Items);
        }

        Assert.True(await AssertEntriesAsTheTriggersWriteThemAsync(migrated, session.Id) > 0);
        Assert.Equal("{\"text\":\"café ouvert\",\"quote\":\"don't\"}", (string)Assert.Single(SqliteProbe.Rows(_temp.DatabasePath, $"SELECT text FROM search_entries WHERE entity_id = '{arguments.Id.Value}' AND field = 'arguments';"))["text"]!);
        Assert.Equal(arguments.ArgumentsJson, (string)Assert.Single(SqliteProbe.Rows(_temp.DatabasePath, $"SELECT arguments FROM tool_calls WHERE id = '{arguments.Id.Value}';"))["arguments"]!);
        Assert.True(migrated.Check().IsHealthy);
        AssertFts5AgreesWithContent();
    }

    [Fact]
    [Trait("Issue", "15.4")]
    public async Task A_field_indexed_as_its_row_stores_it_keeps_no_second_copy_of_its_text()
    {
        using SqliteWorkspaceDatabase db = _temp.Open();
        Session session = Session.Create("plain title");
        Step step = session.AddTask("task").AddStep("step");
        ToolCall plain = step.AddToolCall("read_file", """{"path":"src/app.cs"}""");
        plain.Start();
        string result = "plainword " + string.Concat(Enumerable.Repeat("lorem ipsum ", 170));
        plain.Succeed(result);
        ToolCall nul = step.AddToolCall("shell", "{}");
        nul.Fail("before\0nulword");
        ToolCall escaped = step.AddToolCall("shell", "{}");
        escaped.Start();
        escaped.Succeed("""{"stdout":"line\nescword"}""");
        ToolCall big = step.AddToolCall("shell", "{}");
        big.Fail("bigword " + new string('x', 70_000));
        await new SqliteRunStateStore(db, blobThresholdBytes: int.MaxValue).SaveAsync(session);

        // Only the three fields whose indexed text differs from the field keep a copy of it.
        Assert.Equal(
            [$"{nul.Id.Value}|error", $"{escaped.Id.Value}|result", $"{big.Id.Value}|error"],
            SqliteProbe.Rows(_temp.DatabasePath, "SELECT entity_id || '|' || field AS e FROM search_entry_rows WHERE text IS NOT NULL ORDER BY entity_id;").Select(r => (string)r["e"]!));
        Assert.Equal(0L, SqliteProbe.Count(_temp.DatabasePath, "SELECT count(*) FROM search_entry_rows WHERE instr(text, 'plainword') > 0;"));
        Assert.Equal(result, (string)Assert.Single(SqliteProbe.Rows(_temp.DatabasePath, $"SELECT text FROM search_entries WHERE entity_id = '{plain.Id.Value}' AND field = 'result';"))["text"]!);
        Assert.Equal("before nulword", (string)Assert.Single(SqliteProbe.Rows(_temp.DatabasePath, $"SELECT text FROM search_entries WHERE entity_id = '{nul.Id.Value}' AND field = 'error';"))["text"]!);

        var search = new SqliteSessionSearch(db);
        foreach ((string word, string id) in new[] { ("plainword", plain.Id.Value), ("nulword", nul.Id.Value), ("escword", escaped.Id.Value), ("bigword", big.Id.Value), ("plain", session.Id.Value) })
        {
            Assert.Equal(id, Assert.Single((await Find(search, word)).Items).EntityId);
        }

        SearchSnippet snippet = Assert.Single((await Find(search, "plainword")).Items).Snippet;
        Assert.StartsWith("plainword lorem ipsum", snippet.Text, StringComparison.Ordinal);
        Assert.Single(snippet.Highlights);
        AssertFts5AgreesWithContent();
        Assert.True(db.Check().IsHealthy);
    }

    [Fact]
    [Trait("Issue", "15.4")]
    public async Task Changing_or_removing_a_field_without_a_copy_takes_its_old_words_out_of_the_index()
    {
        using SqliteWorkspaceDatabase db = _temp.Open();
        Session session = Session.Create("oldtitle");
        session.AddArtifact("notes.txt", ArtifactKind.Log, "text/plain", System.Text.Encoding.UTF8.GetBytes("oldcontent here"));
        Step step = session.AddTask("task").AddStep("step");
        ToolCall first = step.AddToolCall("read_file", "{}");
        first.Start();
        first.Succeed("oldresult one");
        ToolCall second = step.AddToolCall("read_file", "{}");
        second.Start();
        second.Succeed("goneresult two");
        await new SqliteRunStateStore(db).SaveAsync(session);
        session.Rename("newtitle");
        await new SqliteRunStateStore(db).SaveAsync(session);

        // As the sqlite3 shell or a later acode may change them: plain to plain, plain to a copy, a copy to plain, a row removed.
        SqliteProbe.Execute(_temp.DatabasePath, $"""
            UPDATE tool_calls SET result = 'newresult' || char(0) || 'nulpart' WHERE id = '{first.Id.Value}';
            UPDATE artifacts SET content = CAST('newcontent there' AS BLOB);
            UPDATE tool_calls SET result = 'backresult plain' WHERE id = '{first.Id.Value}';
            DELETE FROM tool_calls WHERE id = '{second.Id.Value}';
            """);
        AssertFts5AgreesWithContent();

        var search = new SqliteSessionSearch(db);
        foreach (string gone in new[] { "oldtitle", "oldcontent", "oldresult", "newresult", "nulpart", "goneresult" })
        {
            Assert.Empty((await Find(search, gone)).Items);
        }

        foreach (string word in new[] { "newtitle", "newcontent", "backresult" })
        {
            Assert.Single((await Find(search, word)).Items);
        }

        Assert.True(await new SqliteRunStateStore(db).DeleteSessionAsync(session.Id));
        Assert.Equal(0L, SqliteProbe.Count(_temp.DatabasePath, "SELECT count(*) FROM search_index_docsize;"));
        AssertFts5AgreesWithContent();
        Assert.True(db.Check().IsHealthy);
    }

    [Fact]
    [Trait("Issue", "15.4")]
    public async Task A_row_whose_id_is_changed_by_hand_keeps_its_entries_and_its_snippets()
    {
        using SqliteWorkspaceDatabase db = _temp.Open();
        Session session = Session.Create("renamed id");
        Step step = session.AddTask("task").AddStep("step");
        ToolCall call = step.AddToolCall("read_file", """{"path":"kiwiword.cs"}""");
        call.Start();
        call.Succeed("mangoword result");
        ToolCall other = step.AddToolCall("shell", "{}");
        other.Start();
        other.Succeed("papayaword first");
        Artifact artifact = session.AddArtifact("notes.txt", ArtifactKind.Log, "text/plain", System.Text.Encoding.UTF8.GetBytes("limeword content"));
        await new SqliteRunStateStore(db).SaveAsync(session);

        // As the sqlite3 shell may: an id alone, an id with a field, an artifact's id.
        SqliteProbe.Execute(_temp.DatabasePath, $"""
            UPDATE tool_calls SET id = 'tc_01ZZZZZZZZZZZZZZZZZZZZZZZA' WHERE id = '{call.Id.Value}';
            UPDATE tool_calls SET id = 'tc_01ZZZZZZZZZZZZZZZZZZZZZZZB', result = 'guavaword second' WHERE id = '{other.Id.Value}';
            UPDATE artifacts SET id = 'art_01ZZZZZZZZZZZZZZZZZZZZZZZC' WHERE id = '{artifact.Id.Value}';
            """);
        AssertFts5AgreesWithContent();

        var search = new SqliteSessionSearch(db);
        foreach ((string word, string id) in new[]
        {
            ("kiwiword", "tc_01ZZZZZZZZZZZZZZZZZZZZZZZA"), ("mangoword", "tc_01ZZZZZZZZZZZZZZZZZZZZZZZA"), ("guavaword", "tc_01ZZZZZZZZZZZZZZZZZZZZZZZB"), ("limeword", "art_01ZZZZZZZZZZZZZZZZZZZZZZZC"),
        })
        {
            SearchHit hit = Assert.Single((await Find(search, word)).Items);
            Assert.Equal(id, hit.EntityId);
            Assert.Contains(word, hit.Snippet.Text, StringComparison.Ordinal);
        }

        Assert.Empty((await Find(search, "papayaword")).Items);
        Assert.Equal(0L, SqliteProbe.Count(_temp.DatabasePath, $"SELECT count(*) FROM search_entry_rows WHERE entity_id IN ('{call.Id.Value}', '{other.Id.Value}', '{artifact.Id.Value}');"));
        Assert.True(await new SqliteRunStateStore(db).DeleteSessionAsync(session.Id));
        Assert.Equal(0L, SqliteProbe.Count(_temp.DatabasePath, "SELECT count(*) FROM search_index_docsize;"));
        AssertFts5AgreesWithContent();
    }

    [Fact]
    [Trait("Issue", "15.4")]
    public async Task Migrating_a_1_14_0_database_drops_the_copies_that_equal_their_field_and_reindexes_nothing()
    {
        Session session = Session.Create("Legacy zetaold session", "the goal");
        Step step = session.AddTask("task", "its description").AddStep("step", "what it does");
        ToolCall plain = step.AddToolCall("read_file", """{"path":"src/a.cs"}""");
        plain.Start();
        plain.Succeed("compiling src/a.cs\nwarning none");
        ToolCall escaped = step.AddToolCall("shell", """{"cmd":"make\ntest"}""");
        escaped.Start();
        escaped.Succeed("""{"stdout":"line\nescword"}""");
        ToolCall nul = step.AddToolCall("shell", "{}");
        nul.Fail("before\0nulword");
        session.AddArtifact("notes.txt", ArtifactKind.Log, "text/plain", System.Text.Encoding.UTF8.GetBytes("artifact words"));
        using (SqliteWorkspaceDatabase old = _temp.Open(migrations: [.. ShippedSchema.Sqlite.Where(m => m.Version < new Version(1, 15, 0))]))
        {
            Assert.Equal("1.14.0", old.GetMigrationStatus().CurrentText);
            await OldSchemaSessions.SaveAsync(old, session);
        }

        long entries = SqliteProbe.Count(_temp.DatabasePath, "SELECT count(*) FROM search_entries;");
        string index = (string)SqliteProbe.Scalar(_temp.DatabasePath, "SELECT hex(group_concat(block)) FROM (SELECT block FROM search_index_data ORDER BY id);")!;

        using SqliteWorkspaceDatabase migrated = _temp.Open();
        Assert.Equal(ShippedSchema.Latest, migrated.GetMigrationStatus().CurrentText);
        Assert.Equal(entries, SqliteProbe.Count(_temp.DatabasePath, "SELECT count(*) FROM search_entry_rows;"));
        Assert.Equal(1L, SqliteProbe.Count(_temp.DatabasePath, $"SELECT count(*) FROM search_entry_rows WHERE entity_id = '{nul.Id.Value}' AND text = 'before nulword';"));
        Assert.Equal(1L, SqliteProbe.Count(_temp.DatabasePath, $"SELECT count(*) FROM search_entry_rows WHERE entity_id = '{session.Id.Value}' AND field = 'title' AND text IS NULL;"));
        Assert.Equal(3L, SqliteProbe.Count(_temp.DatabasePath, "SELECT count(*) FROM search_entry_rows WHERE text IS NOT NULL;")); // the NUL, the two JSON texts with escapes
        Assert.Equal(index, (string)SqliteProbe.Scalar(_temp.DatabasePath, "SELECT hex(group_concat(block)) FROM (SELECT block FROM search_index_data ORDER BY id);")!);

        var search = new SqliteSessionSearch(migrated);
        Assert.Equal(session.Id.Value, Assert.Single((await Find(search, "zetaold")).Items).EntityId);
        Assert.Equal(nul.Id.Value, Assert.Single((await Find(search, "nulword")).Items).EntityId);
        Assert.Equal(entries, await AssertEntriesAsTheTriggersWriteThemAsync(migrated, session.Id));
        AssertFts5AgreesWithContent();
        Assert.True(migrated.Check().IsHealthy);
    }

    /// <summary>
    /// Asserts that the migrated database holds the search entries the triggers write for the same rows saved after the
    /// migration (the session imported into a new workspace); returns how many there are.
    /// </summary>
    private async Task<int> AssertEntriesAsTheTriggersWriteThemAsync(SqliteWorkspaceDatabase migrated, SessionId sessionId)
    {
        using var freshTemp = new TempWorkspace();
        using (SqliteWorkspaceDatabase fresh = freshTemp.Open())
        {
            await new SqliteRunStateStore(fresh).ImportAsync((await new SqliteRunStateStore(migrated).GetSessionAsync(sessionId))!, []);
        }

        const string Entries = """
            SELECT e.session_id || '|' || e.entity_type || '|' || e.entity_id || '|' || e.field || '|' || hex(e.text) || '|' || ifnull(hex(r.text), 'no copy') AS e
            FROM search_entries e JOIN search_entry_rows r ON r.id = e.id ORDER BY e.entity_id, e.field;
            """;
        List<string> expected = SqliteProbe.Rows(freshTemp.DatabasePath, Entries).Select(r => (string)r["e"]!).ToList();
        List<string> actual = SqliteProbe.Rows(_temp.DatabasePath, Entries).Select(r => (string)r["e"]!).ToList();
        Assert.Equal(expected, actual);
        return expected.Count;
    }

    /// <summary>
    /// FTS5's own check with rank 1 (https://www.sqlite.org/fts5.html#the_integrity_check_command): the index holds exactly
    /// the words of the external content's text (the search_entries view), read in full; fails with SQLITE_CORRUPT_VTAB.
    /// </summary>
    private void AssertFts5AgreesWithContent()
        => SqliteProbe.Execute(_temp.DatabasePath, "INSERT INTO search_index (search_index, rank) VALUES ('integrity-check', 1);");

    private static Task<Page<SearchHit>> Find(SqliteSessionSearch search, string text)
        => search.SearchAsync(SearchQuery.Parse(text), SessionFilter.All, new PaginationOptions { Limit = 100 });
}
