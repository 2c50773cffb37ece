using Microsoft.Data.Sqlite;

namespace Acode.Cli.Tests.Support;

/// <summary>Damage for the tests of damaged files: one b-tree's root page of an SQLite file overwritten with noise.</summary>
internal static class PageNoise
{
    /// <summary>
    /// Checkpoints the database's WAL into the file, then overwrites the root page of <paramref name="objectName"/> (a
    /// table or index in <c>sqlite_schema</c>) with bytes from a fixed seed, so that every run damages it alike.
    /// </summary>
    /// <returns>The page overwritten (1-based).</returns>
    public static long OverwriteRootPage(string databasePath, string objectName, int seed = 20261205)
    {
        int pageSize;
        long root;
        using (var connection = new SqliteConnection($"Data Source={databasePath};Pooling=False"))
        {
            connection.Open();
            using SqliteCommand command = connection.CreateCommand();
            command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
            command.ExecuteNonQuery();
            command.CommandText = "SELECT (SELECT page_size FROM pragma_page_size()), (SELECT rootpage FROM sqlite_schema WHERE name = $name);";
            command.Parameters.AddWithValue("$name", objectName);
            using SqliteDataReader reader = command.ExecuteReader();
            reader.Read();
            pageSize = reader.GetInt32(0);
            root = reader.GetInt64(1);
        }

        byte[] noise = new byte[pageSize];
        new Random(seed).NextBytes(noise);
        using FileStream file = File.Open(databasePath, FileMode.Open, FileAccess.ReadWrite);
        file.Position = (root - 1) * pageSize;
        file.Write(noise);
        return root;
    }
}
