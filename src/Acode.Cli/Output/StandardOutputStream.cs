using Acode.Infrastructure.Sqlite;

namespace Acode.Cli.Output;

/// <summary>
/// Standard output's stream as acode writes it (<see cref="StandardOutput"/>): the writes of <paramref name="inner"/>,
/// with a failure that is neither EPIPE nor ENOSPC (each said in its own way) turned into a
/// <see cref="StandardOutputException"/>. Write-only; not to be disposed (the descriptor is the process's).
/// </summary>
internal sealed class StandardOutputStream(Stream inner) : Stream
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
        try
        {
            inner.Write(buffer);
        }
        catch (Exception ex) when (IsOther(ex))
        {
            throw new StandardOutputException(ex);
        }
    }

    public override void Flush()
    {
        try
        {
            inner.Flush();
        }
        catch (Exception ex) when (IsOther(ex))
        {
            throw new StandardOutputException(ex);
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    private static bool IsOther(Exception ex)
        => ex is UnauthorizedAccessException || (ex is IOException io && ex is not StandardOutputException && !StandardOutput.IsBrokenPipe(io) && !DiskSpace.IsNoSpace(io));
}
