namespace Acode.Infrastructure.Sync;

/// <summary>
/// One PostgreSQL mirror table and how its columns are read out of the entity document (<c>d</c>, jsonb) during a
/// set-based upsert. The SQL is built once from these constants; values always travel as parameters.
/// </summary>
internal sealed class MirrorTable
{
    private static readonly (string Column, string Expression)[] Common =
    [
        ("version", "(d->>'version')::bigint"),
        ("created_at", "(d->>'createdAt')::timestamptz"),
        ("updated_at", "(d->>'updatedAt')::timestamptz"),
        ("hlc", "u.hlc"),
        ("origin", "u.origin"),
        ("document", "d"),
    ];

    private static readonly Dictionary<EntityType, MirrorTable> Tables = new()
    {
        [EntityType.Session] = new("sessions",
            ("id", "d->>'id'"), ("title", "d->>'title'"), ("goal", "d->>'goal'"), ("state", "d->>'state'")),
        [EntityType.SessionTask] = new("session_tasks",
            ("id", "d->>'id'"), ("session_id", "d->>'sessionId'"), ("ordinal", "(d->>'ordinal')::bigint"), ("title", "d->>'title'"),
            ("description", "d->>'description'"), ("state", "d->>'state'"), ("started_at", "(d->>'startedAt')::timestamptz"), ("completed_at", "(d->>'completedAt')::timestamptz")),
        [EntityType.Step] = new("steps",
            ("id", "d->>'id'"), ("session_id", "d->>'sessionId'"), ("task_id", "d->>'taskId'"), ("ordinal", "(d->>'ordinal')::bigint"), ("title", "d->>'title'"),
            ("description", "d->>'description'"), ("state", "d->>'state'"), ("started_at", "(d->>'startedAt')::timestamptz"), ("completed_at", "(d->>'completedAt')::timestamptz")),
        [EntityType.ToolCall] = new("tool_calls",
            ("id", "d->>'id'"), ("session_id", "d->>'sessionId'"), ("step_id", "d->>'stepId'"), ("tool_name", "d->>'toolName'"), ("arguments", "CASE WHEN d ? 'argumentsBlob' THEN to_jsonb(d->>'arguments') ELSE (d->>'arguments')::jsonb END"),
            ("arguments_blob", "d->>'argumentsBlob'"), ("status", "d->>'status'"), ("result", "d->>'result'"), ("result_blob", "d->>'resultBlob'"), ("error", "d->>'error'"), ("started_at", "(d->>'startedAt')::timestamptz"),
            ("completed_at", "(d->>'completedAt')::timestamptz"), ("duration_ticks", "(d->>'durationTicks')::bigint")),
        [EntityType.Artifact] = new("artifacts",
            ("id", "d->>'id'"), ("session_id", "d->>'sessionId'"), ("step_id", "d->>'stepId'"), ("tool_call_id", "d->>'toolCallId'"), ("name", "d->>'name'"),
            ("kind", "d->>'kind'"), ("media_type", "d->>'mediaType'"), ("size", "(d->>'size')::bigint"), ("content_hash", "d->>'contentHash'"),
            ("content", "decode(d->>'content', 'base64')"), ("content_blob", "d->>'contentBlob'")),
        [EntityType.SessionEvent] = new("session_events",
            ("id", "d->>'id'"), ("session_id", "d->>'sessionId'"), ("sequence", "(d->>'sequence')::bigint"), ("type", "d->>'type'"), ("payload", "(d->>'payload')::jsonb")),
    };

    private readonly string _storeInto;
    private readonly string _storeSelect;
    private readonly string _storeConflict;

    private MirrorTable(string name, params (string Column, string Expression)[] columns)
    {
        Name = name;
        (string Column, string Expression)[] all = [.. columns, .. Common];
        string names = string.Join(", ", all.Select(c => c.Column));
        string expressions = string.Join(", ", all.Select(c => c.Expression));
        string updates = string.Join(", ", all.Where(c => c.Column != "id").Select(c => $"{c.Column} = excluded.{c.Column}"));
        bool tombstones = name == "sessions";
        if (tombstones)
        {
            // A deletion over a tombstone (later by the order) rewrites it but keeps when and by whom the session was
            // first deleted, which is what the messages report (schema 1.19.0, trial AS 2); a live version never
            // replaces a tombstone under the order, and where a write replaces one anyway (StoreSql) both are cleared.
            names += ", deleted_at, deleted_by";
            expressions += ", CASE WHEN u.deleted THEN now() END, CASE WHEN u.deleted THEN u.origin END";
            updates += $", deleted_at = CASE WHEN excluded.deleted_at IS NOT NULL THEN coalesce({name}.deleted_at, excluded.deleted_at) END"
                + $", deleted_by = CASE WHEN excluded.deleted_at IS NOT NULL THEN coalesce({name}.deleted_by, excluded.deleted_by) END";
        }

        string deleted = tombstones ? "deleted_at IS NOT NULL" : "false";
        string owner = tombstones ? "id" : "session_id";

        // A child row never moves to another session (ConflictRule): also not through an applier of another session
        // that committed first, which the per-session advisory locks do not serialize with this one.
        string sameSession = tombstones ? "" : $" AND {name}.session_id = excluded.session_id";

        // The order of ConflictRule.Wins, (deleted, hlc, origin), also against a concurrent applier that committed first.
        UpsertSql = $"""
            INSERT INTO {name} ({names})
            SELECT {expressions} FROM unnest($1::jsonb[], $2::bigint[], $3::text[], $4::boolean[]) AS u(d, hlc, origin, deleted)
            ON CONFLICT (id) DO UPDATE SET {updates}, synced_at = now()
            WHERE ({(tombstones ? "excluded.deleted_at IS NOT NULL, " : "")}excluded.hlc, excluded.origin COLLATE "C") > ({(tombstones ? $"{name}.deleted_at IS NOT NULL, " : "")}{name}.hlc, {name}.origin COLLATE "C"){sameSession};
            """;
        MergeSql = $"""
            INSERT INTO {name} ({names})
            SELECT {expressions} FROM acode_sync_staging u WHERE u.n = ANY($1::integer[])
            ON CONFLICT (id) DO UPDATE SET {updates}, synced_at = now()
            WHERE ({(tombstones ? "excluded.deleted_at IS NOT NULL, " : "")}excluded.hlc, excluded.origin COLLATE "C") > ({(tombstones ? $"{name}.deleted_at IS NOT NULL, " : "")}{name}.hlc, {name}.origin COLLATE "C"){sameSession}
            RETURNING id;
            """;
        StoreSql = $"""
            INSERT INTO {name} ({names})
            SELECT {expressions} FROM unnest($1::jsonb[], $2::bigint[], $3::text[], $4::boolean[]) AS u(d, hlc, origin, deleted)
            ON CONFLICT (id) DO UPDATE SET {updates}, synced_at = now();
            """;
        StoreOneSql = $"""
            INSERT INTO {name} ({names})
            SELECT {expressions} FROM (VALUES ($1::jsonb, $2::bigint, $3::text, $4::boolean)) AS u(d, hlc, origin, deleted)
            ON CONFLICT (id) DO UPDATE SET {updates}, synced_at = now();
            """;
        LockSql = $"SELECT id, version, hlc, origin, document, {deleted}, {owner}, {(tombstones ? "state" : "NULL::text")} FROM {name} WHERE id = ANY($1) FOR UPDATE;";
        _storeInto = $"INSERT INTO {name} ({names})";
        _storeSelect = expressions;
        _storeConflict = $"ON CONFLICT (id) DO UPDATE SET {updates}, synced_at = now()";
    }

    public string Name { get; }

    public string UpsertSql { get; }

    /// <summary>
    /// <see cref="UpsertSql"/> reading the rows <c>$1</c> (integer[]) of the sync's staging table (<c>acode_sync_staging</c>,
    /// see <see cref="PostgresOutboxApplier"/>: columns <c>d</c>, <c>hlc</c>, <c>origin</c>, <c>deleted</c>) instead of arrays;
    /// returns the ids it wrote (a row a concurrent applier of another session committed first may be left alone).
    /// </summary>
    public string MergeSql { get; }

    /// <summary>
    /// The same insert as <see cref="UpsertSql"/> without the last-writer-wins condition: for a writer that has row-locked
    /// and checked the stored version itself (the PostgreSQL run-state store's optimistic save, an import).
    /// </summary>
    public string StoreSql { get; }

    /// <summary>
    /// <see cref="StoreSql"/> for one row, from scalar parameters (<c>$1</c> jsonb, <c>$2</c> bigint, <c>$3</c> text,
    /// <c>$4</c> boolean): PostgreSQL keeps one generic plan for it, where an array's statement is planned at each use.
    /// </summary>
    public string StoreOneSql { get; }

    /// <summary>
    /// <see cref="StoreSql"/> reading its rows from <paramref name="source"/>, a relation <c>u(d jsonb, hlc bigint,
    /// origin text, deleted boolean)</c>, with no closing semicolon: for a larger statement (a data-modifying
    /// <c>WITH</c>) that builds the rows in SQL.
    /// </summary>
    public string StoreFromSql(string source) => $"{_storeInto}\nSELECT {_storeSelect} FROM {source}\n{_storeConflict}";

    /// <summary>
    /// Reads and row-locks the stored versions, so conflicts are judged against what this transaction will overwrite:
    /// <c>id, version, hlc, origin, document, deleted, session id</c> (a session's own id for <c>sessions</c>), <c>state</c>
    /// (<c>sessions</c>; null for the children).
    /// </summary>
    public string LockSql { get; }

    public static MirrorTable For(EntityType type) => Tables[type];

    public static IEnumerable<(EntityType Type, MirrorTable Table)> Children => Tables.Where(t => t.Key != EntityType.Session).Select(t => (t.Key, t.Value));
}
