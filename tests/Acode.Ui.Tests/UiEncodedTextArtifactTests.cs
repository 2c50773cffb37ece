using System.Net;
using System.Text;
using Acode.Application.Options;
using Acode.Application.Redaction;
using Acode.Cli.Tests.Support;
using Acode.Domain.Entities;
using Acode.Infrastructure;
using Acode.Infrastructure.Sqlite;
using Acode.Ui.Tests.Support;

namespace Acode.Ui.Tests;

/// <summary>
/// A text artifact that is not UTF-8 (a <c>.env</c> in Latin-1, a PowerShell log in UTF-16) is shown as text, read as the
/// redaction reads it (<see cref="ArtifactText"/>), with a line naming the encoding: the page said "Binary content; not
/// shown", so a user could not see that its token was replaced (trial AX X4). Bytes without a text media type stay
/// "Binary content"; declared text holding a NUL byte is shown, the NUL as a control character (trial AY F7).
/// </summary>
public sealed class UiEncodedTextArtifactTests : IDisposable
{
    private const string Token = "ghp_8Vq2Lm5Xr9Tb3Nw7Kc1Hz6Pf4Dj0Sg2Ya5Ue";
    private readonly CliWorkspace _workspace = new();

    [Fact]
    public async Task Latin_1_and_UTF_16_text_artifacts_are_shown_as_text_with_their_encoding_and_token_replaced()
    {
        string sessionId;
        string latin1, utf16, utf16BigEndian, octets, withNul, utf8;
        using (SqliteWorkspaceDatabase database = SqliteWorkspaceDatabase.Open(new Workspace(_workspace.Root)))
        {
            var store = new SqliteRunStateStore(database, redactor: SecretRedactor.From(new RedactionOptions()));
            Session session = await store.CreateSessionAsync("Encodings");
            string Add(string name, string mediaType, byte[] content) => session.AddArtifact(name, ArtifactKind.File, mediaType, content).Id.Value;
            latin1 = Add(".env", "text/plain", Encoding.Latin1.GetBytes($"# café crème\nGITHUB_TOKEN={Token}\n"));
            utf16 = Add("build.log", "text/plain; charset=utf-16", [0xFF, 0xFE, .. Encoding.Unicode.GetBytes($"Write-Host 'héllo' {Token}")]);
            utf16BigEndian = Add("be.log", "text/x-log", [0xFE, 0xFF, .. Encoding.BigEndianUnicode.GetBytes("naïve")]);
            octets = Add("blob.bin", "application/octet-stream", Encoding.Latin1.GetBytes("café au lait"));
            withNul = Add("nul.txt", "text/plain", [.. Encoding.Latin1.GetBytes("caf\u00e9"), 0x00, 0x41]);
            utf8 = Add("notes.txt", "text/plain", [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes("crème brûlée")]);
            await store.SaveAsync(session);
            sessionId = session.Id.Value;
        }

        await using UiProcess ui = await UiProcess.StartAsync(_workspace);
        using UiHttp http = await UiHttp.ConnectAsync(ui);

        UiAnswer env = await GetAsync(http, sessionId, latin1);
        Assert.Contains("<pre class=\"content\" id=\"artifact-content\"># café crème\nGITHUB_TOKEN=[REDACTED:", env.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("ghp_", env.Text, StringComparison.Ordinal);
        Assert.Contains("Its bytes are not UTF-8; its media type says text, so it is shown read as ISO-8859-1 (Latin-1).", env.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("Binary content", env.Text, StringComparison.Ordinal);

        UiAnswer log = await GetAsync(http, sessionId, utf16);
        Assert.Contains($"id=\"artifact-content\">Write-Host 'héllo' [REDACTED:{BuiltInSecretRules.GitHubToken}]</pre>", log.Text, StringComparison.Ordinal);
        Assert.Contains("shown read as UTF-16 (little-endian).", log.Text, StringComparison.Ordinal);

        UiAnswer bigEndian = await GetAsync(http, sessionId, utf16BigEndian);
        Assert.Contains("id=\"artifact-content\">naïve</pre>", bigEndian.Text, StringComparison.Ordinal);
        Assert.Contains("shown read as UTF-16 (big-endian).", bigEndian.Text, StringComparison.Ordinal);

        UiAnswer binary = await GetAsync(http, sessionId, octets);
        Assert.Contains("Binary content (12 B); not shown.", binary.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("artifact-content", binary.Body, StringComparison.Ordinal);

        // Declared text holding a NUL is shown as read, the NUL as a control character (trial AY F7).
        UiAnswer nul = await GetAsync(http, sessionId, withNul);
        Assert.Contains("id=\"artifact-content\">café<span class=\"ctl\">\\u0000</span>A</pre>", nul.Text, StringComparison.Ordinal);
        Assert.Contains("shown read as ISO-8859-1 (Latin-1).", nul.Text, StringComparison.Ordinal);

        UiAnswer notes = await GetAsync(http, sessionId, utf8);
        Assert.Contains("id=\"artifact-content\">crème brûlée</pre>", notes.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("artifact-encoding", notes.Body, StringComparison.Ordinal);
    }

    public void Dispose() => _workspace.Dispose();

    private static async Task<UiAnswer> GetAsync(UiHttp http, string sessionId, string artifactId)
    {
        UiAnswer page = await http.GetAsync($"/sessions/{sessionId}/artifacts/{artifactId}");
        Assert.True(page.Status == HttpStatusCode.OK, page.ToString());
        return page;
    }
}
