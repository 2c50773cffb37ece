using System.Text.Json;
using Acode.Application;
using Acode.Application.Serialization;

namespace Acode.Infrastructure.Tests.Transcripts;

/// <summary>An imported session as stored, with its events and its export text.</summary>
internal sealed record ImportedSession(Session Session, IReadOnlyList<SessionEvent> Events, string Export)
{
    public IEnumerable<ToolCall> ToolCalls => Session.Tasks.SelectMany(t => t.Steps).SelectMany(s => s.ToolCalls);

    public static async Task<ImportedSession> LoadAsync(IRunStateStore store, string sessionId)
    {
        Session session = (await store.GetSessionAsync(SessionId.Parse(sessionId)))!;
        IReadOnlyList<SessionEvent> events = await store.ReadEventsAsync(session, 0, 10_000);
        using var writer = new StringWriter();
        await SessionArchive.WriteAsync(writer, store, session);
        return new ImportedSession(session, events, writer.ToString());
    }

    /// <summary>
    /// No lone surrogate anywhere: not in the export (not even escaped, at any depth: the embedded JSON of arguments and
    /// payloads included), and every string of every document and of its embedded JSON reads.
    /// </summary>
    public void AssertWellFormed()
    {
        foreach (string escape in (string[])["ud800", "udc00", "udc01"])
        {
            Assert.DoesNotContain(escape, Export, StringComparison.OrdinalIgnoreCase);
        }

        foreach (string line in Export.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            using JsonDocument document = JsonDocument.Parse(line);
            ReadAll(document.RootElement);
        }

        static void ReadAll(JsonElement element)
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.Object:
                    foreach (JsonProperty property in element.EnumerateObject())
                    {
                        _ = property.Name;
                        ReadAll(property.Value);
                    }

                    break;
                case JsonValueKind.Array:
                    element.EnumerateArray().ToList().ForEach(ReadAll);
                    break;
                case JsonValueKind.String:
                    string text = element.GetString()!;
                    Assert.True(Acode.Domain.Text.TextContent.IsWellFormed(text), text);
                    if (text.StartsWith('{') && text.EndsWith('}'))
                    {
                        using (JsonDocument embedded = JsonDocument.Parse(text))
                        {
                            ReadAll(embedded.RootElement);
                        }
                    }

                    break;
            }
        }
    }
}
