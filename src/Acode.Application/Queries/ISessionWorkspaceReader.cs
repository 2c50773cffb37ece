namespace Acode.Application.Queries;

/// <summary>Where a session came from in the shared PostgreSQL (<see cref="SessionWorkspaces"/>). Read-only.</summary>
public interface ISessionWorkspaceReader
{
    /// <summary>The session's workspaces; null when PostgreSQL holds no live session with that id (also when it holds no acode schema yet).</summary>
    /// <exception cref="Errors.AcodeDbException">ACODE-DB-006 when PostgreSQL is unavailable or refuses the read.</exception>
    Task<SessionWorkspaces?> GetAsync(SessionId sessionId, CancellationToken cancellationToken = default);
}
