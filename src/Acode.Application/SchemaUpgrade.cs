namespace Acode.Application;

/// <summary>
/// Migrations applied to a database that already had an acode schema (not the creation of a new one): from which version,
/// to which, and how many. An acode that knows only <see cref="From"/> (or any version older than <see cref="To"/>) refuses
/// the database afterwards (ACODE-DB-004), so whoever applied them says so (docs/postgres.md, docs/reliability.md).
/// </summary>
/// <param name="From">The version the database was at, e.g. <c>1.6.0</c>.</param>
/// <param name="To">The version it is at now, e.g. <c>1.9.0</c>.</param>
/// <param name="Applied">How many migrations were applied.</param>
public sealed record SchemaUpgrade(string From, string To, int Applied);
