using Acode.Domain.Text;

namespace Acode.Domain.Tests.Text;

public class JsonTextTests
{
    [Theory]
    [InlineData("{}")]
    [InlineData(" [1, \"two\", {\"three\": null}] ")]
    [InlineData("true")]
    [InlineData("\"\\u0000\"")]
    public void Validate_returns_the_same_text_for_one_json_value(string json)
    {
        Assert.Same(json, JsonText.Validate(json, "arg"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("{} []")]
    [InlineData("{\"a\":1,}")]
    [InlineData("/* c */ 1")]
    [InlineData("'single'")]
    public void Validate_throws_ArgumentException_naming_the_parameter_for_anything_else(string json)
    {
        var ex = Assert.Throws<ArgumentException>(() => JsonText.Validate(json, "payload"));

        Assert.Equal("payload", ex.ParamName);
        Assert.StartsWith("payload must be one JSON value nested at most 64 deep", ex.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<System.Text.Json.JsonException>(ex.InnerException);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(63)]
    [InlineData(64)]
    public void Validate_accepts_nesting_up_to_MaxDepth(int depth)
    {
        string json = string.Concat(Enumerable.Repeat("{\"a\":", depth - 1)) + "{}" + new string('}', depth - 1);

        Assert.Same(json, JsonText.Validate(json, "arg"));
    }

    [Theory]
    [InlineData(65)]
    [InlineData(1000)]
    public void Validate_rejects_nesting_deeper_than_MaxDepth(int depth)
    {
        string json = new string('[', depth) + new string(']', depth);

        Assert.Throws<ArgumentException>(() => JsonText.Validate(json, "arg"));
    }

    [Fact]
    public void Validate_throws_ArgumentNullException_for_null()
    {
        var ex = Assert.Throws<ArgumentNullException>(() => JsonText.Validate(null!, "arg"));

        Assert.Equal("arg", ex.ParamName);
    }
}
