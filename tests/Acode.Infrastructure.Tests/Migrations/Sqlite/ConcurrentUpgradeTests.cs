using Acode.Infrastructure.Migrations;
using Acode.Infrastructure.Sqlite;
using Acode.Infrastructure.Tests.Support;

namespace Acode.Infrastructure.Tests.Migrations.Sqlite;

/// <summary>
/// Processes that open one workspace while another migrates it: the schema check reads the journal and the definitions in
/// one snapshot, so a migration that alters a table (1.5.0) committing between the two reads is not mistaken for damage
/// (ACODE-DB-002 "table 'tool_calls' is defined differently").
/// </summary>
public sealed class ConcurrentUpgradeTests
{
    [Fact]
    [Trait("AC", "AC-012")]
    public async Task Opening_while_another_opener_upgrades_the_schema_never_reports_damage()
    {
        IReadOnlyList<Migration> all = MigrationCatalog.For(MigrationCatalog.Sqlite);
        IReadOnlyList<Migration> before = all.Where(m => m.Version < new Version(1, 5, 0)).ToList();
        for (int round = 0; round < 40; round++)
        {
            using var temp = new TempWorkspace();
            using (temp.Open(migrations: before))
            {
            }

            // Each opener checks the schema (read) and then migrates; the one that migrates second finds the work done.
            // A reader of the journal alone also races the upgrade: GetMigrationStatus is what `acode db status` runs.
            using var start = new Barrier(3);
            Task upgrade = Task.Run(() =>
            {
                start.SignalAndWait();
                using SqliteWorkspaceDatabase db = temp.Open();
            });
            Task<Exception?>[] checks = Enumerable.Range(0, 2).Select(n => Task.Run(() =>
            {
                start.SignalAndWait();
                for (int i = 0; i < 20; i++)
                {
                    try
                    {
                        using SqliteWorkspaceDatabase db = temp.Open(migrate: false);
                        _ = db.GetMigrationStatus();
                    }
                    catch (Exception ex)
                    {
                        return ex;
                    }
                }

                return (Exception?)null;
            })).ToArray();

            await upgrade;
            foreach (Task<Exception?> check in checks)
            {
                Exception? failure = await check;
                Assert.True(failure is null, $"round {round}: {failure}");
            }
        }
    }
}
