using System.Text;

namespace Acode.Testing.Secrets;

/// <summary>
/// A fake secret of one kind in its context, for tests that cut text at every position across it: <see cref="Text"/> holds
/// it whole, <see cref="Random"/> is its drawn (secret) part, whose pieces no cut may keep. Assembled at run time from a
/// seeded generator, as in <see cref="SecretCorpus"/>.
/// </summary>
public sealed record StraddlingSecret(string Kind, string Text, string Random)
{
    /// <summary>A url-password, a GitHub token, a JWT and a private key (header and body), each as a word of its own.</summary>
    public static IReadOnlyList<StraddlingSecret> All(int seed = 7)
    {
        var random = new Random(seed);
        const string Base62 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        string password = SecretCorpus.Draw(random, Base62, 40);
        string token = SecretCorpus.Draw(random, Base62, 36);
        string signature = SecretCorpus.Draw(random, Base62 + "-_", 43);
        string payload = Base64Url($"{{\"sub\":\"user-{random.Next(100000)}\",\"iat\":{1_700_000_000 + random.Next(10_000_000)},\"scope\":\"admin\"}}");
        string jwtHead = Base64Url("{\"alg\":\"HS256\",\"typ\":\"JWT\"}");
        string body = SecretCorpus.Draw(random, Base62 + "+/", 64) + "\n" + SecretCorpus.Draw(random, Base62 + "+/", 64);
        return
        [
            new("url-password", $"postgres://averyveryverylongusernameforthedb:{password}@db.internal:5432/app", password),
            new("github-token", "https://ci.internal.org/hook?GITHUB_TOKEN=gh" + "p_" + token + "&ref=main", token),
            new("jwt", $"https://app.internal.org/callback#id_token={jwtHead}.{payload}.{signature}&state=1", payload + signature),
            new("private-key", $"-----BEGIN RSA PRIVATE KEY-----\n{body}\n-----END RSA PRIVATE KEY-----", body.Replace("\n", "", StringComparison.Ordinal)),
        ];
    }

    /// <summary>The pieces of <see cref="Random"/> (every run of <paramref name="length"/> characters) found in <paramref name="text"/>.</summary>
    public IEnumerable<string> PiecesIn(string text, int length = 6)
    {
        for (int i = 0; i + length <= Random.Length; i++)
        {
            string piece = Random.Substring(i, length);
            if (text.Contains(piece, StringComparison.Ordinal))
            {
                yield return piece;
            }
        }
    }

    public override string ToString() => Kind;

    private static string Base64Url(string json) => Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
