namespace Acode.Application.Errors;

/// <summary>
/// An imported document would move a row of another session into the one being imported: the document is forged or
/// corrupt. Nothing of that session was imported. A <see cref="FormatException"/>, as every other invalid export is.
/// </summary>
public sealed class ImportConflictException : FormatException
{
    public ImportConflictException(EntityType entityType, string entityId, string owningSessionId, string importedSessionId)
        : base($"{entityType} {entityId} already belongs to session {owningSessionId} in this workspace, not to {importedSessionId}. Nothing of session {importedSessionId} was imported.")
    {
    }
}
