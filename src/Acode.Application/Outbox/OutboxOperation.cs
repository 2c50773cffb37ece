namespace Acode.Application.Outbox;

/// <summary>What an outbox record asks the sync to do with its entity.</summary>
public enum OutboxOperation
{
    /// <summary>Insert the entity's document, or replace an older version of it.</summary>
    Upsert,
    /// <summary>Delete the entity (a session deleted locally leaves a tombstone in PostgreSQL).</summary>
    Delete,
}
