using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace Acode.Infrastructure.Tests.Support;

/// <summary>What the tests read from <see cref="FakeLoggerProvider"/> (Microsoft.Extensions.Diagnostics.Testing).</summary>
public static class FakeLogs
{
    /// <summary>A logger factory writing only to <paramref name="provider"/>, at every level.</summary>
    public static ILoggerFactory CreateFactory(this FakeLoggerProvider provider)
        => LoggerFactory.Create(builder => builder.AddProvider(provider).SetMinimumLevel(LogLevel.Trace));

    /// <summary>
    /// Every line logged so far, in order: the formatted message, then the structured properties and the exception text,
    /// so that a test can check what was said and search all of it for secrets.
    /// </summary>
    public static IReadOnlyList<string> Messages(this FakeLoggerProvider provider)
        => provider.Collector.GetSnapshot().Select(record =>
            $"{record.Message} [{string.Join(", ", (record.StructuredState ?? []).Select(p => $"{p.Key}={p.Value}"))}]"
            + (record.Exception is null ? "" : "\n" + record.Exception)).ToList();
}
