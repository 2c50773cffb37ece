using System.Text;
using Acode.Domain.Entities;
using Acode.Domain.Tests.Support;
using Acode.Domain.Time;

namespace Acode.Domain.Tests.Entities;

public class ArtifactTests
{
    private const string HelloSha256 = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";
    private const string EmptySha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    private readonly Session _session = Session.Create("a");

    [Fact]
    public void AddArtifact_stores_the_content_with_its_size_and_lower_case_sha256()
    {
        byte[] content = Encoding.UTF8.GetBytes("hello");

        Artifact artifact = _session.AddArtifact("greeting.txt", ArtifactKind.File, "text/plain", content);

        Assert.Equal(HelloSha256, artifact.ContentHash);
        Assert.Equal(5, artifact.Size);
        Assert.True(artifact.HasContent);
        Assert.Equal(content, artifact.Content!.Value.ToArray());
        Assert.Equal("greeting.txt", artifact.Name);
        Assert.Equal(ArtifactKind.File, artifact.Kind);
        Assert.Equal("text/plain", artifact.MediaType);
        Assert.Equal(_session.Id, artifact.SessionId);
        Assert.Null(artifact.StepId);
        Assert.Null(artifact.ToolCallId);
        Assert.Equal([artifact], _session.Artifacts);
        Assert.Same(artifact, _session.FindArtifact(artifact.Id));
        Assert.StartsWith("art_", artifact.EntityId, StringComparison.Ordinal);
        Assert.Equal(EntityType.Artifact, artifact.EntityType);
    }

    [Fact]
    public void An_artifact_kind_that_is_not_defined_is_refused_and_nothing_is_added()
    {
        // Trial AL 2: (ArtifactKind)77 was saved, and every later read of the session failed with ACODE-DB-002.
        Assert.Throws<ArgumentOutOfRangeException>(() => _session.AddArtifact("x", (ArtifactKind)77, "text/plain", new byte[] { 1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => _session.AddArtifactReference("x", (ArtifactKind)(-1), "text/plain", 1, HelloSha256));
        Assert.Empty(_session.Artifacts);
    }

    [Fact]
    public void AddArtifact_hashes_and_sizes_binary_content()
    {
        byte[] content = new byte[100_000];
        new Random(42).NextBytes(content);

        Artifact artifact = _session.AddArtifact("blob.bin", ArtifactKind.Other, "application/octet-stream", content);

        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(content)), artifact.ContentHash);
        Assert.Matches("^[0-9a-f]{64}$", artifact.ContentHash);
        Assert.Equal(100_000, artifact.Size);
    }

    [Fact]
    public void AddArtifact_with_empty_content_has_content_of_size_0()
    {
        Artifact artifact = _session.AddArtifact("empty", ArtifactKind.Log, "text/plain", ReadOnlyMemory<byte>.Empty);

        Assert.True(artifact.HasContent);
        Assert.Equal(0, artifact.Size);
        Assert.Equal(EmptySha256, artifact.ContentHash);
        Assert.Equal(0, artifact.Content!.Value.Length);
    }

    [Fact]
    public void AddArtifact_copies_the_content_so_later_changes_to_the_buffer_do_not_leak_in()
    {
        byte[] content = Encoding.UTF8.GetBytes("hello");
        Artifact artifact = _session.AddArtifact("greeting.txt", ArtifactKind.File, "text/plain", content);

        content[0] = (byte)'j';

        Assert.Equal("hello", Encoding.UTF8.GetString(artifact.Content!.Value.Span));
        Assert.Equal(HelloSha256, Artifact.HashOf(artifact.Content!.Value.Span));
    }

    [Theory]
    [InlineData("../../etc/passwd")]
    [InlineData("/etc/shadow")]
    [InlineData("C:\\Windows\\system32\\..\\win.ini")]
    [InlineData("  spaced  name  ")]
    [InlineData("name\0with\0nul")]
    [InlineData("résumé 📄.md")]
    public void AddArtifact_keeps_the_name_verbatim(string name)
    {
        Artifact artifact = _session.AddArtifact(name, ArtifactKind.File, "text/plain", new byte[] { 1 });

        Assert.Equal(name, artifact.Name);
    }

    [Fact]
    public void AddArtifact_accepts_a_name_of_the_maximum_length()
    {
        string name = new('n', Artifact.MaxNameLength);

        Assert.Equal(name, _session.AddArtifact(name, ArtifactKind.File, "text/plain", new byte[] { 1 }).Name);
    }

    [Fact]
    public void AddArtifact_rejects_a_name_longer_than_the_maximum()
    {
        string name = new('n', Artifact.MaxNameLength + 1);

        var ex = Assert.Throws<ArgumentException>(() => _session.AddArtifact(name, ArtifactKind.File, "text/plain", new byte[] { 1 }));

        Assert.Equal("name", ex.ParamName);
        Assert.Contains($"{Artifact.MaxNameLength}", ex.Message, StringComparison.Ordinal);
        Assert.Empty(_session.Artifacts);
    }

    [Fact]
    public void AddArtifactReference_rejects_a_name_longer_than_the_maximum()
    {
        string name = new('n', Artifact.MaxNameLength + 1);

        Assert.Throws<ArgumentException>(() => _session.AddArtifactReference(name, ArtifactKind.File, "text/plain", 1, HelloSha256));
    }

    [Fact]
    public void AddArtifact_rejects_an_empty_name()
    {
        Assert.Throws<ArgumentException>(() => _session.AddArtifact("", ArtifactKind.File, "text/plain", new byte[] { 1 }));
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    public void AddArtifact_rejects_a_blank_media_type(string mediaType)
    {
        Assert.Throws<ArgumentException>(() => _session.AddArtifact("a", ArtifactKind.File, mediaType, new byte[] { 1 }));
    }

    [Fact]
    public void AddArtifact_replaces_lone_surrogates_in_the_name()
    {
        Assert.Equal("a\uFFFDb", _session.AddArtifact("a\uD800b", ArtifactKind.File, "text/plain", new byte[] { 1 }).Name);
    }

    [Fact]
    public void AddArtifact_links_to_a_step_and_tool_call_of_the_session()
    {
        Step step = _session.AddTask("t").AddStep("s");
        ToolCall call = step.AddToolCall("bash", "{}");

        Artifact artifact = _session.AddArtifact("out", ArtifactKind.Log, "text/plain", new byte[] { 1 }, step.Id, call.Id);

        Assert.Equal(step.Id, artifact.StepId);
        Assert.Equal(call.Id, artifact.ToolCallId);
    }

    [Fact]
    public void AddArtifact_rejects_a_step_that_is_not_part_of_the_session()
    {
        Step foreign = Session.Create("other").AddTask("t").AddStep("s");

        var ex = Assert.Throws<ArgumentException>(
            () => _session.AddArtifact("out", ArtifactKind.Log, "text/plain", new byte[] { 1 }, foreign.Id));

        Assert.Equal("stepId", ex.ParamName);
        Assert.Empty(_session.Artifacts);
    }

    [Fact]
    public void AddArtifact_rejects_a_tool_call_that_is_not_part_of_the_session()
    {
        var ex = Assert.Throws<ArgumentException>(
            () => _session.AddArtifact("out", ArtifactKind.Log, "text/plain", new byte[] { 1 }, toolCallId: ToolCallId.New()));

        Assert.Equal("toolCallId", ex.ParamName);
    }

    [Fact]
    public void AddArtifactReference_stores_only_the_size_and_hash()
    {
        Artifact artifact = _session.AddArtifactReference("huge.log", ArtifactKind.Log, "text/plain", 5_000_000_000, HelloSha256);

        Assert.False(artifact.HasContent);
        Assert.Null(artifact.Content);
        Assert.Equal(5_000_000_000, artifact.Size);
        Assert.Equal(HelloSha256, artifact.ContentHash);
    }

    [Fact]
    public void AddArtifactReference_lower_cases_the_hash()
    {
        Artifact artifact = _session.AddArtifactReference("x", ArtifactKind.Log, "text/plain", 5, HelloSha256.ToUpperInvariant());

        Assert.Equal(HelloSha256, artifact.ContentHash);
    }

    [Theory]
    [InlineData("")]
    [InlineData("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b982")]
    [InlineData("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b98244")]
    [InlineData("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b982g")]
    [InlineData("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b982 ")]
    [InlineData("sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362")]
    public void AddArtifactReference_rejects_a_hash_that_is_not_64_hex_digits(string hash)
    {
        var ex = Assert.Throws<ArgumentException>(() => _session.AddArtifactReference("x", ArtifactKind.Log, "text/plain", 5, hash));

        Assert.Equal("contentHash", ex.ParamName);
        Assert.Empty(_session.Artifacts);
    }

    [Fact]
    public void AddArtifactReference_rejects_a_null_hash()
    {
        Assert.Throws<ArgumentException>(() => _session.AddArtifactReference("x", ArtifactKind.Log, "text/plain", 5, null!));
    }

    [Fact]
    public void AddArtifactReference_rejects_a_negative_size()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => _session.AddArtifactReference("x", ArtifactKind.Log, "text/plain", -1, HelloSha256));
    }

    [Fact]
    public void AddArtifact_marks_the_artifact_pending_and_a_save_stamps_it()
    {
        FakeStore.Save(_session, new HybridClock());

        Artifact artifact = _session.AddArtifact("a", ArtifactKind.Diff, "text/x-diff", new byte[] { 1 });

        Assert.Same(artifact, Assert.Single(_session.PendingChanges));
        FakeStore.Save(_session, new HybridClock());
        Assert.Equal(1, artifact.Version);
    }

    [Fact]
    public void Restore_keeps_content_and_links_as_saved()
    {
        var session = Session.Restore(SessionId.New(), "a", null, SessionState.Executing, 0, 1, Sessions.Epoch, Sessions.Epoch);
        ArtifactId id = ArtifactId.New();

        Artifact artifact = Artifact.Restore(session, id, "../x", ArtifactKind.Diff, "text/x-diff", 5, HelloSha256, Encoding.UTF8.GetBytes("hello"), null, null, 2, Sessions.Epoch, Sessions.Epoch.AddTicks(1));

        Assert.Equal(id, artifact.Id);
        Assert.Equal("../x", artifact.Name);
        Assert.Equal("hello", Encoding.UTF8.GetString(artifact.Content!.Value.Span));
        Assert.Equal(2, artifact.Version);
        Assert.Same(artifact, session.FindArtifact(id));
        Assert.Equal([artifact], session.Artifacts);
    }

    [Fact]
    public void HashOf_is_lower_case_sha256_hex()
    {
        Assert.Equal(HelloSha256, Artifact.HashOf("hello"u8));
        Assert.Equal(EmptySha256, Artifact.HashOf([]));
    }
}
