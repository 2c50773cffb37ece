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

    /// <summary>The single number <paramref name="sql"/> returns (a <c>count(*)</c>); <paramref name="parameters"/> bind to <c>$1</c>, <c>$2</c>, … in order.</summary>
    public static async Task<long> CountAsync(string connectionString, string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (object parameter in parameters)
        {
            command.Parameters.AddWithValue(parameter);
        }

        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Every row <paramref name="sql"/> returns, its columns joined by <c>|</c> as invariant-culture text;
    /// <paramref name="parameters"/> bind to <c>$1</c>, <c>$2</c>, … in order.
    /// </summary>
    public static async Task<List<string>> RowsAsync(string connectionString, string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (object parameter in parameters)
        {
            command.Parameters.AddWithValue(parameter);
        }

        await using NpgsqlDataReader reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
        {
            rows.Add(string.Join("|", Enumerable.Range(0, reader.FieldCount).Select(i => Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture))));
        }

        return rows;
    }

    /// <summary><paramref name="connectionString"/> logging in as <paramref name="role"/> with <paramref name="password"/> instead.</summary>
    public static string As(string connectionString, string role, string password)
        => new NpgsqlConnectionStringBuilder(connectionString) { Username = role, Password = password }.ConnectionString;
}
