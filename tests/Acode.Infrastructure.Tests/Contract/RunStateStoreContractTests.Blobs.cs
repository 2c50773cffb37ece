using System.Text;
using Acode.Application;
using Acode.Domain.Entities;
using Acode.Infrastructure.Tests.Support;

namespace Acode.Infrastructure.Tests.Contract;

/// <summary>Large content (issue 13 part 3, docs/storage.md): stored once as a compressed blob, read back byte for byte.</summary>
public abstract partial class RunStateStoreContractTests
{
    private static readonly System.Text.Json.JsonSerializerOptions RelaxedJson = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Text no codec or prefix cut may change: CRLF and bare CR, tabs, astral characters across the 512-character cut, combining marks, RTL, control characters.</summary>
    public static string AwkwardText(int length)
    {
        var text = new StringBuilder();
        string[] pieces = ["line one\r\n", "bare cr\r", "\ttab\tand trailing space \n", "\U0001F600\U0001F4A9 astral ", "e\u0301 combining ", "\u05E9\u05DC\u05D5\u05DD rtl ", "\u0001\u001F\u007F controls ", "\uFEFF bom ", "ünïcödé "];
        for (int i = 0; text.Length < length; i++)
        {
            text.Append(pieces[i % pieces.Length]).Append(i).Append(' ');
        }

        return text.ToString();
    }

    [Fact]
    public async Task Large_arguments_results_and_artifacts_come_back_byte_for_byte()
    {
        // An astral character straddles the prefix cut: the kept prefix must not split it, and the whole value must survive.
        string arguments = "{\"path\":\"" + new string('x', 502) + "\U0001F600\",\"content\":"
            + System.Text.Json.JsonSerializer.Serialize(AwkwardText(20_000), RelaxedJson) + "}";
        string result = AwkwardText(300_000);
        byte[] binary = new byte[100_000];
        new Random(13).NextBytes(binary);
        byte[] utf8 = Encoding.UTF8.GetBytes(AwkwardText(50_000));
        Session session = Session.Create("large content");
        Step step = session.AddTask("t").AddStep("s");
        ToolCall call = step.AddToolCall("read_file", arguments);
        call.Succeed(result);
        ToolCall again = step.AddToolCall("read_file", arguments);
        again.Succeed(result);
        session.AddArtifact("random.bin", ArtifactKind.File, "application/octet-stream", binary, step.Id, call.Id);
        session.AddArtifact("notes.txt", ArtifactKind.Log, "text/plain", utf8, step.Id, call.Id);
        await Store.SaveAsync(session);

        Session loaded = (await (await OpenOtherStoreAsync()).GetSessionAsync(session.Id))!;

        Assert.Equal(arguments, loaded.FindToolCall(call.Id)!.ArgumentsJson);
        Assert.Equal(result, loaded.FindToolCall(call.Id)!.Result);
        Assert.Equal(result, loaded.FindToolCall(again.Id)!.Result);
        Assert.Equal(binary, loaded.Artifacts[0].Content!.Value.ToArray());
        Assert.Equal(utf8, loaded.Artifacts[1].Content!.Value.ToArray());
        Assert.Equal(TestSessions.Documents(session), TestSessions.Documents(loaded));
    }

    [Fact]
    public async Task A_large_result_completed_later_and_saved_again_comes_back_whole()
    {
        Session session = Session.Create("updated");
        ToolCall call = session.AddTask("t").AddStep("s").AddToolCall("run_tests", "{}");
        await Store.SaveAsync(session);
        string log = AwkwardText(64_000);
        call.Succeed(log);
        await Store.SaveAsync(session);
        session.Rename("renamed after the large result");
        await Store.SaveAsync(session);

        Session loaded = (await Store.GetSessionAsync(session.Id))!;

        Assert.Equal(log, loaded.FindToolCall(call.Id)!.Result);
        Assert.Equal(TestSessions.Documents(session), TestSessions.Documents(loaded));
    }
}
