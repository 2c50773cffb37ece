namespace Acode.Infrastructure.Sync;

/// <summary>
/// A record whose delivery loses the connection to PostgreSQL every time, on its own, while the server answers other
/// connections: the record is at fault (counted as an attempt), not an outage.
/// </summary>
internal sealed class RecordBreaksConnectionException : Exception
{
    public RecordBreaksConnectionException(Exception lost)
        : base($"PostgreSQL closed the connection while applying this record, alone, although the server answers other connections ({lost.Message.TrimEnd('.')})", lost)
    {
    }
}
