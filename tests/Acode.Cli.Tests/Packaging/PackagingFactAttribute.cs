namespace Acode.Cli.Tests.Packaging;

/// <summary>
/// A test that packs and installs the tool (a Release build, one to two minutes): it runs when
/// <c>ACODE_TEST_PACKAGING=1</c> (CI sets it) and is skipped otherwise, so a developer's test loop stays short.
/// Run it alone with <c>ACODE_TEST_PACKAGING=1 dotnet test tests/Acode.Cli.Tests --filter Category=Packaging</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PackagingFactAttribute : FactAttribute
{
    public const string Variable = "ACODE_TEST_PACKAGING";

    public PackagingFactAttribute()
    {
        if (Environment.GetEnvironmentVariable(Variable) != "1")
        {
            Skip = $"packs and installs the dotnet tool; set {Variable}=1 to run it";
        }
    }
}
