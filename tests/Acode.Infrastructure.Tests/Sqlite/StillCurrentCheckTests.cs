using Acode.Application.Errors;
using Acode.Application.Options;
using Acode.Infrastructure.Sqlite;
using Acode.Infrastructure.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;

namespace Acode.Infrastructure.Tests.Sqlite;

/// <summary>
/// <see cref="SqliteWorkspaceDatabase.EnsureStillCurrent"/> (before every page of <c>acode ui</c>) checks the file and the
/// schema at most once a second on the database's clock: within the second the verdict stands (sound, or the refusal
/// again), and a file removed or migrated by a newer acode is refused once the second has passed.
/// </summary>
public sealed class StillCurrentCheckTests : IDisposable
{
    private readonly TempWorkspace _temp = new();
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);

    [Fact]
    public void A_removed_database_is_refused_once_the_sound_verdict_is_a_second_old_and_again_within_the_next()
    {
        using SqliteWorkspaceDatabase db = SqliteWorkspaceDatabase.Open(_temp.Workspace, new SqliteOptions(), time: _clock);
        db.EnsureStillCurrent();

        File.Move(_temp.DatabasePath, _temp.DatabasePath + ".aside");
        _clock.Advance(TimeSpan.FromMilliseconds(999));
        db.EnsureStillCurrent(); // the verdict of a moment ago stands: no stat, no statement

        _clock.Advance(TimeSpan.FromMilliseconds(1));
        AcodeDbException removed = Assert.Throws<AcodeDbException>(db.EnsureStillCurrent);
        Assert.Equal(AcodeErrorCode.CannotOpen, removed.ErrorCode);
        Assert.Contains("removed", removed.Message, StringComparison.Ordinal);

        File.Move(_temp.DatabasePath + ".aside", _temp.DatabasePath);
        AcodeDbException again = Assert.Throws<AcodeDbException>(db.EnsureStillCurrent);
        Assert.Equal(removed.Message, again.Message);

        _clock.Advance(TimeSpan.FromSeconds(1));
        db.EnsureStillCurrent(); // the same file is back
    }

    [Fact]
    public void A_newer_schema_is_refused_once_the_sound_verdict_is_a_second_old()
    {
        using SqliteWorkspaceDatabase db = SqliteWorkspaceDatabase.Open(_temp.Workspace, new SqliteOptions(), time: _clock);
        db.EnsureStillCurrent();

        using (var connection = new SqliteConnection($"Data Source={_temp.DatabasePath};Pooling=False"))
        {
            connection.Open();
            using SqliteCommand command = connection.CreateCommand();
            command.CommandText = "INSERT INTO schema_version VALUES ('9.0.0', 'Future', 'x', '2026-12-01T00:00:00.0000000Z');";
            command.ExecuteNonQuery();
        }

        db.EnsureStillCurrent();
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(AcodeErrorCode.SchemaTooNew, Assert.Throws<AcodeDbException>(db.EnsureStillCurrent).ErrorCode);
    }

    public void Dispose() => _temp.Dispose();
}
