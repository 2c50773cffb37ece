using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Acode.Infrastructure.Tests.Support;

/// <summary>
/// Keeps every log line, at every level: the formatted message, then the structured properties and the exception text,
/// so tests can check what was logged and grep everything for secrets.
/// </summary>
public sealed class ListLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _messages = new();
    private readonly ConcurrentQueue<(LogLevel Level, string Category, string Message)> _entries = new();

    public IReadOnlyCollection<string> Messages => _messages;

    /// <summary>Every line with its level and category, in order.</summary>
    public IReadOnlyCollection<(LogLevel Level, string Category, string Message)> Entries => _entries;

    /// <summary>A logger factory writing only here, at every level.</summary>
    public ILoggerFactory CreateFactory() => LoggerFactory.Create(builder => builder.AddProvider(this).SetMinimumLevel(LogLevel.Trace));

    public ILogger CreateLogger(string categoryName) => new ListLogger(_messages, _entries, categoryName);

    public void Dispose()
    {
    }

    private sealed class ListLogger(ConcurrentQueue<string> messages, ConcurrentQueue<(LogLevel, string, string)> entries, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            string properties = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(", ", pairs.Select(p => $"{p.Key}={p.Value}")) : string.Empty;
            string message = $"{formatter(state, exception)} [{properties}]" + (exception is null ? "" : "\n" + exception);
            messages.Enqueue(message);
            entries.Enqueue((logLevel, category, message));
        }
    }
}
