using System.Text.Json;
using Acode.Application.Outbox;
using Acode.Infrastructure.Blobs;
using Acode.Infrastructure.PostgresStore;
using Acode.Infrastructure.Sqlite;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Acode.Infrastructure.Sync;

/// <summary>
/// Sends the blobs a batch of outbox records names to PostgreSQL before the batch's rows are applied, in the applier's
/// transaction (docs/storage.md): it asks which of them the server lacks and inserts only those, copied in their stored
/// (compressed) form from the workspace database, with <c>ON CONFLICT DO NOTHING</c>. So each blob crosses the network
/// once per PostgreSQL, however many rows, sessions or workspaces name it, with the text its search words are made of
/// (schema 1.6.0; at most 65536 characters, decoded from its first bytes).
/// </summary>
internal sealed class PostgresBlobUploader
{
    private static readonly string[] ReferenceProperties = ["argumentsBlob", "resultBlob", "contentBlob"];

    private readonly SqliteWorkspaceDatabase _database;

    /// <param name="database">The workspace database whose outbox the records come from (it holds their blobs).</param>
    public PostgresBlobUploader(SqliteWorkspaceDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
    }

    /// <summary>Inserts the blobs <paramref name="records"/> name that PostgreSQL does not hold yet.</summary>
    /// <exception cref="MissingBlobException">Some records name a blob missing from the workspace database (it was damaged): nothing was inserted, and the exception names those records.</exception>
    public async Task UploadAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<OutboxRecord> records, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        string[] named = records.Where(r => r.EntityType is EntityType.ToolCall or EntityType.Artifact).SelectMany(r => References(r.Payload))
            .Distinct(StringComparer.Ordinal).ToArray();
        if (named.Length == 0)
        {
            return;
        }

        HashSet<string> held = await PostgresBlobs.ExistingAsync(connection, transaction, named, cancellationToken).ConfigureAwait(false);
        string[] missing = named.Where(h => !held.Contains(h)).Order(StringComparer.Ordinal).ToArray();
        if (missing.Length == 0)
        {
            return;
        }

        List<StoredBlob> blobs = _database.Read((local, localTransaction) => ReadStored(local, localTransaction, missing), cancellationToken);
        if (blobs.Count != missing.Length)
        {
            HashSet<string> absent = missing.Except(blobs.Select(b => b.Hash), StringComparer.Ordinal).ToHashSet(StringComparer.Ordinal);
            throw new MissingBlobException(records
                .Select(r => (Record: r, Hash: r.EntityType is EntityType.ToolCall or EntityType.Artifact ? References(r.Payload).FirstOrDefault(absent.Contains) : null))
                .Where(n => n.Hash is not null)
                .ToDictionary(n => n.Record.Id, n => MissingBlobException.Describe(n.Record.Id, $"{n.Record.EntityType} {n.Record.EntityId}", n.Record.Version, n.Hash!)));
        }

        // Each missing blob is decompressed once here, for its search words (PostgreSQL cannot decompress Brotli).
        await PostgresBlobs.InsertAsync(connection, transaction, blobs, blobs.Select(b => PostgresBlobSearchWords.TextOf(b)).ToList(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The blob hashes an outbox payload (an entity document in stored form) names.</summary>
    internal static IEnumerable<string> References(string payload)
    {
        // Cheap test first: most payloads name no blob and are not parsed again.
        if (!payload.Contains("Blob\"", StringComparison.Ordinal))
        {
            return [];
        }

        using JsonDocument document = JsonDocument.Parse(payload);
        var found = new List<string>(2);
        foreach (string property in ReferenceProperties)
        {
            if (document.RootElement.TryGetProperty(property, out JsonElement hash) && hash.ValueKind == JsonValueKind.String)
            {
                found.Add(hash.GetString()!);
            }
        }

        return found;
    }

    private static List<StoredBlob> ReadStored(SqliteConnection connection, SqliteTransaction transaction, string[] hashes)
    {
        var blobs = new List<StoredBlob>(hashes.Length);
        using SqliteCommand command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT hash, codec, raw_length, content FROM blobs WHERE hash IN (SELECT value FROM json_each($hashes));";
        command.Parameters.AddWithValue("$hashes", JsonSerializer.Serialize(hashes.ToList(), EntityIdsJson.Default.ListString));
        using SqliteDataReader reader = command.ExecuteReader();
        while (reader.Read())
        {
            blobs.Add(new StoredBlob(reader.GetString(0), reader.GetString(1), reader.GetInt64(2), (byte[])reader.GetValue(3)));
        }

        return blobs;
    }
}
