using Acode.Application.Outbox;
using Acode.Domain.Entities;

namespace Acode.Application.Tests.Outbox;

public class IdempotencyKeyTests
{
    private static readonly DateTimeOffset _updatedAt = new DateTimeOffset(2026, 1, 15, 10, 30, 0, TimeSpan.Zero).AddTicks(1_234_567);

    [Fact]
    [Trait("AC", "AC-044")]
    public void For_is_entity_type_entity_id_and_updated_at_with_100ns_precision()
    {
        SessionId id = SessionId.Parse("sess_01HV3Z6Q6V2K8M4N5P7R9S1T3V");

        string key = IdempotencyKey.For(EntityType.Session, id.Value, _updatedAt);

        Assert.Equal("Session:sess_01HV3Z6Q6V2K8M4N5P7R9S1T3V:2026-01-15T10:30:00.1234567Z", key);
    }

    [Theory]
    [Trait("AC", "AC-044")]
    [InlineData(EntityType.SessionTask, "task_01HV3Z6Q6V2K8M4N5P7R9S1T3V", "SessionTask:task_01HV3Z6Q6V2K8M4N5P7R9S1T3V:2026-01-15T10:30:00.1234567Z")]
    [InlineData(EntityType.Step, "step_01HV3Z6Q6V2K8M4N5P7R9S1T3V", "Step:step_01HV3Z6Q6V2K8M4N5P7R9S1T3V:2026-01-15T10:30:00.1234567Z")]
    [InlineData(EntityType.ToolCall, "tc_01HV3Z6Q6V2K8M4N5P7R9S1T3V", "ToolCall:tc_01HV3Z6Q6V2K8M4N5P7R9S1T3V:2026-01-15T10:30:00.1234567Z")]
    [InlineData(EntityType.Artifact, "art_01HV3Z6Q6V2K8M4N5P7R9S1T3V", "Artifact:art_01HV3Z6Q6V2K8M4N5P7R9S1T3V:2026-01-15T10:30:00.1234567Z")]
    [InlineData(EntityType.SessionEvent, "evt_01HV3Z6Q6V2K8M4N5P7R9S1T3V", "SessionEvent:evt_01HV3Z6Q6V2K8M4N5P7R9S1T3V:2026-01-15T10:30:00.1234567Z")]
    public void For_names_every_entity_type(EntityType type, string id, string expected)
    {
        Assert.Equal(expected, IdempotencyKey.For(type, id, _updatedAt));
    }

    [Fact]
    [Trait("AC", "AC-044")]
    public void For_writes_the_timestamp_in_UTC()
    {
        DateTimeOffset local = _updatedAt.ToOffset(TimeSpan.FromHours(-5));

        Assert.Equal(
            "Session:sess_01HV3Z6Q6V2K8M4N5P7R9S1T3V:2026-01-15T10:30:00.1234567Z",
            IdempotencyKey.For(EntityType.Session, "sess_01HV3Z6Q6V2K8M4N5P7R9S1T3V", local));
    }

    [Fact]
    [Trait("AC", "AC-043")]
    public void For_differs_for_changes_one_tick_apart()
    {
        string first = IdempotencyKey.For(EntityType.ToolCall, "tc_01HV3Z6Q6V2K8M4N5P7R9S1T3V", _updatedAt);
        string second = IdempotencyKey.For(EntityType.ToolCall, "tc_01HV3Z6Q6V2K8M4N5P7R9S1T3V", _updatedAt.AddTicks(1));

        Assert.NotEqual(first, second);
    }
}
