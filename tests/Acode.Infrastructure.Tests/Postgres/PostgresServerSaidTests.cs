using Acode.Infrastructure.Postgres;
using Npgsql;

namespace Acode.Infrastructure.Tests.Postgres;

/// <summary>
/// The server's messages quote the user name; a password put in it by mistake (after a ':' or ';') is not repeated, also
/// when the name holds a '"', which the server does not escape (trial AY F9).
/// </summary>
public sealed class PostgresServerSaidTests
{
    [Theory]
    [InlineData("password authentication failed for user \"r_quote:Secr3tPw9\"", "password authentication failed for user \"r_quote:***\"")]
    [InlineData("role \"bo\"b:Secr3tPw9\" does not exist", "role \"bo\"b:***\" does not exist")]
    [InlineData("no pg_hba.conf entry for host \"10.0.0.9\", user \"app;Password=Secr3tPw9\", database \"runs\", no encryption", "no pg_hba.conf entry for host \"10.0.0.9\", user \"app;***\", database \"runs\", no encryption")]
    [InlineData("role \"alice\" does not exist", "role \"alice\" does not exist")]
    [InlineData("permission denied for table sessions", "permission denied for table sessions")]
    public void A_quoted_user_name_is_shown_up_to_its_first_colon_or_semicolon(string message, string shown)
    {
        var refused = new PostgresException(message, "FATAL", "FATAL", "28000");

        Assert.Equal(shown, PostgresServerSaid.MessageText(refused));
        Assert.Equal("SQLSTATE 28000: " + shown, PostgresServerSaid.Of(refused));
    }
}
