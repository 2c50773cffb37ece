namespace Acode.Infrastructure;

/// <summary>
/// Refuses a save of a <see cref="Session"/> object that another call is still saving. A session object is not
/// thread-safe; two saves of it at once would both write its pending changes (a raw unique-constraint violation in
/// SQLite, a version error in PostgreSQL). The second is refused at once, before it reads or writes anything, with an
/// <see cref="InvalidOperationException"/> that says what to do.
/// </summary>
internal sealed class SessionSaveGuard : IDisposable
{
    private readonly List<Session> _held;

    private SessionSaveGuard(List<Session> held) => _held = held;

    /// <summary>Marks every session as being saved until the guard is disposed.</summary>
    /// <exception cref="InvalidOperationException">One of them is being saved by another call; none is marked.</exception>
    public static SessionSaveGuard Enter(IReadOnlyList<Session> sessions)
    {
        var held = new List<Session>(sessions.Count);
        foreach (Session session in sessions)
        {
            if (!session.TryBeginSave())
            {
                foreach (Session taken in held)
                {
                    taken.EndSave();
                }

                throw new InvalidOperationException(
                    $"Session {session.Id}: this Session object is being saved by another call. A Session is not thread-safe: save it from one thread at a time "
                    + "(await each save before the next change or save). Nothing of this call was saved; the other save goes on.");
            }

            held.Add(session);
        }

        return new SessionSaveGuard(held);
    }

    public void Dispose()
    {
        foreach (Session session in _held)
        {
            session.EndSave();
        }
    }
}
