using System.Diagnostics;
using System.Reflection;

namespace Acode.Infrastructure;

/// <summary>
/// The name and version under which the persistence layer publishes its telemetry: the meter of
/// <see cref="AcodeMetrics"/> and an <see cref="ActivitySource"/> with one span per save, import and delete, per sync
/// batch and per applied migration. Subscribe with OpenTelemetry as
/// <c>AddOpenTelemetry().WithMetrics(m =&gt; m.AddMeter(AcodeTelemetry.Name)).WithTracing(t =&gt; t.AddSource(AcodeTelemetry.Name))</c>
/// (README, "Observability"; the spans and their attributes are listed in docs/architecture.md).
/// </summary>
public static class AcodeTelemetry
{
    /// <summary>The meter and activity source name, <c>Acode.Persistence</c>.</summary>
    public const string Name = "Acode.Persistence";

    /// <summary>
    /// The version of both, the informational version of this assembly (derived from git when it was built, e.g.
    /// <c>0.2.0-alpha.0.14+3f2c…</c>), so a dashboard can tell which build produced a measurement.
    /// </summary>
    public static string Version { get; } =
        typeof(AcodeTelemetry).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    /// <summary>The spans' source; <see cref="ActivitySource.StartActivity(string, ActivityKind)"/> returns null when nothing listens.</summary>
    internal static ActivitySource Source { get; } = new(Name, Version);
}
