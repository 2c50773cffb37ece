namespace Acode.Application.Outbox;

/// <summary>Where an outbox record is: waiting (<see cref="Pending"/>), synced (<see cref="Processed"/>), or dead-lettered (<see cref="Failed"/>).</summary>
public enum OutboxStatus
{
    Pending,
    Processed,
    Failed,
}
