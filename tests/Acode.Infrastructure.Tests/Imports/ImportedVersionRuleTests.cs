using Acode.Infrastructure.Imports;

namespace Acode.Infrastructure.Tests.Imports;

/// <summary>When an import writes its version over a stored row (<see cref="ImportedVersionRule"/>; docs/architecture.md, "A transcript imported over the team's version").</summary>
public sealed class ImportedVersionRuleTests
{
    private static readonly DateTimeOffset Earlier = new(2026, 11, 20, 10, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Later = Earlier.AddMinutes(9);

    [Theory]
    [InlineData(3, 2, true)]
    [InlineData(2, 2, false)]
    [InlineData(1, 2, false)]
    [InlineData(1, 0, true)]
    public void An_ordinary_import_writes_a_higher_version_number_whatever_the_times(long incoming, long stored, bool writes)
    {
        Assert.Equal(writes, ImportedVersionRule.Writes(incoming, Earlier, stored, Later.UtcTicks, overAnotherCopy: false));
    }

    [Fact]
    public void Over_another_copy_of_the_transcript_the_later_version_wins_whatever_its_number()
    {
        Assert.True(ImportedVersionRule.Writes(2, Later, 7, Earlier.UtcTicks, overAnotherCopy: true));
        Assert.False(ImportedVersionRule.Writes(7, Earlier, 2, Later.UtcTicks, overAnotherCopy: true));
        Assert.False(ImportedVersionRule.Writes(7, Later, 2, Later.UtcTicks, overAnotherCopy: true)); // the same stamp: the version pulled, unchanged
    }
}
