using Microsoft.Extensions.Logging;

namespace Acode.Infrastructure.Postgres;

/// <summary>
/// The logger factory handed to Npgsql: Npgsql logs every command it executes at Information ("Command execution
/// completed", with its SQL), which floods a host at its default level with one line per statement of every save and
/// sync. Here Npgsql's Information lines become Debug; Warning and above pass unchanged, and at Debug nothing is lost.
/// </summary>
internal sealed class NpgsqlLoggerFactory(ILoggerFactory inner) : ILoggerFactory
{
    public ILogger CreateLogger(string categoryName) => new DemotingLogger(inner.CreateLogger(categoryName));

    public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

    /// <summary>Does nothing: the wrapped factory belongs to the caller.</summary>
    public void Dispose()
    {
    }

    private static LogLevel Demote(LogLevel level) => level == LogLevel.Information ? LogLevel.Debug : level;

    private sealed class DemotingLogger(ILogger inner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(Demote(logLevel));

        public void Log<TState>(LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            LogLevel level = Demote(logLevel);
            if (inner.IsEnabled(level))
            {
                inner.Log(level, eventId, state, exception, formatter);
            }
        }
    }
}
