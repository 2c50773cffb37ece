using System.Text.Json.Nodes;
using Acode.Cli.Tests.Support;

namespace Acode.Cli.Tests.Commands;

/// <summary>
/// <c>acode session import</c> refusing a line that is not JSON quotes it as every refused value is quoted: redacted
/// with the built-in rules and cut (docs/secrets.md). System.Text.Json's own message quotes text that starts like a
/// literal (<c>t</c>, <c>f</c>, <c>n</c>) up to its next delimiter, a whole line of a wrong file (trial AU 1).
/// </summary>
[Trait("Issue", "trialAU.1")]
public sealed class SessionImportSecretErrorTests : IDisposable
{
    private const string Token = "ghp_Zq8Kx1Lm2Np3Rs4Tu5Vw6Xy7Ab8Cd9Ef0GhIj";
    private const string Password = "Xy7!kP2qLm9vRt4zWs";
    private readonly CliWorkspace _workspace = new();
    private readonly CliWorkspace _other = new();

    [Theory]
    [InlineData("token=" + Token)]
    [InlineData("token: " + Token + " and a long tail of words that goes on and on past any cut at all")]
    [InlineData("{\"entity\":\"Session\",\"title\": token=" + Token + "}")]
    public async Task A_line_that_is_not_JSON_is_quoted_redacted_and_cut(string line)
    {
        string file = Path.Combine(_workspace.Root, "wrong.txt");
        await File.WriteAllTextAsync(file, line + "\n");

        AcodeResult result = await _workspace.RunAsync("session", "import", file);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("is an invalid JSON literal", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Zq8Kx1Lm2Np3", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("on and on", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tool_arguments_that_are_not_JSON_are_quoted_redacted()
    {
        AcodeResult result = await ImportDemoWithAsync("ToolCall", "arguments", "not json DB_PASSWORD=" + Password);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("must be one JSON value", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("'not json DB_PASSWORD=…' is an invalid JSON literal", result.Stderr, StringComparison.Ordinal); // redacted, then cut before the marker
        Assert.DoesNotContain(Password, result.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Session", "id", "token=" + Token)]
    [InlineData("SessionTask", "id", "token=" + Token)]
    [InlineData("SessionTask", "sessionId", "token=" + Token)]
    [InlineData("Step", "taskId", "token=" + Token)]
    [InlineData("Session", "id", "token=" + Token + " and a long tail that goes on and on and on past any cut at all")]
    [Trait("Issue", "trialAV.F8")]
    public async Task An_id_that_is_not_one_is_quoted_redacted_and_cut(string entity, string field, string value)
    {
        AcodeResult result = await ImportDemoWithAsync(entity, field, value);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("[REDACTED:github-token]", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Zq8Kx1Lm2Np3", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("past any cut", result.Stderr, StringComparison.Ordinal);
    }

    /// <summary>Imports into another workspace the demo's export with <paramref name="field"/> of the first <paramref name="entity"/> line set to <paramref name="value"/>.</summary>
    private async Task<AcodeResult> ImportDemoWithAsync(string entity, string field, string value)
    {
        await _workspace.RunOkAsync("demo");
        string export = Path.Combine(_workspace.Root, "export.jsonl");
        await _workspace.RunOkAsync("session", "export", "--all", "-o", export);
        string[] lines = await File.ReadAllLinesAsync(export);
        int at = Array.FindIndex(lines, l => JsonNode.Parse(l)!["entity"]!.GetValue<string>() == entity);
        JsonNode document = JsonNode.Parse(lines[at])!;
        document[field] = value;
        lines[at] = document.ToJsonString();
        await File.WriteAllLinesAsync(export, lines);
        return await _other.RunAsync("session", "import", export);
    }

    public void Dispose()
    {
        _workspace.Dispose();
        _other.Dispose();
    }
}
