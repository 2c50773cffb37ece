using Acode.Application.Serialization;

namespace Acode.Infrastructure.Sqlite;

/// <summary>
/// How each entity document maps to its table: the column names (constants, never data) and the values.
/// The SQL for insert, optimistic update and import upsert is built once from these.
/// </summary>
internal sealed class EntityRows
{
    // Declared before ByDocument, whose initializer uses it. Every other column is TEXT: its value is written as
    // CAST($column AS TEXT), a no-op for text and the way text with NUL characters, bound as UTF-8 bytes
    // (see SqliteParameters.WithColumns), is stored whole.
    private static readonly HashSet<string> NotText = new(StringComparer.Ordinal) { "version", "ordinal", "size", "sequence", "duration_ticks", "content" };

    private static readonly Dictionary<Type, EntityRows> ByDocument = new()
    {
        [typeof(SessionDocument)] = new("sessions", ["id", "title", "goal", "state", "version", "created_at", "updated_at"], d =>
        {
            var s = (SessionDocument)d;
            return [s.Id, s.Title, s.Goal, s.State, s.Version, s.CreatedAt, s.UpdatedAt];
        }),
        [typeof(SessionTaskDocument)] = new("session_tasks", ["id", "session_id", "ordinal", "title", "description", "state", "started_at", "completed_at", "version", "created_at", "updated_at"], d =>
        {
            var t = (SessionTaskDocument)d;
            return [t.Id, t.SessionId, t.Ordinal, t.Title, t.Description, t.State, t.StartedAt, t.CompletedAt, t.Version, t.CreatedAt, t.UpdatedAt];
        }),
        [typeof(StepDocument)] = new("steps", ["id", "session_id", "task_id", "ordinal", "title", "description", "state", "started_at", "completed_at", "version", "created_at", "updated_at"], d =>
        {
            var p = (StepDocument)d;
            return [p.Id, p.SessionId, p.TaskId, p.Ordinal, p.Title, p.Description, p.State, p.StartedAt, p.CompletedAt, p.Version, p.CreatedAt, p.UpdatedAt];
        }),
        [typeof(ToolCallDocument)] = new("tool_calls", ["id", "session_id", "step_id", "tool_name", "arguments", "arguments_blob", "status", "result", "result_blob", "error", "started_at", "completed_at", "duration_ticks", "version", "created_at", "updated_at"], d =>
        {
            var c = (ToolCallDocument)d;
            return [c.Id, c.SessionId, c.StepId, c.ToolName, c.Arguments, c.ArgumentsBlob, c.Status, c.Result, c.ResultBlob, c.Error, c.StartedAt, c.CompletedAt, c.DurationTicks, c.Version, c.CreatedAt, c.UpdatedAt];
        }),
        [typeof(ArtifactDocument)] = new("artifacts", ["id", "session_id", "step_id", "tool_call_id", "name", "kind", "media_type", "size", "content_hash", "content", "content_blob", "version", "created_at", "updated_at"], d =>
        {
            var a = (ArtifactDocument)d;
            return [a.Id, a.SessionId, a.StepId, a.ToolCallId, a.Name, a.Kind, a.MediaType, a.Size, a.ContentHash, a.Content, a.ContentBlob, a.Version, a.CreatedAt, a.UpdatedAt];
        }),
        [typeof(SessionEventDocument)] = new("session_events", ["id", "session_id", "sequence", "type", "payload", "version", "created_at", "updated_at"], d =>
        {
            var e = (SessionEventDocument)d;
            return [e.Id, e.SessionId, e.Sequence, e.Type, e.Payload, e.Version, e.CreatedAt, e.UpdatedAt];
        }),
    };

    private static readonly Dictionary<EntityType, EntityRows> ByEntityType = new()
    {
        [EntityType.Session] = ByDocument[typeof(SessionDocument)],
        [EntityType.SessionTask] = ByDocument[typeof(SessionTaskDocument)],
        [EntityType.Step] = ByDocument[typeof(StepDocument)],
        [EntityType.ToolCall] = ByDocument[typeof(ToolCallDocument)],
        [EntityType.Artifact] = ByDocument[typeof(ArtifactDocument)],
        [EntityType.SessionEvent] = ByDocument[typeof(SessionEventDocument)],
    };

    private readonly Func<EntityDocument, object?[]> _values;

    private EntityRows(string table, string[] columns, Func<EntityDocument, object?[]> values)
    {
        Table = table;
        Columns = columns;
        _values = values;
        string names = string.Join(", ", columns);
        string parameters = string.Join(", ", columns.Select(Parameter));
        string assignments = string.Join(", ", columns.Where(c => c is not "id" and not "created_at").Select(c => $"{c} = {Parameter(c)}"));
        string upsertAssignments = string.Join(", ", columns.Where(c => c is not "id" and not "created_at").Select(c => $"{c} = excluded.{c}"));
        InsertSql = $"INSERT INTO {table} ({names}) VALUES ({parameters});";
        // A child row never moves to another session (docs/architecture.md, "Conflicts"): its update must match its session too.
        // The stored stamp is the held one too: the same version number written by another lineage (an import, a restored
        // copy with a stamp of its own) is a conflict, as in PostgreSQL's store, so a save's stamp, taken after the held one,
        // is always after the stored one and its idempotency key never names a version already written.
        UpdateSql = $"UPDATE {table} SET {assignments} WHERE id = $id AND version = $base_version AND updated_at = $base_updated_at{(table == "sessions" ? "" : " AND session_id = $session_id")};";
        UpsertSql = $"INSERT INTO {table} ({names}) VALUES ({parameters}) ON CONFLICT (id) DO UPDATE SET {upsertAssignments} WHERE excluded.version > {table}.version;";
        VersionSql = $"SELECT version, {(table == "sessions" ? "id" : "session_id")} FROM {table} WHERE id = $id;";
        VersionsSql = $"SELECT id, version, {(table == "sessions" ? "id" : "session_id")}, updated_at FROM {table} WHERE id IN (SELECT value FROM json_each($ids));";
    }

    public string Table { get; }

    public IReadOnlyList<string> Columns { get; }

    public string InsertSql { get; }

    /// <summary>Optimistic update: changes the row only if it is still at <c>$base_version</c> and <c>$base_updated_at</c> (a child: and in <c>$session_id</c>).</summary>
    public string UpdateSql { get; }

    /// <summary>Import: inserts, or replaces a row only with a newer version.</summary>
    public string UpsertSql { get; }

    /// <summary>The stored version and owning session (for a session: its own id) of the row with <c>$id</c>; no row when absent.</summary>
    public string VersionSql { get; }

    /// <summary>
    /// The stored version, owning session and <c>updated_at</c> of every row whose id is in <c>$ids</c> (a JSON array of ids): one statement for
    /// all the rows of a table that an import touches, instead of one <see cref="VersionSql"/> per row. Ids without a row
    /// return nothing.
    /// </summary>
    public string VersionsSql { get; }

    public static EntityRows For(EntityDocument document) => ByDocument[document.GetType()];

    public static EntityRows For(EntityType type) => ByEntityType[type];

    public object?[] ValuesOf(EntityDocument document) => _values(document);

    private static string Parameter(string column) => NotText.Contains(column) ? "$" + column : $"CAST(${column} AS TEXT)";

    /// <summary>
    /// <c>session pull</c> taking PostgreSQL's version over a local one it differs from (docs/architecture.md, "Pull converges
    /// on PostgreSQL"): replaces the row with <c>$id</c> whatever its version, never its id, creation time, session or (an
    /// event) its place in the local log. A child: only in <c>$session_id</c>.
    /// </summary>
    public string ReplaceSql => $"UPDATE {Table} SET {string.Join(", ", Columns.Where(c => c is not "id" and not "created_at" and not "session_id" and not "sequence").Select(c => $"{c} = {Parameter(c)}"))} WHERE id = $id{(Table == "sessions" ? "" : " AND session_id = $session_id")};";
}
