using System.Text;
using Acode.Application.Serialization;

namespace Acode.Application.Tests.Serialization;

/// <summary>
/// <see cref="ExportLineReader"/> splits lines as <see cref="TextReader.ReadLine"/> does even when every byte arrives in a
/// read of its own (a <c>\r\n</c> split between reads is one line break), refuses bytes that are not UTF-8 (also a
/// sequence cut by the end of the file), and drops a long line its start refuses.
/// </summary>
public class ExportLineReaderTests
{
    [Theory]
    [InlineData("\uFEFFa\r\nb\rc\n\n\rd", new[] { "a", "b", "c", "", "", "d" })]
    [InlineData("a\r", new[] { "a" })]
    [InlineData("a\r\n", new[] { "a" })]
    [InlineData("", new string[0])]
    [InlineData("\uFEFF", new string[0])]
    [InlineData("x\uFEFF", new[] { "x\uFEFF" })]
    public async Task Lines_split_at_LF_CR_and_CR_LF_one_byte_per_read(string text, string[] expected)
    {
        var reader = new ExportLineReader(new OneByteAtATime(Encoding.UTF8.GetBytes(text)), _ => null);

        Assert.Equal(expected, await ReadAllAsync(reader));
    }

    [Fact]
    public async Task A_UTF_8_sequence_cut_by_the_end_of_the_file_is_refused()
    {
        var reader = new ExportLineReader(new OneByteAtATime([(byte)'a', (byte)'\n', 0xE2, 0x82]), _ => null);

        await Assert.ThrowsAsync<DecoderFallbackException>(() => ReadAllAsync(reader));
    }

    [Fact]
    public async Task A_long_line_its_start_refuses_is_dropped_and_the_next_line_is_read()
    {
        byte[] bytes = [.. Enumerable.Repeat((byte)'x', 3 * ExportLineReader.PrefixBytes), (byte)'\n', (byte)'y'];
        var reader = new ExportLineReader(new MemoryStream(bytes), prefix => prefix.Span[0] == (byte)'x' ? "refused" : null);

        Assert.True(await reader.ReadLineAsync());
        Assert.Equal("refused", reader.Refusal);
        Assert.True(reader.Line.IsEmpty);
        Assert.True(await reader.ReadLineAsync());
        Assert.Null(reader.Refusal);
        Assert.Equal("y", Encoding.UTF8.GetString(reader.Line.Span));
        Assert.False(await reader.ReadLineAsync());
    }

    private static async Task<List<string>> ReadAllAsync(ExportLineReader reader)
    {
        var lines = new List<string>();
        while (await reader.ReadLineAsync())
        {
            lines.Add(Encoding.UTF8.GetString(reader.Line.Span));
        }

        return lines;
    }

    private sealed class OneByteAtATime(byte[] bytes) : MemoryStream(bytes)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
            => base.ReadAsync(buffer[..Math.Min(1, buffer.Length)], cancellationToken);

        public override int Read(Span<byte> buffer) => base.Read(buffer[..Math.Min(1, buffer.Length)]);
    }
}
