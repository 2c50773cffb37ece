namespace Acode.Cli.Output;

/// <summary>
/// Standard error's stream as acode writes it: a write that fails (a closed descriptor, <c>2&gt;&amp;-</c>, EBADF; an
/// I/O error) is dropped, since there is nowhere left to say anything and the exit code still says how the command ended.
/// Without it, the first <c>Error:</c> or <c>Warning:</c> line of a command run so aborted the process (exit 134).
/// Write-only; not to be disposed (the descriptor is the process's).
/// </summary>
internal sealed class StandardErrorStream(Stream inner) : Stream
{
    private volatile bool _failed;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <summary>Makes <see cref="Console.Error"/> write through this stream (first thing in the process, with <see cref="StandardOutput.Install"/>).</summary>
    public static void Install()
        => Console.SetError(new StreamWriter(new StandardErrorStream(Console.OpenStandardError()), new System.Text.UTF8Encoding(false), 1024, leaveOpen: true) { AutoFlush = true });

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (_failed)
        {
            return;
        }

        try
        {
            inner.Write(buffer);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _failed = true;
        }
    }

    public override void Flush()
    {
        if (_failed)
        {
            return;
        }

        try
        {
            inner.Flush();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _failed = true;
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
