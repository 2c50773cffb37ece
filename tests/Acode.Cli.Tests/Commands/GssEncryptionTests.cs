using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Acode.Cli.Tests.Support;

namespace Acode.Cli.Tests.Commands;

/// <summary>
/// acode's connections to PostgreSQL do not ask for GSSAPI session encryption unless the connection string does
/// (docs/postgres.md, "GSSAPI"): Npgsql 10's default (Prefer) loads the system's Kerberos library on the first
/// connection, and a process stopped while it initializes aborts (exit 134) instead of exiting as documented.
/// Linux only: the loaded libraries are read from <c>/proc/PID/maps</c>.
/// </summary>
public sealed class GssEncryptionTests : IDisposable
{
    private const string KerberosLibrary = "libgssapi_krb5";

    private readonly CliWorkspace _workspace = new();

    [Fact]
    public async Task A_connection_string_without_gssencmode_never_loads_the_Kerberos_library()
    {
        Assert.False(await LoadsKerberosAsync(""), $"{KerberosLibrary} was loaded although the connection string does not ask for GSSAPI");
    }

    [Fact]
    public async Task Gssencmode_prefer_in_the_URL_is_honoured()
    {
        Assert.True(await LoadsKerberosAsync("?gssencmode=prefer"), $"{KerberosLibrary} was not loaded although the URL asks for gssencmode=prefer");
    }

    public void Dispose() => _workspace.Dispose();

    /// <summary>Runs <c>acode db status</c> against a server that accepts and reads but never answers; true when the process has the Kerberos library mapped once its first message arrived.</summary>
    private async Task<bool> LoadsKerberosAsync(string parameters)
    {
        await _workspace.RunOkAsync("demo");
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        int port = ((IPEndPoint)silent.LocalEndpoint).Port;
        _workspace.Environment["ACODE_POSTGRES_URL"] = $"postgresql://acode:x@127.0.0.1:{port}/acode{parameters}";
        using Process status = AcodeBinary.Start(_workspace.Root, _workspace.Environment, "--workspace", _workspace.Root, "db", "status");
        try
        {
            status.StandardInput.Close();
            using TcpClient held = await silent.AcceptTcpClientAsync().WaitAsync(TimeSpan.FromMinutes(1));
            // The first message (a GSSENCRequest, an SSLRequest or the startup message) is sent after the choice was made.
            var first = new byte[8];
            await held.GetStream().ReadExactlyAsync(first).AsTask().WaitAsync(TimeSpan.FromMinutes(1));
            string maps = await File.ReadAllTextAsync($"/proc/{status.Id}/maps");
            return maps.Contains(KerberosLibrary, StringComparison.Ordinal);
        }
        finally
        {
            status.Kill(entireProcessTree: true);
            await status.WaitForExitAsync();
        }
    }
}
