namespace Acode.Application.Outbox;

/// <summary>
/// The transactional outbox: every committed change has one record here, appended in the same transaction
/// as the change, until the sync has delivered it. Its callers depend on the role they use: <see cref="IOutboxAppender"/>
/// (a save), <see cref="IOutboxClaims"/> (the sync), <see cref="IOutboxAdministration"/> (operators, statistics,
/// pruning); one implementation (<c>SqliteOutbox</c>) serves all three, registered once per role.
/// </summary>
public interface IOutbox : IOutboxAppender, IOutboxClaims, IOutboxAdministration
{
}
