using System.Globalization;
using Acode.Application.Redaction;
using Acode.Testing.Secrets;
using Xunit.Abstractions;

namespace Acode.Infrastructure.Tests.Redaction;

/// <summary>The corpus of fake secrets and look-alikes (docs/secrets.md reports the figures printed here).</summary>
public sealed class SecretCorpusTests(ITestOutputHelper output)
{
    private readonly SecretRedactor _redactor = SecretRedactor.Default;

    public static TheoryData<SecretSample> Secrets() => [.. SecretCorpus.Secrets(SecretCorpus.DocumentedSeed)];

    public static TheoryData<SecretSample> LookAlikes() => [.. SecretCorpus.LookAlikes(SecretCorpus.DocumentedSeed)];

    [Theory]
    [MemberData(nameof(Secrets))]
    public void Every_fake_secret_is_replaced_by_the_marker_of_its_kind_and_nothing_else_changes(SecretSample sample)
    {
        var counts = new RedactionCounts();
        string redacted = _redactor.Redact(sample.Text, counts);

        Assert.Equal(sample.Text.Replace(sample.Secret!, SecretValues.Marker(sample.Kind!), StringComparison.Ordinal), redacted);
        Assert.Equal(1, counts.Total);
        Assert.Equal(1, counts.ByKind[sample.Kind!]);
    }

    [Theory]
    [MemberData(nameof(LookAlikes))]
    public void A_look_alike_survives_byte_for_byte(SecretSample sample)
    {
        var counts = new RedactionCounts();
        string redacted = _redactor.Redact(sample.Text, counts);

        Assert.Same(sample.Text, redacted);
        Assert.Equal(0, counts.Total);
    }

    [Fact]
    public void Precision_and_recall_on_the_documented_corpus_are_one()
    {
        (IReadOnlyList<SecretSample> secrets, IReadOnlyList<SecretSample> lookAlikes) = SecretCorpus.Create();
        (int truePositives, int falsePositives, int falseNegatives) = Score(secrets, lookAlikes);
        double precision = (double)truePositives / (truePositives + falsePositives);
        double recall = (double)truePositives / (truePositives + falseNegatives);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{secrets.Count} secrets of {secrets.Select(s => s.Kind).Distinct().Count()} kinds, {lookAlikes.Count} look-alikes: TP {truePositives}, FP {falsePositives}, FN {falseNegatives}, precision {precision:F3}, recall {recall:F3}"));

        Assert.Equal(1.0, precision);
        Assert.Equal(1.0, recall);
    }

    [Fact]
    public void Fresh_random_secrets_of_every_kind_are_all_caught()
    {
        int seed = int.TryParse(Environment.GetEnvironmentVariable("ACODE_TEST_SEED"), out int given) ? given : Environment.TickCount;
        output.WriteLine($"seed {seed} (ACODE_TEST_SEED={seed} repeats it)");
        IReadOnlyList<SecretSample> secrets = SecretCorpus.Secrets(seed, variants: 25);
        (int truePositives, int falsePositives, int falseNegatives) = Score(secrets, SecretCorpus.LookAlikes(seed));
        output.WriteLine($"{secrets.Count} secrets: TP {truePositives}, FP {falsePositives}, FN {falseNegatives}");

        Assert.True(falseNegatives == 0 && falsePositives == 0, $"seed {seed}: {falseNegatives} missed, {falsePositives} false positive(s)");
    }

    [Fact]
    public void A_redacted_text_redacts_to_itself()
    {
        foreach (SecretSample sample in SecretCorpus.Secrets(SecretCorpus.DocumentedSeed))
        {
            string once = _redactor.Redact(sample.Text, new RedactionCounts());
            var again = new RedactionCounts();

            Assert.Same(once, _redactor.Redact(once, again));
            Assert.Equal(0, again.Total);
        }
    }

    /// <summary>True positive: the text comes out exactly with the secret replaced by its kind's marker; anything else redacted is a false positive.</summary>
    private (int TruePositives, int FalsePositives, int FalseNegatives) Score(IReadOnlyList<SecretSample> secrets, IReadOnlyList<SecretSample> lookAlikes)
    {
        int tp = 0, fp = 0, fn = 0;
        foreach (SecretSample sample in secrets)
        {
            var counts = new RedactionCounts();
            string redacted = _redactor.Redact(sample.Text, counts);
            if (redacted == sample.Text.Replace(sample.Secret!, SecretValues.Marker(sample.Kind!), StringComparison.Ordinal))
            {
                tp++;
                continue;
            }

            output.WriteLine($"wrong: {sample.Name}: {redacted}");
            fn++;
            fp += (int)counts.Total - (counts.ByKind.GetValueOrDefault(sample.Kind!) > 0 && !redacted.Contains(sample.Secret!, StringComparison.Ordinal) ? 1 : 0);
        }

        foreach (SecretSample sample in lookAlikes)
        {
            var counts = new RedactionCounts();
            _ = _redactor.Redact(sample.Text, counts);
            if (counts.Total > 0)
            {
                output.WriteLine($"false positive: {sample.Name}: {string.Join(", ", counts.ByKind.Keys)}");
            }

            fp += (int)counts.Total;
        }

        return (tp, fp, fn);
    }
}
