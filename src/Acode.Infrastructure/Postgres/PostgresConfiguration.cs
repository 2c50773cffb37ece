using Acode.Application.Errors;
using Acode.Application.Options;

namespace Acode.Infrastructure.Postgres;

/// <summary>
/// The PostgreSQL part of loading the configuration (AC-023, AC-024): <c>ACODE_POSTGRES_URL</c> overrides the
/// connection string of the config file, the effective connection string is checked early, and a password written
/// in the file is accepted with a warning. Hosts (the CLI, the agent) call <see cref="Apply"/> once after binding.
/// </summary>
internal static class PostgresConfiguration
{
    /// <summary>Applies the environment override (<see cref="ApplyEnvironment"/>), then checks the result (<see cref="Check"/>).</summary>
    /// <param name="options">The options bound from the file; <see cref="PersistenceOptions.Postgres"/> is created when only the environment configures PostgreSQL.</param>
    /// <param name="fileConnectionString">The connection string as written in the config file itself (not overridden), or null.</param>
    /// <param name="environmentUrl">The value of <c>ACODE_POSTGRES_URL</c>, or null when unset.</param>
    /// <param name="configPath">The config file, as named in warnings.</param>
    /// <returns>Warnings for the user (without the <c>Warning:</c> prefix); never contains a password.</returns>
    /// <exception cref="AcodeDbException">ACODE-DB-007: the effective connection string cannot be used.</exception>
    public static IReadOnlyList<string> Apply(PersistenceOptions options, string? fileConnectionString, string? environmentUrl, string configPath)
    {
        ApplyEnvironment(options, environmentUrl);
        return Check(options, fileConnectionString, environmentUrl, configPath);
    }

    /// <summary>
    /// Puts <c>ACODE_POSTGRES_URL</c> (when set) over the connection string of the file. Call it before
    /// <see cref="PersistenceOptions.Validate"/>: settings that need PostgreSQL (<c>persistence:store:kind = Postgres</c>)
    /// are satisfied by the variable as much as by the file.
    /// </summary>
    /// <param name="options">The bound options; <see cref="PersistenceOptions.Postgres"/> is created when only the environment configures PostgreSQL.</param>
    /// <param name="environmentUrl">The value of <c>ACODE_POSTGRES_URL</c>, or null when unset.</param>
    public static void ApplyEnvironment(PersistenceOptions options, string? environmentUrl)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!string.IsNullOrWhiteSpace(environmentUrl))
        {
            options.Postgres ??= new PostgresOptions();
            options.Postgres.OverrideConnectionString(environmentUrl, PostgresOptions.EnvironmentVariable);
        }
    }

    /// <summary>Checks the effective connection string (after <see cref="ApplyEnvironment"/> and validation) and warns about a password in the file.</summary>
    /// <inheritdoc cref="Apply" path="/param"/>
    /// <inheritdoc cref="Apply" path="/returns"/>
    /// <inheritdoc cref="Apply" path="/exception"/>
    public static IReadOnlyList<string> Check(PersistenceOptions options, string? fileConnectionString, string? environmentUrl, string configPath)
    {
        ArgumentNullException.ThrowIfNull(options);
        var warnings = new List<string>();
        bool overridden = !string.IsNullOrWhiteSpace(environmentUrl);
        // A file value that another source replaced (ACODE_POSTGRES_URL, ACODE_PERSISTENCE__POSTGRES__CONNECTIONSTRING) is
        // not used: it is looked at for a password only, and the value in use is the one checked below.
        bool unused = overridden || !string.Equals(options.Postgres?.ConnectionString, fileConnectionString, StringComparison.Ordinal);
        if (!string.IsNullOrWhiteSpace(fileConnectionString) && FileValueHasPassword(fileConnectionString, unused))
        {
            warnings.Add(PasswordInFile(configPath, overridden));
        }

        if (options.PostgresConfigured)
        {
            PostgresConnectionSettings settings = PostgresConnectionSettings.From(options.Postgres!);
            if (settings.ReplacedSettings.Count > 0)
            {
                // The keys decide, so that the rules across them hold (leaseSeconds above commandTimeoutSeconds).
                warnings.Add($"The connection string ({options.Postgres!.ConnectionStringSource}) sets {string.Join(", and ", settings.ReplacedSettings)}: acode's settings decide these; set the key (in {configPath} or as ACODE_PERSISTENCE__POSTGRES__…) and drop it from the connection string.");
            }
        }

        return warnings;
    }

    /// <summary>The warning for a password written in the config file (the password itself is never part of it).</summary>
    public static string PasswordInFile(string configPath, bool overridden) =>
        $"{configPath} holds a password in {PostgresOptions.ConnectionStringKey}"
        + (overridden ? $" (not used: {PostgresOptions.EnvironmentVariable} overrides it)" : string.Empty)
        + $". Anyone who can read the file can read the password: prefer the {PostgresOptions.EnvironmentVariable} environment variable, PGPASSWORD or a ~/.pgpass file.";

    private static bool FileValueHasPassword(string value, bool unused)
    {
        try
        {
            return PostgresConnectionSettings.Parse(value, PostgresOptions.ConnectionStringKey).HasPassword;
        }
        catch (AcodeDbException) when (unused)
        {
            return false; // not used; the environment's value is checked instead
        }
    }
}
