using System.Globalization;
using Acode.Application.Errors;
using Acode.Cli.Output;

namespace Acode.Cli.Ui;

/// <summary>
/// The store faults this viewer answered with a 503 since it started (<see cref="UiStoreFaults"/>): how many, and the
/// last one's time, address, ACODE-DB error and hint, for the Health page. Health itself reads the outbox and sync
/// status, which a damaged session row or blob does not touch, so without this it would look well while the session
/// pages fail. Kept in memory only; a restart starts it empty.
/// </summary>
internal sealed class UiFaultLog
{
    private readonly Lock _gate = new();
    private long _count;
    private (DateTimeOffset At, string Path, string Error, string? Hint)? _last;

    /// <summary>Records a fault answered for <paramref name="path"/> (the request's path, without its query) at <paramref name="at"/>.</summary>
    public void Record(AcodeDbException fault, string path, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(fault);
        lock (_gate)
        {
            _count++;
            _last = (at, path, $"{fault.Code}: {fault.Message}", fault.Hint);
        }
    }

    /// <summary>The Health page's "Errors while serving" section (<c>#serving-errors</c>); nothing while there was none.</summary>
    public void Write(HtmlWriter w)
    {
        long count;
        (DateTimeOffset At, string Path, string Error, string? Hint)? last;
        lock (_gate)
        {
            (count, last) = (_count, _last);
        }

        if (last is not { } fault)
        {
            return;
        }

        w.Markup("<h2>Errors while serving</h2><div id=\"serving-errors\"><p class=\"error\">")
            .Text(string.Create(CultureInfo.InvariantCulture, $"{count:N0} answer(s) of this viewer could not be read from the store since it started. The last, at {Display.Time(fault.At)} (UTC), for {fault.Path}: {fault.Error}"))
            .Markup("</p>");
        if (!string.IsNullOrEmpty(fault.Hint))
        {
            w.Markup("<p class=\"hint\">").Text(fault.Hint).Markup("</p>");
        }

        w.Markup("</div>");
    }
}
