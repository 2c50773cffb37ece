using System.Globalization;

namespace Acode.Resilience.Driver.Shared;

/// <summary>
/// The unit of work every resilience driver saves, and how to tell a whole unit from a partial one. Shared (linked)
/// by the driver and the tests. A probe session is titled <c>units=K</c>: it has one task with one step, and after
/// its K-th save K tool calls, K artifacts and K <c>probe.unit</c> events, at session version K + 1. Each unit is
/// one save (several rows + their outbox records), so a title that disagrees with the rows means a partial save.
/// </summary>
public static class ProbeUnits
{
    public const string TitlePrefix = "units=";
    public const string UnitEventType = "probe.unit";
    public const string Goal = "resilience probe";

    /// <summary>Sessions whose rows disagree with their title (a partial unit): must be 0.</summary>
    public const string PartialUnitsSql = """
        SELECT count(*) FROM sessions s
        WHERE s.goal = 'resilience probe' AND (
              CAST(substr(s.title, 7) AS INTEGER) <> (SELECT count(*) FROM tool_calls c WHERE c.session_id = s.id)
           OR CAST(substr(s.title, 7) AS INTEGER) <> (SELECT count(*) FROM artifacts a WHERE a.session_id = s.id)
           OR CAST(substr(s.title, 7) AS INTEGER) <> (SELECT count(*) FROM session_events e WHERE e.session_id = s.id AND e.type = 'probe.unit')
           OR s.version <> CAST(substr(s.title, 7) AS INTEGER) + 1
           OR (SELECT count(*) FROM session_tasks t WHERE t.session_id = s.id) <> 1
           OR (SELECT count(*) FROM steps p WHERE p.session_id = s.id) <> 1);
        """;

    /// <summary>
    /// Entities whose outbox records are not exactly one per version 1…current (a change without its record, or a
    /// duplicate record): must be 0. Valid while nothing is pruned or deleted.
    /// </summary>
    public const string OutboxMismatchSql = """
        WITH e(id, version) AS (
            SELECT id, version FROM sessions UNION ALL SELECT id, version FROM session_tasks UNION ALL
            SELECT id, version FROM steps UNION ALL SELECT id, version FROM tool_calls UNION ALL
            SELECT id, version FROM artifacts UNION ALL SELECT id, version FROM session_events)
        SELECT count(*) FROM e
        WHERE e.version <> (SELECT count(*) FROM outbox o WHERE o.entity_id = e.id)
           OR e.version <> (SELECT count(DISTINCT o.version) FROM outbox o WHERE o.entity_id = e.id AND o.version BETWEEN 1 AND e.version);
        """;

    /// <summary>Outbox records of entities that do not exist (a record without its change): must be 0.</summary>
    public const string OrphanOutboxSql = """
        SELECT count(*) FROM outbox o WHERE o.operation = 'Upsert' AND NOT EXISTS (
            SELECT 1 FROM sessions WHERE id = o.entity_id UNION ALL SELECT 1 FROM session_tasks WHERE id = o.entity_id UNION ALL
            SELECT 1 FROM steps WHERE id = o.entity_id UNION ALL SELECT 1 FROM tool_calls WHERE id = o.entity_id UNION ALL
            SELECT 1 FROM artifacts WHERE id = o.entity_id UNION ALL SELECT 1 FROM session_events WHERE id = o.entity_id);
        """;

    /// <summary>A new probe session with its task and step (unit 0), not saved yet.</summary>
    public static Session NewSession()
    {
        Session session = Session.Create(TitlePrefix + "0", Goal);
        session.AddTask("probe task").AddStep("probe step");
        return session;
    }

    /// <summary>Adds unit <paramref name="k"/>: a finished tool call, an artifact, an event, and the title <c>units=k</c>.</summary>
    public static void Apply(Session session, int k, int artifactBytes)
    {
        ArgumentNullException.ThrowIfNull(session);
        Step step = session.Tasks[0].Steps[0];
        string json = string.Create(CultureInfo.InvariantCulture, $"{{\"k\":{k}}}");
        ToolCall call = step.AddToolCall("probe", json);
        call.Succeed(string.Create(CultureInfo.InvariantCulture, $"result {k}"), TimeSpan.FromMilliseconds(k));
        session.AddArtifact(string.Create(CultureInfo.InvariantCulture, $"unit-{k}.bin"), ArtifactKind.Other, "application/octet-stream", Content(k, artifactBytes), step.Id, call.Id);
        session.AppendEvent(UnitEventType, json);
        session.Rename(string.Create(CultureInfo.InvariantCulture, $"{TitlePrefix}{k}"));
    }

    /// <summary>The artifact bytes of unit <paramref name="k"/> (deterministic, so a reader can check them).</summary>
    public static byte[] Content(int k, int length)
    {
        var bytes = new byte[length];
        for (int i = 0; i < length; i++)
        {
            bytes[i] = (byte)((k * 31) + i);
        }

        return bytes;
    }

    public static int UnitsOf(string title)
    {
        ArgumentNullException.ThrowIfNull(title);
        return int.Parse(title.AsSpan(TitlePrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture);
    }

    /// <summary>Null when the loaded session is a whole number of units, else what is wrong (a partial save was seen).</summary>
    public static string? Check(Session session)
    {
        ArgumentNullException.ThrowIfNull(session);
        int k = UnitsOf(session.Title);
        int calls = session.Tasks.Sum(t => t.Steps.Sum(s => s.ToolCalls.Count));
        int steps = session.Tasks.Sum(t => t.Steps.Count);
        bool whole = session.Tasks.Count == 1 && steps == 1 && calls == k && session.Artifacts.Count == k
                     && session.LastEventSequence == k + 1 && session.Version == k + 1;
        return whole ? null : string.Create(CultureInfo.InvariantCulture,
            $"{session.Id} titled units={k} has {session.Tasks.Count} task(s), {steps} step(s), {calls} tool call(s), {session.Artifacts.Count} artifact(s), last event {session.LastEventSequence}, version {session.Version}");
    }
}
