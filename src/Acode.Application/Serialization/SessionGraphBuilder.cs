using Acode.Domain.Text;
using Acode.Domain.Time;

namespace Acode.Application.Serialization;

/// <summary>
/// Rebuilds a <see cref="Session"/> (and its events) from documents, exactly as they were saved:
/// same ids, versions and timestamps. Documents must come parents first (session, tasks, steps, tool calls, artifacts).
/// </summary>
/// <remarks>
/// Documents are untrusted input (a file handed to <c>acode session import</c>): every value must be one the domain
/// itself could have produced, or the document is refused. States and kinds are exact names (not numbers, not
/// combinations); titles, tool names, media types and event types are not blank; tool arguments and event payloads
/// are one JSON value at most <see cref="JsonText.MaxDepth"/> deep; artifact names are 1 to
/// <see cref="Artifact.MaxNameLength"/> characters; a document is at most <see cref="DocumentSize.MaxBytes"/> of JSON; an artifact's hash is a lower-case SHA-256 and matches its
/// content and size when the content is there; event sequence numbers are positive; versions and sequence numbers are at
/// most <see cref="MaxNumber"/>; a tool call's duration is not negative; ordinals are 1 or more; no <c>completedAt</c> is
/// before its <c>startedAt</c> (the domain stamps a finish after a clock step back at the start). An <c>updatedAt</c> may
/// be earlier than the stored version's, even than <c>createdAt</c> (an edited export): the store stamps the version just
/// after the stored one (docs/json-format.md). No time is later than this machine's clock plus
/// <see cref="HybridClock.MaxOffset"/> (a later <c>updatedAt</c> would move every later stamp past it). Two events may share a sequence
/// number (PostgreSQL keeps both when two workspaces each added one at it, and <c>session export --remote</c> writes
/// them): the store's import places the later one after the end of the log (docs/architecture.md, "Event sequence numbers").
/// </remarks>
internal sealed partial class SessionGraphBuilder
{
    /// <summary>
    /// The largest version or event sequence number a document may carry: 2⁶³ − 2³², which leaves room for 2³² − 1 more
    /// (the next saves' versions, events placed after the end of the log), so counting on from it cannot overflow a
    /// 64-bit integer (SQLite's INTEGER, PostgreSQL's bigint). acode's own numbers stay far below it: the highest are
    /// the event ranges of imported sub-agent transcripts, below 2⁶² + 2³².
    /// </summary>
    public const long MaxNumber = long.MaxValue - uint.MaxValue;

    private readonly TimeProvider _clock;
    private readonly List<SessionEvent> _events = [];
    private Session? _session;

    public SessionGraphBuilder(TimeProvider? clock = null) => _clock = clock ?? TimeProvider.System;

    public Session? Session => _session;

    public IReadOnlyList<SessionEvent> Events => _events;

    /// <summary>How many documents were added, the session's included.</summary>
    public long Documents { get; private set; }

    /// <summary>How many lines the session's export line says it has (<see cref="SessionDocument.ExportLines"/>); null when it does not say.</summary>
    public long? ExportLines { get; private set; }

    /// <exception cref="FormatException">The document does not fit the session being built.</exception>
    public void Add(EntityDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        try
        {
            AddCore(document);
            Documents++;
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or FormatException)
        {
            // The id as the file gives it may be anything (trial AV F8: 'token=ghp_…' was quoted whole, twice): shown
            // redacted and cut as every refused value is, also where the domain's refusal quotes it.
            string id = document.Id ?? string.Empty;
            string shown = Shown(id);
            string why = InWords(ex);
            why = id.Length > 0 && shown != id ? why.Replace(id, shown, StringComparison.Ordinal) : why;
            why = RefusedId().Replace(why, m => $"'{Shown(m.Groups[1].Value)}' is not a valid {m.Groups[2].Value} id");
            throw new FormatException($"{document.GetType().Name.Replace("Document", string.Empty, StringComparison.Ordinal)} {shown}: {why}", ex);
        }
    }

    /// <summary>
    /// The domain's refusal without .NET's decorations: an <see cref="ArgumentException"/>'s message ends in
    /// "(Parameter 'name')" and, out of range, "Actual value was …"; a duplicate id is a dictionary's "same key" error.
    /// </summary>
    private static string InWords(Exception ex)
    {
        if (ex is not ArgumentException argument)
        {
            return ex.Message;
        }

        if (argument.Message.StartsWith("An item with the same key has already been added", StringComparison.Ordinal))
        {
            return "its id appears twice in this session.";
        }

        return Errors.ArgumentMessage.Of(argument);
    }

    private void AddCore(EntityDocument document)
    {
        DocumentSize.Check(Enum.Parse<EntityType>(document.GetType().Name.Replace("Document", string.Empty, StringComparison.Ordinal)), document.Id, EntityJson.Serialize(document), nameof(document));
        DateTimeOffset created = Timestamp(document.CreatedAt, "createdAt");
        DateTimeOffset updated = Timestamp(document.UpdatedAt, "updatedAt");
        if (document.Version < 1)
        {
            throw new InvalidOperationException($"version {document.Version} is not positive: an entity's first saved version is 1.");
        }

        AtMostMaxNumber(document.Version, "version");
        if (document is SessionDocument s)
        {
            if (_session is not null)
            {
                throw new InvalidOperationException($"a second session in one session graph (already building {_session.Id}).");
            }

            if (s.ExportLines < 1)
            {
                throw new InvalidOperationException($"exportLines {s.ExportLines} is not positive: it counts the session's lines in the export, its own included.");
            }

            _session = Session.Restore(SessionId.Parse(s.Id), NotBlank(s.Title, "title"), s.Goal, Name<SessionState>(s.State, "state"), 0, s.Version, created, updated, _clock);
            ExportLines = s.ExportLines;
            return;
        }

        Session session = _session ?? throw new InvalidOperationException("the session document must come before its tasks, steps, tool calls, artifacts and events.");
        switch (document)
        {
            case SessionTaskDocument t:
                CheckOwner(session, t.SessionId);
                (DateTimeOffset? taskStarted, DateTimeOffset? taskCompleted) = Span(t.StartedAt, t.CompletedAt);
                SessionTask.Restore(session, TaskId.Parse(t.Id), Ordinal(t.Ordinal), NotBlank(t.Title, "title"), t.Description, Name<WorkState>(t.State, "state"),
                    taskStarted, taskCompleted, t.Version, created, updated);
                break;
            case StepDocument p:
                CheckOwner(session, p.SessionId);
                ParentBefore(session.FindTask(TaskId.Parse(p.TaskId)) is not null, "task", p.TaskId);
                (DateTimeOffset? stepStarted, DateTimeOffset? stepCompleted) = Span(p.StartedAt, p.CompletedAt);
                Step.Restore(session, StepId.Parse(p.Id), TaskId.Parse(p.TaskId), Ordinal(p.Ordinal), NotBlank(p.Title, "title"), p.Description, Name<WorkState>(p.State, "state"),
                    stepStarted, stepCompleted, p.Version, created, updated);
                break;
            case ToolCallDocument c:
                CheckOwner(session, c.SessionId);
                ParentBefore(session.FindStep(StepId.Parse(c.StepId)) is not null, "step", c.StepId);
                NoBlob(c.ArgumentsBlob ?? c.ResultBlob);
                if (c.DurationTicks < 0)
                {
                    throw new InvalidOperationException($"durationTicks {c.DurationTicks} is negative: a duration is 0 or more ticks of 100 ns.");
                }

                (DateTimeOffset? callStarted, DateTimeOffset? callCompleted) = Span(c.StartedAt, c.CompletedAt);
                ToolCall.Restore(session, ToolCallId.Parse(c.Id), StepId.Parse(c.StepId), NotBlank(c.ToolName, "toolName"), Json(c.Arguments, "arguments"), Name<ToolCallStatus>(c.Status, "status"),
                    c.Result, c.Error, callStarted, callCompleted,
                    c.DurationTicks is { } ticks ? TimeSpan.FromTicks(ticks) : null, c.Version, created, updated);
                break;
            case ArtifactDocument a:
                CheckOwner(session, a.SessionId);
                NoBlob(a.ContentBlob);
                CheckArtifact(a);
                Artifact.Restore(session, ArtifactId.Parse(a.Id), a.Name, Name<ArtifactKind>(a.Kind, "kind"), a.MediaType, a.Size, a.ContentHash, a.Content,
                    a.StepId is null ? null : StepId.Parse(a.StepId), a.ToolCallId is null ? null : ToolCallId.Parse(a.ToolCallId), a.Version, created, updated);
                break;
            case SessionEventDocument e:
                CheckOwner(session, e.SessionId);
                if (e.Sequence < 1)
                {
                    throw new InvalidOperationException($"sequence {e.Sequence} is not positive.");
                }

                AtMostMaxNumber(e.Sequence, "sequence");

                _events.Add(SessionEvent.Restore(session, EventId.Parse(e.Id), e.Sequence, NotBlank(e.Type, "type"), Json(e.Payload, "payload"), e.Version, created, updated));
                break;
            default:
                throw new InvalidOperationException($"unsupported document type {document.GetType().Name}.");
        }
    }

    /// <summary>A child's parent must be on an earlier line: an export lists a session, its tasks, steps, tool calls, artifacts, then its events.</summary>
    private static void ParentBefore(bool found, string kind, string id)
    {
        if (!found)
        {
            throw new InvalidOperationException(
                $"its {kind} {Shown(id)} is not on an earlier line of this session: a {kind}'s line must come before the lines that belong to it (an export lists the session, then its tasks, steps, tool calls, artifacts and events, in that order).");
        }
    }

    private static void CheckOwner(Session session, string sessionId)
    {
        if (!string.Equals(session.Id.Value, sessionId, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"it belongs to session {Shown(sessionId)}, not {session.Id}.");
        }
    }

    private DateTimeOffset? ParseOptional(string? text, string field) => text is null ? null : Timestamp(text, field);

    /// <summary>A start and a finish, the finish never before the start (acode never finishes an item before it started).</summary>
    private (DateTimeOffset? Started, DateTimeOffset? Completed) Span(string? startedAt, string? completedAt)
    {
        DateTimeOffset? started = ParseOptional(startedAt, "startedAt");
        DateTimeOffset? completed = ParseOptional(completedAt, "completedAt");
        if (started is { } s && completed is { } c && c < s)
        {
            throw new InvalidOperationException($"completedAt {Quote(completedAt!)} is before startedAt {Quote(startedAt!)}: acode never finishes an item before it started.");
        }

        return (started, completed);
    }

    /// <summary>A task's or step's position: 1-based (<see cref="WorkItem.Ordinal"/>).</summary>
    private static int Ordinal(int ordinal) => ordinal >= 1
        ? ordinal
        : throw new InvalidOperationException($"ordinal {ordinal} is not positive: tasks and steps are numbered from 1.");

    private DateTimeOffset Timestamp(string text, string field)
    {
        if (!UtcTimestamp.TryParse(text, out DateTimeOffset value))
        {
            throw new ArgumentException($"{field} {Quote(text)} is not a timestamp in the form {UtcTimestamp.Pattern} (e.g. 2026-01-15T10:30:00.1234567Z).", field);
        }

        DateTimeOffset now = _clock.GetUtcNow();
        if (value - now > HybridClock.MaxOffset)
        {
            throw new ArgumentException(
                $"{field} {Quote(text)} is later than a day after this machine's clock ({UtcTimestamp.Format(now)}): acode refuses such a time, because every later "
                + "change of the workspace, and of the team's PostgreSQL, would have to be stamped after it. Correct the time in the file, or the clock of the machine that wrote it.",
                field);
        }

        return value;
    }

    private static void AtMostMaxNumber(long value, string field)
    {
        if (value > MaxNumber)
        {
            throw new ArgumentException($"{field} {value} is above {MaxNumber} (2^63 - 2^32), the largest acode accepts: the numbers counted on from it must still fit in 64 bits.", field);
        }
    }

    /// <summary>One JSON value (<see cref="JsonText.Validate"/>), said in words: a missing value, or where the text stops being JSON.</summary>
    private static string Json(string? json, string field)
    {
        if (json is null)
        {
            throw new ArgumentException($"{field} is missing (null): one JSON value as a string belongs there, e.g. \"{{}}\".", field);
        }

        try
        {
            return JsonText.Validate(json, field);
        }
        catch (ArgumentException ex) when (ex.InnerException is System.Text.Json.JsonException { BytePositionInLine: { } position, LineNumber: { } line } invalid)
        {
            string reason = Redaction.JsonErrorText.Safe(invalid.Message);
            int at = reason.IndexOf(" LineNumber:", StringComparison.Ordinal);
            reason = (at >= 0 ? reason[..at] : reason).TrimEnd();
            throw new ArgumentException($"{field} must be one JSON value nested at most {JsonText.MaxDepth} deep, and its text is not (at byte {position + 1}{(line > 0 ? $" of its line {line + 1}" : string.Empty)}): {reason}", field, ex);
        }
    }

    /// <summary>The exact name of a member of <typeparamref name="T"/>: "42", "completed" or "Completed, Failed" are refused.</summary>
    private static T Name<T>(string? value, string field)
        where T : struct, Enum
        => Enum.TryParse(value, ignoreCase: false, out T parsed) && Enum.IsDefined(parsed) && string.Equals(parsed.ToString(), value, StringComparison.Ordinal)
            ? parsed
            : throw new ArgumentException($"{field} {Quote(value)} is not one of {string.Join(", ", Enum.GetNames<T>())}.", field);

    /// <summary>
    /// A value as it may appear in an error message: JSON-quoted and cut short, escaping only what JSON requires (control
    /// characters, quotes, backslashes): a "+" of an offset stays "+", not <c>\u002B</c>.
    /// </summary>
    private static string Quote(string? value)
        => value is null ? "null" : "\"" + System.Text.Json.JsonEncodedText.Encode(Redaction.RedactedCut.Ellipsis(value, 40), System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping) + "\"";

    /// <summary>The domain's refusal of an id (<c>PrefixedId.Validate</c>), which quotes it whole: of a parent id or <c>sessionId</c> too.</summary>
    [System.Text.RegularExpressions.GeneratedRegex(@"^'(.*)' is not a valid (\w+) id", System.Text.RegularExpressions.RegexOptions.Singleline)]
    private static partial System.Text.RegularExpressions.Regex RefusedId();

    /// <summary>An id (or any value) from the file as an error shows it: redacted with the built-in rules, cut at 40 characters.</summary>
    private static string Shown(string value) => Redaction.RedactedCut.Ellipsis(value, 40);

    private static string NotBlank(string? value, string field)
        => string.IsNullOrWhiteSpace(value) ? throw new ArgumentException($"{field} is missing or blank.", field) : value;

    /// <summary>A document naming a blob is a database's stored form (docs/storage.md), which holds only the start of its value.</summary>
    private static void NoBlob(string? hash)
    {
        if (hash is not null)
        {
            throw new InvalidOperationException($"it names blob {hash}: a database's stored form holds only the start of the value. Export the session with 'acode session export' and import that file.");
        }
    }

    private static void CheckArtifact(ArtifactDocument a)
    {
        if (string.IsNullOrEmpty(a.Name) || a.Name.Length > Artifact.MaxNameLength)
        {
            throw new InvalidOperationException($"name must be 1 to {Artifact.MaxNameLength} characters (got {a.Name?.Length ?? 0}).");
        }

        NotBlank(a.MediaType, "mediaType");
        if (a.ContentHash is not { Length: 64 } hash || !hash.All(c => c is (>= '0' and <= '9') or (>= 'a' and <= 'f')))
        {
            throw new InvalidOperationException("contentHash must be a SHA-256 as 64 lower-case hex digits.");
        }

        if (a.Size < 0 || (a.Content is { } content && (a.Size != content.LongLength || !string.Equals(Artifact.HashOf(content), hash, StringComparison.Ordinal))))
        {
            throw new InvalidOperationException($"size {a.Size} and contentHash must describe the content ({a.Content?.LongLength.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"} bytes).");
        }
    }
}
