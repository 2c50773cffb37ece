namespace Acode.Cli.Output;

/// <summary>
/// A standard stream of the process as acode writes it: the writes and flushes of <paramref name="inner"/>, each failure
/// given to <see cref="Failed"/> (which throws what the command says instead, or returns to drop the write). Write-only;
/// not to be disposed (the descriptor is the process's).
/// </summary>
internal abstract class WriteOnlyStream(Stream inner) : Stream
{
    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (Skipped)
        {
            return;
        }

        try
        {
            inner.Write(buffer);
        }
        catch (Exception ex) when (IsHandled(ex))
        {
            Failed(ex);
        }
    }

    public override void Flush()
    {
        if (Skipped)
        {
            return;
        }

        try
        {
            inner.Flush();
        }
        catch (Exception ex) when (IsHandled(ex))
        {
            Failed(ex);
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    /// <summary>Whether writes are dropped from now on without being tried.</summary>
    protected virtual bool Skipped => false;

    /// <summary>Whether <paramref name="ex"/>, thrown by a write or flush of the inner stream, goes to <see cref="Failed"/>.</summary>
    protected abstract bool IsHandled(Exception ex);

    /// <summary>Handles a failed write or flush: throws what the command says instead, or returns to drop it.</summary>
    protected abstract void Failed(Exception ex);
}
