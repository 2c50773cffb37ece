namespace Acode.Infrastructure.Postgres;

/// <summary>Why PostgreSQL cannot be used now: an outage (<see cref="Remedy"/> null) or a refusal and what fixes it.</summary>
/// <param name="Reason">What failed, in words, with the SQLSTATE (never a connection string or password).</param>
/// <param name="Remedy">For a refusal by a server that answers: what to do, e.g. the GRANT to run; null for an outage.</param>
internal sealed record PostgresDiagnosis(string Reason, string? Remedy = null);
