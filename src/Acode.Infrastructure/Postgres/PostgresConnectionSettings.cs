using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Acode.Application.Errors;
using Acode.Application.Options;
using Npgsql;

namespace Acode.Infrastructure.Postgres;

/// <summary>
/// A parsed, checked PostgreSQL connection string (AC-024): either a <c>postgres://</c> / <c>postgresql://</c> URL
/// (libpq form, percent-decoded) or Npgsql <c>key=value</c> pairs, turned into one Npgsql connection string with
/// the pool size and timeouts of <see cref="PostgresOptions"/>. Immutable and thread-safe.
/// </summary>
/// <remarks>
/// <para>The options' pool size and timeouts always win over the same keys in the connection string, and
/// <c>Include Error Detail</c> and <c>Persist Security Info</c> are always off, so that server error details and
/// the password stay out of exception messages and <see cref="NpgsqlConnection.ConnectionString"/>.</para>
/// <para>Only <see cref="ConnectionString"/> holds the password; it must never be logged or shown. Use
/// <see cref="Redacted"/> (also <see cref="ToString"/>) for messages, logs and <c>acode db status</c> (AC-058).</para>
/// </remarks>
internal sealed partial class PostgresConnectionSettings
{
    /// <summary>The <c>Application Name</c> sent to the server when the connection string sets none.</summary>
    public const string DefaultApplicationName = "acode";

    private const int DefaultPort = 5432;

    private PostgresConnectionSettings(NpgsqlConnectionStringBuilder builder, string sourceKey)
    {
        HasPassword = !string.IsNullOrEmpty(builder.Password);
        Host = builder.Host!;
        Port = builder.Port;
        Database = builder.Database;
        Username = builder.Username;
        PoolSize = builder.MaxPoolSize;
        SourceKey = sourceKey;
        ConnectionString = builder.ConnectionString;
        Redacted = Redact(builder);
    }

    /// <summary>The Npgsql connection string, password included: hand it to Npgsql only.</summary>
    public string ConnectionString { get; }

    /// <summary>The target without secrets, e.g. <c>postgresql://acode@127.0.0.1:5432/acode</c>.</summary>
    public string Redacted { get; }

    /// <summary>True when the connection string itself carries a password (not counting <c>PGPASSWORD</c> or a pass file).</summary>
    public bool HasPassword { get; }

    /// <summary>The configuration key or environment variable the value came from, as named in errors.</summary>
    public string SourceKey { get; }

    /// <summary>The host (or comma-separated hosts, or a Unix socket folder).</summary>
    public string Host { get; }

    public int Port { get; }

    /// <summary>The database; null when the connection string names none (the server then uses the user name).</summary>
    public string? Database { get; }

    /// <summary>The user; null when the connection string names none (Npgsql then uses <c>PGUSER</c> or the OS user).</summary>
    public string? Username { get; }

    /// <summary>
    /// The pool size and timeouts the connection string sets that <see cref="PostgresOptions"/> replaced, in words (e.g.
    /// <c>a connect timeout of 20 s (persistence:postgres:connectTimeoutSeconds, 5 s, is used)</c>); empty when none.
    /// </summary>
    public IReadOnlyList<string> ReplacedSettings { get; private init; } = [];

    /// <summary>Maximum Pool Size of <see cref="ConnectionString"/> (AC-028).</summary>
    public int PoolSize { get; }

    /// <summary>Parses <see cref="PostgresOptions.ConnectionString"/> with the pool size and timeouts of <paramref name="options"/>.</summary>
    /// <exception cref="InvalidOperationException">PostgreSQL is not configured (<see cref="PostgresOptions.IsConfigured"/> is false).</exception>
    /// <exception cref="AcodeDbException">ACODE-DB-007 naming <see cref="PostgresOptions.ConnectionStringSource"/>.</exception>
    public static PostgresConnectionSettings From(PostgresOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.IsConfigured)
        {
            throw new InvalidOperationException($"PostgreSQL is not configured: set {PostgresOptions.ConnectionStringKey} or {PostgresOptions.EnvironmentVariable} first (check PostgresOptions.IsConfigured).");
        }

        return Parse(options.ConnectionString!, options.ConnectionStringSource, options);
    }

    /// <summary>Parses <paramref name="value"/> with the default pool size and timeouts.</summary>
    /// <inheritdoc cref="Parse(string, string, PostgresOptions?)"/>
    public static PostgresConnectionSettings Parse(string value, string sourceKey) => Parse(value, sourceKey, null);

    /// <summary>Parses a URL or key=value connection string.</summary>
    /// <param name="value">The connection string, as configured.</param>
    /// <param name="sourceKey">Where it came from (<c>ACODE_POSTGRES_URL</c>, <c>persistence:postgres:connectionString</c>), for errors.</param>
    /// <param name="options">Pool size and timeouts to apply; null for the defaults.</param>
    /// <exception cref="AcodeDbException">ACODE-DB-007 naming <paramref name="sourceKey"/>; the message never repeats the value.</exception>
    public static PostgresConnectionSettings Parse(string value, string sourceKey, PostgresOptions? options)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sourceKey);
        options ??= new PostgresOptions();
        if (string.IsNullOrWhiteSpace(value))
        {
            throw AcodeErrors.InvalidConnectionString(sourceKey, "it is empty");
        }

        string text = value.Trim();
        NpgsqlConnectionStringBuilder builder = IsUrl(text) ? ParseUrl(text, sourceKey) : ParseKeyValue(text, sourceKey);
        if (string.IsNullOrWhiteSpace(builder.Host))
        {
            throw AcodeErrors.InvalidConnectionString(sourceKey, "it names no host");
        }

        if (builder.Port is < 1 or > 65535)
        {
            throw AcodeErrors.InvalidConnectionString(sourceKey, "the port is not a number from 1 to 65535");
        }

        List<string> replaced = Replaced(builder, options);
        builder.MaxPoolSize = options.PoolSize;
        builder.MinPoolSize = Math.Min(builder.MinPoolSize, options.PoolSize);
        builder.Timeout = options.ConnectTimeoutSeconds;
        builder.CommandTimeout = options.CommandTimeoutSeconds;
        builder.IncludeErrorDetail = false;
        builder.PersistSecurityInfo = false;
        if (string.IsNullOrEmpty(builder.ApplicationName))
        {
            builder.ApplicationName = DefaultApplicationName;
        }

        return new PostgresConnectionSettings(builder, sourceKey) { ReplacedSettings = replaced };
    }

    /// <summary>
    /// What the connection string sets that the options' pool size and timeouts replace with another value:
    /// <c>connect_timeout</c> or <c>Timeout</c>, <c>Command Timeout</c>, <c>Maximum Pool Size</c>. (The builder's own
    /// connection string holds only the keys that were set, whatever their value.)
    /// </summary>
    private static List<string> Replaced(NpgsqlConnectionStringBuilder builder, PostgresOptions options)
    {
        var set = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = builder.ConnectionString };
        var replaced = new List<string>();
        if (set.ContainsKey("Timeout") && builder.Timeout != options.ConnectTimeoutSeconds)
        {
            replaced.Add(string.Create(CultureInfo.InvariantCulture, $"a connect timeout of {builder.Timeout} s (persistence:postgres:connectTimeoutSeconds, {options.ConnectTimeoutSeconds} s, is used)"));
        }

        if (set.ContainsKey("Command Timeout") && builder.CommandTimeout != options.CommandTimeoutSeconds)
        {
            replaced.Add(string.Create(CultureInfo.InvariantCulture, $"a command timeout of {builder.CommandTimeout} s (persistence:postgres:commandTimeoutSeconds, {options.CommandTimeoutSeconds} s, is used)"));
        }

        if (set.ContainsKey("Maximum Pool Size") && builder.MaxPoolSize != options.PoolSize)
        {
            replaced.Add(string.Create(CultureInfo.InvariantCulture, $"a pool of {builder.MaxPoolSize} connections (persistence:postgres:poolSize, {options.PoolSize}, is used)"));
        }

        return replaced;
    }

    /// <summary>
    /// The redacted target of an Npgsql connection string (e.g. <see cref="NpgsqlDataSource.ConnectionString"/>);
    /// never throws, never returns the password.
    /// </summary>
    public static string Redact(string? npgsqlConnectionString)
    {
        try
        {
            return Redact(new NpgsqlConnectionStringBuilder(npgsqlConnectionString ?? string.Empty));
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidCastException or OverflowException)
        {
            return "PostgreSQL (unreadable connection string)";
        }
    }

    public override string ToString() => Redacted;

    /// <summary>
    /// A user name as acode's messages show it: what follows its first <c>:</c> or <c>;</c> is shown as <c>***</c>. A
    /// PostgreSQL role name may hold them, but a user name that does is most often a password put there by mistake:
    /// <c>user:password</c> with the <c>:</c> percent-encoded in a URL, or <c>Username="user;Password=…"</c> quoted in
    /// key-value pairs (trial AU 7).
    /// </summary>
    /// <param name="user">The user name as the connection string gives it.</param>
    /// <param name="escaped">Percent-encode what is shown, as in the <c>postgresql://</c> form of <see cref="Redacted"/>.</param>
    public static string ShownUserName(string user, bool escaped)
    {
        ArgumentNullException.ThrowIfNull(user);
        int cut = user.IndexOfAny([':', ';']);
        string shown = cut < 0 ? user : user[..(cut + 1)];
        return (escaped ? Uri.EscapeDataString(shown) : shown) + (cut < 0 ? string.Empty : "***");
    }

    private static string Redact(NpgsqlConnectionStringBuilder builder)
    {
        var text = new StringBuilder("postgresql://");
        if (!string.IsNullOrEmpty(builder.Username))
        {
            text.Append(ShownUserName(builder.Username, escaped: true)).Append('@');
        }

        var sockets = new List<string>();
        var hosts = new List<string>();
        foreach (string entry in (builder.Host ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (entry.StartsWith('/') || entry.StartsWith('@'))
            {
                sockets.Add(entry);
            }
            else
            {
                hosts.Add(WithPort(entry, builder.Port));
            }
        }

        text.AppendJoin(',', hosts).Append('/');
        if (!string.IsNullOrEmpty(builder.Database))
        {
            text.Append(Uri.EscapeDataString(builder.Database));
        }

        if (sockets.Count > 0)
        {
            text.Append("?host=").Append(Uri.EscapeDataString(string.Join(',', sockets)))
                .Append("&port=").Append(builder.Port.ToString(CultureInfo.InvariantCulture));
        }

        return text.ToString();
    }

    private static string WithPort(string host, int port)
    {
        string portText = port.ToString(CultureInfo.InvariantCulture);
        if (host.StartsWith('['))
        {
            return host.Contains("]:", StringComparison.Ordinal) ? host : $"{host}:{portText}";
        }

        int colons = host.Count(c => c == ':');
        return colons switch
        {
            0 => $"{host}:{portText}",
            1 => host,
            _ => $"[{host}]:{portText}", // a bare IPv6 address
        };
    }

    private static NpgsqlConnectionStringBuilder ParseKeyValue(string text, string sourceKey)
    {
        if (!text.Contains('=', StringComparison.Ordinal))
        {
            throw AcodeErrors.InvalidConnectionString(sourceKey, "it is neither a postgresql:// URL nor key=value pairs");
        }

        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(text);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidCastException or OverflowException or KeyNotFoundException)
        {
            // Npgsql's message can quote a value, and a password holding ';' splits into keywords: never pass it on.
            throw AcodeErrors.InvalidConnectionString(sourceKey, KeyValueProblem.Describe(text));
        }

        // libpq's form (PostgreSQL docs, "Keyword/Value Connection Strings": pairs separated by spaces, as psql takes them)
        // reads to Npgsql as one pair whose value runs on, password included: the host was "localhost port=5432 …
        // password=…", which every message naming the target then showed (trial AM 2).
        if (new[] { builder.Host, builder.Database, builder.Username, string.IsNullOrWhiteSpace(builder.Host) ? builder.Password : null }.Any(v => v is not null && LibpqPair().IsMatch(v)))
        {
            throw AcodeErrors.InvalidConnectionString(sourceKey,
                "it reads as libpq's keyword=value pairs separated by spaces (as psql takes them); give a postgresql:// URL or Npgsql's pairs separated by ';' (Host=…;Port=…;Username=…;Database=…;Password=…)");
        }

        return builder;
    }

    [GeneratedRegex(@"\s[A-Za-z_]+\s*=")]
    private static partial Regex LibpqPair();
}
