using Acode.Cli.Tests.Support;
using Acode.Testing;

namespace Acode.Cli.Tests.Commands;

/// <summary>
/// A workspace path, <c>.agent</c> or database file that is a symbolic link to nothing is said to be one (ACODE-DB-001,
/// nothing created), not "a file, not a folder" or a .NET "could not find file"; a workspace folder this user may not
/// enter is ACODE-DB-001 for what is denied, not "no acode workspace here, run acode demo" (README, the ACODE-DB-001 row);
/// a configuration file this user may not read is ACODE-DB-007 (README, Configuration), not an internal error.
/// </summary>
public sealed class WorkspacePathLinkAndAccessTests : IDisposable
{
    private static readonly CommandRunner Stranger = CommandRunner.For("nobody");

    private readonly CliWorkspace _workspace = new();
    private readonly string _scratch = Directory.CreateTempSubdirectory("acode-links-").FullName;

    [Theory]
    [InlineData("db", "status")]
    [InlineData("demo")]
    public async Task A_workspace_path_that_is_a_link_to_nothing_is_said_to_be_one(params string[] command)
    {
        string link = Path.Combine(_scratch, "deadlink");
        string nowhere = Path.Combine(_scratch, "nowhere");
        File.CreateSymbolicLink(link, nowhere);

        AcodeResult result = await AcodeBinary.RunAsync(_scratch, _workspace.Environment, ["--workspace", link, .. command]);

        Assert.True(result.ExitCode == 11, result.ToString());
        string error = result.Stderr.ReplaceLineEndings(" ");
        Assert.Contains($"is a symbolic link to '{nowhere}', which does not exist. Nothing was created or changed.", error, StringComparison.Ordinal);
        Assert.DoesNotContain("is a file", error, StringComparison.Ordinal);
        Assert.False(Path.Exists(nowhere));
    }

    [Fact]
    public async Task A_database_file_that_is_a_link_to_nothing_is_said_to_be_one()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_workspace.DatabasePath)!);
        string nowhere = Path.Combine(_scratch, "gone.db");
        File.CreateSymbolicLink(_workspace.DatabasePath, nowhere);

        AcodeResult result = await _workspace.RunAsync("session", "list");

        Assert.True(result.ExitCode == 11, result.ToString());
        Assert.Contains($"'{_workspace.DatabasePath}' is a symbolic link to '{nowhere}', which does not exist.", result.Stderr.ReplaceLineEndings(" "), StringComparison.Ordinal);
        Assert.False(Path.Exists(nowhere));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_workspace_folder_this_user_may_not_enter_is_ACODE_DB_001_naming_that_folder_not_no_workspace(bool agentFolder)
    {
        // trial Y: a closed .agent/ said only "Access to the path … is denied" and to check that the folder may be written.
        await _workspace.RunOkAsync("demo");
        string closed = agentFolder ? Path.Combine(_workspace.Root, ".agent") : _workspace.Root;
        UnixFileMode mode = File.GetUnixFileMode(closed);
        UnixFileMode rootMode = File.GetUnixFileMode(_workspace.Root);
        if (agentFolder)
        {
            // The workspace folder open to the other user, its .agent/ not.
            File.SetUnixFileMode(_workspace.Root, rootMode | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        }

        // Open to its owner only (another user runs the commands), or closed to everyone when the tests' user runs them.
        File.SetUnixFileMode(closed, Stranger.SwitchesUser ? UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute : UnixFileMode.None);
        try
        {
            foreach (string[] command in (string[][])[["db", "status"], ["session", "list"]])
            {
                AcodeResult result = await AcodeBinary.RunAsync(Stranger, Path.GetTempPath(), _workspace.Environment, ["--workspace", _workspace.Root, .. command]);

                Assert.True(result.ExitCode == 11, result.ToString());
                Assert.Contains("ACODE-DB-001", result.Stderr, StringComparison.Ordinal);
                Assert.DoesNotContain("No acode workspace", result.Stderr, StringComparison.Ordinal);
                if (Stranger.SwitchesUser)
                {
                    Assert.Contains($"may not enter the folder '{closed}' (its permissions are rwx------)", result.Stderr, StringComparison.Ordinal);
                    Assert.Contains($"chmod o+x '{closed}'", result.Stderr, StringComparison.Ordinal);
                }
            }
        }
        finally
        {
            File.SetUnixFileMode(closed, mode);
            File.SetUnixFileMode(_workspace.Root, rootMode);
        }
    }

    [Fact]
    public async Task A_configuration_file_this_user_may_not_read_is_ACODE_DB_007_not_a_crash()
    {
        await _workspace.RunOkAsync("demo");
        string config = Path.Combine(_workspace.Root, ".agent", "config.json");
        await File.WriteAllTextAsync(config, "{}");
        File.SetUnixFileMode(config, UnixFileMode.UserRead | UnixFileMode.UserWrite); // root's, after a sudo edit
        File.SetUnixFileMode(_workspace.Root, (UnixFileMode)0b111_101_101); // the folders themselves may be entered
        File.SetUnixFileMode(Path.GetDirectoryName(config)!, (UnixFileMode)0b111_101_101);

        foreach (string[] command in (string[][])[["db", "status"], ["session", "list"]])
        {
            AcodeResult result = await AcodeBinary.RunAsync(Stranger, Path.GetTempPath(), _workspace.Environment, ["--workspace", _workspace.Root, .. command]);

            Assert.True(result.ExitCode == 17, result.ToString());
            Assert.Contains($"ACODE-DB-007: Invalid configuration: {config} cannot be read as the configuration file: this user may not read it (permission denied).", result.Stderr, StringComparison.Ordinal);
            Assert.Contains("Try: Let this user read it (chmod a+r ", result.Stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("This is a bug", result.Stderr, StringComparison.Ordinal);
        }
    }

    public void Dispose()
    {
        _workspace.Dispose();
        Directory.Delete(_scratch, recursive: true);
    }
}
