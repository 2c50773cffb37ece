using System.Security.Cryptography;
using System.Text;

namespace Acode.Infrastructure.Migrations;

/// <summary>
/// One versioned schema change, e.g. <c>V1_0_0_InitialSchema</c>. The same versions exist for every engine;
/// the checksum (SHA-256 of the script, line endings normalised) detects a script edited after it was applied.
/// </summary>
public sealed record Migration(Version Version, string Name, string Script)
{
    public string Checksum { get; } = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Script.ReplaceLineEndings("\n"))));

    /// <summary>The display id, e.g. <c>V1_0_0_InitialSchema</c>.</summary>
    public string Id => $"V{Version.Major}_{Version.Minor}_{Version.Build}_{Name}";

    /// <summary>The version as stored in <c>schema_version</c>, e.g. <c>1.0.0</c>.</summary>
    public string VersionText => Version.ToString(3);
}
