using System.Text.Json;
using Acode.Application.Serialization;

namespace Acode.Application.Tests.Serialization;

public class EntityJsonTests
{
    private const string SessionIdText = "sess_01JD3Z6Q6V2K8M4N5P7R9S1T3V";
    private const string Created = "2026-01-15T10:30:00.1234567Z";
    private const string Updated = "2026-01-15T10:31:00.0000001Z";

    public static TheoryData<string> EntityNames => new() { "Session", "SessionTask", "Step", "ToolCall", "Artifact", "SessionEvent" };

    [Fact]
    public void Serialize_writes_the_entity_name_first_and_the_schema_version()
    {
        string json = EntityJson.Serialize(ToolCallDocument());

        Assert.StartsWith("{\"entity\":\"ToolCall\",", json, StringComparison.Ordinal);
        Assert.Contains("\"schema\":1", json, StringComparison.Ordinal);
        using JsonDocument parsed = JsonDocument.Parse(json);
        Assert.Equal("entity", parsed.RootElement.EnumerateObject().First().Name);
        Assert.Equal(1, parsed.RootElement.GetProperty("schema").GetInt32());
    }

    [Theory]
    [MemberData(nameof(EntityNames))]
    public void Serialize_names_the_entity_type(string entity)
    {
        string json = EntityJson.Serialize(Document(entity));

        Assert.StartsWith($"{{\"entity\":\"{entity}\",", json, StringComparison.Ordinal);
        Assert.Contains($"\"schema\":{EntityDocument.CurrentSchema}", json, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(EntityNames))]
    public void Deserialize_reads_back_exactly_what_Serialize_wrote(string entity)
    {
        EntityDocument document = Document(entity);
        string json = EntityJson.Serialize(document);

        EntityDocument read = EntityJson.Deserialize(json);

        Assert.IsType(document.GetType(), read);
        Assert.Equal(json, EntityJson.Serialize(read));
        Assert.Equal(document.Id, read.Id);
        Assert.Equal(document.Version, read.Version);
        Assert.Equal(Created, read.CreatedAt);
        Assert.Equal(Updated, read.UpdatedAt);
        Assert.Equal(1, read.Schema);
    }

    [Fact]
    public void Serialize_uses_camel_case_names_and_omits_null_properties()
    {
        string json = EntityJson.Serialize(ToolCallDocument());

        using JsonDocument parsed = JsonDocument.Parse(json);
        string[] names = [.. parsed.RootElement.EnumerateObject().Select(p => p.Name)];
        string[] expected =
        [
            "entity", "schema", "id", "version", "createdAt", "updatedAt", "sessionId", "stepId",
            "toolName", "arguments", "status", "result", "startedAt", "completedAt", "durationTicks",
        ];
        Assert.Equal(expected.Order(StringComparer.Ordinal), names.Order(StringComparer.Ordinal));
        Assert.DoesNotContain("error", names);
    }

    [Fact]
    public void Serialize_writes_arguments_and_payload_as_json_strings_kept_verbatim()
    {
        ToolCallDocument call = ToolCallDocument();

        using JsonDocument parsed = JsonDocument.Parse(EntityJson.Serialize(call));

        Assert.Equal(JsonValueKind.String, parsed.RootElement.GetProperty("arguments").ValueKind);
        Assert.Equal(call.Arguments, parsed.RootElement.GetProperty("arguments").GetString());
    }

    [Fact]
    public void Serialize_escapes_NUL_and_the_text_reads_back_with_it()
    {
        ToolCallDocument call = ToolCallDocument();

        string json = EntityJson.Serialize(call);

        Assert.DoesNotContain('\0', json);
        Assert.Contains("\\u0000", json, StringComparison.Ordinal);
        Assert.Equal("out\0put \U0001F600", ((ToolCallDocument)EntityJson.Deserialize(json)).Result);
    }

    [Fact]
    public void Serialize_writes_artifact_content_as_base64()
    {
        string json = EntityJson.Serialize(Document("Artifact"));

        using JsonDocument parsed = JsonDocument.Parse(json);
        Assert.Equal("aGVsbG8=", parsed.RootElement.GetProperty("content").GetString());
        Assert.Equal("hello"u8.ToArray(), ((ArtifactDocument)EntityJson.Deserialize(json)).Content);
    }

    [Fact]
    public void Serialize_writes_the_duration_in_exact_ticks()
    {
        using JsonDocument parsed = JsonDocument.Parse(EntityJson.Serialize(ToolCallDocument()));

        Assert.Equal(15_000_001, parsed.RootElement.GetProperty("durationTicks").GetInt64());
    }

    [Theory]
    [InlineData(2)]
    [InlineData(99)]
    public void Deserialize_refuses_a_newer_schema_and_says_to_upgrade(int schema)
    {
        string json = EntityJson.Serialize(ToolCallDocument()).Replace("\"schema\":1", $"\"schema\":{schema}", StringComparison.Ordinal);

        var ex = Assert.Throws<FormatException>(() => EntityJson.Deserialize(json));

        Assert.Equal(
            $"ToolCall tc_01JD3Z6Q6V2K8M4N5P7R9S1T3V uses payload schema {schema}; this program reads schemas 1 to 1. Upgrade acode to read it.",
            ex.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Deserialize_refuses_a_schema_below_1_without_suggesting_an_upgrade(int schema)
    {
        string json = EntityJson.Serialize(ToolCallDocument()).Replace("\"schema\":1", $"\"schema\":{schema}", StringComparison.Ordinal);

        var ex = Assert.Throws<FormatException>(() => EntityJson.Deserialize(json));

        Assert.StartsWith("Not an acode entity document: ToolCall tc_01JD3Z6Q6V2K8M4N5P7R9S1T3V", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Upgrade", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Deserialize_refuses_a_document_without_a_schema()
    {
        string json = EntityJson.Serialize(ToolCallDocument()).Replace("\"schema\":1,", string.Empty, StringComparison.Ordinal);
        Assert.DoesNotContain("schema", json, StringComparison.Ordinal);

        var ex = Assert.Throws<FormatException>(() => EntityJson.Deserialize(json));

        Assert.StartsWith("Not an acode entity document", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("{")]
    [InlineData("null")]
    [InlineData("[]")]
    [InlineData("42")]
    [InlineData("{}")]
    [InlineData("{\"entity\":\"Widget\",\"schema\":1,\"id\":\"w\",\"version\":1,\"createdAt\":\"x\",\"updatedAt\":\"x\"}")]
    [InlineData("{\"entity\":\"Session\",\"schema\":1,\"id\":\"sess_01JD3Z6Q6V2K8M4N5P7R9S1T3V\",\"version\":1}")]
    [InlineData("{\"entity\":\"Session\",\"schema\":1,\"id\":\"sess_01JD3Z6Q6V2K8M4N5P7R9S1T3V\",\"version\":\"one\",\"createdAt\":\"x\",\"updatedAt\":\"x\",\"title\":\"t\",\"state\":\"Created\"}")]
    [InlineData("{\"entity\":\"Session\",\"schema\":\"1\",\"id\":\"sess_01JD3Z6Q6V2K8M4N5P7R9S1T3V\",\"version\":1,\"createdAt\":\"x\",\"updatedAt\":\"x\",\"title\":\"t\",\"state\":\"Created\"}")]
    public void Deserialize_throws_FormatException_for_text_that_is_not_an_entity_document(string json)
    {
        var ex = Assert.Throws<FormatException>(() => EntityJson.Deserialize(json));

        Assert.StartsWith("Not an acode entity document", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Deserialize_throws_FormatException_when_the_entity_property_is_not_first()
    {
        string json = "{\"schema\":1,\"entity\":\"Session\",\"id\":\"sess_01JD3Z6Q6V2K8M4N5P7R9S1T3V\",\"version\":1,"
            + "\"createdAt\":\"2026-01-15T10:30:00.1234567Z\",\"updatedAt\":\"2026-01-15T10:30:00.1234567Z\",\"title\":\"t\",\"state\":\"Created\"}";

        Assert.Throws<FormatException>(() => EntityJson.Deserialize(json));
    }

    private static EntityDocument Document(string entity) => entity switch
    {
        "Session" => new SessionDocument
        {
            Id = SessionIdText,
            Version = 3,
            CreatedAt = Created,
            UpdatedAt = Updated,
            Title = "Fix the build",
            Goal = "CI green",
            State = "Executing",
        },
        "SessionTask" => new SessionTaskDocument
        {
            Id = "task_01JD3Z6Q6V2K8M4N5P7R9S1T3V",
            Version = 2,
            CreatedAt = Created,
            UpdatedAt = Updated,
            SessionId = SessionIdText,
            Ordinal = 1,
            Title = "plan",
            Description = "d",
            State = "Running",
            StartedAt = Created,
        },
        "Step" => new StepDocument
        {
            Id = "step_01JD3Z6Q6V2K8M4N5P7R9S1T3V",
            Version = 2,
            CreatedAt = Created,
            UpdatedAt = Updated,
            SessionId = SessionIdText,
            TaskId = "task_01JD3Z6Q6V2K8M4N5P7R9S1T3V",
            Ordinal = 2,
            Title = "read",
            State = "Completed",
            StartedAt = Created,
            CompletedAt = Updated,
        },
        "ToolCall" => ToolCallDocument(),
        "Artifact" => new ArtifactDocument
        {
            Id = "art_01JD3Z6Q6V2K8M4N5P7R9S1T3V",
            Version = 1,
            CreatedAt = Created,
            UpdatedAt = Updated,
            SessionId = SessionIdText,
            StepId = "step_01JD3Z6Q6V2K8M4N5P7R9S1T3V",
            Name = "../../etc/passwd",
            Kind = "File",
            MediaType = "text/plain",
            Size = 5,
            ContentHash = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824",
            Content = "hello"u8.ToArray(),
        },
        "SessionEvent" => new SessionEventDocument
        {
            Id = "evt_01JD3Z6Q6V2K8M4N5P7R9S1T3V",
            Version = 1,
            CreatedAt = Created,
            UpdatedAt = Updated,
            SessionId = SessionIdText,
            Sequence = 7,
            Type = "session.state_changed",
            Payload = "{\"from\":\"Created\",\"to\":\"Planning\"}",
        },
        _ => throw new ArgumentOutOfRangeException(nameof(entity), entity, null),
    };

    private static ToolCallDocument ToolCallDocument() => new()
    {
        Id = "tc_01JD3Z6Q6V2K8M4N5P7R9S1T3V",
        Version = 2,
        CreatedAt = Created,
        UpdatedAt = Updated,
        SessionId = SessionIdText,
        StepId = "step_01JD3Z6Q6V2K8M4N5P7R9S1T3V",
        ToolName = "bash",
        Arguments = "{ \"cmd\": \"ls\" }",
        Status = "Succeeded",
        Result = "out\0put \U0001F600",
        StartedAt = Created,
        CompletedAt = Updated,
        DurationTicks = 15_000_001,
    };
}
