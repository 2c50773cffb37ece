namespace Acode.Cli.Output;

/// <summary>
/// What <c>acode db prune</c> and <c>acode session delete</c> say on standard error when a stop signal ended their
/// removal between two batches (each batch one transaction) or while they gave the space back.
/// </summary>
internal static class RemovalStopMessage
{
    /// <param name="doing">The command's verb as it removes ("removing", "deleting").</param>
    /// <param name="batches">What a batch holds ("removals", "deletions").</param>
    /// <param name="done">Its past participle ("removed", "deleted").</param>
    /// <param name="count">Sessions removed before the stop.</param>
    /// <param name="total">Sessions the command set out to remove.</param>
    /// <param name="delivery">Where the removals' deletions stand with PostgreSQL; null when none is configured.</param>
    /// <param name="again">How to finish; null when nothing is left to remove.</param>
    public static string Text(string doing, string batches, string done, int count, int total, string? delivery, string? again)
    {
        int left = total - count;
        return CommandAction.Printable(
            $"Stopped by {StopSignals.ReceivedName} after {doing} {count} of {total} session(s): each batch of {batches} is one transaction, so "
            + (left > 0 ? $"the other {left} stay whole" : $"none is half-{done}")
            + (delivery is null ? "" : $"; {delivery}")
            + ". " + (again is null ? "No space" : $"{again}; no space") + " was given back yet (the next removal gives it).");
    }
}
