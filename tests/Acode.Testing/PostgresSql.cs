using System.Globalization;
using Npgsql;

namespace Acode.Testing;

/// <summary>One statement on a test database, outside acode: to set up roles and grants, break things by hand, and count rows.</summary>
public static class PostgresSql
{
    /// <summary>Runs <paramref name="sql"/> (one or more statements, no result) on its own connection.</summary>
    public static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>The single number <paramref name="sql"/> returns (a <c>count(*)</c>).</summary>
    public static async Task<long> CountAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    /// <summary><paramref name="connectionString"/> logging in as <paramref name="role"/> with <paramref name="password"/> instead.</summary>
    public static string As(string connectionString, string role, string password)
        => new NpgsqlConnectionStringBuilder(connectionString) { Username = role, Password = password }.ConnectionString;
}
