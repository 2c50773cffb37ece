using Spectre.Console;
using Spectre.Console.Rendering;

namespace Acode.Cli.Output;

/// <summary>
/// The console of redirected output (a pipe or a file): a line of prose (<see cref="Text"/>, <see cref="Markup"/> or
/// <see cref="Paragraph"/> written as a whole) is written on one line, whatever its length, as other Unix tools write
/// theirs, so that <c>grep</c> finds a printed command whole and a script reads one line per message; so is each node
/// of a <see cref="Tree"/> (a tree lays nothing out in columns; its lines end where their text ends). Tables are still
/// fitted to the profile's width (<c>COLUMNS</c>, or <see cref="ConsoleFactory.RedirectedWidth"/>).
/// Trial AB: every message longer than 200 columns was broken into lines, mid-command too; trial AC: so were the
/// lines of <c>session show</c>'s tree, its first line inside a timestamp.
/// </summary>
internal sealed class UnwrappedProseConsole(IAnsiConsole inner) : IAnsiConsole
{
    /// <summary>The width prose is laid out in: wider than any line acode writes, so none is broken.</summary>
    private const int ProseWidth = 1 << 20;

    private readonly Lock _writing = new();

    public Profile Profile => inner.Profile;

    public IAnsiConsoleCursor Cursor => inner.Cursor;

    public IAnsiConsoleInput Input => inner.Input;

    public IExclusivityMode ExclusivityMode => inner.ExclusivityMode;

    public RenderPipeline Pipeline => inner.Pipeline;

    public void Clear(bool home) => inner.Clear(home);

    public void WriteAnsi(Action<AnsiWriter> action)
    {
        lock (_writing)
        {
            inner.WriteAnsi(action);
        }
    }

    public void Write(IRenderable renderable)
    {
        lock (_writing)
        {
            if (renderable is not (Text or Markup or Paragraph or Tree))
            {
                inner.Write(renderable);
                return;
            }

            int width = inner.Profile.Width;
            inner.Profile.Width = ProseWidth;
            try
            {
                inner.Write(renderable);
            }
            finally
            {
                inner.Profile.Width = width;
            }
        }
    }
}
