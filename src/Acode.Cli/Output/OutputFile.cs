using System.Text;

namespace Acode.Cli.Output;

/// <summary>
/// The file a command writes with <c>-o PATH</c>. A symbolic link is followed: the file it finally points to is written
/// and the link stays. A file with content is kept unless the user said <c>--force</c>; then it is replaced only by a
/// complete new one (written beside it, owner-only, then given the old file's permissions and renamed over it, so a failure
/// half-way leaves the old content and readers keep their access).
/// Anything with nothing in it to lose is written in place, with or without <c>--force</c>: an empty file, a fifo, a
/// device, and a pipe or socket (<c>/dev/stdout</c>, <c>/dev/fd/N</c> and process substitution lead there through
/// <c>/proc/self/fd</c>, to a name that is no file: <c>pipe:[…]</c>); renaming over it would swap the fifo or the device
/// node for a regular file, and no file can be made beside a pipe. Fifos and devices report a size of 0, which is how
/// they are told apart from a file with content without a platform call; nothing under /proc and no device under /dev
/// is ever replaced. A folder is refused, and so is a path in a folder that does not exist. When the write fails or is
/// cancelled (Ctrl+C, SIGTERM: the export stops gracefully for that) the file beside the target is removed, and an empty
/// file written in place is emptied again.
/// </summary>
internal sealed class OutputFile
{
    private readonly string _shown;
    private readonly string _target;
    private readonly bool _overwrite;
    private readonly bool _inPlace;
    private string? _open;
    private bool _emptiedAgain;

    private OutputFile(string shown, string target, bool overwrite, bool inPlace)
    {
        _shown = shown;
        _target = target;
        _overwrite = overwrite;
        _inPlace = inPlace;
    }

    /// <summary>
    /// Whether <paramref name="fullPath"/> names a device or a kernel object rather than a file of a folder: under /proc,
    /// or under /dev except /dev/shm (a folder of ordinary files in memory).
    /// </summary>
    public static bool IsDevicePath(string fullPath)
        => !OperatingSystem.IsWindows()
            && (fullPath.StartsWith("/proc/", StringComparison.Ordinal)
                || fullPath.StartsWith("/dev/", StringComparison.Ordinal) && !fullPath.StartsWith("/dev/shm/", StringComparison.Ordinal));

    /// <summary>Checks <paramref name="path"/> before anything is read or written.</summary>
    /// <exception cref="UsageException">The path is empty or not a path, is a symbolic link loop, (or the link's target) is a folder, its folder does not exist, or it is a file with content and <paramref name="overwrite"/> is false (exit 2).</exception>
    public static OutputFile Resolve(string path, bool overwrite)
    {
        ArgumentNullException.ThrowIfNull(path);
        string full, target;
        try
        {
            // An empty path (-o ''), or one the system cannot take (a NUL in it), names no file.
            full = path.Length == 0 ? throw new ArgumentException("an empty path names no file") : Path.GetFullPath(path);
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new UsageException($"Cannot write '{path}': {ex.Message.TrimEnd('.')}.", "Give --output the path of a file, e.g. -o export.jsonl (or - for standard output).");
        }

        if (Infrastructure.SymbolicLinkLoop.Find(full) is { } loop)
        {
            throw new UsageException($"Cannot write '{path}': {Infrastructure.SymbolicLinkLoop.Reason(loop)}.", Infrastructure.SymbolicLinkLoop.Remedy(loop));
        }

        target = full;
        try
        {
            if (new FileInfo(full).LinkTarget is not null && File.ResolveLinkTarget(full, returnFinalTarget: true) is { } linked)
            {
                // /dev/stdout -> /proc/self/fd/1 -> 'pipe:[…]' ends at '/proc/self/fd/pipe:[…]', a name that is no file.
                target = linked.FullName;
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A folder on the way that cannot be read (a loop was said above).
            throw new UsageException($"Cannot write '{path}': {ex.Message.TrimEnd('.')}.", "Check the permissions of the folders on the way, or choose another file name.");
        }

        if (Directory.Exists(target))
        {
            throw new UsageException($"'{path}' is a folder.", "Give --output the path of a file, e.g. -o export.jsonl.");
        }

        if (IsDevicePath(target))
        {
            // A device, a pipe or a socket: opened through the path given (the kernel follows the links), written in place.
            return new OutputFile(path, target, overwrite, inPlace: true) { _open = full };
        }

        var existing = new FileInfo(target);
        if (existing.Exists && existing.Length > 0 && !overwrite)
        {
            string what = target == full ? $"'{path}'" : $"'{path}' (the file '{target}' it leads to)";
            throw new UsageException($"{what} already exists; it was left as it is.", "Add --force to overwrite it, or choose another file name.");
        }

        if (!existing.Exists && Path.GetDirectoryName(target) is { } folder && !Directory.Exists(folder))
        {
            throw new UsageException($"Cannot create '{path}': the folder '{folder}' does not exist.", $"Create the folder first (mkdir -p {Infrastructure.ShellQuoting.Quote(folder)}), or choose a path in a folder that exists.");
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
            // No buffer of its own: what the writer hands over is written at once, and a failure leaves nothing to flush on dispose.
            file = new FileStream(_open ?? _target, new FileStreamOptions { Mode = FileMode.Open, Access = FileAccess.Write, BufferSize = 0 });
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
                if (Truncatable(file) && file.Length > file.Position)
                {
                    file.SetLength(file.Position); // a regular file that grew since it was checked: nothing of the old content stays
                }

                return written;
            }
            catch (Exception ex) when (Truncatable(file))
            {
                file.SetLength(0); // the empty file it was, not half an export (what the writer still buffers is never written)
                _emptiedAgain = true;
                if (FullOutputDisk.IsFull(ex))
                {
                    throw FullOutputDisk.ForFile(_shown, _target, LeftAfterFailure);
                }

                if (ex is IOException io && !StandardOutput.IsBrokenPipe(io))
                {
                    throw Unwritable(io);
                }

                throw;
            }
            catch (IOException ex) when (FullOutputDisk.IsFull(ex))
            {
                throw FullOutputDisk.ForFile(_shown, _target, LeftAfterFailure);
            }
            catch (IOException ex) when (!StandardOutput.IsBrokenPipe(ex))
            {
                // A kernel file that takes no writes (/proc/version: EIO), a device that fails: the output's fault, not acode's.
                // A pipe whose reader went away (/dev/stdout) stays a broken pipe: the command ends with 141, as 'head' expects.
                throw Unwritable(ex);
            }
        }
    }

    /// <summary>The error of a write to the output that failed for another reason than a full disk (exit 2).</summary>
    private UsageException Unwritable(IOException ex)
        => new($"Cannot write to '{_shown}': {ex.Message.Replace(_target, _shown, StringComparison.Ordinal).TrimEnd('.')}; {LeftAfterFailure}.", "Check that it is a file or device that takes writes, or choose another file name.");

    /// <summary>
    /// Gives the complete new file the permissions of the file it replaces, as a text editor or <c>cp</c> over an existing
    /// file keeps them: it was written owner-only so that a half-written export was never readable by others, and a
    /// replaced file shared with the group must not become unreadable to it. A new file stays owner-only.
    /// </summary>
    private static void KeepPermissionsOf(string target, string temporary)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        try
        {
            File.SetUnixFileMode(temporary, File.GetUnixFileMode(target));
        }
        catch (Exception ex) when (ex is FileNotFoundException or UnauthorizedAccessException or IOException)
        {
            // No file to replace (it went meanwhile), or its mode cannot be read or set: the new file stays owner-only.
        }
    }

    /// <summary>
    /// Removes the files an export to <paramref name="target"/> killed before it finished (SIGKILL, a power cut) left beside
    /// it: <c>.NAME.&lt;32 hex digits&gt;.tmp</c>, owner-only copies of session data nobody would find. One that an export
    /// still writes is locked by it (<see cref="FileShare.None"/>) and stays; one this user may not open stays too.
    /// </summary>
    private static void RemoveAbandoned(string target)
    {
        string folder = Path.GetDirectoryName(target)!;
        string prefix = $".{Path.GetFileName(target)}.";
        IEnumerable<string> candidates;
        try
        {
            candidates = Directory.EnumerateFiles(folder, prefix + "*.tmp").ToList();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return;
        }

        foreach (string candidate in candidates)
        {
            string middle = Path.GetFileName(candidate)[prefix.Length..^".tmp".Length];
            if (middle.Length != 32 || !middle.All(char.IsAsciiHexDigitLower))
            {
                continue;
            }

            try
            {
                using (new FileStream(candidate, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
                {
                    // Nobody holds it: its writer is gone.
                }

                File.Delete(candidate);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Being written by another export (locked), or not this user's to remove: left as it is.
            }
        }
    }

    /// <summary>A regular file (a device such as /dev/null or /dev/full may seek, but has no length to set).</summary>
    private bool Truncatable(FileStream file) => file.CanSeek && _open is null;

    private async Task<int> ReplaceAsync(Func<TextWriter, Task<int>> write)
    {
        string temporary = Path.Combine(Path.GetDirectoryName(_target)!, $".{Path.GetFileName(_target)}.{Guid.NewGuid():N}.tmp");
        RemoveAbandoned(_target);
        FileStream file;
        try
        {
            // Locked (FileShare.None: an exclusive flock on Unix) while written, so that another export can tell it from
            // one a killed export left behind (RemoveAbandoned).
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
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
        catch (UnauthorizedAccessException)
        {
            string folder = Path.GetDirectoryName(_target)!;
            throw new UsageException($"Cannot create '{_shown}': this user may not write in the folder '{folder}' (permission denied).", "Choose a folder you may write to, or check the folder's permissions.");
        }
        catch (DirectoryNotFoundException)
        {
            string folder = Path.GetDirectoryName(_target)!;
            throw new UsageException($"Cannot create '{_shown}': the folder '{folder}' does not exist.", $"Create the folder first (mkdir -p {Infrastructure.ShellQuoting.Quote(folder)}), or choose a path in a folder that exists.");
        }
        catch (IOException ex)
        {
            // The system's message names the file written beside the target: the user's path is said instead.
            string reason = ex.Message.Replace(temporary, _target, StringComparison.Ordinal);
            throw new UsageException($"Cannot create '{_shown}': {reason}", "Check that the folder exists and is writable, or choose another path.");
        }

        try
        {
            int written;
            await using (file)
            await using (var writer = new StreamWriter(file, new UTF8Encoding(false), 1 << 16))
            {
                written = await write(writer);
            }

            KeepPermissionsOf(_target, temporary);
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
        catch (IOException ex) when (!StandardOutput.IsBrokenPipe(ex))
        {
            throw Unwritable(new IOException(ex.Message.Replace(temporary, _target, StringComparison.Ordinal), ex));
        }
        finally
        {
            File.Delete(temporary);
        }
    }
}
