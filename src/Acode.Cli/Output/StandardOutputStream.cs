using Acode.Infrastructure.Sqlite;

namespace Acode.Cli.Output;

/// <summary>
/// Standard output's stream as acode writes it (<see cref="StandardOutput"/>): the writes of <paramref name="inner"/>,
/// with a failure that is neither EPIPE nor ENOSPC (each said in its own way) turned into a
/// <see cref="StandardOutputException"/>. Write-only; not to be disposed (the descriptor is the process's).
/// </summary>
internal sealed class StandardOutputStream(Stream inner) : WriteOnlyStream(inner)
{
    protected override bool IsHandled(Exception ex)
        => ex is UnauthorizedAccessException || (ex is IOException io && ex is not StandardOutputException && !StandardOutput.IsBrokenPipe(io) && !DiskSpace.IsNoSpace(io));

    protected override void Failed(Exception ex) => throw new StandardOutputException(ex);
}
