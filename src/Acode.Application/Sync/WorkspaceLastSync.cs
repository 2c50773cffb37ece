namespace Acode.Application.Sync;

/// <summary>When PostgreSQL last applied a change from one workspace.</summary>
/// <param name="Origin">The workspace's id.</param>
/// <param name="LastAppliedAt">When PostgreSQL applied the newest of its changes looked at.</param>
/// <param name="Changes">How many of the changes looked at came from it.</param>
public sealed record WorkspaceLastSync(string Origin, DateTimeOffset LastAppliedAt, long Changes);
