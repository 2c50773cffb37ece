using Acode.Application;
using Acode.Application.Errors;
using Acode.Application.Redaction;
using Acode.Application.Serialization;
using Acode.Application.Transcripts;

namespace Acode.Infrastructure.Transcripts;

/// <summary>
/// The shared part of the transcript importers: finding files, reading them through <see cref="TranscriptSource"/>,
/// and storing the resulting documents through <see cref="IRunStateStore.ImportAsync"/> (the path <c>acode session import</c>
/// uses), which leaves rows at the same version alone and records every written row in the outbox.
/// </summary>
public abstract class TranscriptImporter : ITranscriptImporter
{
    private readonly Lazy<IRunStateStore> _store;
    private readonly Lazy<IRemovedImportLog?> _removedImports;

    private protected TranscriptImporter(IRunStateStore store, IRemovedImportLog? removedImports)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = new(store);
        _removedImports = new(removedImports);
    }

    /// <summary>
    /// An importer whose store and removal log are asked for only when a transcript is about to be stored (after it was
    /// found, read and accepted): a command that imports nothing (no transcript where it looked, only files refused)
    /// creates no workspace. Give <see cref="Redactor"/> too: reading a transcript needs it before anything is stored.
    /// </summary>
    private protected TranscriptImporter(Func<IRunStateStore> store, Func<IRemovedImportLog?> removedImports)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(removedImports);
        _store = new(store);
        _removedImports = new(removedImports);
    }

    /// <summary>
    /// Import a transcript whose session was removed since it was imported (listed by the <see cref="IRemovedImportLog"/>
    /// this importer was given), and forget its removal. False (the default): such a transcript is not stored; its
    /// report says so (<see cref="TranscriptImportReport.RemovedEarlier"/>).
    /// </summary>
    public bool IncludeRemoved { get; init; }

    /// <summary>
    /// What redacts a prompt, the assistant's text or a line before a title or an excerpt is cut from it (so that no cut
    /// keeps part of a secret: docs/secrets.md). Null (the default): the redactor of the store when it scans with one of
    /// its own (<see cref="IRedactingStore"/>: acode's SQLite and PostgreSQL stores), else the built-in rules. The store scans everything it writes again.
    /// </summary>
    public ISecretRedactor? Redactor { get; init; }

    /// <summary>The redactor the graphs use: <see cref="Redactor"/>, else the store's, else the built-in rules.</summary>
    internal ISecretRedactor EffectiveRedactor => Redactor ?? (_store.Value as IRedactingStore)?.Redactor ?? SecretRedactor.Default;

    /// <inheritdoc/>
    public abstract string Agent { get; }

    /// <inheritdoc/>
    public abstract string DefaultLocation { get; }

    /// <summary>
    /// The user's home folder, whether it exists or not (so that a default location names the folder it tried, never a
    /// path relative to the current folder); <c>~</c> when HOME (USERPROFILE on Windows) is not set.
    /// </summary>
    internal static string HomeFolder()
        => Environment.GetFolderPath(Environment.SpecialFolder.UserProfile, Environment.SpecialFolderOption.DoNotVerify) is { Length: > 0 } home ? home : "~";

    /// <summary>The longest transcript line imported, in bytes; longer lines are counted as oversized (16 MiB by default).</summary>
    public int MaxLineBytes { get; init; } = TranscriptLineReader.DefaultMaxLineBytes;

    /// <inheritdoc/>
    /// <remarks>Files and folders that cannot be read are left out; <see cref="FindTranscripts(string, ICollection{UnreadablePath})"/> reports them.</remarks>
    public IReadOnlyList<string> FindTranscripts(string path) => FindTranscripts(path, new List<UnreadablePath>());

    /// <summary>
    /// The transcript files at <paramref name="path"/> (a file, or a folder searched recursively), in a stable order; a
    /// companion file directly in the folder named (a Claude Code <c>subagents</c> folder) stands for its session's
    /// transcript, as when the file is named, while companion files found further down are left to their session;
    /// every folder that cannot be listed, every <c>.jsonl</c> symbolic link to nothing and every <c>.jsonl</c> that is a
    /// fifo, socket or device (never opened: opening a fifo waits for a writer) goes to <paramref name="unreadable"/> and
    /// the search goes on. A symbolic link to a folder is followed once: a folder reached again (a link loop, two
    /// links to one folder) is not searched again, and a file reached under two names is returned once.
    /// </summary>
    /// <exception cref="FileNotFoundException">Nothing exists at <paramref name="path"/>.</exception>
    /// <exception cref="TranscriptFormatException">A sub-agent transcript (named, or in the folder named) whose session's transcript is not there.</exception>
    internal IReadOnlyList<string> FindTranscripts(string path, ICollection<UnreadablePath> unreadable)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(unreadable);
        if (File.Exists(path))
        {
            return [SessionTranscriptOf(Path.GetFullPath(path))];
        }

        if (!Directory.Exists(path))
        {
            throw new FileNotFoundException($"No file or folder at '{path}'.", path);
        }

        var found = new List<string>();
        var visitedFolders = new HashSet<string>(StringComparer.Ordinal);
        var visitedFiles = new HashSet<string>(StringComparer.Ordinal);
        string top = Path.GetFullPath(path).TrimEnd(Path.DirectorySeparatorChar) is { Length: > 0 } trimmed ? trimmed : Path.GetFullPath(path);
        Walk(top, RealPath(top));
        return found.Order(StringComparer.Ordinal).ToList();

        void Walk(string folder, string real)
        {
            if (!visitedFolders.Add(real))
            {
                return; // reached before (through a symbolic link): searched once
            }

            List<FileSystemInfo> entries;
            try
            {
                entries = new DirectoryInfo(folder).EnumerateFileSystemInfos("*", new EnumerationOptions { AttributesToSkip = FileAttributes.None, IgnoreInaccessible = false })
                    .OrderBy(e => e.Name, StringComparer.Ordinal)
                    .ToList();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                unreadable.Add(UnreadablePath.From(folder, ex, folder: true));
                return;
            }

            foreach (FileSystemInfo entry in entries)
            {
                if (entry is DirectoryInfo directory)
                {
                    string target;
                    try
                    {
                        target = directory.LinkTarget is null ? Path.Combine(real, directory.Name) : RealPath(directory.FullName);
                    }
                    catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                    {
                        unreadable.Add(UnreadablePath.From(directory.FullName, ex, folder: true));
                        continue;
                    }

                    Walk(directory.FullName, target);
                }
                else if (entry.Name.EndsWith(".jsonl", StringComparison.Ordinal) && !IsSessionTranscript(entry.FullName) && folder == top)
                {
                    // A companion file (a Claude Code sub-agent transcript) in the folder that was named: taken as a
                    // file named on its own, its session's transcript (which imports it). Further down it comes with its session.
                    string session = SessionTranscriptOf(entry.FullName);
                    if (session != entry.FullName && File.Exists(session) && FileKind.SpecialKindOf(session) is { } sessionKind)
                    {
                        unreadable.Add(UnreadablePath.NotAFile(session, sessionKind));
                    }
                    else if (session != entry.FullName && File.Exists(session) && visitedFiles.Add(RealPath(session)))
                    {
                        found.Add(session);
                    }
                }
                else if (entry.Name.EndsWith(".jsonl", StringComparison.Ordinal) && IsSessionTranscript(entry.FullName))
                {
                    if (entry.LinkTarget is not null && UnreadablePath.DanglingLinkTarget(entry.FullName) is not null)
                    {
                        unreadable.Add(UnreadablePath.From(entry.FullName, new FileNotFoundException()));
                        continue;
                    }

                    // A fifo (or socket, or device) found in a folder is not opened: opening a fifo waits for a writer,
                    // which may never come. Named on its own it is read as a stream (ImportFileAsync).
                    if (FileKind.SpecialKindOf(entry.FullName) is { } kind)
                    {
                        unreadable.Add(UnreadablePath.NotAFile(entry.FullName, kind));
                        continue;
                    }

                    string realFile;
                    try
                    {
                        realFile = entry.LinkTarget is null ? Path.Combine(real, entry.Name) : RealPath(entry.FullName);
                    }
                    catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                    {
                        unreadable.Add(UnreadablePath.From(entry.FullName, ex));
                        continue;
                    }

                    if (visitedFiles.Add(realFile))
                    {
                        found.Add(entry.FullName);
                    }
                }
            }
        }
    }

    /// <summary>
    /// The path with every symbolic link on it resolved (what <c>realpath</c> gives), so that a folder reached through
    /// links has one name. Relative link targets are resolved against the link's folder.
    /// </summary>
    /// <exception cref="IOException">Too many links on the way (a loop the system refuses).</exception>
    internal static string RealPath(string path, int depth = 0)
    {
        if (depth > 40)
        {
            throw new IOException($"Too many levels of symbolic links: '{path}'.");
        }

        string full = Path.GetFullPath(path);
        string root = Path.GetPathRoot(full) ?? string.Empty;
        string current = root;
        foreach (string part in full[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            string next = Path.Combine(current, part);
            if (new FileInfo(next).LinkTarget is { } target)
            {
                next = RealPath(Path.GetFullPath(target, current), depth + 1);
            }

            current = next;
        }

        return current;
    }

    /// <summary>
    /// <see cref="RealPath"/>, or <paramref name="path"/> as given when it cannot be resolved (a link loop, a folder that
    /// cannot be read): reading the file then says what is wrong.
    /// </summary>
    internal static string RealPathOrAsGiven(string path)
    {
        try
        {
            return RealPath(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return path;
        }
    }

    /// <inheritdoc/>
    /// <remarks>
    /// A transcript read from a pipe, a fifo, a socket or a device (<c>/dev/stdin</c>, <c>/dev/fd/N</c>, process
    /// substitution: see <see cref="IsStreamPath"/>) is read once, to its end, into an owner-only temporary file that is
    /// removed afterwards; it has no file name to take its session from, so its source key comes from its records
    /// (<see cref="SourceKeyOf"/>), which makes it the same session as its file imported by name. One whose records name
    /// no session is refused (<see cref="TranscriptFormatException"/>).
    /// </remarks>
    public Task<TranscriptImportReport> ImportFileAsync(string path, CancellationToken cancellationToken = default)
        => ImportFileAsync(path, realPath: null, cancellationToken);

    /// <summary>
    /// <see cref="ImportFileAsync(string, CancellationToken)"/> for a caller that resolved the file's symbolic links
    /// already (<paramref name="realPath"/>: <see cref="RealPathOrAsGiven"/> of <paramref name="path"/>), so that they are
    /// not walked again for the session's key and its sub-agent folder; null: resolved here.
    /// </summary>
    internal async Task<TranscriptImportReport> ImportFileAsync(string path, string? realPath, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = Path.GetFullPath(path);
        FileStream? stream = OpenIfStream(full);
        if (stream is not null)
        {
            await using (stream.ConfigureAwait(false))
            {
                return await ImportStreamAsync(path, stream, cancellationToken).ConfigureAwait(false);
            }
        }

        // The real path given is the named file's: not the one of a sub-agent transcript's session transcript, which imports it.
        string session = SessionTranscriptOf(full);
        var follower = new Follower(this, session, realPath: session == full && path == full ? realPath : null);
        return await follower.PollCoreAsync(final: true, cancellationToken).ConfigureAwait(false)
            ?? throw new FileNotFoundException($"No file at '{path}'.", path);
    }

    /// <summary>
    /// Whether <paramref name="path"/> names a stream rather than a file of a folder, by where it is: under /dev (except
    /// /dev/shm, a folder of ordinary files in memory) or /proc: <c>/dev/stdin</c>, <c>/dev/fd/63</c> (process
    /// substitution), <c>/proc/self/fd/0</c>. A fifo elsewhere is told by its stream, which cannot seek.
    /// </summary>
    internal static bool IsStreamPath(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return false;
        }

        string full = Path.GetFullPath(path);
        return full.StartsWith("/proc/", StringComparison.Ordinal)
            || full.StartsWith("/dev/", StringComparison.Ordinal) && !full.StartsWith("/dev/shm/", StringComparison.Ordinal);
    }

    /// <summary>
    /// The input opened, when it is a stream (<see cref="IsStreamPath"/>, or an empty-looking file that cannot seek: a
    /// fifo, which opening waits on until a writer comes); null for a regular file, which is read by name.
    /// </summary>
    private static FileStream? OpenIfStream(string full)
    {
        bool byPlace = IsStreamPath(full);
        if (!byPlace && (!File.Exists(full) || new FileInfo(full).Length > 0))
        {
            return null;
        }

        var stream = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1);
        if (!byPlace && stream.CanSeek)
        {
            stream.Dispose(); // an empty regular file
            return null;
        }

        return stream;
    }

    private async Task<TranscriptImportReport> ImportStreamAsync(string path, Stream input, CancellationToken cancellationToken)
    {
        string spool = Path.Combine(Path.GetTempPath(), $"acode-import-{Guid.NewGuid():N}.jsonl");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite; // a transcript may hold secrets
        }

        try
        {
            FileStream copy = new(spool, options);
            await using (copy.ConfigureAwait(false))
            {
                await input.CopyToAsync(copy, 1 << 16, cancellationToken).ConfigureAwait(false);
            }

            string? key = SourceKeyIn(spool);
            var follower = new Follower(this, path, readPath: spool, sourceKey: key);
            return await follower.PollCoreAsync(final: true, cancellationToken).ConfigureAwait(false)
                ?? throw new FileNotFoundException($"No file at '{path}'.", path);
        }
        finally
        {
            File.Delete(spool);
        }
    }

    /// <summary>The first source key a record of the file gives (<see cref="SourceKeyOf"/>), or null.</summary>
    private string? SourceKeyIn(string file)
    {
        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.SequentialScan);
        foreach (TranscriptLine line in new TranscriptLineReader(MaxLineBytes).Read(stream, 1, _ => { }))
        {
            if (line.Oversized || string.IsNullOrWhiteSpace(line.Text))
            {
                continue;
            }

            try
            {
                using System.Text.Json.JsonDocument document = JsonValues.Parse(line.Text.TrimStart('\uFEFF'));
                if (document.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object && SourceKeyOf(document.RootElement) is { Length: > 0 } key)
                {
                    return key;
                }
            }
            catch (System.Text.Json.JsonException)
            {
                // not a record: the import counts it
            }
        }

        return null;
    }

    /// <summary>
    /// The source key a record gives (the key <see cref="SourceKey"/> takes from the file's name when the agent wrote the
    /// file), for a transcript read from a stream; null when this record does not give it.
    /// </summary>
    private protected abstract string? SourceKeyOf(System.Text.Json.JsonElement record);

    /// <summary>What the records of a transcript read from a stream must hold to name its session, in words for messages.</summary>
    private protected abstract string SessionKeyRecord { get; }

    private TranscriptFormatException NoSessionKey(string path)
        => new(
            path,
            $"'{path}' was read as a stream (a pipe, fifo or device), which has no file name to take its {DisplayName} session from, and none of its records names it ({SessionKeyRecord}). Nothing of it was imported.",
            $"Import the transcript's file itself: acode import {Agent} <file>.jsonl ({DisplayName} writes them under {DefaultLocation}).");

    /// <inheritdoc/>
    public ITranscriptFollower Follow(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return new Follower(this, SessionTranscriptOf(Path.GetFullPath(path)));
    }

    /// <summary>Whether a <c>.jsonl</c> file found in a folder is a session transcript of this agent (not a companion file).</summary>
    private protected abstract bool IsSessionTranscript(string path);

    /// <summary>What identifies the session across machines, from the file's path (its session id).</summary>
    private protected abstract string SourceKey(string path);

    internal abstract ITranscriptRecordMapper CreateMapper(bool companion);

    /// <summary>
    /// The transcript that holds the session of the file at <paramref name="path"/> (a full path): the file itself, or
    /// for a Claude Code sub-agent transcript its session's transcript, which imports it.
    /// </summary>
    /// <exception cref="TranscriptFormatException">A sub-agent transcript whose session's transcript is not there.</exception>
    private protected virtual string SessionTranscriptOf(string path) => path;

    /// <summary>Files that belong to the session of <paramref name="path"/> (Claude Code's sub-agent transcripts), in a stable order.</summary>
    private protected virtual IReadOnlyList<string> CompanionFiles(string path) => [];

    /// <summary>The sub-agent a companion file holds the run of (Claude Code's <c>agent-&lt;id&gt;.jsonl</c>: <c>&lt;id&gt;</c>), or null.</summary>
    private protected virtual string? SubAgentIdOf(string companionPath) => null;

    /// <summary>How the agent is named in messages: <c>Claude Code</c>, <c>Codex CLI</c>.</summary>
    private protected abstract string DisplayName { get; }

    private TranscriptFormatException NotThisFormat(string path, TranscriptSource source)
    {
        string lines = source.ContentLines == 1 ? "its line is not" : $"none of its {source.ContentLines} lines is";
        (string what, string remedy) = source.ForeignFormat switch
        {
            ClaudeCodeTranscriptImporter.AgentName => ("; it looks like a Claude Code transcript", $"Import it with 'acode import claude-code {ShellQuoting.Quote(path)}'."),
            CodexTranscriptImporter.AgentName => ("; it looks like a Codex CLI rollout", $"Import it with 'acode import codex {ShellQuoting.Quote(path)}'."),
            TranscriptFormat.AcodeExport => ("; it is an acode session export", $"Import it with 'acode session import {ShellQuoting.Quote(path)}'."),
            _ => (string.Empty, $"Give a {DisplayName} transcript (.jsonl); {DisplayName} writes them under {DefaultLocation}."),
        };
        return new TranscriptFormatException(path, $"'{path}' is not a {DisplayName} transcript: {lines} a {DisplayName} record{what}. Nothing of it was imported.", remedy);
    }

    /// <summary>The ids of the stored tasks numbered <paramref name="ordinal"/> in the session (one indexed read where the store has it).</summary>
    private async Task<IReadOnlyList<string>> TaskIdsAtAsync(SessionId sessionId, int ordinal, CancellationToken cancellationToken)
        => _store.Value is IStoredTaskIds reader
            ? await reader.TaskIdsAtAsync(sessionId, ordinal, cancellationToken).ConfigureAwait(false)
            : (await _store.Value.GetSessionAsync(sessionId, cancellationToken).ConfigureAwait(false))?.Tasks.Where(t => t.Ordinal == ordinal).Select(t => t.Id.Value).ToList() ?? [];

    private TranscriptFormatException OtherTranscriptOfSession(string path, string key, string sessionId)
        => new(
            path,
            $"'{path}' holds {DisplayName} session {key} ({sessionId}), which is stored already with other records: from another transcript of that session (the same file name in another folder), or from this file before it was rewritten (restored from a backup, or started anew); importing it too would mix two runs into one session. Nothing of it was imported.",
            $"If two files hold that session, import one of them only. To take this file as it is now instead, remove the session first (acode session delete {sessionId}; with PostgreSQL configured that removes it for the whole team at the next sync), then import it alone: acode import {Agent} {ShellQuoting.Quote(path)} --include-removed.");

    private TranscriptFormatException RecordsOfAnotherSession(string path, string key, ImportConflictException conflict)
        => new(
            path,
            $"'{path}' holds records of {DisplayName} session {key} that are stored already in session {conflict.OwningSessionId} ({conflict.EntityType} {conflict.EntityId}), while this file starts at another record and so would be session {conflict.ImportedSessionId}: another copy of the transcript (one that lacks the first lines of the other, or goes on past it) was imported before. Nothing of it was imported.",
            $"If two files hold that session, import the whole one only. To take this file instead, remove the other copy's session first (acode session delete {conflict.OwningSessionId}; with PostgreSQL configured that removes it for the whole team at the next sync, as the other copy's records belong to it there too), then import this file: acode import {Agent} {ShellQuoting.Quote(path)} --include-removed.");

    private static long EventBaseOf(string companionKey)
    {
        Span<byte> hash = stackalloc byte[32];
        System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(companionKey), hash);
        long slot = 1 + (System.Buffers.Binary.BinaryPrimitives.ReadInt64BigEndian(hash) & ((1L << 30) - 1));
        return slot * SqliteImportSourceReader.SubAgentRangeStart;
    }

    /// <param name="store">Where the documents go.</param>
    /// <param name="documents">The session document first, then what changed.</param>
    /// <param name="redactedBefore">What the graphs replaced in text they store only in part, by event id (<see cref="TranscriptGraph.RedactedBefore"/>).</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    private static async Task<ImportResult> StoreAsync(IRunStateStore store, IReadOnlyList<EntityDocument> documents, IReadOnlyDictionary<string, RedactionCounts> redactedBefore, CancellationToken cancellationToken)
    {
        var builder = new SessionGraphBuilder();
        foreach (EntityDocument document in documents)
        {
            builder.Add(document);
        }

        // Another store (a host's own) scans what it writes; only acode's stores take the counts of what was cut away.
        return store is IRedactingStore redacting
            ? await redacting.ImportAsync(builder.Session!, builder.Events, redactedBefore, cancellationToken).ConfigureAwait(false)
            : await store.ImportAsync(builder.Session!, builder.Events, cancellationToken).ConfigureAwait(false);
    }

    /// <param name="importer">The importer.</param>
    /// <param name="path">The transcript as named (in reports and messages).</param>
    /// <param name="readPath">Where its bytes are read when not at <paramref name="path"/>: the copy of a stream, which has no companion files.</param>
    /// <param name="sourceKey">The source key when it does not come from <paramref name="path"/>'s name; with <paramref name="readPath"/>, null means none was found (the transcript is refused once it holds a session).</param>
    /// <param name="realPath"><see cref="RealPathOrAsGiven"/> of <paramref name="path"/> when the caller has it; null: resolved when needed.</param>
    private sealed class Follower(TranscriptImporter importer, string path, string? readPath = null, string? sourceKey = null, string? realPath = null) : ITranscriptFollower
    {
        private readonly Dictionary<string, TranscriptSource> _companions = new(StringComparer.Ordinal);
        private readonly HashSet<string> _endedCompanions = new(StringComparer.Ordinal);
        private TranscriptSource? _main;
        // Documents of this file were stored (an empty file, or one of summaries only, is not): until then every poll reads
        // and checks the file as new, and the first store exports the whole graph (changedOnly relies on it).
        private bool _storedAnything;
        private bool _firstTaskChecked;
        private string? _signature;
        private string? _refusedSignature;
        private string? _skippedSignature;
        private string? _agentsPath = realPath;

        public string Path { get; } = path;

        private string ReadPath => readPath ?? Path;

        private bool Keyless => readPath is not null && sourceKey is null;

        private string Key => sourceKey ?? (readPath is null ? importer.SourceKey(AgentsPath) : "stream");

        /// <summary>
        /// The file as the agent named it: <see cref="Path"/> with its symbolic links resolved. A link of another name
        /// (<c>latest.jsonl</c>) is the user's name for the transcript, not another session; the sub-agent transcripts lie beside the file itself.
        /// </summary>
        private string AgentsPath => _agentsPath ??= RealPathOrAsGiven(Path);

        private IReadOnlyList<string> CompanionFiles() => readPath is null ? importer.CompanionFiles(AgentsPath) : [];

        public Task<TranscriptImportReport?> PollAsync(CancellationToken cancellationToken = default) => PollCoreAsync(final: false, cancellationToken);

        public async Task<TranscriptImportReport?> PollCoreAsync(bool final, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!File.Exists(ReadPath))
            {
                return null;
            }

            // Unchanged since the last poll (same size and time of the file and of its companions): nothing to read.
            string signature = Signature();
            if (!final && _storedAnything && signature == _signature)
            {
                return null;
            }

            // A file refused as not this agent's transcript, or skipped as a removed session's, is only looked at again once it has changed.
            if (!final && (signature == _refusedSignature || signature == _skippedSignature))
            {
                return null;
            }

            _signature = signature;
            _main ??= NewMain();
            long before = _main.Offset;
            bool grew;
            if (!_main.Read(final))
            {
                // Replaced or truncated: read it again from the start (ids are the same, so what is stored stays).
                _main = NewMain();
                _companions.Clear();
                _endedCompanions.Clear();
                _storedAnything = false;
                _firstTaskChecked = false;
                _main.Read(final);
            }

            grew = _main.Offset != before || !_storedAnything;
            if (!_storedAnything && _main.IsForeign)
            {
                _refusedSignature = signature;
                throw importer.NotThisFormat(Path, _main);
            }

            string? sessionId = _main.Graph.SessionId;
            if (Keyless && sessionId is not null)
            {
                _refusedSignature = signature;
                throw importer.NoSessionKey(Path);
            }

            var companions = new List<TranscriptSource>();
            if (sessionId is not null)
            {
                foreach (string file in CompanionFiles())
                {
                    if (!_companions.TryGetValue(file, out TranscriptSource? companion))
                    {
                        string key = Key + "/" + System.IO.Path.GetFileNameWithoutExtension(file);
                        var graph = new TranscriptGraph(importer.Agent, key, sessionId, EventBaseOf(key), ordinalBase: 100_000, importer.EffectiveRedactor);
                        companion = new TranscriptSource(file, graph, importer.CreateMapper(companion: true), importer.MaxLineBytes);
                        _companions.Add(file, companion);
                    }

                    long companionBefore = companion.Offset;
                    if (!companion.Read(final))
                    {
                        continue; // a sub-agent transcript that shrank is left as it was stored
                    }

                    grew |= companion.Offset != companionBefore || companion.Graph.SessionId is not null && !_storedAnything;

                    // Its run is over once the session's transcript holds the result of the tool call that started it,
                    // whatever its own last record says (it may end without a stop reason); ended once, at that result's time.
                    if (companion.Graph.HasTime && importer.SubAgentIdOf(file) is { } agentId && _main.Graph.SubAgentFinishedAt(agentId) is { } finishedAt
                        && _endedCompanions.Add(file))
                    {
                        companion.Graph.BeginLine(finishedAt);
                        companion.Mapper.EndSubAgentRun(companion.Graph);
                        companion.Graph.EndLine();
                        grew = true;
                    }
                    companions.Add(companion);
                }
            }

            if (!grew && !final)
            {
                return null;
            }

            // A session the user removed since it was imported is not brought back (unless asked to be): nothing is
            // stored, and once it is imported again it is written whole (what an earlier poll stored is gone).
            RemovedImport? removed = sessionId is not null && importer._removedImports.Value is { } log
                ? await log.FindAsync(SessionId.Parse(sessionId), cancellationToken).ConfigureAwait(false)
                : null;
            if (removed is not null && !importer.IncludeRemoved)
            {
                _storedAnything = false;
                _skippedSignature = signature;
                return Report(new ImportResult(0, 0, 0), companions) with { RemovedEarlier = removed };
            }

            // Another transcript of the same session (the same file name in another folder), or this file rewritten since
            // it was imported, already stored with other records: both would be tasks of one session, numbered alike. It is refused; one that repeats or continues
            // the other (a project folder copied or moved) has the same first task, and is the same session. A session
            // that holds this file's first task beside another's at that number (two copies merged in PostgreSQL and
            // pulled, trial AD) holds this file's run already: its growth is taken, not refused for good.
            if (!_firstTaskChecked && _main.Graph.Tasks is [var first, ..]
                && await importer.TaskIdsAtAsync(SessionId.Parse(sessionId!), first.Ordinal, cancellationToken).ConfigureAwait(false) is { Count: > 0 } stored
                && !stored.Contains(first.Id))
            {
                _refusedSignature = signature;
                throw importer.OtherTranscriptOfSession(Path, Key, sessionId!);
            }

            bool changedOnly = _storedAnything && removed is null;
            var documents = new List<EntityDocument>(_main.Graph.Export(changedOnly));
            foreach (TranscriptSource companion in companions.Where(c => c.Graph.SessionId is not null))
            {
                documents.AddRange(companion.Graph.Export(changedOnly, _main.Graph.SessionDocument()).Skip(1));
            }

            // No documents (an empty transcript, or one of summaries only): the store is not asked for, so no workspace is created for nothing.
            ImportResult rows;
            try
            {
                rows = documents.Count == 0
                    ? new ImportResult(0, 0, 0)
                    : await StoreAsync(importer._store.Value, documents, RedactedBefore(companions), cancellationToken).ConfigureAwait(false);
            }
            catch (ImportConflictException ex)
            {
                // Its records are stored under another session id: another copy of this transcript that starts at another
                // record (one lacking its first lines), whose session takes its id from its first time. Refused, as a
                // copy starting alike is (OtherTranscriptOfSession), until the file changes.
                _refusedSignature = signature;
                throw importer.RecordsOfAnotherSession(Path, Key, ex);
            }

            if (removed is not null)
            {
                await importer._removedImports.Value!.ForgetAsync(SessionId.Parse(removed.SessionId), cancellationToken).ConfigureAwait(false);
            }

            _skippedSignature = null;
            _firstTaskChecked |= _main.Graph.Tasks.Count > 0;
            _main.Graph.MarkStored();
            companions.ForEach(c => c.Graph.MarkStored());

            // Stored only once something was: a file first seen empty (created before its first line is written) is still
            // judged by its format when it fills, and refused if it is another agent's.
            _storedAnything |= documents.Count > 0;
            return Report(rows, companions);
        }

        /// <summary>What the main transcript's and the companions' graphs replaced in text they store only in part, by event id.</summary>
        private IReadOnlyDictionary<string, RedactionCounts> RedactedBefore(List<TranscriptSource> companions)
        {
            var all = new Dictionary<string, RedactionCounts>(_main!.Graph.RedactedBefore, StringComparer.Ordinal);
            foreach (TranscriptSource companion in companions)
            {
                foreach ((string eventId, RedactionCounts counts) in companion.Graph.RedactedBefore)
                {
                    all[eventId] = counts;
                }
            }

            return all;
        }

        private string Signature()
        {
            var text = new System.Text.StringBuilder();
            foreach (string file in CompanionFiles().Prepend(ReadPath))
            {
                var info = new FileInfo(file);
                text.Append(info.Exists ? info.Length : -1).Append(':').Append(info.Exists ? info.LastWriteTimeUtc.Ticks : 0).Append(';');
            }

            return text.ToString();
        }

        private TranscriptSource NewMain()
            => new(ReadPath, new TranscriptGraph(importer.Agent, Key, redactor: importer.EffectiveRedactor), importer.CreateMapper(companion: false), importer.MaxLineBytes);

        private TranscriptImportReport Report(ImportResult rows, List<TranscriptSource> companions)
        {
            List<TranscriptSource> all = [_main!, .. companions];
            TranscriptProblems problems = all.Select(s => s.Problems()).Aggregate((a, b) => a + b);
            var tasks = all.SelectMany(s => s.Graph.Tasks).ToList();
            var steps = tasks.SelectMany(t => t.Steps).ToList();
            var calls = steps.SelectMany(s => s.ToolCalls).ToList();
            return new TranscriptImportReport(
                Path, importer.Agent, _main!.Graph.SessionId, all.Sum(s => s.Lines), all.Sum(s => s.Offset),
                tasks.Count, steps.Count, calls.Count, calls.Count(c => c.Status == ToolCallStatus.Failed),
                all.Sum(s => s.Graph.ArtifactCount), all.Sum(s => s.Graph.EventCount), all.Sum(s => s.Graph.UnmappedRecords),
                rows, problems);
        }
    }
}
