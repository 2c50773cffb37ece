using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Acode.Cli.Output;

/// <summary>Writes <c>--json</c> output: one indented JSON document on standard output, camelCase keys.</summary>
internal static class JsonOutput
{
    private static readonly JsonSerializerOptions Options = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static void Write(JsonNode node) => Console.Out.WriteLine(node.ToJsonString(Options));
}
