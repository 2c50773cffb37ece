namespace Acode.Application.Options;

/// <summary>All persistence settings (configuration section <c>persistence</c> of <c>.agent/config.json</c>).</summary>
public sealed class PersistenceOptions
{
    public const string SectionName = "persistence";

    public SqliteOptions Sqlite { get; set; } = new();

    /// <exception cref="Errors.AcodeDbException">ACODE-DB-007 naming the first invalid key.</exception>
    public void Validate()
    {
        Sqlite.Validate($"{SectionName}:sqlite");
    }
}
