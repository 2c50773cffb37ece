using System.Text;

namespace Acode.Cli.Output;

/// <summary>
/// The file a command writes with <c>-o PATH</c>. A symbolic link is followed: the file it finally points to is written
/// and the link stays. What already exists there is kept unless the user said <c>--force</c>; then a file with content
/// is replaced only by a complete new one (written beside it, owner-only, then renamed over it, so a failure half-way
/// leaves the old content), and anything else (an empty file, a fifo, a device) is written in place: renaming over
/// it would swap the fifo or the device node for a regular file. Fifos and devices report a size of 0, which is how they
/// are told apart from a file with content without a platform call. A folder is refused. When the write fails or is
/// cancelled (Ctrl+C, SIGTERM: the export stops gracefully for that) the file beside the target is removed, and an empty
/// file written in place is emptied again.
/// </summary>
internal sealed class OutputFile
{
    private readonly string _shown;
    private readonly string _target;
    private readonly bool _overwrite;
    private readonly bool _inPlace;
    private bool _emptiedAgain;

    private OutputFile(string shown, string target, bool overwrite, bool inPlace)
    {
        _shown = shown;
        _target = target;
        _overwrite = overwrite;
        _inPlace = inPlace;
    }

    /// <summary>Checks <paramref name="path"/> before anything is read or written.</summary>
    /// <exception cref="UsageException">The path (or the link's target) is a folder, or exists and <paramref name="overwrite"/> is false (exit 2).</exception>
    public static OutputFile Resolve(string path, bool overwrite)
    {
        string target = Path.GetFullPath(path);
        if (new FileInfo(target).LinkTarget is not null && File.ResolveLinkTarget(target, returnFinalTarget: true) is { } linked)
        {
            target = linked.FullName;
        }

        if (Directory.Exists(target))
        {
            throw new UsageException($"'{path}' is a folder.", "Give --output the path of a file, e.g. -o export.jsonl.");
        }

        var existing = new FileInfo(target);
        if (existing.Exists && !overwrite)
        {
            throw new UsageException($"'{path}' already exists; it was left as it is.", "Add --force to overwrite it, or choose another file name.");
        }

        return new OutputFile(path, target, overwrite, inPlace: existing.Exists && existing.Length == 0);
    }

    /// <summary>What a failed or cancelled <see cref="WriteAsync"/> left at the path, in words for messages.</summary>
    public string LeftAfterFailure => _inPlace
        ? _emptiedAgain ? $"'{_shown}' is empty again" : $"'{_shown}' (a fifo or device) got what was written until then"
        : File.Exists(_target) ? $"'{_shown}' was left as it was (nothing of the new export stays)" : $"'{_shown}' was not created (nothing of the export stays)";

    /// <summary>Runs <paramref name="write"/> on a UTF-8 writer of the file (flushed by <paramref name="write"/>) and returns what it returns.</summary>
    /// <exception cref="UsageException">The file cannot be created or opened (exit 2).</exception>
    public async Task<int> WriteAsync(Func<TextWriter, Task<int>> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        return _inPlace ? await WriteInPlaceAsync(write) : await ReplaceAsync(write);
    }

    private async Task<int> WriteInPlaceAsync(Func<TextWriter, Task<int>> write)
    {
        FileStream file;
        try
        {
            file = new FileStream(_target, new FileStreamOptions { Mode = FileMode.Open, Access = FileAccess.Write });
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"Cannot write to '{_shown}': {ex.Message}", "Check that it is writable, or choose another file name.");
        }

        await using (file)
        {
            // Not disposed on failure: that would flush what it still buffers into the file just emptied.
            var writer = new StreamWriter(file, new UTF8Encoding(false), 1 << 16, leaveOpen: true);
            try
            {
                int written = await write(writer);
                await writer.FlushAsync();
                if (file.CanSeek && file.Length > file.Position)
                {
                    file.SetLength(file.Position); // a regular file that grew since it was checked: nothing of the old content stays
                }

                return written;
            }
            catch (Exception ex) when (file.CanSeek)
            {
                file.SetLength(0); // the empty file it was, not half an export (what the writer still buffers is never written)
                _emptiedAgain = true;
                if (FullOutputDisk.IsFull(ex))
                {
                    throw FullOutputDisk.ForFile(_shown, _target, LeftAfterFailure);
                }

                throw;
            }
            catch (IOException ex) when (FullOutputDisk.IsFull(ex))
            {
                throw FullOutputDisk.ForFile(_shown, _target, LeftAfterFailure);
            }
        }
    }

    private async Task<int> ReplaceAsync(Func<TextWriter, Task<int>> write)
    {
        string temporary = Path.Combine(Path.GetDirectoryName(_target)!, $".{Path.GetFileName(_target)}.{Guid.NewGuid():N}.tmp");
        FileStream file;
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            file = new FileStream(temporary, options);
        }
        catch (IOException ex) when (FullOutputDisk.IsFull(ex))
        {
            throw FullOutputDisk.ForFile(_shown, _target, LeftAfterFailure);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"Cannot create '{_shown}': {ex.Message}", "Check the folder exists and is writable.");
        }

        try
        {
            int written;
            await using (file)
            await using (var writer = new StreamWriter(file, new UTF8Encoding(false), 1 << 16))
            {
                written = await write(writer);
            }

            File.Move(temporary, _target, _overwrite);
            return written;
        }
        catch (IOException ex) when (FullOutputDisk.IsFull(ex))
        {
            throw FullOutputDisk.ForFile(_shown, _target, LeftAfterFailure);
        }
        catch (IOException ex) when (!_overwrite && File.Exists(_target))
        {
            throw new UsageException($"'{_shown}' already exists (it appeared while the export ran; it was left as it is): {ex.Message}", "Add --force to overwrite it, or choose another file name.");
        }
        finally
        {
            File.Delete(temporary);
        }
    }
}
