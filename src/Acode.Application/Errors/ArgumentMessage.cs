namespace Acode.Application.Errors;

/// <summary>
/// The words of an <see cref="ArgumentException"/> without .NET's decorations, for messages users read: its
/// <see cref="Exception.Message"/> ends in "(Parameter 'name')" and, out of range, a line "Actual value was …".
/// </summary>
internal static class ArgumentMessage
{
    public static string Of(ArgumentException ex)
    {
        ArgumentNullException.ThrowIfNull(ex);
        string message = ex.Message.Split('\n')[0].TrimEnd('\r');
        return ex.ParamName is { } name ? message.Replace($" (Parameter '{name}')", string.Empty, StringComparison.Ordinal) : message;
    }
}
