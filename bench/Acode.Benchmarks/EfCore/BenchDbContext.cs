using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Acode.Benchmarks.EfCore;

/// <summary>
/// The acode workspace tables through EF Core, configured as its documentation shows: DbSets, fluent mapping onto
/// the existing tables, a value converter for the store's timestamp text, one short-lived context per unit of work.
/// </summary>
public sealed class BenchDbContext(DbContextOptions<BenchDbContext> options) : DbContext(options)
{
    public DbSet<SessionRow> Sessions => Set<SessionRow>();

    public DbSet<TaskRow> Tasks => Set<TaskRow>();

    public DbSet<ToolCallRow> ToolCalls => Set<ToolCallRow>();

    public DbSet<EventRow> Events => Set<EventRow>();

    public DbSet<OutboxRow> Outbox => Set<OutboxRow>();

    public static DbContextOptions<BenchDbContext> OptionsFor(string databasePath)
        => new DbContextOptionsBuilder<BenchDbContext>().UseSqlite($"Data Source={databasePath}").Options;

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // acode stores timestamps as fixed-width ISO-8601 UTC text with 100 ns precision.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcTextConverter>();
        configurationBuilder.Properties<DateTimeOffset?>().HaveConversion<UtcTextConverter>();
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<SessionRow>(e =>
        {
            e.ToTable("sessions");
            e.HasMany(s => s.Tasks).WithOne().HasForeignKey(t => t.SessionId);
            e.HasMany(s => s.ToolCalls).WithOne().HasForeignKey(c => c.SessionId);
        });
        modelBuilder.Entity<TaskRow>().ToTable("session_tasks");
        modelBuilder.Entity<ToolCallRow>().ToTable("tool_calls");
        modelBuilder.Entity<EventRow>().ToTable("session_events");
        modelBuilder.Entity<OutboxRow>().ToTable("outbox");

        // Column names are snake_case.
        foreach (var entity in modelBuilder.Model.GetEntityTypes())
        {
            foreach (var property in entity.GetProperties())
            {
                property.SetColumnName(SnakeCase(property.Name));
            }
        }
    }

    private static string SnakeCase(string name)
    {
        var builder = new StringBuilder(name.Length + 4);
        for (int i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
            {
                builder.Append('_');
            }

            builder.Append(char.ToLowerInvariant(name[i]));
        }

        return builder.ToString();
    }

    private sealed class UtcTextConverter() : ValueConverter<DateTimeOffset, string>(
        v => v.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture),
        v => new DateTimeOffset(DateTime.ParseExact(v, "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal), TimeSpan.Zero));
}
