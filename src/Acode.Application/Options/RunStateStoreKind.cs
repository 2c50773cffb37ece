namespace Acode.Application.Options;

/// <summary>Which database an agent host's <see cref="IRunStateStore"/> writes to (<c>persistence:store:kind</c>).</summary>
public enum RunStateStoreKind
{
    /// <summary>The workspace's SQLite file (<c>.agent/workspace.db</c>), synced to PostgreSQL when that is configured. The default.</summary>
    Sqlite,

    /// <summary>The configured PostgreSQL directly: no SQLite file, no outbox, no sync (for an agent on a server without a durable disk).</summary>
    Postgres,
}
