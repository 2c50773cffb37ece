using Microsoft.Extensions.Logging;

namespace Acode.Cli;

/// <summary>
/// A logger factory that builds the real one (<paramref name="create"/>: the console logging of <c>--verbose</c> and
/// errors) only when something is logged at <paramref name="minimum"/> or above. Building it sets up options, the console
/// provider and its writer thread (about 20 ms at start-up), which a command that logs nothing never needs. A message
/// below <paramref name="minimum"/> is dropped here exactly as the real factory would drop it; everything else goes to it.
/// </summary>
internal sealed class DeferredLoggerFactory(LogLevel minimum, Func<ILoggerFactory> create) : ILoggerFactory
{
    private readonly Lazy<ILoggerFactory> _factory = new(create);

    public ILogger CreateLogger(string categoryName)
    {
        ArgumentNullException.ThrowIfNull(categoryName);
        return new DeferredLogger(this, categoryName);
    }

    public void AddProvider(ILoggerProvider provider) => _factory.Value.AddProvider(provider);

    /// <summary>Disposes the real factory if it was built, which flushes what the console logger still holds.</summary>
    public void Dispose()
    {
        if (_factory.IsValueCreated)
        {
            _factory.Value.Dispose();
        }
    }

    private bool MayLog(LogLevel level) => level >= minimum && level != LogLevel.None;

    private sealed class DeferredLogger(DeferredLoggerFactory owner, string categoryName) : ILogger
    {
        private ILogger? _logger;

        private ILogger Logger => _logger ??= owner._factory.Value.CreateLogger(categoryName);

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => Logger.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => owner.MayLog(logLevel) && Logger.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (owner.MayLog(logLevel))
            {
                Logger.Log(logLevel, eventId, state, exception, formatter);
            }
        }
    }
}
