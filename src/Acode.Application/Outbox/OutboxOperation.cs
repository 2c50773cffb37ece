namespace Acode.Application.Outbox;

/// <summary>What an outbox record asks the sync to do with its entity.</summary>
public enum OutboxOperation
{
    Upsert,
    Delete,
}
