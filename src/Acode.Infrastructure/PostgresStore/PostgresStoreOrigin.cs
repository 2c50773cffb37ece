using System.Security.Cryptography;
using System.Text;

namespace Acode.Infrastructure.PostgresStore;

/// <summary>The origin id a <see cref="PostgresRunStateStore"/> writes when none is configured.</summary>
public static class PostgresStoreOrigin
{
    /// <summary>
    /// <c>pg_</c> followed by the first 16 hex digits of the SHA-256 of the host name (lower case): stable for a host,
    /// distinct from workspace ids (which are GUID-based) and revealing nothing of the host name.
    /// </summary>
    public static string ForHost(string hostName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(hostName);
        byte[] hash = SHA256.HashData(Encoding.UTF8.GetBytes(hostName.ToLowerInvariant()));
        return "pg_" + Convert.ToHexStringLower(hash)[..16];
    }

    /// <summary>The origin of this machine: <see cref="ForHost"/> of <see cref="Environment.MachineName"/>.</summary>
    public static string Default => ForHost(Environment.MachineName);
}
