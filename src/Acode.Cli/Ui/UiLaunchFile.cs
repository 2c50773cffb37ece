using System.Net;

namespace Acode.Cli.Ui;

/// <summary>
/// The page a browser is opened on instead of the viewer's URL with its token: <c>open.html</c>, readable only by this
/// user (0600) in a folder only this user may enter (0700, <see cref="Directory.CreateTempSubdirectory"/>), which sends
/// the browser on to the URL. A process's command line is readable by every local user (<c>/proc/PID/cmdline</c>,
/// <c>ps</c>), so the token never goes on xdg-open's or the browser's (trial AU 3); Jupyter opens its server this way.
/// Deleted when the viewer stops.
/// </summary>
internal sealed class UiLaunchFile : IDisposable
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly DirectoryInfo _folder;

    private UiLaunchFile(DirectoryInfo folder, string path)
    {
        _folder = folder;
        FilePath = path;
    }

    /// <summary>The page's path.</summary>
    public string FilePath { get; }

    /// <summary>The page's <c>file://</c> URL, to give to the opener.</summary>
    public string FileUrl => new Uri(FilePath).AbsoluteUri;

    /// <summary>Writes the page that sends a browser to <paramref name="url"/>.</summary>
    /// <exception cref="IOException">The temporary folder cannot be written.</exception>
    /// <exception cref="UnauthorizedAccessException">The temporary folder cannot be written.</exception>
    public static UiLaunchFile Create(string url)
    {
        DirectoryInfo folder = Directory.CreateTempSubdirectory("acode-ui-");
        try
        {
            string path = Path.Combine(folder.FullName, "open.html");
            string target = WebUtility.HtmlEncode(url);
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = OwnerOnly;
            }

            using (var writer = new StreamWriter(path, System.Text.Encoding.UTF8, options))
            {
                writer.Write($"""
                    <!DOCTYPE html>
                    <html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="0;url={target}"><title>acode ui</title></head>
                    <body><p>Opening the acode viewer: <a href="{target}">continue</a>.</p></body></html>

                    """);
            }

            return new UiLaunchFile(folder, path);
        }
        catch
        {
            folder.Delete(recursive: true);
            throw;
        }
    }

    public void Dispose()
    {
        try
        {
            _folder.Delete(recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Left in the temporary folder, readable by this user alone; the token in it ends with this run.
        }
    }
}
