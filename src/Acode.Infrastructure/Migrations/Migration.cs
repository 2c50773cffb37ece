using System.Security.Cryptography;
using System.Text;

namespace Acode.Infrastructure.Migrations;

/// <summary>
/// One versioned schema change, e.g. <c>V1_0_0_InitialSchema</c>. The same versions exist for every engine;
/// the checksum (SHA-256 of the script) detects a script edited after it was applied.
/// </summary>
/// <remarks>
/// The script is kept with LF line endings (<see cref="SchemaText"/>) whatever the checkout gave it, so builds from a
/// CRLF and an LF checkout apply, store and compare the same text. (A script with bare CR line endings would otherwise
/// run as one long <c>--</c> comment.)
/// </remarks>
public sealed record Migration(Version Version, string Name, string Script)
{
    /// <summary>The SQL of this migration, with LF line endings.</summary>
    public string Script { get; } = SchemaText.Normalize(Script) ?? throw new ArgumentNullException(nameof(Script));

    /// <summary>SHA-256 of <see cref="Script"/> as UTF-8, lower-case hex: the same for every line-ending form of the script.</summary>
    public string Checksum { get; } = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(SchemaText.Normalize(Script) ?? "")));

    /// <summary>The display id, e.g. <c>V1_0_0_InitialSchema</c>.</summary>
    public string Id => $"V{Version.Major}_{Version.Minor}_{Version.Build}_{Name}";

    /// <summary>The version as stored in <c>schema_version</c>, e.g. <c>1.0.0</c>.</summary>
    public string VersionText => Version.ToString(3);
}
