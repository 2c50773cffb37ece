using Acode.Infrastructure.Tests.Support;

namespace Acode.Infrastructure.Tests;

public sealed class WorkspaceLocatorTests : IDisposable
{
    private readonly TempWorkspace _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    [Trait("AC", "AC-001")]
    public void Locate_prefers_the_explicit_path_over_the_environment_and_the_walk_up()
    {
        string nested = NestedUnderAgentFolder();
        string explicitPath = Directory.CreateDirectory(Path.Combine(_temp.Root, "explicit")).FullName;
        string environment = Directory.CreateDirectory(Path.Combine(_temp.Root, "env")).FullName;

        Workspace workspace = WorkspaceLocator.Locate(explicitPath, environment, nested);

        Assert.Equal(explicitPath, workspace.RootDirectory);
    }

    /// <summary>A folder given with a trailing separator (<c>-w ../</c>) is the folder itself, shown without it (trial X).</summary>
    [Fact]
    public void A_given_folder_loses_its_trailing_separator_and_the_root_keeps_its_own()
    {
        string nested = NestedUnderAgentFolder();
        string parent = Path.GetDirectoryName(nested)!;

        Assert.Equal(parent, WorkspaceLocator.Locate("../", null, nested).RootDirectory);
        Assert.Equal(parent, WorkspaceLocator.Locate(null, parent + "/", nested).RootDirectory);
        Assert.Equal("/", WorkspaceLocator.Locate("/", null, nested).RootDirectory);
    }

    [Fact]
    [Trait("AC", "AC-001")]
    public void Locate_uses_the_environment_value_when_no_explicit_path_is_given()
    {
        string nested = NestedUnderAgentFolder();
        string environment = Directory.CreateDirectory(Path.Combine(_temp.Root, "env")).FullName;

        Assert.Equal(environment, WorkspaceLocator.Locate(null, environment, nested).RootDirectory);
        Assert.Equal(environment, WorkspaceLocator.Locate("  ", environment, nested).RootDirectory);
    }

    [Fact]
    [Trait("AC", "AC-001")]
    public void Locate_resolves_relative_paths_against_the_current_folder()
    {
        Workspace fromExplicit = WorkspaceLocator.Locate("sub/ws", null, _temp.Root);
        Workspace fromEnvironment = WorkspaceLocator.Locate(null, "../other", Path.Combine(_temp.Root, "here"));

        Assert.Equal(Path.Combine(_temp.Root, "sub", "ws"), fromExplicit.RootDirectory);
        Assert.Equal(Path.Combine(_temp.Root, "other"), fromEnvironment.RootDirectory);
    }

    [Fact]
    [Trait("AC", "AC-001")]
    public void Locate_walks_up_to_the_nearest_folder_holding_agent()
    {
        Directory.CreateDirectory(Path.Combine(_temp.Root, ".agent"));
        string inner = Path.Combine(_temp.Root, "repo");
        Directory.CreateDirectory(Path.Combine(inner, ".agent"));
        string deep = Directory.CreateDirectory(Path.Combine(inner, "src", "lib", "deep")).FullName;

        Assert.Equal(inner, WorkspaceLocator.Locate(null, null, deep).RootDirectory);
        Assert.Equal(inner, WorkspaceLocator.Locate(null, null, inner).RootDirectory);
        Assert.Equal(_temp.Root, WorkspaceLocator.Locate(null, null, Path.Combine(_temp.Root, "elsewhere")).RootDirectory);
    }

    [Fact]
    [Trait("AC", "AC-001")]
    public void Locate_falls_back_to_the_current_folder_when_no_agent_folder_exists_above()
    {
        string current = Directory.CreateDirectory(Path.Combine(_temp.Root, "a", "b")).FullName;
        for (DirectoryInfo? dir = new(current); dir is not null; dir = dir.Parent)
        {
            Assert.False(Directory.Exists(Path.Combine(dir.FullName, ".agent")), $"precondition: no .agent above the test folder ({dir.FullName})");
        }

        Assert.Equal(current, WorkspaceLocator.Locate(null, null, current).RootDirectory);
    }

    [Fact]
    [Trait("AC", "AC-001")]
    public void Workspace_database_path_is_agent_workspace_db_under_the_root()
    {
        Workspace workspace = WorkspaceLocator.Locate(_temp.Root, null, "/");

        Assert.Equal(Path.Combine(_temp.Root, ".agent"), workspace.AgentDirectory);
        Assert.Equal(Path.Combine(_temp.Root, ".agent", "workspace.db"), workspace.DatabasePath);
    }

    private string NestedUnderAgentFolder()
    {
        Directory.CreateDirectory(Path.Combine(_temp.Root, ".agent"));
        return Directory.CreateDirectory(Path.Combine(_temp.Root, "src", "nested")).FullName;
    }
}
