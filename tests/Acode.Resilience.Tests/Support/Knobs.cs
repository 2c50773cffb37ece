using System.Globalization;

namespace Acode.Resilience.Tests.Support;

/// <summary>
/// The scenarios' counts: CI defaults, raised (or lowered) with environment variables for longer runs, e.g.
/// <c>ACODE_RESILIENCE_KILLS=500 dotnet test tests/Acode.Resilience.Tests</c>. Every figure names the seed it ran with;
/// <c>ACODE_RESILIENCE_SEED</c> replays a run's random choices.
/// </summary>
internal static class Knobs
{
    /// <summary>SIGKILLs of a saving process (scenario 1).</summary>
    public static int Kills => Int("ACODE_RESILIENCE_KILLS", 50, 1);

    /// <summary>SIGKILLs during a migration, and during a first-time creation (scenario 2), each.</summary>
    public static int MigrationKills => Int("ACODE_RESILIENCE_MIGRATION_KILLS", 15, 1);

    /// <summary>Writer processes on one workspace (scenario 3).</summary>
    public static int Processes => Int("ACODE_RESILIENCE_PROCESSES", 4, 1);

    /// <summary>Writer threads per process (scenario 3).</summary>
    public static int Threads => Int("ACODE_RESILIENCE_THREADS", 4, 1);

    /// <summary>Saves per writer thread (scenario 3).</summary>
    public static int Units => Int("ACODE_RESILIENCE_UNITS", 60, 1);

    /// <summary>PostgreSQL outages during one sync (scenario 4).</summary>
    public static int Outages => Int("ACODE_RESILIENCE_OUTAGES", 10, 1);

    /// <summary>SIGKILLs of a syncing process (scenario 4); each costs one lease (5 s).</summary>
    public static int SyncKills => Int("ACODE_RESILIENCE_SYNC_KILLS", 8, 1);

    /// <summary>Databases with random bytes overwritten (scenario 6).</summary>
    public static int Mutants => Int("ACODE_RESILIENCE_MUTANTS", 20, 1);

    /// <summary>Events in the large session (scenario 7).</summary>
    public static int Events => Int("ACODE_RESILIENCE_EVENTS", 50_000, 1);

    /// <summary>The seed of this run's random choices (random unless ACODE_RESILIENCE_SEED is set).</summary>
    public static int Seed { get; } = Int("ACODE_RESILIENCE_SEED", Random.Shared.Next(1, int.MaxValue), 0);

    private static int Int(string name, int fallback, int min)
    {
        string? text = Environment.GetEnvironmentVariable(name);
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }

        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) && value >= min
            ? value
            : throw new InvalidOperationException($"{name}='{text}' is not a whole number ≥ {min}.");
    }
}
