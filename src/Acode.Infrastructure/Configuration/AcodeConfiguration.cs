using System.Text.Json;
using Acode.Application.Errors;
using Acode.Application.Options;
using Acode.Infrastructure.Postgres;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;

namespace Acode.Infrastructure.Configuration;

/// <summary>
/// The one way acode's configuration is read, by the CLI and by hosts alike: <c>.agent/config.json</c> (section
/// <c>persistence</c>), overridden by <c>ACODE_</c> environment variables (<c>ACODE_PERSISTENCE__SYNC__BATCHSIZE=100</c>),
/// then <c>ACODE_POSTGRES_URL</c> over the connection string (AC-024). Every key is parsed and checked against its
/// declaration (<see cref="PersistenceOptionCatalog"/>); any fault is ACODE-DB-007 naming the key, where the value came
/// from and the accepted values. A key under <c>persistence</c> that no setting has is refused, with the closest known key.
/// </summary>
public static class AcodeConfiguration
{
    /// <summary>
    /// Adds the workspace's <c>.agent/config.json</c> (optional) and the <c>ACODE_</c> environment variables, in that
    /// order, exactly as the CLI reads them. A file that is not valid JSON is ACODE-DB-007 naming the file, line and column;
    /// a path that holds no regular file (a folder, a fifo, a socket, a device, a symbolic link to nothing or one that
    /// loops) is ACODE-DB-007 saying what is there, found before the file is opened (<see cref="ConfigFileKind"/>).
    /// </summary>
    /// <exception cref="AcodeDbException">ACODE-DB-007: the path holds no regular file, or the file is not valid JSON (thrown when the configuration is built or, with a <see cref="ConfigurationManager"/>, at once).</exception>
    public static IConfigurationBuilder AddAcodeWorkspaceConfiguration(this IConfigurationBuilder builder, Workspace workspace)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(workspace);
        string path = workspace.ConfigPath;
        return builder
            .Add<WorkspaceConfigFileSource>(source =>
            {
                source.FullPath = path;
                source.Path = path;
                source.ResolveFileProvider(); // the nearest existing folder of the path (always full: Workspace makes it so), never the app's own folder
                source.Optional = true;
                source.ReloadOnChange = false;
                source.OnLoadException = context => throw Unreadable(path, context.Exception);
            })
            .AddEnvironmentVariables("ACODE_");
    }

    /// <summary>Reads and validates the workspace's configuration as the CLI does (<see cref="AddAcodeWorkspaceConfiguration"/>, then <see cref="Load(IConfiguration)"/>).</summary>
    /// <exception cref="AcodeDbException">ACODE-DB-007 naming the first bad key (or the unreadable file).</exception>
    internal static LoadedPersistenceOptions Load(Workspace workspace)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        return Load(new ConfigurationBuilder().AddAcodeWorkspaceConfiguration(workspace).Build());
    }

    /// <summary>
    /// As <see cref="Load(Workspace)"/>, for the command line, which always works on the workspace's SQLite database:
    /// <c>persistence:store:kind = Postgres</c> is for agent hosts, so it is set back to <c>Sqlite</c> (before validating,
    /// so it refuses no command for lack of a connection string) and a note says so, naming where the setting came from.
    /// </summary>
    /// <exception cref="AcodeDbException">ACODE-DB-007 naming the first bad key (or the unreadable file).</exception>
    internal static LoadedPersistenceOptions LoadForCommandLine(Workspace workspace)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        IConfigurationRoot configuration = new ConfigurationBuilder().AddAcodeWorkspaceConfiguration(workspace).Build();
        var options = new PersistenceOptions();
        PersistenceConfigurationBinder.Bind(configuration, options);
        var notes = new List<string>();
        if (options.Store.Kind == RunStateStoreKind.Postgres)
        {
            options.Store.Kind = RunStateStoreKind.Sqlite;
            notes.Add($"{StoreOptions.KindKey} = Postgres (from {PersistenceConfigurationBinder.SourceOf(configuration, StoreOptions.KindKey)}) is for agent hosts and is ignored here: "
                + $"the command line always works on the workspace's SQLite database ({Workspace.AgentFolderName}/{Workspace.DatabaseFileName}); 'acode db sync' sends it to PostgreSQL and --remote reads PostgreSQL.");
        }

        return new LoadedPersistenceOptions(options, Finish(configuration, options)) { Notes = notes };
    }

    /// <summary>Binds the <c>persistence</c> section of <paramref name="configuration"/> key by key, validates it, and applies <c>ACODE_POSTGRES_URL</c>.</summary>
    /// <exception cref="AcodeDbException">ACODE-DB-007 naming the first bad key.</exception>
    internal static LoadedPersistenceOptions Load(IConfiguration configuration)
    {
        var options = new PersistenceOptions();
        IReadOnlyList<string> warnings = Bind(configuration, options);
        return new LoadedPersistenceOptions(options, warnings);
    }

    /// <summary>Sets <paramref name="options"/> from <paramref name="configuration"/> as <see cref="Load(IConfiguration)"/> does.</summary>
    /// <returns>Warnings for the user (without the <c>Warning:</c> prefix); never a password.</returns>
    /// <exception cref="AcodeDbException">ACODE-DB-007 naming the first bad key.</exception>
    public static IReadOnlyList<string> Bind(IConfiguration configuration, PersistenceOptions options)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(options);
        PersistenceConfigurationBinder.Bind(configuration, options);
        return Finish(configuration, options);
    }

    /// <summary>After binding: applies <c>ACODE_POSTGRES_URL</c>, validates, and returns the warnings about the connection string.</summary>
    private static IReadOnlyList<string> Finish(IConfiguration configuration, PersistenceOptions options)
    {
        string? environmentUrl = Environment.GetEnvironmentVariable(PostgresOptions.EnvironmentVariable);
        // Before validating: ACODE_POSTGRES_URL is a connection string as good as the file's for the settings that need one.
        PostgresConfiguration.ApplyEnvironment(options, environmentUrl);
        try
        {
            options.Validate();
        }
        catch (AcodeDbException ex)
        {
            throw AcodeErrors.NamingSource(ex, key => PersistenceConfigurationBinder.FindSource(configuration, key), key => PersistenceConfigurationBinder.ItemKey(configuration, key));
        }

        (string Path, string? Value)? file = PersistenceConfigurationBinder.FileValue(configuration, PostgresOptions.ConnectionStringKey);
        try
        {
            return PostgresConfiguration.Check(options, file?.Value, environmentUrl, file?.Path ?? Workspace.AgentFolderName + "/" + Workspace.ConfigFileName);
        }
        catch (AcodeDbException ex)
        {
            // The connection string names where it came from (the file, ACODE_PERSISTENCE__POSTGRES__CONNECTIONSTRING), never its value.
            throw AcodeErrors.NamingSource(ex, key => PersistenceConfigurationBinder.FindSource(configuration, key));
        }
    }

    private static AcodeDbException Unreadable(string path, Exception exception)
    {
        Exception cause = exception.InnerException ?? exception;
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            cause = e is JsonException ? e : cause;
        }

        if (cause is not JsonException && ConfigFileStructure.Describe(path) is { } structure)
        {
            // JSON, but not what a configuration can be (an array, a key given twice): not "not valid JSON".
            return AcodeErrors.UnusableConfigurationFile(path, structure, inner: exception);
        }

        string problem = cause switch
        {
            JsonException { LineNumber: { } line } json when ConfigFileShape.Describe(path, line, json.BytePositionInLine ?? 0) is { } shape => shape,
            JsonException { LineNumber: { } line } json =>
                $"line {line + 1}, column {(json.BytePositionInLine ?? 0) + 1}: {Acode.Application.Redaction.JsonErrorText.Safe(json.Message).Split(" LineNumber:")[0].Split(" Path:")[0].TrimEnd('.', ' ')}",
            _ => ConfigFileSurrogates.Describe(path) ?? cause.Message.TrimEnd('.'),
        };
        return AcodeErrors.UnreadableConfigurationFile(path, problem, exception);
    }
}
