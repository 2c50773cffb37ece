using Acode.Application;
using Acode.Infrastructure.PostgresStore;
using Acode.Infrastructure.Sqlite;

namespace Acode.Cli;

/// <summary>
/// A session id as typed on the command line: the whole id, or a unique start of it as git accepts short hashes
/// (<c>sess_01JD3Z6Q</c>, or without the prefix <c>01JD3Z6Q</c>, any case, at least <see cref="MinimumLength"/> ULID characters).
/// <see cref="Parse"/> checks the form before anything is opened; <see cref="ResolveAsync"/> finds the one session it names.
/// </summary>
internal sealed class SessionIdArgument
{
    /// <summary>The fewest ULID characters a prefix may have (after <c>sess_</c>).</summary>
    public const int MinimumLength = 4;

    /// <summary>How many candidates an ambiguous prefix lists.</summary>
    private const int CandidatesShown = 10;

    private const string CrockfordBase32 = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    private static readonly string IdPrefix = SessionId.Prefix + "_";

    private readonly SessionId? _exact;

    /// <summary>The start of the id it stands for, normalized (<c>sess_</c> + upper-case ULID characters).</summary>
    private readonly string _idPrefix;

    private SessionIdArgument(string text, SessionId? exact, string idPrefix)
    {
        Text = text;
        _exact = exact;
        _idPrefix = idPrefix;
    }

    /// <summary>What was typed.</summary>
    public string Text { get; }

    /// <exception cref="UsageException">Not an id nor the start of one (exit 2).</exception>
    public static SessionIdArgument Parse(string? text)
    {
        if (SessionId.TryParse(text, out SessionId id))
        {
            return new SessionIdArgument(text, id, text);
        }

        string ulid = (text ?? string.Empty).Trim();
        if (ulid.StartsWith(IdPrefix, StringComparison.OrdinalIgnoreCase))
        {
            ulid = ulid[IdPrefix.Length..];
        }

        ulid = ulid.ToUpperInvariant();
        string full = IdPrefix + ulid;
        bool isWhole = SessionId.TryParse(full, out SessionId whole);
        // 26 characters are a whole id or none: one that does not parse (a first character above 7 overflows a ULID's
        // 128 bits) is no id and no start of one (trial AT 3: "no session id starts with" it).
        if (ulid.Length < MinimumLength || ulid.Length > 26 || ulid.Any(c => !CrockfordBase32.Contains(c, StringComparison.Ordinal))
            || (ulid.Length == 26 && !isWhole))
        {
            throw new UsageException(
                $"'{ParseErrorMessages.Shown(text ?? "")}' is not a session id.",
                $"Session ids look like sess_01JD3Z6Q6V2K8M4N5P7R9S1T3V; give the whole id or a unique start of it (at least {MinimumLength} characters after sess_, e.g. sess_01JD3Z6Q); list them with 'acode session list'.");
        }

        return isWhole ? new SessionIdArgument(text!, whole, full) : new SessionIdArgument(text!, null, full);
    }

    /// <summary>
    /// The session this argument names: the whole id as is, a prefix when exactly one session of <paramref name="store"/>
    /// starts with it (this workspace, or PostgreSQL with <c>--remote</c>). In PostgreSQL a session deleted there (a
    /// tombstone) counts too: its id is returned, so that the caller names it as deleted instead of "no session".
    /// </summary>
    /// <returns>The id, or null when no session starts with the prefix (a whole id is returned unchecked).</returns>
    /// <exception cref="UsageException">More than one session starts with the prefix; the message lists them, deleted ones marked (exit 2).</exception>
    public async Task<SessionId?> ResolveAsync(IRunStateStore store, CancellationToken cancellationToken)
    {
        if (_exact is { } exact)
        {
            return exact;
        }

        IReadOnlyList<(SessionId Id, bool Deleted)> matches = store is PostgresRunStateStore remote
            ? await remote.FindSessionIdsByPrefixWithDeletedAsync(_idPrefix, CandidatesShown + 1, cancellationToken)
            : [.. (await store.FindSessionIdsByPrefixAsync(_idPrefix, CandidatesShown + 1, cancellationToken)).Select(id => (id, false))];
        if (matches.Count <= 1)
        {
            return matches.Count == 1 ? matches[0].Id : null;
        }

        string listed = string.Join("\n", matches.Take(CandidatesShown).Select(m => "  " + m.Id.Value + (m.Deleted ? " (deleted in PostgreSQL)" : "")));
        string more = matches.Count > CandidatesShown ? "\n  …" : string.Empty;
        bool isRemote = store is not SqliteRunStateStore;
        throw new UsageException(
            $"'{Text}' is ambiguous: {(matches.Count > CandidatesShown ? $"more than {CandidatesShown}" : matches.Count.ToString(System.Globalization.CultureInfo.InvariantCulture))} sessions start with it:\n{listed}{more}",
            isRemote ? $"Give more characters of the id (or the whole id); 'acode session list --remote' shows {(matches.Any(m => m.Deleted) ? "the live ones" : "them")}." : "Give more characters of the id (or the whole id); 'acode session list' shows them.");
    }

    /// <summary>The session this argument names in <paramref name="scope"/>'s store, or its not-found error (exit 1): this workspace's (at <paramref name="workspaceRoot"/>), or PostgreSQL's with <c>--remote</c>.</summary>
    public async Task<SessionId> ResolveExistingAsync(StoreScope scope, string workspaceRoot, CancellationToken cancellationToken)
        => await ResolveAsync(scope.Store, cancellationToken) ?? throw (scope.IsRemote ? NotFoundRemote(scope.Where) : NotFound(workspaceRoot));

    /// <summary>The not-found error (exit 1): no session with this id, or starting with it.</summary>
    public UsageException NotFound(string workspaceRoot)
        => new(
            _exact is { } exact ? $"No session {exact} in workspace {workspaceRoot}." : $"No session id starts with '{Text}' in workspace {workspaceRoot}.",
            "List the sessions with 'acode session list', or pick the workspace with --workspace.",
            ExitCodes.Problem);

    /// <summary>The not-found error (exit 1) of PostgreSQL at <paramref name="target"/> (redacted): no session with this id, or starting with it, live or deleted.</summary>
    public UsageException NotFoundRemote(string target)
        => new(
            _exact is { } exact ? $"No session {exact} in {target}." : $"No session id starts with '{Text}' in {target}.",
            "List the team's sessions with 'acode session list --remote'.",
            ExitCodes.Problem);
}
