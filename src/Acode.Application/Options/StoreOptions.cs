namespace Acode.Application.Options;

/// <summary>
/// Which run-state store an agent host uses (configuration section <c>persistence:store</c>): the workspace's SQLite file
/// (the default) or PostgreSQL directly (docs/postgres.md, "The PostgreSQL store").
/// </summary>
public sealed class StoreOptions
{
    /// <summary>The configuration key of <see cref="Kind"/>, as named in error messages.</summary>
    public const string KindKey = "persistence:store:kind";

    /// <summary>The engine of the run-state store. <see cref="RunStateStoreKind.Postgres"/> needs <c>persistence:postgres:connectionString</c> (or <c>ACODE_POSTGRES_URL</c>).</summary>
    public RunStateStoreKind Kind { get; set; } = RunStateStoreKind.Sqlite;

    /// <summary>The origin id the PostgreSQL store writes into its rows; null (the default): <c>pg_</c> and a hash of the host name.</summary>
    public string? Origin { get; set; }

    /// <summary>The default of <see cref="BlobThresholdBytes"/>: 1 KiB, chosen by the storage benchmark (docs/storage.md).</summary>
    public const int DefaultBlobThresholdBytes = 1024;

    /// <summary>
    /// Tool-call arguments and results and artifact content larger than this many bytes (UTF-8) are stored once per distinct
    /// content, compressed, in the <c>blobs</c> table of either engine (docs/storage.md). Default 1024; 256 to 1073741824.
    /// </summary>
    public int BlobThresholdBytes { get; set; } = DefaultBlobThresholdBytes;

    /// <summary>The declarations of this section's settings: key, range, default, meaning (README table, binding, <see cref="Validate"/>).</summary>
    internal static IReadOnlyList<OptionDescriptor> Descriptors { get; } =
    [
        Section.Choice("kind", RunStateStoreKind.Sqlite, o => o.Kind, (o, v) => o.Kind = v,
            "where an agent host keeps run state: `Sqlite`, the workspace file synced to PostgreSQL, or `Postgres`, the configured PostgreSQL directly (no SQLite file; for servers without a durable disk)"),
        Section.Text("origin", "1 to 64 letters, digits, `_`, `-` or `.`", o => o.Origin, (o, v) => o.Origin = v,
            "the origin id the PostgreSQL store writes into its rows (`sessions.origin`, `sync_applied`); unset: `pg_` and 16 hex digits of the SHA-256 of the host name"),
        Section.Integer("blobThresholdBytes", "bytes", DefaultBlobThresholdBytes, 256, 1073741824, o => o.BlobThresholdBytes, (o, v) => o.BlobThresholdBytes = (int)v,
            "tool-call arguments and results and artifact content larger than this are stored once per distinct content, compressed, and named by their SHA-256 (both stores; docs/storage.md); search indexes their first 65,536 characters, as it does any field's"),
    ];

    private static OptionSection<StoreOptions> Section => new("persistence:store");

    /// <summary>Checks every value against its declaration in <see cref="Descriptors"/>.</summary>
    /// <exception cref="Errors.AcodeDbException">ACODE-DB-007 naming the first invalid key.</exception>
    public void Validate()
    {
        foreach (OptionDescriptor descriptor in Descriptors)
        {
            descriptor.Check(this);
        }

        if (Origin is { } origin && (origin.Length is < 1 or > 64 || !origin.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.')))
        {
            throw Errors.AcodeErrors.InvalidConfiguration("persistence:store:origin", origin, "1 to 64 letters, digits, `_`, `-` or `.`");
        }
    }
}
