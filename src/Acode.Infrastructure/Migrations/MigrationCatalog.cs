using System.Reflection;
using System.Text.RegularExpressions;

namespace Acode.Infrastructure.Migrations;

/// <summary>The migrations shipped in this assembly for one engine, in version order (embedded <c>V1_0_0__Name.sql</c> files).</summary>
internal static partial class MigrationCatalog
{
    public const string Sqlite = "Sqlite";

    /// <summary>The shared PostgreSQL database; the same versions as <see cref="Sqlite"/> (AC-010).</summary>
    public const string Postgres = "Postgres";

    public static IReadOnlyList<Migration> For(string engine)
    {
        Assembly assembly = typeof(MigrationCatalog).Assembly;
        string prefix = $"Acode.Migrations.{engine}.";
        var migrations = new List<Migration>();
        foreach (string resource in assembly.GetManifestResourceNames())
        {
            if (!resource.StartsWith(prefix, StringComparison.Ordinal))
            {
                continue;
            }

            Match match = FileName().Match(resource[prefix.Length..]);
            if (!match.Success)
            {
                throw new InvalidOperationException($"Embedded migration '{resource}' is not named V<major>_<minor>_<patch>__<Name>.sql.");
            }

            using Stream stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            var version = new Version(int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), int.Parse(match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture), int.Parse(match.Groups[3].Value, System.Globalization.CultureInfo.InvariantCulture));
            migrations.Add(new Migration(version, match.Groups[4].Value, reader.ReadToEnd()));
        }

        migrations.Sort((a, b) => a.Version.CompareTo(b.Version));
        return migrations;
    }

    [GeneratedRegex(@"^V(\d+)_(\d+)_(\d+)__([A-Za-z0-9]+)\.sql$")]
    private static partial Regex FileName();
}
