using System.Text.Json.Nodes;
using Acode.Application.Queries;
using Acode.Application.Sync;

namespace Acode.Cli.Output;

/// <summary>
/// What <c>acode db sync</c> prints about one run (README, "Sync to PostgreSQL"): the summary line, in which every
/// delivered record is counted once by what PostgreSQL did with it, what a workspace whose changes lost must know, and
/// the <c>--json</c> form of the same figures.
/// </summary>
internal static class SyncSummary
{
    /// <summary>The sessions named in a line before "…".</summary>
    private const int Named = 10;

    /// <summary>"Delivered N record(s): …", then one line per kind of lost change (none when nothing was lost).</summary>
    public static string Describe(SyncRunResult r)
        => r.Paused && r.Delivered == 0
            ? $"Nothing delivered; {r.Remaining} record(s) wait in the outbox."
            : $"Delivered {r.Delivered} record(s): {r.Applied} applied, {r.Duplicates} duplicate(s), {r.Conflicts} conflict(s){(r.Conflicts > 0 ? $" ({r.ConflictsWon} won, {r.ConflictsLost} lost)" : "")}"
                + NotApplied(r)
                + $"; {r.Retried} to retry, {r.DeadLettered} dead-lettered; {r.Remaining} pending."
                + LostToNewer(r) + LostToOtherSession(r) + LostToDeletion(r);

    /// <summary>The run as JSON: the keys of the README's <c>db sync --json</c>.</summary>
    public static JsonObject ToJson(SyncRunResult r) => new()
    {
        ["delivered"] = r.Delivered,
        ["applied"] = r.Applied,
        ["duplicates"] = r.Duplicates,
        ["conflicts"] = r.Conflicts,
        ["conflictsWon"] = r.ConflictsWon,
        ["conflictsLost"] = r.ConflictsLost + r.ConflictsLostSince + r.ConflictsLostSinceToDeletion,
        ["conflictsLostSince"] = r.ConflictsLostSince + r.ConflictsLostSinceToDeletion,
        ["lostSessions"] = new JsonArray([.. r.LostSessionIds.Select(id => (JsonNode)JsonValue.Create(id))]),
        ["notApplied"] = r.NotApplied,
        ["superseded"] = r.Superseded,
        ["stale"] = r.Stale,
        ["ofDeletedSessions"] = r.OfDeletedSessions,
        ["conflictsLostToDeletion"] = r.ConflictsLostToDeletion + r.ConflictsLostSinceToDeletion,
        ["conflictsLostToOtherSession"] = r.ConflictsLostToOtherSession,
        ["filedUnderOtherSessions"] = new JsonArray([.. r.OtherSessionOwners.Select(o => (JsonNode)new JsonObject
        {
            ["id"] = o.Key,
            ["filedUnder"] = new JsonArray([.. o.Value.Select(owner => (JsonNode)JsonValue.Create(owner))]),
        })]),
        ["deletedSessions"] = new JsonArray([.. r.DeletedSessions.Select(d => (JsonNode)new JsonObject
        {
            ["id"] = d.Key,
            ["deletedAt"] = d.Value?.DeletedAt is { } at ? Display.Time(at) : null,
            ["deletedBy"] = d.Value?.LastId,
            ["deletedByName"] = d.Value?.LastName,
        })]),
        ["retried"] = r.Retried,
        ["deadLettered"] = r.DeadLettered,
        ["pending"] = r.Remaining,
        ["paused"] = r.Paused,
        ["pauseReason"] = r.PauseReason,
        ["warning"] = r.TargetWarning is { } w ? new JsonObject { ["message"] = w.Message, ["try"] = w.Hint } : null,
        ["bookkeepingWarnings"] = new JsonArray([.. r.BookkeepingWarnings.Select(w => (JsonNode)JsonValue.Create(w))]),
        ["postgresMigrated"] = r.PostgresMigrated is { } m ? new JsonObject { ["from"] = m.From, ["to"] = m.To, ["applied"] = m.Applied } : null,
    };

    /// <summary>
    /// The line <c>db sync</c> prints on standard error when its run migrated PostgreSQL's schema (the run migrates before
    /// it sends anything, docs/postgres.md): what was migrated and what it means for the team's older acode versions.
    /// </summary>
    public static string PostgresMigratedText(Application.SchemaUpgrade m, string target, string before = "syncing")
        => $"Migrated PostgreSQL at {target} from schema {m.From} to {m.To} ({m.Applied} migration{(m.Applied == 1 ? "" : "s")}) before {before}; "
           + $"acode versions that know only {m.From} are refused there from now on (ACODE-DB-004, exit 14): every teammate who syncs to it needs an acode that reads {m.To}.";

    /// <summary>
    /// The superseded versions (carried on by a later one, so not "not applied"), then the changes delivered but not
    /// applied, other than lost conflicts (which the conflict figures count), by why; empty when none.
    /// </summary>
    private static string NotApplied(SyncRunResult r)
    {
        string text = r.Superseded > 0 ? $", {r.Superseded} superseded by a later version in this sync" : "";
        if (r.OfDeletedSessions > 0)
        {
            text += $", {r.OfDeletedSessions} not applied (their session was deleted in PostgreSQL)";
        }

        if (r.Stale > 0)
        {
            text += $", {r.Stale} not applied (PostgreSQL already has a newer version)";
        }

        return text;
    }

    /// <summary>
    /// Changes that lost to newer versions: the workspace still holds its own versions, and <c>session pull</c> takes
    /// PostgreSQL's (docs/architecture.md, "Pull converges on PostgreSQL"). Empty when none lost that way.
    /// </summary>
    private static string LostToNewer(SyncRunResult r)
    {
        long count = r.ConflictsLost - r.ConflictsLostToDeletion - r.ConflictsLostToOtherSession + r.ConflictsLostSince;
        var deleted = new HashSet<string>(r.DeletedSessions.Select(d => d.Key), StringComparer.Ordinal);
        List<string> ids = [.. r.LostSessionIds.Where(id => !deleted.Contains(id))];
        if (count <= 0 || ids.Count == 0)
        {
            return "";
        }

        string sessions = ids.Count == 1 ? ids[0] : "<id>";
        string which = ids.Count == 1 ? $"session {ids[0]}" : $"sessions {string.Join(", ", ids.Take(Named))}{(ids.Count > Named ? ", …" : "")}";
        string since = r.ConflictsLostSince == 0 ? "" : r.ConflictsLostSince == count ? " since this workspace's last sync (another workspace's later change overwrote them)" : $" ({r.ConflictsLostSince} of them since this workspace's last sync: another workspace's later change overwrote them)";
        return $"{Environment.NewLine}{count} of your change(s) lost to newer versions in PostgreSQL ({which}){since}; this workspace still shows its own version. "
            + $"Run 'acode session pull {sessions}' to take PostgreSQL's version (compare first with 'acode session show --remote {sessions}'); the lost changes are kept in PostgreSQL's sync_conflicts (acode ui, Health).";
    }

    /// <summary>
    /// Changes whose row PostgreSQL files under another session (trial AA: a partial copy of a transcript imported in a
    /// second workspace): there is no version of them to pull under their own session, so the line names the session that
    /// holds them and how to hold that copy here instead. Empty when none lost that way.
    /// </summary>
    private static string LostToOtherSession(SyncRunResult r)
    {
        if (r.ConflictsLostToOtherSession == 0 || r.OtherSessionOwners.Count == 0)
        {
            return "";
        }

        string which = string.Join("; ", r.OtherSessionOwners.Take(Named).Select(o => $"session {o.Key}'s under {string.Join(", ", o.Value)}"))
            + (r.OtherSessionOwners.Count > Named ? "; …" : "");
        (string mine, string theirs) = r.OtherSessionOwners is [{ Value: [var owner] } only] ? (only.Key, owner) : ("<id>", "<other id>");
        return $"{Environment.NewLine}{r.ConflictsLostToOtherSession} of your change(s) not applied: PostgreSQL files their rows under another session ({which}), and a row never moves between sessions. "
            + "Two copies of one transcript that begin at different records are two sessions whose records share ids: the first synced keeps them for the team. "
            + $"This workspace keeps its copy as it is, and 'acode session pull {mine}' takes nothing for those rows. "
            + $"Compare with 'acode session show --remote {theirs}'. {SwitchToTeamCopy(mine, theirs)}";
    }

    /// <summary>
    /// How a workspace holding a copy of a transcript whose rows PostgreSQL files under another session takes that session
    /// instead, and when not to (trial AB: followed for a copy that went on past the other, it dropped this workspace's
    /// later turns and stopped the import of the transcript the agent was still writing). Also said by <c>session pull</c>.
    /// </summary>
    public static string SwitchToTeamCopy(string mine, string theirs)
        => $"If this copy holds nothing the other lacks (no later turns), 'acode session delete {mine} --local', then 'acode session pull {theirs}', holds the team's copy here instead; "
           + "do not do it while the agent still writes this transcript: a session deleted here is no longer imported from it.";

    /// <summary>
    /// Changes that lost because their session is deleted in PostgreSQL: there is no version to pull (<c>session pull</c>
    /// refuses it), so the line says when and by which workspace it was deleted, as <c>session pull</c> does
    /// (<c>RemoteTombstone</c>), and what is left to do here. Empty when none lost that way.
    /// </summary>
    private static string LostToDeletion(SyncRunResult r)
    {
        long count = r.ConflictsLostToDeletion + r.ConflictsLostSinceToDeletion;
        if (count == 0 || r.DeletedSessions.Count == 0)
        {
            return "";
        }

        string which = string.Join("; ", r.DeletedSessions.Take(Named).Select(d => $"session {d.Key}{Deleted(d.Value)}")) + (r.DeletedSessions.Count > Named ? "; …" : "");
        string id = r.DeletedSessions.Count == 1 ? r.DeletedSessions[0].Key : "<id>";

        // Told apart from this run's conflicts, which count only what it delivered (trial AA: "9 conflict(s) (0 won, 9 lost)"
        // beside "25 of your change(s) lost to a deletion" read as a contradiction).
        string since = r.ConflictsLostSinceToDeletion == 0 ? ""
            : r.ConflictsLostToDeletion == 0 ? " (delivered by earlier syncs, removed by the deletion since)"
            : $" ({r.ConflictsLostToDeletion} delivered now, {r.ConflictsLostSinceToDeletion} by earlier syncs and removed by the deletion since)";
        return $"{Environment.NewLine}{count} of your change(s) lost to a deletion{since}: {which}. "
            + "This workspace keeps its copy, but it is no longer shared (a change to it loses to the deletion when synced) and 'acode session pull' has no version of it to take. "
            + $"Keep it here as a local copy, or drop it with 'acode session delete {id} --local'; the lost changes are kept in PostgreSQL's sync_conflicts (acode ui, Health).";
    }

    /// <summary>" was deleted in PostgreSQL on … (UTC) by workspace …", or without when and by whom when those were not read.</summary>
    private static string Deleted(SessionWorkspaces? tombstone)
    {
        if (tombstone?.DeletedAt is not { } deletedAt)
        {
            return " was deleted in PostgreSQL";
        }

        string by = tombstone.LastName is { } name && name != tombstone.LastId ? $"{Display.Plain(name)} ({tombstone.LastId})" : tombstone.LastId;
        return $" was deleted in PostgreSQL on {Display.Time(deletedAt)} (UTC) by workspace {by}";
    }
}
