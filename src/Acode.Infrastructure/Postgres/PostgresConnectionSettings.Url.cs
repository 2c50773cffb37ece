using System.Globalization;
using Acode.Application.Errors;
using Npgsql;

namespace Acode.Infrastructure.Postgres;

/// <summary>The libpq URL form: <c>postgresql://[user[:password]@][host][:port][,host[:port]…][/database][?param=value&amp;…]</c>.</summary>
internal sealed partial class PostgresConnectionSettings
{
    private const string AcceptedParameters = "sslmode, gssencmode, application_name, connect_timeout, host, port, user, password, dbname, options, target_session_attrs, sslrootcert, sslcert, sslkey, passfile, or an Npgsql keyword";

    /// <summary>The libpq URL parameters (https://www.postgresql.org/docs/current/libpq-connect.html#LIBPQ-PARAMKEYWORDS) acode maps.</summary>
    private static readonly string[] UrlParameters =
        ["sslmode", "gssencmode", "application_name", "connect_timeout", "host", "port", "user", "password", "dbname", "options", "target_session_attrs", "sslrootcert", "sslcert", "sslkey", "passfile"];

    /// <summary>
    /// Why a URL parameter was refused, naming it only when it is a keyword Npgsql knows (its value has the wrong type) or
    /// a few typos from a libpq parameter (<c>sslmdoe</c>): anything else may be a piece of a password, as in
    /// <see cref="KeyValueProblem"/>.
    /// </summary>
    private static string ParameterProblem(string name)
    {
        if (new NpgsqlConnectionStringBuilder().TryGetValue(name, out _))
        {
            return $"the URL parameter '{name}' has a value of the wrong type";
        }

        string wanted = name.ToLowerInvariant();
        (string Parameter, int Distance) nearest = UrlParameters.Select(p => (p, Domain.Text.EditDistance.Between(p, wanted))).MinBy(c => c.Item2);
        return nearest.Distance <= 2 && wanted.Length >= 3
            ? $"the URL parameter '{name}' is unknown (did you mean '{nearest.Parameter}'?)"
            : $"a URL parameter is unknown (it is not shown: it may be part of a password; accepted: {AcceptedParameters})";
    }

    private static bool IsUrl(string text)
        => text.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase) || text.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase);

    // Problems are described in general terms only: with a password that was not percent-encoded, any piece of
    // the URL (a "port", a "parameter name") may be part of the password.
    private static NpgsqlConnectionStringBuilder ParseUrl(string url, string sourceKey)
    {
        string rest = url[(url.IndexOf("://", StringComparison.Ordinal) + 3)..];
        if (rest.Contains('#', StringComparison.Ordinal))
        {
            throw AcodeErrors.InvalidConnectionString(sourceKey, "the URL contains '#' (a '#' in a password must be written %23)");
        }

        string? query = null;
        int questionMark = rest.IndexOf('?', StringComparison.Ordinal);
        if (questionMark >= 0)
        {
            query = rest[(questionMark + 1)..];
            rest = rest[..questionMark];
        }

        int slash = rest.IndexOf('/', StringComparison.Ordinal);
        string authority = slash >= 0 ? rest[..slash] : rest;
        string path = slash >= 0 ? rest[(slash + 1)..] : string.Empty;

        var builder = new NpgsqlConnectionStringBuilder();
        int at = authority.LastIndexOf('@');
        if (at >= 0)
        {
            string userInfo = authority[..at];
            authority = authority[(at + 1)..];
            int colon = userInfo.IndexOf(':', StringComparison.Ordinal);
            string user = Decode(colon >= 0 ? userInfo[..colon] : userInfo, sourceKey);
            if (user.Length > 0)
            {
                builder.Username = user;
            }

            if (colon >= 0)
            {
                builder.Password = Decode(userInfo[(colon + 1)..], sourceKey);
            }
        }

        ParseHosts(authority, builder, sourceKey);

        if (path.Length > 0)
        {
            if (path.Contains('/', StringComparison.Ordinal))
            {
                throw AcodeErrors.InvalidConnectionString(sourceKey, "the URL path must be just the database name (a '/' in a password must be written %2F)");
            }

            builder.Database = Decode(path, sourceKey);
        }

        if (!string.IsNullOrEmpty(query))
        {
            foreach (string pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                int equals = pair.IndexOf('=', StringComparison.Ordinal);
                if (equals <= 0)
                {
                    throw AcodeErrors.InvalidConnectionString(sourceKey, "a URL parameter is not of the form name=value");
                }

                ApplyParameter(builder, Decode(pair[..equals], sourceKey), Decode(pair[(equals + 1)..], sourceKey), sourceKey);
            }
        }

        return builder;
    }

    private static void ParseHosts(string hostList, NpgsqlConnectionStringBuilder builder, string sourceKey)
    {
        if (hostList.Length == 0)
        {
            return; // the host may come from ?host=
        }

        var entries = new List<(string Host, int? Port)>();
        foreach (string entry in hostList.Split(','))
        {
            string host = entry;
            string? port = null;
            if (entry.StartsWith('['))
            {
                int close = entry.IndexOf(']', StringComparison.Ordinal);
                if (close < 0 || (close + 1 < entry.Length && entry[close + 1] != ':'))
                {
                    throw AcodeErrors.InvalidConnectionString(sourceKey, "an IPv6 host is not written [address] or [address]:port");
                }

                host = entry[1..close];
                port = close + 1 < entry.Length ? entry[(close + 2)..] : null;
            }
            else
            {
                int colon = entry.LastIndexOf(':');
                if (colon >= 0)
                {
                    host = entry[..colon];
                    port = entry[(colon + 1)..];
                }
            }

            host = Decode(host, sourceKey);
            if (host.Length == 0)
            {
                throw AcodeErrors.InvalidConnectionString(sourceKey, "a host name is empty");
            }

            entries.Add((host, port is null ? null : ParsePort(port, sourceKey)));
        }

        if (entries.Count == 1)
        {
            builder.Host = entries[0].Host;
            if (entries[0].Port is { } single)
            {
                builder.Port = single;
            }

            return;
        }

        // Several hosts (failover): Npgsql takes them as one comma-separated Host, each with its own port.
        builder.Host = string.Join(',', entries.Select(e => e.Port is { } p
            ? $"{(e.Host.Contains(':', StringComparison.Ordinal) ? $"[{e.Host}]" : e.Host)}:{p.ToString(CultureInfo.InvariantCulture)}"
            : e.Host));
    }

    private static void ApplyParameter(NpgsqlConnectionStringBuilder builder, string name, string value, string sourceKey)
    {
        switch (name.ToLowerInvariant())
        {
            case "sslmode":
                builder.SslMode = value.ToLowerInvariant() switch
                {
                    "disable" => SslMode.Disable,
                    "allow" => SslMode.Allow,
                    "prefer" => SslMode.Prefer,
                    "require" => SslMode.Require,
                    "verify-ca" => SslMode.VerifyCA,
                    "verify-full" => SslMode.VerifyFull,
                    _ => throw AcodeErrors.InvalidConnectionString(sourceKey, "sslmode is not one of disable, allow, prefer, require, verify-ca, verify-full"),
                };
                return;
            case "gssencmode":
                builder.GssEncryptionMode = value.ToLowerInvariant() switch
                {
                    "disable" => GssEncryptionMode.Disable,
                    "prefer" => GssEncryptionMode.Prefer,
                    "require" => GssEncryptionMode.Require,
                    _ => throw AcodeErrors.InvalidConnectionString(sourceKey, "gssencmode is not one of disable, prefer, require"),
                };
                return;
            case "application_name":
                builder.ApplicationName = value;
                return;
            case "connect_timeout":
                builder.Timeout = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int seconds) && seconds is >= 0 and <= 1024
                    ? seconds
                    : throw AcodeErrors.InvalidConnectionString(sourceKey, "connect_timeout is not a number of seconds from 0 to 1024");
                return;
            case "host":
                builder.Host = value;
                return;
            case "port":
                builder.Port = ParsePort(value, sourceKey);
                return;
            case "user":
                builder.Username = value;
                return;
            case "password":
                builder.Password = value;
                return;
            case "dbname":
                builder.Database = value;
                return;
            case "options":
                builder.Options = value;
                return;
            case "target_session_attrs":
                builder.TargetSessionAttributes = value;
                return;
            case "sslrootcert":
                builder.RootCertificate = value;
                return;
            case "sslcert":
                builder.SslCertificate = value;
                return;
            case "sslkey":
                builder.SslKey = value;
                return;
            case "passfile":
                builder.Passfile = value;
                return;
        }

        try
        {
            builder[name] = value;
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidCastException or OverflowException or KeyNotFoundException)
        {
            throw AcodeErrors.InvalidConnectionString(sourceKey, ParameterProblem(name));
        }
    }

    private static int ParsePort(string text, string sourceKey)
        => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int port) && port is >= 1 and <= 65535
            ? port
            : throw AcodeErrors.InvalidConnectionString(sourceKey, "the port is not a number from 1 to 65535");

    // libpq refuses a '%' not followed by two hex digits ("invalid percent-encoded token"); Uri.UnescapeDataString would
    // keep it as it is, and a password with a bare '%' would then fail as a wrong password, far from its cause.
    private static string Decode(string text, string sourceKey)
    {
        for (int i = text.IndexOf('%', StringComparison.Ordinal); i >= 0; i = text.IndexOf('%', i + 1))
        {
            if (i + 2 >= text.Length || !char.IsAsciiHexDigit(text[i + 1]) || !char.IsAsciiHexDigit(text[i + 2]))
            {
                throw AcodeErrors.InvalidConnectionString(sourceKey, "the URL contains a '%' that is not followed by two hexadecimal digits (a '%' in a password must be written %25)");
            }
        }

        return Uri.UnescapeDataString(text);
    }
}
