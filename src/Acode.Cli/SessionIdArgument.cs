namespace Acode.Cli;

/// <summary>Parses a session id given on the command line, with a usage error that shows the expected form.</summary>
internal static class SessionIdArgument
{
    public static SessionId Parse(string? text)
        => SessionId.TryParse(text, out SessionId id)
            ? id
            : throw new UsageException($"'{text}' is not a session id.", "Session ids look like sess_01JD3Z6Q6V2K8M4N5P7R9S1T3V; list them with 'acode session list'.");
}
