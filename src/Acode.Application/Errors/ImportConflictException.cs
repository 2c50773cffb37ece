namespace Acode.Application.Errors;

/// <summary>
/// An imported document would move a row of another session into the one being imported: the document is forged or
/// corrupt, or the workspace holds another copy of the session under another id (a transcript copied without its first
/// lines). Nothing of that session was imported. A <see cref="FormatException"/>, as every other invalid export is.
/// </summary>
public sealed class ImportConflictException : FormatException
{
    /// <summary>The error for an imported entity that already belongs to another session; the message names both sessions.</summary>
    /// <param name="entityType">The kind of the entity that already belongs elsewhere.</param>
    /// <param name="entityId">Its id.</param>
    /// <param name="owningSessionId">The session it belongs to in this workspace.</param>
    /// <param name="importedSessionId">The session being imported, which claims it.</param>
    public ImportConflictException(EntityType entityType, string entityId, string owningSessionId, string importedSessionId)
        : base($"{entityType} {entityId} already belongs to session {owningSessionId} in this workspace, not to {importedSessionId}. Nothing of session {importedSessionId} was imported.")
    {
        EntityType = entityType;
        EntityId = entityId;
        OwningSessionId = owningSessionId;
        ImportedSessionId = importedSessionId;
    }

    /// <summary>The kind of the entity that already belongs to another session.</summary>
    public EntityType EntityType { get; }

    /// <summary>The entity's id.</summary>
    public string EntityId { get; }

    /// <summary>The session that holds the entity in this workspace.</summary>
    public string OwningSessionId { get; }

    /// <summary>The session being imported, which claims the entity; nothing of it was stored.</summary>
    public string ImportedSessionId { get; }
}
