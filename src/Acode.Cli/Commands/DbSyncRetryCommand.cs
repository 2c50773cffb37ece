using System.CommandLine;
using Acode.Application.Outbox;
using Acode.Infrastructure.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace Acode.Cli.Commands;

/// <summary><c>acode db sync retry</c>: requeue dead-lettered outbox records (AC-041).</summary>
internal static class DbSyncRetryCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var id = new Argument<long?>("outbox-id") { Description = "The dead-lettered record to requeue (see 'acode db sync status').", Arity = ArgumentArity.ZeroOrOne };
        var all = new Option<bool>("--all") { Description = "Requeue every dead-lettered record." };
        var processed = new Option<bool>("--processed") { Description = "Requeue every delivered record still retained, to refill a PostgreSQL restored empty (safe: duplicates change nothing)." };
        var command = new Command("retry", "Put dead-lettered outbox records back in the queue with their attempts reset.\n\nExamples:\n  acode db sync retry --all\n  acode db sync retry 1234\n  acode db sync retry --processed") { id, all, processed };
        CommandAction.Set(command, globals, async (context, cancellationToken) =>
        {
            long? recordId = context.ParseResult.GetValue(id);
            bool everything = context.ParseResult.GetValue(all);
            bool delivered = context.ParseResult.GetValue(processed);
            if ((recordId is not null ? 1 : 0) + (everything ? 1 : 0) + (delivered ? 1 : 0) != 1)
            {
                throw new UsageException("Give one of: an outbox id, --all, or --processed.", "acode db sync retry --all");
            }

            context.OpenExistingDatabase(writes: true);
            if (delivered)
            {
                int resent = await context.Outbox.RequeueProcessedAsync(cancellationToken);
                context.Console.WriteLine($"Requeued {resent} delivered record(s); run 'acode db sync' to send them again (PostgreSQL skips what it already has).");
                return ExitCodes.Success;
            }

            int requeued = await context.Outbox.RequeueFailedAsync(recordId, cancellationToken);
            if (recordId is { } single && requeued == 0)
            {
                OutboxStatus? status = context.Services.GetRequiredService<SqliteOutbox>().StatusOf(single);
                throw status switch
                {
                    null => new UsageException($"Outbox record {single} does not exist (it was never written here, or it was delivered and pruned).", "List dead letters and their ids with 'acode db sync status'.", ExitCodes.Problem),
                    OutboxStatus.Processed => new UsageException($"Outbox record {single} is not dead-lettered: it was delivered already.", "To send every delivered record again (e.g. to a PostgreSQL restored empty), run 'acode db sync retry --processed'.", ExitCodes.Problem),
                    _ => new UsageException($"Outbox record {single} is not dead-lettered: it is waiting to be delivered.", "Run 'acode db sync' to deliver it; 'acode db sync status' lists the dead letters.", ExitCodes.Problem),
                };
            }

            context.Console.WriteLine(requeued == 0
                ? "Nothing to requeue: no record is dead-lettered ('acode db sync status' shows the outbox)."
                : $"Requeued {requeued} record(s); run 'acode db sync' to deliver them.");
            return ExitCodes.Success;
        });
        return command;
    }
}
