using System.Text;
using System.Text.Json;
using Acode.Application.Serialization;
using Acode.Cli.Tests.Support;
using Acode.Domain.Ids;
using Acode.Testing;
using Acode.Testing.Secrets;
using Npgsql;

namespace Acode.Cli.Tests.Commands;

/// <summary>
/// The real acode binary importing a session whose tool call, event and text artifact hold one fake secret of every kind
/// (the corpus of docs/secrets.md): no secret reaches the export, the screen, the SQLite file or PostgreSQL.
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class SecretRedactionCommandTests(PostgresFixture fixture) : IDisposable
{
    private readonly CliWorkspace _workspace = new();
    private readonly IReadOnlyList<SecretSample> _samples = SecretCorpus.Secrets(SecretCorpus.DocumentedSeed);

    [Fact]
    public async Task An_imported_session_is_stored_exported_shown_and_synced_without_its_secrets()
    {
        string connectionString = await fixture.CreateDatabaseAsync();
        _workspace.Environment["ACODE_POSTGRES_URL"] = PostgresServer.ToUrl(connectionString);
        (string file, SessionId id) = await WriteExportAsync();
        var outputs = new List<AcodeResult>();

        outputs.Add(await _workspace.RunOkAsync("session", "import", file));
        AcodeResult export = await _workspace.RunOkAsync("session", "export", id.Value);
        AcodeResult show = await _workspace.RunOkAsync("session", "show", id.Value);
        outputs.AddRange([export, show, await _workspace.RunOkAsync("session", "show", id.Value, "--json"), await _workspace.RunOkAsync("db", "status")]);
        JsonElement status = await _workspace.JsonAsync("db", "status");
        outputs.Add(await _workspace.RunOkAsync("db", "sync"));
        AcodeResult remoteShow = await _workspace.RunOkAsync("session", "show", "--remote", id.Value);
        outputs.Add(remoteShow);

        // Each sample's secret is in the tool result, and the result is also in the arguments, the event and the artifact.
        int expected = 4 * _samples.Count;
        Assert.Equal(expected, status.GetProperty("secretsRedacted").GetInt64());
        Assert.Contains($"Secrets redacted: {expected}", show.Stdout, StringComparison.Ordinal);
        string redactedLine = show.Stdout.Split('\n').Single(l => l.StartsWith("Secrets redacted: ", StringComparison.Ordinal));
        Assert.Contains(redactedLine, remoteShow.Stdout.Split('\n')); // --remote prints the same line, from PostgreSQL's events
        foreach (string kind in _samples.Select(s => s.Kind!).Distinct())
        {
            Assert.Contains($"[REDACTED:{kind}]", export.Stdout, StringComparison.Ordinal);
        }

        foreach (AcodeResult output in outputs)
        {
            AssertNoSecret("acode output", Encoding.UTF8.GetBytes(output.Stdout + output.Stderr));
        }

        AssertNoSecret("workspace.db", await File.ReadAllBytesAsync(_workspace.DatabasePath));
        if (File.Exists(_workspace.DatabasePath + "-wal"))
        {
            AssertNoSecret("workspace.db-wal", await File.ReadAllBytesAsync(_workspace.DatabasePath + "-wal"));
        }

        string mirror = await DumpPostgresAsync(connectionString);
        Assert.Contains("[REDACTED:aws-access-key-id]", mirror, StringComparison.Ordinal);
        AssertNoSecret("the PostgreSQL mirror", Encoding.UTF8.GetBytes(mirror));
    }

    [Fact]
    public async Task Redaction_switched_off_in_the_config_stores_the_text_as_given()
    {
        Directory.CreateDirectory(Path.Combine(_workspace.Root, ".agent"));
        await File.WriteAllTextAsync(Path.Combine(_workspace.Root, ".agent", "config.json"), """{"persistence": {"redaction": {"enabled": false}}}""");
        (string file, SessionId id) = await WriteExportAsync();

        await _workspace.RunOkAsync("session", "import", file);

        Assert.Equal(0, (await _workspace.JsonAsync("db", "status")).GetProperty("secretsRedacted").GetInt64());
        Assert.Contains(_samples[0].Secret!, (await _workspace.RunOkAsync("session", "export", id.Value)).Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_disabled_rule_and_an_extra_rule_from_the_config_apply()
    {
        Directory.CreateDirectory(Path.Combine(_workspace.Root, ".agent"));
        await File.WriteAllTextAsync(Path.Combine(_workspace.Root, ".agent", "config.json"), """
            {"persistence": {"redaction": {"disabledRules": ["jwt", "authorization-header"], "rules": [{"kind": "employee-id", "pattern": "\\bEMP-[0-9]{6}\\b"}]}}}
            """);
        (string file, SessionId id) = await WriteExportAsync(extra: " badge EMP-204113");

        await _workspace.RunOkAsync("session", "import", file);
        string export = (await _workspace.RunOkAsync("session", "export", id.Value)).Stdout;

        Assert.Contains("[REDACTED:employee-id]", export, StringComparison.Ordinal);
        Assert.DoesNotContain("EMP-204113", export, StringComparison.Ordinal);
        // The corpus's JWT is in an Authorization header: with both rules off it is kept (with jwt alone off, the header rule takes it).
        Assert.Contains(_samples.First(s => s.Kind == "jwt").Secret!, export, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_disabled_rule_and_an_extra_rule_given_as_JSON_arrays_in_environment_variables_apply()
    {
        _workspace.Environment["ACODE_PERSISTENCE__REDACTION__DISABLEDRULES"] = """["jwt", "authorization-header"]""";
        _workspace.Environment["ACODE_PERSISTENCE__REDACTION__RULES"] = """[{"kind": "employee-id", "pattern": "\\bEMP-[0-9]{6}\\b"}]""";
        (string file, SessionId id) = await WriteExportAsync(extra: " badge EMP-204113");

        await _workspace.RunOkAsync("session", "import", file);
        string export = (await _workspace.RunOkAsync("session", "export", id.Value)).Stdout;

        Assert.Contains("[REDACTED:employee-id]", export, StringComparison.Ordinal);
        Assert.DoesNotContain("EMP-204113", export, StringComparison.Ordinal);
        // The corpus's JWT is in an Authorization header: with both rules off it is kept (with jwt alone off, the header rule takes it).
        Assert.Contains(_samples.First(s => s.Kind == "jwt").Secret!, export, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ACODE_PERSISTENCE__REDACTION__DISABLEDRULES", """["jwt", "nope"]""", "persistence:redaction:disabledRules")]
    [InlineData("ACODE_PERSISTENCE__REDACTION__DISABLEDRULES", """["jwt", 3]""", "persistence:redaction:disabledRules")]
    [InlineData("ACODE_PERSISTENCE__REDACTION__RULES", """[{"kind": "x", "patern": "y"}]""", "persistence:redaction:rules")]
    [InlineData("ACODE_PERSISTENCE__REDACTION__RULES", """{"kind": "x", "pattern": "y"}""", "persistence:redaction:rules")]
    public async Task A_bad_JSON_array_in_an_environment_variable_is_refused_naming_the_variable(string variable, string value, string key)
    {
        _workspace.Environment[variable] = value;

        AcodeResult result = await _workspace.RunAsync("db", "status");

        Assert.Equal(17, result.ExitCode);
        Assert.Contains(key, result.Stderr, StringComparison.Ordinal);
        Assert.Contains($"the environment variable {variable}", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_extra_rule_that_needs_backtracking_is_refused_with_ACODE_DB_007_and_its_key()
    {
        Directory.CreateDirectory(Path.Combine(_workspace.Root, ".agent"));
        await File.WriteAllTextAsync(Path.Combine(_workspace.Root, ".agent", "config.json"), """
            {"persistence": {"redaction": {"rules": [{"kind": "mine", "pattern": "(?<=key=)\\w+"}]}}}
            """);

        AcodeResult result = await _workspace.RunAsync("db", "status");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("ACODE-DB-007", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("persistence:redaction:rules:0:pattern", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("the pattern of rule 'mine' uses 'positive lookahead (?= pattern) or positive lookbehind (?<= pattern)', which a pattern run without backtracking cannot have", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("RegexOptions", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("(Parameter '", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_extra_rule_that_does_not_parse_is_refused_in_words()
    {
        Directory.CreateDirectory(Path.Combine(_workspace.Root, ".agent"));
        await File.WriteAllTextAsync(Path.Combine(_workspace.Root, ".agent", "config.json"), """
            {"persistence": {"redaction": {"rules": [{"kind": "mine", "pattern": "(key"}]}}}
            """);

        AcodeResult result = await _workspace.RunAsync("db", "status");

        Assert.Equal(17, result.ExitCode);
        Assert.Contains("the pattern of rule 'mine' is not a valid regular expression: insufficient closing parentheses at character 4", result.Stderr, StringComparison.Ordinal);
    }

    public void Dispose() => _workspace.Dispose();

    /// <summary>An export of one session: a tool call whose result holds every sample (and whose arguments, an event and an artifact repeat it).</summary>
    private async Task<(string File, SessionId Id)> WriteExportAsync(string extra = "")
    {
        SessionId id = SessionId.New();
        string at = UtcTimestamp.Format(DateTimeOffset.UtcNow.AddMinutes(-5));
        string text = string.Join("\n----\n", _samples.Select(s => s.Text)) + extra;
        string task = TaskId.New().Value, step = StepId.New().Value;
        EntityDocument[] documents =
        [
            new SessionDocument { Id = id.Value, Version = 1, CreatedAt = at, UpdatedAt = at, Title = "leaky", State = "Executing" },
            new SessionTaskDocument { Id = task, Version = 1, CreatedAt = at, UpdatedAt = at, SessionId = id.Value, Ordinal = 1, Title = "t", State = "Running" },
            new StepDocument { Id = step, Version = 1, CreatedAt = at, UpdatedAt = at, SessionId = id.Value, TaskId = task, Ordinal = 1, Title = "s", State = "Running" },
            new ToolCallDocument
            {
                Id = ToolCallId.New().Value, Version = 1, CreatedAt = at, UpdatedAt = at, SessionId = id.Value, StepId = step, ToolName = "bash",
                Arguments = JsonSerializer.Serialize(new { stdin = text }), Status = "Succeeded", Result = text, StartedAt = at, CompletedAt = at, DurationTicks = 10,
            },
            new ArtifactDocument
            {
                Id = ArtifactId.New().Value, Version = 1, CreatedAt = at, UpdatedAt = at, SessionId = id.Value, Name = "env.txt", Kind = "Log", MediaType = "text/plain",
                Size = Encoding.UTF8.GetByteCount(text), ContentHash = Acode.Domain.Entities.Artifact.HashOf(Encoding.UTF8.GetBytes(text)), Content = Encoding.UTF8.GetBytes(text),
            },
            new SessionEventDocument { Id = EventId.New().Value, Version = 1, CreatedAt = at, UpdatedAt = at, SessionId = id.Value, Sequence = 1, Type = "tool.output", Payload = JsonSerializer.Serialize(new { output = text }) },
        ];
        string file = Path.Combine(_workspace.Root, "leaky.jsonl");
        await File.WriteAllLinesAsync(file, documents.Select(EntityJson.Serialize));
        return (file, id);
    }

    /// <summary>Every secret, line by line (a private key's lines are checked one by one), must be absent.</summary>
    private void AssertNoSecret(string where, byte[] bytes)
    {
        foreach (SecretSample sample in _samples)
        {
            foreach (string part in sample.Secret!.Split('\n').Where(p => p.Length >= 8 && !p.StartsWith("-----", StringComparison.Ordinal)))
            {
                Assert.True(bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(part)) < 0, $"{where} holds the secret of '{sample.Name}'");
            }
        }
    }

    /// <summary>Every row of every mirrored table as text, with bytea content decoded as UTF-8.</summary>
    private static async Task<string> DumpPostgresAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var dump = new StringBuilder();
        foreach (string table in new[] { "sessions", "session_tasks", "steps", "tool_calls", "artifacts", "session_events", "sync_applied" })
        {
            await using var command = new NpgsqlCommand($"SELECT t::text FROM {table} t", connection);
            await using NpgsqlDataReader reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                dump.AppendLine(reader.GetString(0));
            }
        }

        await using (var content = new NpgsqlCommand("SELECT convert_from(content, 'UTF8') FROM artifacts WHERE content IS NOT NULL", connection))
        {
            dump.AppendLine((string?)await content.ExecuteScalarAsync());
        }

        return dump.ToString();
    }
}
