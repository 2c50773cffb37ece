using System.Text.Json;
using Acode.Domain.Text;

namespace Acode.Domain.Tests.Text;

/// <summary>What happens to escapes of surrogates in JSON acode reads (transcripts, export lines, PostgreSQL documents) before it is parsed.</summary>
public sealed class JsonEscapesTests
{
    [Theory]
    [InlineData("""{"a":"x\ud800y"}""", """{"a":"x\uFFFDy"}""")] // lone high
    [InlineData("""{"a":"x\uDC00y"}""", """{"a":"x\uFFFDy"}""")] // lone low, upper-case hex
    [InlineData("""{"a":"\ud800\ud800\udc00"}""", """{"a":"\uFFFD\ud800\udc00"}""")] // a high before a pair
    [InlineData("""{"a":"\udc00\ud800"}""", """{"a":"\uFFFD\uFFFD"}""")] // low then high: both lone
    [InlineData("""{"\ud800":"\ud800\n"}""", """{"\uFFFD":"\uFFFD\n"}""")] // a property name; a high before another escape
    [InlineData("""{"a":"end\ud800"}""", """{"a":"end\uFFFD"}""")] // at the end of a string
    public void An_escape_of_a_lone_surrogate_becomes_U_FFFD(string json, string expected)
    {
        string wellFormed = JsonEscapes.WellFormed(json);

        Assert.Equal(expected, wellFormed);
        using JsonDocument document = JsonDocument.Parse(wellFormed);
        foreach (JsonProperty property in document.RootElement.EnumerateObject())
        {
            Assert.True(TextContent.IsWellFormed(property.Name + property.Value.GetString()));
        }
    }

    [Theory]
    [InlineData("""{"a":"\ud83d\ude80 rocket"}""")] // a pair
    [InlineData("""{"a":"\\ud800 is text"}""")] // an escaped backslash, then the letters ud800
    [InlineData("""{"a":"\\\ud83d\ude80"}""")] // an escaped backslash, then a pair
    [InlineData("""{"a":"no escapes"}""")]
    public void Well_formed_text_is_left_as_it_is(string json)
    {
        Assert.Same(json, JsonEscapes.WellFormed(json));
    }

    [Theory]
    [InlineData("""{"a":"no escapes"}""", -1)]
    [InlineData("""{"a":"\\ud800 is text"}""", -1)]
    [InlineData("""{"a":"\ud83d\ude80","b":"x\ud800"}""", 26)]
    [InlineData("{\n  \"\\udc00\": 1}", 5)]
    public void IndexOfUnpaired_finds_the_backslash_of_the_first_lone_escape(string json, int expected)
    {
        Assert.Equal(expected, JsonEscapes.IndexOfUnpaired(json));
    }
}
