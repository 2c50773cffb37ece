namespace Acode.Cli.Output;

/// <summary>
/// Standard error once standard output is buffered (<see cref="StandardOutput.Buffer"/>): each write first writes what
/// standard output holds (<see cref="StandardOutput.FlushBeforeStandardError"/>), so that a warning, a question or a log
/// line comes after the output printed before it, on a terminal and under <c>2&gt;&amp;1</c> alike.
/// </summary>
/// <param name="inner">The console's standard error.</param>
internal sealed class StandardErrorAfterOutput(TextWriter inner) : TextWriter(inner.FormatProvider)
{
    public override System.Text.Encoding Encoding => inner.Encoding;

    public override void Write(char value)
    {
        StandardOutput.FlushBeforeStandardError();
        inner.Write(value);
    }

    public override void Write(char[] buffer, int index, int count)
    {
        StandardOutput.FlushBeforeStandardError();
        inner.Write(buffer, index, count);
    }

    public override void Write(ReadOnlySpan<char> buffer)
    {
        StandardOutput.FlushBeforeStandardError();
        inner.Write(buffer);
    }

    public override void Write(string? value)
    {
        StandardOutput.FlushBeforeStandardError();
        inner.Write(value);
    }

    public override void WriteLine()
    {
        StandardOutput.FlushBeforeStandardError();
        inner.WriteLine();
    }

    public override void WriteLine(ReadOnlySpan<char> buffer)
    {
        StandardOutput.FlushBeforeStandardError();
        inner.WriteLine(buffer);
    }

    public override void WriteLine(string? value)
    {
        StandardOutput.FlushBeforeStandardError();
        inner.WriteLine(value);
    }

    public override void Flush() => inner.Flush();
}
