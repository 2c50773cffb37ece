using System.Text;
using Acode.Application.Redaction;
using Acode.Application.Serialization;
using Acode.Domain.Entities;
using Acode.Infrastructure.Transcripts;
using Acode.Testing.Secrets;

namespace Acode.Infrastructure.Tests.Transcripts;

/// <summary>
/// Every place the importers shorten transcript text (session, task and step titles from prompts, summaries and the
/// assistant's text; artifact names cut to the longest name stored; the excerpt of an oversized line) redacts the whole
/// text before the cut: a secret across the cut becomes its marker, never a piece the store's scan could not recognise.
/// </summary>
public sealed class TranscriptGraphCutTests
{
    private static readonly DateTimeOffset Time = new(2026, 11, 30, 11, 0, 0, TimeSpan.Zero);

    public static TheoryData<StraddlingSecret> Secrets() => [.. StraddlingSecret.All()];

    [Theory]
    [MemberData(nameof(Secrets))]
    public void A_title_cut_across_a_secret_keeps_no_piece_of_it(StraddlingSecret secret)
    {
        var graph = new TranscriptGraph("claude-code", "k");
        // The secret's word starts at every offset up to past the cut (80 characters): the first word is long, so the cut
        // falls inside it, as in a prompt that starts with a URL.
        for (int pad = 0; pad <= 90; pad++)
        {
            string prompt = "https://h.internal.org/" + new string('a', pad) + "?q=" + secret.Text + " fails to connect";

            string title = graph.Shorten(prompt);

            Assert.True(title.Length <= TranscriptGraph.MaxTitleLength, title);
            Assert.Empty(secret.PiecesIn(title));
        }
    }

    [Theory]
    [MemberData(nameof(Secrets))]
    public void Session_task_and_step_titles_and_the_summary_title_hold_no_piece_of_a_secret(StraddlingSecret secret)
    {
        string prompt = "https://h.internal.org/" + new string('a', 30) + "?q=" + secret.Text + " fails";
        var graph = new TranscriptGraph("claude-code", "k");
        graph.BeginLine(Time);
        graph.SetFirstPrompt(prompt);
        TranscriptGraph.Lane lane = graph.StartTask("t1", prompt, prompt);
        TranscriptGraph.StepNode step = graph.Step(lane, "s1", prompt);
        graph.TitleStep(step, prompt);
        graph.EndLine();
        var summarised = new TranscriptGraph("claude-code", "k2");
        summarised.BeginLine(Time);
        summarised.SetSummaryTitle(prompt);
        summarised.EndLine();

        string labels = string.Join("\n", graph.SessionDocument().Title, lane.Task.Title, step.Title, summarised.SessionDocument().Title);

        Assert.Empty(secret.PiecesIn(labels));
    }

    [Theory]
    [MemberData(nameof(Secrets))]
    public void An_artifact_name_cut_to_the_longest_name_keeps_no_piece_of_a_secret(StraddlingSecret secret)
    {
        foreach (int before in new[] { 10, 20, 40 })
        {
            string name = new string('n', Artifact.MaxNameLength - before) + "/" + secret.Text + "/file.txt";
            var graph = new TranscriptGraph("codex", "k");
            graph.BeginLine(Time);
            graph.AddArtifact("a1", name, ArtifactKind.Other, "text/plain", [1], null, null);
            graph.EndLine();

            string stored = graph.Export(changedOnly: false).OfType<ArtifactDocument>().Single().Name;

            Assert.True(stored.Length <= Artifact.MaxNameLength);
            Assert.Empty(secret.PiecesIn(stored));
        }
    }

    [Theory]
    [MemberData(nameof(Secrets))]
    public void The_excerpt_of_an_oversized_line_keeps_no_piece_of_a_secret_across_its_end(StraddlingSecret secret)
    {
        for (int start = TranscriptLineReader.OversizedPrefixBytes - 80; start <= TranscriptLineReader.OversizedPrefixBytes; start += 3)
        {
            // The reader keeps the line's first 64 KiB; the excerpt is its first KiB.
            string head = "{\"type\":\"user\",\"message\":{\"content\":\"" + new string('x', start - 37) + " ";
            string line = head + secret.Text + " " + new string('y', TranscriptLineReader.OversizedScanBytes - head.Length - secret.Text.Length - 1);
            var graph = new TranscriptGraph("claude-code", "k");

            string excerpt = graph.Excerpt(line, TranscriptLineReader.OversizedPrefixBytes);

            Assert.True(Encoding.UTF8.GetByteCount(excerpt) <= TranscriptLineReader.OversizedPrefixBytes);
            Assert.Empty(secret.PiecesIn(excerpt));
        }
    }

    [Fact]
    public void A_title_is_cut_with_the_importer_s_redactor_rules()
    {
        StraddlingSecret secret = StraddlingSecret.All()[0];
        string prompt = "https://h.internal.org/?q=" + secret.Text + " fails";

        string unredacted = new TranscriptGraph("claude-code", "k", redactor: SecretRedactor.Disabled).Shorten(prompt);

        Assert.NotEmpty(secret.PiecesIn(unredacted)); // redaction switched off: the cut is as before
    }
}
