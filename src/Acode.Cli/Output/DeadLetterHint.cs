namespace Acode.Cli.Output;

/// <summary>
/// What to add where a command says to deliver a session's changes with <c>acode db sync</c> first, when some of them are
/// dead letters: PostgreSQL refused them and the sync does not send them again until they are requeued (trial AS 1).
/// </summary>
internal static class DeadLetterHint
{
    private const string Tail = " PostgreSQL refused (dead letters), which 'acode db sync' does not send: "
        + "'acode db sync status' says why; once that is fixed, 'acode db sync retry --all' requeues them for 'acode db sync'.";

    /// <summary>The sentence for <paramref name="deadLettered"/> of the sessions named (empty when none).</summary>
    public static string For(int deadLettered) => deadLettered == 0
        ? ""
        : $" {(deadLettered == 1 ? "One of them holds a change" : $"{deadLettered} of them hold changes")}" + Tail;

    /// <summary>The sentence for the one session named, which holds a dead letter.</summary>
    public static string ForTheSession() => " It holds a change" + Tail;
}
