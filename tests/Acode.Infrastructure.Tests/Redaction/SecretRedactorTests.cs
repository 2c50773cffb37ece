using System.Text;
using System.Text.Json;
using Acode.Application.Errors;
using Acode.Application.Options;
using Acode.Application.Redaction;
using Acode.Testing.Secrets;

namespace Acode.Infrastructure.Tests.Redaction;

public sealed class SecretRedactorTests
{
    private static readonly string AwsId = "AK" + "IA" + "Q3EGRT7NZ5B2KX4M";
    private static readonly string GitHubToken = "gh" + "p_" + "R8f2KqLx93VbT1mNzW6yHc4PjD0sAeGu7oXi";

    private readonly SecretRedactor _redactor = SecretRedactor.Default;

    [Fact]
    public void Json_stays_valid_and_only_the_changed_strings_are_rewritten()
    {
        string json = "{\n  \"command\" : \"git push https://x:" + "S3cr3t!Pw9@git.internal.org/r.git\",\n  \"env\": [\"AWS=" + AwsId + "\", 12.50, true],\n  \"note\": \"caf\\u00e9 \\\"quoted\\\"\"\n}";
        var counts = new RedactionCounts();

        string redacted = _redactor.RedactJson(json, counts);

        using JsonDocument document = JsonDocument.Parse(redacted);
        Assert.Equal("git push https://x:[REDACTED:url-password]@git.internal.org/r.git", document.RootElement.GetProperty("command").GetString());
        Assert.Equal("AWS=[REDACTED:aws-access-key-id]", document.RootElement.GetProperty("env")[0].GetString());
        Assert.Contains("\"note\": \"caf\\u00e9 \\\"quoted\\\"\"\n}", redacted, StringComparison.Ordinal);
        Assert.Contains("12.50, true]", redacted, StringComparison.Ordinal);
        Assert.Equal(2, counts.Total);
    }

    [Theory]
    [InlineData("BWFAAQ4WE7AEBBBA")] // drawn by the corpus test (seed 81801469): 2.95 bits per character over the whole id
    [InlineData("AAAAQ4WE7AEBBBAB")]
    public void An_aws_key_id_whose_random_part_repeats_letters_is_still_redacted(string body)
    {
        string text = "[default]\naws_access_key_id = " + "AK" + "IA" + body + "\n";

        Assert.Equal("[default]\naws_access_key_id = [REDACTED:aws-access-key-id]\n", _redactor.Redact(text, new RedactionCounts()));
    }

    [Theory]
    [InlineData("XXXXXXXXXXXXXXXX")]
    [InlineData("ABABABABABABABAB")]
    public void An_aws_key_id_mask_is_kept(string body)
    {
        string text = "aws_access_key_id: " + "AK" + "IA" + body;

        Assert.Equal(text, _redactor.Redact(text, new RedactionCounts()));
    }

    /// <summary>Every one of 20 000 drawn AWS key ids is caught (the whole-id entropy bar missed about one in 5 000).</summary>
    [Fact]
    public void Random_aws_key_ids_are_all_redacted()
    {
        int seed = Environment.GetEnvironmentVariable("ACODE_TEST_SEED") is { } s ? int.Parse(s, System.Globalization.CultureInfo.InvariantCulture) : Random.Shared.Next();
        Console.WriteLine($"seed {seed} (ACODE_TEST_SEED={seed} repeats it)");
        var random = new Random(seed);
        const string Base32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var missed = new List<string>();
        for (int i = 0; i < 20_000; i++)
        {
            string id = (i % 2 == 0 ? "AK" + "IA" : "AS" + "IA") + new string([.. Enumerable.Range(0, 16).Select(_ => Base32[random.Next(Base32.Length)])]);
            if (_redactor.Redact("key " + id, new RedactionCounts()) != "key [REDACTED:aws-access-key-id]")
            {
                missed.Add(id);
            }
        }

        Assert.True(missed.Count == 0, $"seed {seed}: missed {string.Join(", ", missed)}");
    }

    [Fact]
    public void A_private_key_whose_base64_holds_a_mixed_case_example_is_redacted()
    {
        // Drawn by the corpus test (seed 5973): "…cEeXamPlEGn2jV" in the second line made the whole key a "documented example".
        string key = "-----BEGIN RSA " + "PRIVATE KEY-----\nETbdN4YOQL02E/fgNiXREKs6ZgEh+mTliyZvF38LZtATQQPVJGWCm0k5mgEtz2Qq\n3PTRlwbVlL4WJZpJQuY4PR/uNfJkyPYidWbB89vYqAda8OwM37cEeXamPlEGn2jV\n-----END RSA " + "PRIVATE KEY-----";

        Assert.Equal("$ cat id\n[REDACTED:private-key]\n", _redactor.Redact("$ cat id\n" + key + "\n", new RedactionCounts()));
    }

    [Theory]
    [InlineData("api_key = \"Hq7dK2xLp9EXAMPLEzT4\"")]
    [InlineData("api_key = \"Hq7dK2xLp9examplezT4\"")]
    [InlineData("api_key = \"Hq7dK2xLp9ExamplezT4\"")]
    public void A_value_spelling_example_in_one_case_is_kept_as_a_documented_example(string text)
        => Assert.Equal(text, _redactor.Redact(text, new RedactionCounts()));

    [Theory]
    [InlineData("bb66b4468ff6bab8a886ef2b62c88fb2")] // seed 74: 2.98 bits per character
    [InlineData("69cad4e4aa495964c9dc1996486d66a4")] // seed 545
    public void A_hex_api_key_a_little_below_the_average_entropy_of_hex_is_redacted(string key)
        => Assert.Equal("{\"api_key\": \"[REDACTED:generic-secret]\"}", _redactor.Redact("{\"api_key\": \"" + key + "\"}", new RedactionCounts()));

    [Theory]
    [InlineData("ZXxnnxx000*JdJ")] // seed 409
    [InlineData("POowwol111~PTw")] // seed 1083
    public void A_password_a_little_below_the_average_entropy_is_redacted(string password)
        => Assert.Equal("DB_PASSWORD=[REDACTED:generic-secret]\n", _redactor.Redact("DB_PASSWORD=" + password + "\n", new RedactionCounts()));

    [Fact]
    public void Json_without_a_secret_is_returned_as_is()
    {
        string json = "{ \"path\" : \"src/app.cs\", \"max_tokens\": 4096, \"token_type\": \"bearer\" }";

        Assert.Same(json, _redactor.RedactJson(json, new RedactionCounts()));
    }

    [Theory]
    [InlineData("{\"url\":\"postgres:\\/\\/admin:Pz9xQ2mWv7Lk@db.internal:5432\\/prod\"}", "url", "postgres://admin:[REDACTED:url-password]@db.internal:5432/prod")] // PHP's json_encode writes / as \/
    [InlineData("{\"aws\":\"\\u0041KIAQZ3MX7LW2TR5KBPA\"}", "aws", "[REDACTED:aws-access-key-id]")]
    [InlineData("{\"t\":\"gh\\u0070_Zx8Qw3Er5Ty7Ui9Op1As2Df4Gh6Jk8Lz0Xc1V\"}", "t", "[REDACTED:github-token]")]
    public void A_secret_whose_literal_is_written_with_a_json_escape_is_redacted(string json, string property, string expected)
    {
        // Trial AL 1: the literal check ran on the raw text, which shows :\/\/ and \u0041KIA, so these were stored as they came.
        var counts = new RedactionCounts();

        using JsonDocument document = JsonDocument.Parse(_redactor.RedactJson(json, counts));

        Assert.Equal(expected, document.RootElement.GetProperty(property).GetString());
        Assert.Equal(1, counts.Total);
    }

    [Theory]
    [InlineData("$ curl -s api/config\n{\"url\":\"postgres:\\/\\/admin:Pz9xQ2mWv7Lk@db.internal:5432\\/prod\"}", "$ curl -s api/config\n{\"url\":\"postgres:\\/\\/admin:[REDACTED:url-password]@db.internal:5432\\/prod\"}")]
    [InlineData("key: \\u0041KIAQZ3MX7LW2TR5KBPA done", "key: [REDACTED:aws-access-key-id] done")]
    [InlineData("log {\\\"token\\\": \\\"gh\\u0070_Zx8Qw3Er5Ty7Ui9Op1As2Df4Gh6Jk8Lz0Xc1V\\\"}", "log {\\\"token\\\": \\\"[REDACTED:github-token]\\\"}")]
    [InlineData("Authorization: Bearer abcDEF123456\\u002BghiJKL789012mnoPQR345678== sent", "Authorization: Bearer [REDACTED:authorization-header] sent")] // trial AQ 1: the rest after the escape was kept
    [InlineData("key sk-ant-api03-Zx8Qw3Er5Ty7Ui9Op1As2Df4\\u005fGh6Jk8Lz0Xc1Vb2Nm3Qa4Ws5Ed6 end", "key [REDACTED:anthropic-api-key] end")]
    [InlineData("{\\\"password\\\":\\\"Sup3rS3cret\\\"}", "{\\\"password\\\":\\\"[REDACTED:generic-secret]\\\"}")] // AQ 3: the backslash of \" was taken with the password
    [InlineData("log {\"password\":\"Sup3rS3cret\\\"Tail9876xyz\"} ok", "log {\"password\":\"[REDACTED:generic-secret]\"} ok")] // AQ 3: the part after \" was kept
    [InlineData("export DB_PASSWORD=Sup3rS3cret\\\"Tail9876xyz next", "export DB_PASSWORD=[REDACTED:generic-secret] next")]
    [InlineData("PASSWORD=Sup3rS3cret\\\"Tail9876\\nUser=bob\\nStatus=ok", "PASSWORD=[REDACTED:generic-secret]\\nUser=bob\\nStatus=ok")] // trial AV F4: the lines after it were taken
    [InlineData("api_key=Sup3rS3cret\\\"Tail9876xyz<br>Hello", "api_key=[REDACTED:generic-secret]<br>Hello")]
    [InlineData("DB_PASSWORD=Sup3rS3cret\\\"Tail9876xyz) done", "DB_PASSWORD=[REDACTED:generic-secret]) done")]
    [InlineData("conn \"Host=db;Password=Sup3rS3cret\\\"Tail9876;Port=5\"", "conn \"Host=db;Password=[REDACTED:connection-string-password];Port=5\"")]
    [InlineData("{\\\"password\\\":\\\"Sup3rS3cret\\\",\\\"user\\\":\\\"bob\\\"}", "{\\\"password\\\":\\\"[REDACTED:generic-secret]\\\",\\\"user\\\":\\\"bob\\\"}")]
    [InlineData("log {\"password\":\"Sup3r\\\"Tail9876\"} ok", "log {\"password\":\"[REDACTED:generic-secret]\"} ok")] // trial AV F1: the part before \" alone was too short to check
    [InlineData("PASSWORD=x\\\"Sup3rS3cretTail9876 next", "PASSWORD=[REDACTED:generic-secret] next")]
    [InlineData("dir \"C:\\temp\\\" then password=Sup3rS3cret\\\"Tail9876xyz end", "dir \"C:\\temp\\\" then password=[REDACTED:generic-secret] end")] // AV F2: an earlier \" on the line
    [InlineData("echo \\\"hello\\\" && PASSWORD=Sup3rS3cret\\\"Tail9876xyz make", "echo \\\"hello\\\" && PASSWORD=[REDACTED:generic-secret] make")]
    [InlineData("cfg {\\\"password\\\":\\\"Sup3rS3cret\\\\\\\"Tail9876xyz\\\"} ok", "cfg {\\\"password\\\":\\\"[REDACTED:generic-secret]\\\"} ok")] // AV F3: one level deeper
    [InlineData("{\\\\\\\"password\\\\\\\":\\\\\\\"Sup3rS3cretTail9876\\\\\\\"}", "{\\\\\\\"password\\\\\\\":\\\\\\\"[REDACTED:generic-secret]\\\\\\\"}")] // JSON quoting JSON in a log
    [InlineData("run \\\"password=Sup3rS3cret9\\\" done", "run \\\"password=[REDACTED:generic-secret]\\\" done")] // a closing \" still ends the value
    [InlineData("log {\"password\":\"Sup3rS3cret\\\"\\\"Tail9876\"} ok", "log {\"password\":\"[REDACTED:generic-secret]\"} ok")] // trial AW W1: quotes the view cannot place
    [InlineData("PASSWORD=Sup3rS3cret\\\":Tail9876 next", "PASSWORD=[REDACTED:generic-secret] next")]
    [InlineData("log {\"password\":\"Abc123XyZ\\\\nTail9876\"} ok", "log {\"password\":\"[REDACTED:generic-secret]\"} ok")] // AW W2: \\n of the value is no line break
    [InlineData("echo \\\"password=Sup3rS3cret9\\\"|grep x", "echo \\\"password=[REDACTED:generic-secret]\\\"|grep x")] // AW W3: the closing quote and what follows stay
    [InlineData("var t = \\\"Abc123XyZ789q!\\\".trim(); token=\\\"Abc123XyZ789q\\\"/>", "var t = \\\"Abc123XyZ789q!\\\".trim(); token=\\\"[REDACTED:generic-secret]\\\"/>")]
    [InlineData("a \\u00e9 \\/ b, then postgres://u:Zx9Qw8Er7Ty6@db and postgres:\\/\\/v:Qw8Er7Ty6Zx9@db2", "a \\u00e9 \\/ b, then postgres://u:[REDACTED:url-password]@db and postgres:\\/\\/v:[REDACTED:url-password]@db2")]
    public void A_secret_written_with_json_escapes_in_plain_text_is_redacted_where_it_was_written(string text, string expected)
    {
        // Trial AN 8: a tool's output quoting JSON (a config API's answer, a log of a request) hid the literal behind its
        // escapes, and only JSON arguments and payloads were decoded before the scan. The escapes outside the secret stay.
        var counts = new RedactionCounts();

        string redacted = _redactor.Redact(text, counts);

        Assert.Equal(expected, redacted);
        Assert.Equal(expected.Split("[REDACTED:").Length - 1, counts.Total);
        Assert.Equal(redacted, _redactor.Redact(redacted, new RedactionCounts()));
    }

    [Fact]
    public void A_tool_result_quoting_json_whose_password_holds_a_quote_is_redacted_whole()
    {
        // Trial AV F1 end to end: a tool result {"password":"Sup3r\"Tail9876"} was stored, shown and synced as it came.
        const string Json = "{\"result\":\"{\\\"password\\\":\\\"Sup3r\\\\\\\"Tail9876\\\"}\"}";
        var counts = new RedactionCounts();

        using JsonDocument document = JsonDocument.Parse(_redactor.RedactJson(Json, counts));

        Assert.Equal("{\"password\":\"[REDACTED:generic-secret]\"}", document.RootElement.GetProperty("result").GetString());
        Assert.Equal(1, counts.Total);
    }

    [Theory]
    [InlineData("{\"command\":[\"mysql\",\"-u\",\"root\",\"--password\",\"A1Xy7kP2qLm9vRt4zW\"]}", "{\"command\":[\"mysql\",\"-u\",\"root\",\"--password\",\"[REDACTED:cli-password]\"]}")] // trial AU 2
    [InlineData("{\"command\":[\"docker\",\"login\",\"-u\",\"bob\",\"-p\",\"B2Xy7kP2qLm9vRt4zW\",\"registry.io\"]}", "{\"command\":[\"docker\",\"login\",\"-u\",\"bob\",\"-p\",\"[REDACTED:cli-password]\",\"registry.io\"]}")]
    [InlineData("{\"command\":[\"mysql\",\"-uroot\",\"-pE5Xy7kP2qLm9vRt4zW\",\"db\"]}", "{\"command\":[\"mysql\",\"-uroot\",\"-p[REDACTED:cli-password]\",\"db\"]}")]
    [InlineData("[\"deploy\", {\"argv\": [\"psql\", \"--password\", \"Q9zXy7kP2qLm9vRt\"]}, \"--password\", \"x\"]", "[\"deploy\", {\"argv\": [\"psql\", \"--password\", \"[REDACTED:cli-password]\"]}, \"--password\", \"x\"]")]
    [InlineData("{\"command\":[\"sshpass\",\"-p\",\"S3cret!\",\"ssh\",\"-p\",\"2222\",\"host\"]}", "{\"command\":[\"sshpass\",\"-p\",\"[REDACTED:cli-password]\",\"ssh\",\"-p\",\"2222\",\"host\"]}")] // trial BC F4
    [InlineData("{\"command\":[\"curl\",\"-u\",\"admin:S3cret\",\"https://x.example\"]}", "{\"command\":[\"curl\",\"-u\",\"admin:[REDACTED:cli-password]\",\"https://x.example\"]}")]
    [InlineData("{\"command\":[\"redis-cli\",\"-a\",\"S3cretPass\",\"ping\"]}", "{\"command\":[\"redis-cli\",\"-a\",\"[REDACTED:cli-password]\",\"ping\"]}")] // another tool's rule
    [InlineData("{\"env\":{\"PGPASSWORD\":\"S3cret\",\"PGUSER\":\"S3cret\",\"POSTGRES_PASSWORD\":\"postgres\",\"DB_PASSWORD\":\"${DB_PW}\"}}", "{\"env\":{\"PGPASSWORD\":\"[REDACTED:cli-password]\",\"PGUSER\":\"S3cret\",\"POSTGRES_PASSWORD\":\"postgres\",\"DB_PASSWORD\":\"${DB_PW}\"}}")] // an environment object (trial BF F5)
    [InlineData("{\"command\":[\"sqlcmd\",\"-S\",\"db\",\"-P\",\"Pa ss w0rd!\"]}", "{\"command\":[\"sqlcmd\",\"-S\",\"db\",\"-P\",\"[REDACTED:cli-password]\"]}")] // a word holding a blank (trial BF F4)
    [InlineData("{\"command\":[\"env\",\"PGPASSWORD=S3cret!\",\"psql\"]}", "{\"command\":[\"env\",\"PGPASSWORD=[REDACTED:cli-password]\",\"psql\"]}")]
    [InlineData("{\"command\":[\"env\",\"PGPASSWORD=my long phrase 1\",\"psql\"]}", "{\"command\":[\"env\",\"PGPASSWORD=[REDACTED:cli-password]\",\"psql\"]}")] // trial BI F1
    [InlineData("{\"command\":[\"docker\",\"run\",\"-e\",\"MSSQL_SA_PASSWORD=yourStrong(!)Password\",\"mssql\"]}", "{\"command\":[\"docker\",\"run\",\"-e\",\"MSSQL_SA_PASSWORD=[REDACTED:cli-password]\",\"mssql\"]}")] // a word holding a shell's operator (trial BJ F5)
    [InlineData("{\"variables\":{\"LABEL_PASSWORD\":\"Enter password\"},\"args\":{\"FORGOT_PASSWORD\":\"Forgot password?\"},\"build\":{\"args\":{\"DB_PASSWORD\":\"S3cret1\"}}}", "{\"variables\":{\"LABEL_PASSWORD\":\"Enter password\"},\"args\":{\"FORGOT_PASSWORD\":\"Forgot password?\"},\"build\":{\"args\":{\"DB_PASSWORD\":\"[REDACTED:cli-password]\"}}}")] // variables and args alone are no environment (trial BJ F2)
    [InlineData("{\"containerEnv\":{\"PGPASSWORD\":\"S3cret1\"}}", "{\"containerEnv\":{\"PGPASSWORD\":\"[REDACTED:cli-password]\"}}")] // devcontainer.json (trial BI F2)
    [InlineData("{\"Environment\":{\"Variables\":{\"DB_PASSWORD\":\"S3cret1\"}}}", "{\"Environment\":{\"Variables\":{\"DB_PASSWORD\":\"[REDACTED:cli-password]\"}}}")]
    [InlineData("{\"env\":[{\"PGPASSWORD\":\"S3cret1\"}]}", "{\"env\":[{\"PGPASSWORD\":\"[REDACTED:cli-password]\"}]}")]
    [InlineData("{\"command\":[\"redis-cli\",\"-a\",\" S3cretPw1\",\"ping\"]}", "{\"command\":[\"redis-cli\",\"-a\",\" [REDACTED:cli-password]\",\"ping\"]}")]
    [InlineData("{\"command\":[\"mysql\",\"--password\",\"correct horse battery\",\"db\"]}", "{\"command\":[\"mysql\",\"--password\",\"[REDACTED:cli-password]\",\"db\"]}")]
    [InlineData("{\"command\":\"docker login registry.example.com \\\\\\n  -u ci \\\\\\n  -p S3cretPass1\"}", "{\"command\":\"docker login registry.example.com \\\\\\n  -u ci \\\\\\n  -p [REDACTED:cli-password]\"}")] // continued lines in a JSON string
    [InlineData("{\"command\":[\"docker\",\"run\",\"-e\",\"MYSQL_ROOT_PASSWORD=root pw 1\",\"-e\",\"MYSQL_PASSWORD=user pw 2\",\"mysql:8\"]}", "{\"command\":[\"docker\",\"run\",\"-e\",\"MYSQL_ROOT_PASSWORD=[REDACTED:cli-password]\",\"-e\",\"MYSQL_PASSWORD=[REDACTED:cli-password]\",\"mysql:8\"]}", 2)] // each of one command (trial BK F1: the first leaked)
    [InlineData("{\"messages\":{\"FORGOT_PASSWORD\":\"Forgot password?\",\"WEAK_PASSWORD\":\"E1002\"},\"env\":{\"PGPASSWORD\":\"S3cret1\"}}", "{\"messages\":{\"FORGOT_PASSWORD\":\"Forgot password?\",\"WEAK_PASSWORD\":\"E1002\"},\"env\":{\"PGPASSWORD\":\"[REDACTED:cli-password]\"}}")] // upper-case keys outside an environment object are texts and codes (trial BH F2)
    [InlineData("{\"env\":[{\"name\":\"DB_PASSWORD\",\"value\":\"S3cretPw9\"},{\"name\":\"DB_HOST\",\"value\":\"db2x9\"}],\"fields\":[{\"name\":\"DB_PASSWORD\",\"value\":\"Label 2\"}]}", "{\"env\":[{\"name\":\"DB_PASSWORD\",\"value\":\"[REDACTED:generic-secret]\"},{\"name\":\"DB_HOST\",\"value\":\"db2x9\"}],\"fields\":[{\"name\":\"DB_PASSWORD\",\"value\":\"Label 2\"}]}")] // an environment list of name/value objects (trial BL F4)
    public void A_password_in_a_command_given_as_an_array_of_words_is_redacted_in_its_word(string json, string expected, int found = 1)
    {
        var counts = new RedactionCounts();

        string redacted = _redactor.RedactJson(json, counts);

        Assert.Equal(expected, redacted);
        Assert.Equal(found, counts.Total);
        Assert.Equal(redacted, _redactor.RedactJson(redacted, new RedactionCounts()));
    }

    [Theory]
    [InlineData("{\"command\":[\"docker\",\"run\",\"-p\",\"8080:80\",\"nginx\"]}")]
    [InlineData("{\"command\":[\"mkdir\",\"-p\",\"src/very/deep/Folder9Name\"]}")]
    [InlineData("{\"command\":[\"mysql\",\"--password\",\"$DB_PASSWORD\"]}")]
    [InlineData("{\"command\":[\"docker\",\"login\",\"--password-stdin\"],\"x\":[\"--password\",1]}")]
    [InlineData("{\"command\":[\"psql\",\"-h\",\"db\",\"-U\",\"postgres\",\"--password\",\"app_production2\"]}")] // psql's --password prompts: the database's name follows (trial BL D2)
    public void An_array_of_words_without_a_password_is_kept(string json)
        => Assert.Same(json, _redactor.RedactJson(json, new RedactionCounts()));

    [Theory]
    [InlineData("{\"password\":\"hunter2024\",\"user\":\"bob\"}", "{\"password\":\"[REDACTED:cli-password]\",\"user\":\"bob\"}")]
    [InlineData("{\"parameters\":{\"adminPassword\":{\"value\":\"Tr0ub4dor9x\"}},\"db_password\":\"s3cr3tpass\",\"DB_PASSWORD\":\"hunter2024\"}", "{\"parameters\":{\"adminPassword\":{\"value\":\"[REDACTED:generic-secret]\"}},\"db_password\":\"[REDACTED:cli-password]\",\"DB_PASSWORD\":\"[REDACTED:cli-password]\"}", 3)] // an ARM template's parameters file
    [InlineData("{\"adminPassword\":\"winter2024x\",\"passphrase\":\"correcthorse42\",\"parameters\":{\"vmPassword\":{\"value\":\"hunter2024\"},\"vmName\":{\"value\":\"web2024x\"}}}", "{\"adminPassword\":\"[REDACTED:cli-password]\",\"passphrase\":\"[REDACTED:cli-password]\",\"parameters\":{\"vmPassword\":{\"value\":\"[REDACTED:cli-password]\"},\"vmName\":{\"value\":\"web2024x\"}}}", 3)]
    [InlineData("{\"password\":\"Enter your password\",\"forgotPassword\":\"reset2024x\",\"WEAK_PASSWORD\":\"weakpass123\",\"passwordHash\":\"abc12345def\"}", null, 0)]
    [InlineData("{\"password\":\"argon2id\",\"newPassword\":\"HS256\",\"password2\":\"v1.2.3x9z\",\"password\":\"${DB_PASSWORD}\",\"password\":\"********\",\"password\":\"s3cr3t\"}", null, 0)]
    [InlineData("{\"outputs\":{\"db_password\":{\"sensitive\":true,\"value\":\"hunter2024\"}},\"values\":{\"password\":\"pguser2024\"}}", "{\"outputs\":{\"db_password\":{\"sensitive\":true,\"value\":\"[REDACTED:cli-password]\"}},\"values\":{\"password\":\"[REDACTED:cli-password]\"}}", 2)] // terraform output -json, a chart's values (trial BZ)
    [InlineData("{\"authMethods\":{\"password\":{\"value\":\"authMethod1\",\"label\":\"Password\"}},\"secretKeys\":{\"adminPassword\":\"admin1pw\"},\"locators\":{\"password\":\"edittext2\"},\"credentialIds\":{\"nexusPassword\":\"nexus2cred\"},\"columnTypes\":{\"password\":\"nvarchar128\"}}", null, 0)] // an option's value, names, ids, locators and types under password keys (trial BZ)
    [InlineData("{\"urlencoded\":[{\"key\":\"username\",\"value\":\"jane\"},{\"key\":\"password\",\"value\":\"janepass2024\"}],\"values\":[{\"key\":\"adminPassword\",\"value\":\"Adm1nSecret\",\"type\":\"secret\"}],\"credentials\":[{\"type\":\"password\",\"value\":\"keycl0ak12\",\"temporary\":false}]}", "{\"urlencoded\":[{\"key\":\"username\",\"value\":\"jane\"},{\"key\":\"password\",\"value\":\"[REDACTED:cli-password]\"}],\"values\":[{\"key\":\"adminPassword\",\"value\":\"[REDACTED:generic-secret]\",\"type\":\"secret\"}],\"credentials\":[{\"type\":\"password\",\"value\":\"[REDACTED:cli-password]\",\"temporary\":false}]}", 3)] // a Postman collection's and environment's key/value pairs, Keycloak's credentials (trial BZ)
    [InlineData("{\"fields\":[{\"key\":\"password\",\"value\":\"Enter password\"},{\"name\":\"password\",\"value\":\"\"},{\"type\":\"password\",\"value\":\"${PW}\"},{\"key\":\"username\",\"value\":\"user2024x\"}]}", null, 0)]
    public void A_password_key_of_a_json_object_is_judged_as_the_yaml_key_it_stands_for(string json, string? expected, int found = 1)
    {
        var counts = new RedactionCounts();

        string redacted = _redactor.RedactJson(json, counts);

        Assert.Equal(expected ?? json, redacted);
        Assert.Equal(found, counts.Total);
    }

    [Theory]
    [InlineData(@"C:\Users\dev\projects\app and \d+\/\w")]
    [InlineData("path C:\\new\\token and \\u00zz")]
    public void Text_whose_escapes_hide_no_secret_is_kept(string text)
        => Assert.Same(text, _redactor.Redact(text, new RedactionCounts()));

    [Theory]
    [InlineData("Deploy using key AKIAQ3EGRXKZ7T2LMNOP and secret wJalrXUtnFEMI/K7MDENG/bPxRfiCYzzq9Xy8Tr2 to prod", "Deploy using key [REDACTED:aws-access-key-id] and secret [REDACTED:aws-secret-access-key] to prod")] // trial AP 1
    [InlineData("secret wJalrXUtnFEMI/K7MDENG/bPxRfiCYzzq9Xy8Tr2 for key AKIAQ3EGRXKZ7T2LMNOP", "secret [REDACTED:aws-secret-access-key] for key [REDACTED:aws-access-key-id]")]
    [InlineData("AKIAQ3EGRXKZ7T2LMNOP,wJalrXUtnFEMI/K7MDENG/bPxRfiCYzzq9Xy8Tr2", "[REDACTED:aws-access-key-id],[REDACTED:aws-secret-access-key]")] // a credentials CSV line
    [InlineData("key: AKIAQ3EGRXKZ7T2LMNOP\nsecret: wJalrXUtnFEMI/K7MDENG/bPxRfiCYzzq9Xy8Tr2\n", "key: [REDACTED:aws-access-key-id]\nsecret: [REDACTED:aws-secret-access-key]\n")]
    public void An_aws_secret_key_beside_its_access_key_id_is_redacted_without_a_name(string text, string expected)
        => Assert.Equal(expected, _redactor.Redact(text, new RedactionCounts()));

    [Theory]
    [InlineData("key AKIAQ3EGRXKZ7T2LMNOP at commit 3f2a9c1d4e5b6a7f8091a2b3c4d5e6f708192a3b", "key [REDACTED:aws-access-key-id] at commit 3f2a9c1d4e5b6a7f8091a2b3c4d5e6f708192a3b")] // a SHA-1 is one case: not a key
    [InlineData("key AKIAQ3EGRXKZ7T2LMNOP and a hundred characters of prose later, well past eighty of them, in fact quite a lot: wJalrXUtnFEMI/K7MDENG/bPxRfiCYzzq9Xy8Tr2", "key [REDACTED:aws-access-key-id] and a hundred characters of prose later, well past eighty of them, in fact quite a lot: wJalrXUtnFEMI/K7MDENG/bPxRfiCYzzq9Xy8Tr2")]
    public void A_value_near_an_access_key_id_that_is_not_its_secret_is_kept(string text, string expected)
        => Assert.Equal(expected, _redactor.Redact(text, new RedactionCounts()));

    [Theory]
    [InlineData("slackhook: https://hooks.slack.com/services/T01ABCDEF/B02GHIJKL/Xy9Zw8Vu7Ts6Rq5Po4Nm3Lk2 done", "slackhook: https://hooks.slack.com/services/[REDACTED:slack-token] done")] // trial AP 2
    [InlineData("curl -X POST https://hooks.slack.com/workflows/T01ABCDEF/A05QWERTY/471112233445566778/Zq8Wx7Ec6Rv5Tb4Yn3Um2Ik1", "curl -X POST https://hooks.slack.com/workflows/[REDACTED:slack-token]")]
    [InlineData("xoxb-1234567890-Zq8Wx7Ec6Rv5Tb4Yn3Um", "[REDACTED:slack-token]")]
    [InlineData("https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX", "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX")] // Slack's documented example
    public void A_slack_webhook_url_is_redacted_after_its_host(string text, string expected)
        => Assert.Equal(expected, _redactor.Redact(text, new RedactionCounts()));

    [Theory]
    [InlineData("git clone https://user:p@ssw0rdQ9z@git.example.com/r.git", "git clone https://user:[REDACTED:url-password]@git.example.com/r.git")]
    [InlineData("a https://u:x@y@h/p and https://v:Zq9@w@k/q", "a https://u:[REDACTED:url-password]@h/p and https://v:[REDACTED:url-password]@k/q")]
    [InlineData("DATABASE_URL=postgres://app:Zx9Qw8Er7Ty6@db.example.net,owner=admin@corp.com", "DATABASE_URL=postgres://app:[REDACTED:url-password]@db.example.net,owner=admin@corp.com")] // trial AN 1
    [InlineData("postgres://app:Zx9Qw8Er7Ty6@db,owner=admin@corp.com", "postgres://app:[REDACTED:url-password]@db,owner=admin@corp.com")]
    [InlineData("连接postgres://app:Zx9Qw8Er7Ty6@db，有问题找admin@corp.com", "连接postgres://app:[REDACTED:url-password]@db，有问题找admin@corp.com")]
    [InlineData("redis://:Zx9Qw8Er7Ty6@cache;notify=ops@example.com", "redis://:[REDACTED:url-password]@cache;notify=ops@example.com")]
    [InlineData("postgres://app:Zx9Qw8Er7Ty6@db\u3000联系admin@corp.com", "postgres://app:[REDACTED:url-password]@db\u3000联系admin@corp.com")]
    public void A_url_password_with_an_at_sign_is_redacted_up_to_the_hosts_at_sign(string text, string expected)
    {
        // Trial AL 4: the password ended at its first '@', and "p" failed the check, so the whole password was kept.
        Assert.Equal(expected, _redactor.Redact(text, new RedactionCounts()));
    }

    [Theory]
    [InlineData("我的token是ghp_Zx9Qw8Er7Ty6Ui5Op4As3Df2Gh1Jk0LzXcVb", "我的token是[REDACTED:github-token]")]
    [InlineData("数据库是postgresql://admin:Hunter2Secret9@db.example.com/prod", "数据库是postgresql://admin:[REDACTED:url-password]@db.example.com/prod")]
    [InlineData("密钥AKIAQYLPMN5HFIQR7XYZ是", "密钥[REDACTED:aws-access-key-id]是")]
    [InlineData("éghp_Zx9Qw8Er7Ty6Ui5Op4As3Df2Gh1Jk0LzXcVbé", "é[REDACTED:github-token]é")]
    [InlineData("密码password=Zx9Qw8Er7Ty6Ui5Op4", "密码password=[REDACTED:generic-secret]")]
    [InlineData("postgres://admin:pässwörtQ9x@db/x", "postgres://admin:[REDACTED:url-password]@db/x")]
    [InlineData("naiveghp_Zx9Qw8Er7Ty6Ui5Op4As3Df2Gh1Jk0LzXcVb是", "naiveghp_Zx9Qw8Er7Ty6Ui5Op4As3Df2Gh1Jk0LzXcVb是")] // inside an ASCII word, as before
    public void A_secret_right_after_a_letter_outside_ascii_is_redacted(string text, string expected)
    {
        // Trial AM 1: .NET's \b counts 是 and é as word characters, so the rules' \b found no boundary before the token.
        Assert.Equal(expected, _redactor.Redact(text, new RedactionCounts()));
    }

    [Theory]
    [InlineData("client_secret=Xy7kQ9zLm3Rt8vWp2\u00A0Example", "client_secret=[REDACTED:generic-secret]\u00A0Example")] // trial AN 2
    [InlineData("DB_PASSWORD=Xy7kQ9zLm3Rt8vWp2\u2028NEXT=${BASE}", "DB_PASSWORD=[REDACTED:generic-secret]\u2028NEXT=${BASE}")]
    [InlineData("password=Xy7kQ9zLm3Rt8vWp2\u3000备注", "password=[REDACTED:generic-secret]\u3000备注")]
    [InlineData("machine api.x.com\u2028login bob\u2028password Zx9Qw8Er7Ty6", "machine api.x.com\u2028login bob\u2028password [REDACTED:netrc-password]")]
    [InlineData("mysql -u root -pZx9Qw8Er7Ty6Ui5\u00A0example_db", "mysql -u root -p[REDACTED:cli-password]\u00A0example_db")]
    public void White_space_outside_ascii_still_ends_a_secret(string text, string expected)
    {
        // The ASCII view of the text read no-break spaces and line separators as letters: \s no longer matched them.
        Assert.Equal(expected, _redactor.Redact(text, new RedactionCounts()));
    }

    [Fact]
    public void A_redacted_json_string_keeps_its_other_characters_as_written()
    {
        // Trial AJ 1: the changed value was re-encoded with UnsafeRelaxedJsonEscaping, which wrote the emoji as \uD83D\uDC69.
        string json = "{\"e\": \"👩‍💻 ü \\\"q\\\" ghp_Zx8Qw3Er5Ty7Ui9Op1As2Df4Gh6Jk8Lz0Xc1V\", \"f\": \"🚀\"}";

        string redacted = _redactor.RedactJson(json, new RedactionCounts());

        Assert.Equal("{\"e\": \"👩‍💻 ü \\\"q\\\" [REDACTED:github-token]\", \"f\": \"🚀\"}", redacted);
    }

    [Fact]
    public void A_secret_named_property_is_redacted_whole_when_its_value_looks_random()
    {
        string secret = "wJ8/k2Lm+Q9rTz4XbN7cV1pH5sD3fG6yU0aE2iO8";
        string json = "{\"Credentials\": {\"AccessKeyId\": \"" + AwsId + "\", \"SecretAccessKey\": \"" + secret + "\", \"SessionToken\": \"FwoGZXIvYXdzE" + "Kb7n2Q9xLmT4vR8pZ1cW3yH6jD0sAeGu\"}, \"password\": \"Tr0ub4dor&3\", \"token_hint\": \"see the vault\"}";
        var counts = new RedactionCounts();

        string redacted = _redactor.RedactJson(json, counts);

        using JsonDocument document = JsonDocument.Parse(redacted);
        JsonElement credentials = document.RootElement.GetProperty("Credentials");
        Assert.Equal("[REDACTED:aws-access-key-id]", credentials.GetProperty("AccessKeyId").GetString());
        Assert.Equal("[REDACTED:aws-secret-access-key]", credentials.GetProperty("SecretAccessKey").GetString());
        Assert.Equal("[REDACTED:generic-secret]", credentials.GetProperty("SessionToken").GetString());
        Assert.Equal("[REDACTED:generic-secret]", document.RootElement.GetProperty("password").GetString());
        Assert.Equal("see the vault", document.RootElement.GetProperty("token_hint").GetString());
        Assert.Equal(4, counts.Total);
    }

    [Theory]
    [InlineData("FhYjpkVZykUrZdLkTsrUkHiqvKanqtFL", true)] // random base-62 without a digit (the corpus draws one in ~300)
    [InlineData("rjdxSklEqEXwAzSiOHOyAwTWEwLYPzVckKlFSp-D", true)] // the same, with separators
    [InlineData("AuthenticationServiceProviderName", false)]
    [InlineData("Acme.Billing.InvoiceService-Client", false)]
    [InlineData("DEFAULT_SERVICE_ACCOUNT_NAME", false)]
    [InlineData("process.env.DATABASE_PASSWORD", false)] // words in runs of one case (trial BT)
    [InlineData("correcthorsebatterystaple", false)]
    public void A_letters_only_value_is_a_secret_when_its_case_flips_like_a_random_draw(string value, bool redacted)
    {
        string text = $"oauth:\n  client_id: app\n  client_secret: {value}\n";

        string result = _redactor.Redact(text, new RedactionCounts());

        Assert.Equal(redacted ? text.Replace(value, "[REDACTED:generic-secret]", StringComparison.Ordinal) : text, result);
    }

    [Fact]
    public void A_private_key_in_json_with_escaped_newlines_is_caught()
    {
        string key = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7" + "x9Qz\nLm4T\n-----END RSA PRIVATE KEY-----";
        string json = JsonSerializer.Serialize(new { content = "key:\n" + key + "\nend" });

        string redacted = _redactor.RedactJson(json, new RedactionCounts());

        Assert.Equal("key:\n[REDACTED:private-key]\nend", JsonDocument.Parse(redacted).RootElement.GetProperty("content").GetString());
    }

    [Fact]
    public void A_private_key_cut_off_before_its_end_line_is_still_removed()
    {
        string text = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAABlwAAAAdzc2gtcn\nNhAAAAAwEAAQAAAYEA0" + "...[output truncated]";

        string redacted = _redactor.Redact(text, new RedactionCounts());

        Assert.StartsWith("[REDACTED:private-key]", redacted, StringComparison.Ordinal);
        Assert.DoesNotContain("b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ", redacted, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(10)]
    public void Ten_megabytes_of_adversarial_input_are_scanned_linearly(int megabytes)
    {
        // Inputs that make backtracking engines quadratic or worse: long runs that almost match, unterminated blocks, many
        // candidates. NonBacktracking guarantees time linear in the input; this checks it completes and stays correct (the
        // timing is in the benchmark, not here).
        int size = megabytes * 1024 * 1024;
        string[] inputs =
        [
            Repeat("password=", size),
            "-----BEGIN PRIVATE KEY-----\n" + Repeat("QUJD", size),
            Repeat("https://user:", size),
            Repeat("eyJhbGciOiJIUzI1NiJ9.", size),
            "sk-" + Repeat("a-", size),
            Repeat("Server=x;Password=", size),
            Repeat("a", size) + "AKIA",
            Repeat("token: Ab1" + "x9Kq2Lm7 ", size),
            Repeat("Authorization: Bearer ", size),
            Repeat("machine h login u ", size),
            Repeat("docker login -u me ", size),
            "mysql " + Repeat("-u root ", size),
            Repeat("--password ", size),
            Repeat("S" + "G.", size),
        ];

        foreach (string input in inputs)
        {
            var counts = new RedactionCounts();
            string redacted = _redactor.Redact(input, counts);
            Assert.True(redacted.Length > 0);
        }

        var many = new RedactionCounts();
        string secrets = Repeat(AwsId + " ", size);
        Assert.DoesNotContain(AwsId, _redactor.Redact(secrets, many), StringComparison.Ordinal);
        Assert.Equal(secrets.Length / (AwsId.Length + 1), many.Total);
    }

    [Fact]
    public void Disabled_redaction_changes_nothing()
    {
        SecretRedactor redactor = SecretRedactor.From(new RedactionOptions { Enabled = false });
        string text = "GH_TOKEN=" + GitHubToken;

        Assert.Same(text, redactor.Redact(text, new RedactionCounts()));
        Assert.False(redactor.Enabled);
    }

    [Fact]
    public void A_disabled_rule_is_not_applied_and_the_others_are()
    {
        SecretRedactor redactor = SecretRedactor.From(new RedactionOptions { DisabledRules = [BuiltInSecretRules.GitHubToken, BuiltInSecretRules.GenericSecret] });
        string text = "GH_TOKEN=" + GitHubToken + " and " + AwsId;

        Assert.Equal("GH_TOKEN=" + GitHubToken + " and [REDACTED:aws-access-key-id]", redactor.Redact(text, new RedactionCounts()));
    }

    [Fact]
    public void An_extra_rule_redacts_its_kind_and_a_secret_group_limits_the_replacement()
    {
        var options = new RedactionOptions
        {
            Rules =
            [
                new RedactionRuleOptions { Kind = "acme-token", Pattern = @"\bacme_[0-9a-f]{16}\b" },
                new RedactionRuleOptions { Kind = "pin", Pattern = @"PIN (?<secret>\d{4,8})" },
            ],
        };
        options.Validate();
        SecretRedactor redactor = SecretRedactor.From(options);
        var counts = new RedactionCounts();

        string redacted = redactor.Redact("use acme_0123456789abcdef with PIN 482913", counts);

        Assert.Equal("use [REDACTED:acme-token] with PIN [REDACTED:pin]", redacted);
        Assert.Equal(2, counts.Total);
    }

    [Theory]
    [InlineData("(?<=x)secret", "persistence:redaction:rules:0:pattern")]
    [InlineData("(unclosed", "persistence:redaction:rules:0:pattern")]
    public void A_pattern_that_cannot_run_without_backtracking_is_refused_with_its_key(string pattern, string key)
    {
        var options = new PersistenceOptions { Redaction = new RedactionOptions { Rules = [new RedactionRuleOptions { Kind = "mine", Pattern = pattern }] } };

        AcodeDbException error = Assert.Throws<AcodeDbException>(options.Validate);

        Assert.Equal(AcodeErrorCode.InvalidConfiguration, error.ErrorCode);
        Assert.Contains(key, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Bad Kind")]
    [InlineData("jwt")]
    [InlineData(null)]
    public void An_extra_rule_kind_that_is_invalid_or_built_in_is_refused(string? kind)
    {
        var options = new RedactionOptions { Rules = [new RedactionRuleOptions { Kind = kind, Pattern = "x+" }] };

        AcodeDbException error = Assert.Throws<AcodeDbException>(() => options.Validate());

        Assert.Contains("persistence:redaction:rules:0:kind", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_disabled_rule_is_refused_naming_the_known_kinds()
    {
        var options = new RedactionOptions { DisabledRules = ["github"] };

        AcodeDbException error = Assert.Throws<AcodeDbException>(() => options.Validate());

        Assert.Contains("persistence:redaction:disabledRules", error.Message, StringComparison.Ordinal);
        Assert.Contains("github-token", error.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_built_in_pattern_compiles_though_each_is_compiled_on_its_first_use()
        => Assert.All(BuiltInSecretRules.Create(), rule => Assert.True(rule.Regex.GetGroupNumbers().Length > 0, rule.Pattern));

    [Fact]
    public void The_listed_kinds_are_the_rules_in_their_order()
    {
        Assert.Equal(BuiltInSecretRules.Kinds, BuiltInSecretRules.Create().Select(r => r.Kind).Distinct());
    }

    [Fact]
    public void Every_built_in_kind_has_a_sample_in_the_corpus()
    {
        var covered = SecretCorpus.Secrets(SecretCorpus.DocumentedSeed).Select(s => s.Kind).ToHashSet();

        Assert.All(BuiltInSecretRules.Create(), rule => Assert.Contains(rule.Kind, covered));
    }

    [Fact]
    public void A_bearer_token_in_a_JSON_header_object_is_redacted_as_its_header_and_the_scheme_is_kept()
    {
        string token = "Zk8Pq2Wm4" + "Xn6Rt9Lb3Vc7Hd5";
        string json = $$"""{"headers":{"Authorization":"Bearer {{token}}","X-Trace":"Bearer {{token}}"},"auth":"Bearer $TOKEN"}""";
        var counts = new RedactionCounts();

        string redacted = _redactor.RedactJson(json, counts);

        Assert.Equal($$"""{"headers":{"Authorization":"Bearer [REDACTED:authorization-header]","X-Trace":"Bearer {{token}}"},"auth":"Bearer $TOKEN"}""", redacted);
        Assert.Equal(1, counts.ByKind["authorization-header"]);
    }

    [Theory]
    [InlineData("curl -H \"Authorization: Bearer Zk8Pq2Wm4Xn6Rt9Lb3Vc7Hd5\" https://api.internal.org", "curl -H \"Authorization: Bearer [REDACTED:authorization-header]\" https://api.internal.org")]
    [InlineData("machine github.com login dev password Nt9Rc4Xy2Lp8", "machine github.com login dev password [REDACTED:netrc-password]")]
    [InlineData("docker login -u me -p Dk8Lw3Qz7Xv2", "docker login -u me -p [REDACTED:cli-password]")]
    [InlineData("tool --password Dk8Lw3Qz7Xv2 --verbose", "tool --password [REDACTED:cli-password] --verbose")]
    [InlineData("tool --password=Dk8Lw3Qz7Xv2", "tool --password=[REDACTED:cli-password]")]
    [InlineData("mysql -u root -pMy5qlPw9Xz app", "mysql -u root -p[REDACTED:cli-password] app")]
    [InlineData("mkdir -p foo && mysql -u root -p app", "mkdir -p foo && mysql -u root -p app")]
    [InlineData("mkdir -pMy5qlPw9Xz", "mkdir -pMy5qlPw9Xz")]
    [InlineData("mysql -u root -pS3cret app", "mysql -u root -p[REDACTED:cli-password] app")] // short passwords (trial AZ F5)
    [InlineData("mysql -uroot -p123456 -e 'select 1'", "mysql -uroot -p[REDACTED:cli-password] -e 'select 1'")]
    [InlineData("tool --password hunter2", "tool --password [REDACTED:cli-password]")]
    [InlineData("tool --password p@ssword", "tool --password [REDACTED:cli-password]")] // a symbol and a letter
    [InlineData("tool --password %%%%", "tool --password %%%%")] // symbols alone: one kind
    [InlineData("mysql --user=root --password --host=127.0.0.1 appdb", "mysql --user=root --password --host=127.0.0.1 appdb")] // the next option (trial BC F2)
    [InlineData("tool --password --verbose", "tool --password --verbose")]
    [InlineData("usage: backup.py [-h] [--host HOST] [--password PASSWORD] [--db DB]", "usage: backup.py [-h] [--host HOST] [--password PASSWORD] [--db DB]")] // trial BC F3
    [InlineData("tool --password {password}", "tool --password {password}")]
    [InlineData("tool --password %DB_PASSWORD%", "tool --password %DB_PASSWORD%")]
    [InlineData("mysql -u root -p[password]", "mysql -u root -p[password]")]
    [InlineData("go test ./internal/mysql/... -parallel=4 -run TestConn", "go test ./internal/mysql/... -parallel=4 -run TestConn")] // mysql a folder, not the command
    [InlineData("ssh deploy@mysql.internal -p2222", "ssh deploy@mysql.internal -p2222")]
    [InlineData("docker login registry.example.com \\\n  -u ci \\\n  -p S3cretPass1", "docker login registry.example.com \\\n  -u ci \\\n  -p [REDACTED:cli-password]")] // continued lines (trial BC F4)
    [InlineData("mysql -h db.example.com \\\r\n  -u app \\\r\n  -pS3cret1 appdb", "mysql -h db.example.com \\\r\n  -u app \\\r\n  -p[REDACTED:cli-password] appdb")]
    [InlineData("mysql -h db.example.com\n-pS3cret1 appdb", "mysql -h db.example.com\n-pS3cret1 appdb")] // another line: another command
    [InlineData("sshpass -p hunter2 ssh -p 2222 deploy@host", "sshpass -p [REDACTED:cli-password] ssh -p 2222 deploy@host")] // sshpass's own -p, not ssh's
    [InlineData("sshpass -p 'S3cret!' ssh host", "sshpass -p '[REDACTED:cli-password]' ssh host")]
    [InlineData("curl -u admin:S3cret https://api.example.com/v1", "curl -u admin:[REDACTED:cli-password] https://api.example.com/v1")]
    [InlineData("curl -sS --user 'deploy:Xk9Qw2Lm' https://x.example", "curl -sS --user 'deploy:[REDACTED:cli-password]' https://x.example")]
    [InlineData("curl -u user:pass https://x.example", "curl -u user:pass https://x.example")] // a word of one case
    [InlineData("curl -u \"$USER:$PASS\" https://x.example", "curl -u \"$USER:$PASS\" https://x.example")]
    [InlineData("docker run -u 1000:1000 img", "docker run -u 1000:1000 img")]
    [InlineData("\"C:\\Program Files\\MySQL\\MySQL Server 8.0\\bin\\mysql.exe\" -u root -pS3cr3tPw app", "\"C:\\Program Files\\MySQL\\MySQL Server 8.0\\bin\\mysql.exe\" -u root -p[REDACTED:cli-password] app")] // trial BD F1
    [InlineData("mysqldump.exe -u root -pS3cr3tPw app > dump.sql", "mysqldump.exe -u root -p[REDACTED:cli-password] app > dump.sql")]
    [InlineData("mysql -u root -p-Xk9pQ2z! app", "mysql -u root -p[REDACTED:cli-password] app")] // attached, '-' starts the password (trial BD F2)
    [InlineData("curl -u deploy:-Xk9pQ2z! https://x.example", "curl -u deploy:[REDACTED:cli-password] https://x.example")]
    [InlineData("mysql -u root --password={Xk9pQ2z} db", "mysql -u root --password=[REDACTED:cli-password] db")] // braces around a password (trial BD F3)
    [InlineData("mysqladmin -u root --password=[Xk9!pQ2z] status", "mysqladmin -u root --password=[REDACTED:cli-password] status")]
    [InlineData("mysql -u root -p%MYSQL_PWD% db", "mysql -u root -p%MYSQL_PWD% db")]
    [InlineData("docker run --name mysql -p3306:3306 -d mysql:8", "docker run --name mysql -p3306:3306 -d mysql:8")] // a port mapping (trial BE F4)
    [InlineData("docker run --name mysql -p127.0.0.1:3306:3306/tcp -d mysql:8", "docker run --name mysql -p127.0.0.1:3306:3306/tcp -d mysql:8")]
    [InlineData("Use the --password flag, not the env var.", "Use the --password flag, not the env var.")] // prose (trial BE F5)
    [InlineData("mysql --help: -p, --password=name, --pass=name", "mysql --help: -p, --password=name, --pass=name")]
    [InlineData("mysql -u root -p$$MYSQL_PWD app", "mysql -u root -p$$MYSQL_PWD app")] // references (trial BE F6)
    [InlineData("mysql -u root -p$${DB_PASS} app", "mysql -u root -p$${DB_PASS} app")]
    [InlineData("mysql -u root -p!DB_PASS! app", "mysql -u root -p!DB_PASS! app")]
    [InlineData("ssh host \"mysql -u root -p\\$MYSQL_PWD app\"", "ssh host \"mysql -u root -p\\$MYSQL_PWD app\"")]
    [InlineData("subprocess.run(f\"mysql -u root -p{os.environ['MYSQL_PWD']} db\", shell=True)", "subprocess.run(f\"mysql -u root -p{os.environ['MYSQL_PWD']} db\", shell=True)")]
    [InlineData("mysql -u root -p'Xk9|pQ2z' app", "mysql -u root -p'[REDACTED:cli-password]' app")] // quoted, whole (trial BE F7)
    [InlineData("mysql -u root -p'S3cret;Pw' app", "mysql -u root -p'[REDACTED:cli-password]' app")]
    [InlineData("tool --password \"correct horse battery staple\" --verbose", "tool --password \"[REDACTED:cli-password]\" --verbose")]
    [InlineData("cmd = \"mysql --password \" + pw + \" db\"", "cmd = \"mysql --password \" + pw + \" db\"")] // code building the command
    [InlineData("cmd = 'mysql -u root -p' + pw + ' db'", "cmd = 'mysql -u root -p' + pw + ' db'")]
    [InlineData("docker login -u bob -p 'Xk9 pQ2z' ghcr.io", "docker login -u bob -p '[REDACTED:cli-password]' ghcr.io")]
    [InlineData("sshpass -P passphrase -p 'Xk9#pQ2z' ssh host", "sshpass -P passphrase -p '[REDACTED:cli-password]' ssh host")] // more spellings (trial BE F8)
    [InlineData("curl -su admin:Xk9pQ2zW https://x.example", "curl -su admin:[REDACTED:cli-password] https://x.example")]
    [InlineData("curl -uadmin:Xk9pQ2zW https://x.example", "curl -uadmin:[REDACTED:cli-password] https://x.example")]
    [InlineData("curl --proxy-user bob:Xk9pQ2zW https://x.example", "curl --proxy-user bob:[REDACTED:cli-password] https://x.example")]
    [InlineData("MYSQL.EXE -u root -pS3cretPw! app", "MYSQL.EXE -u root -p[REDACTED:cli-password] app")]
    [InlineData("mysql.exe -u root ^\r\n  -pS3cretPw! app", "mysql.exe -u root ^\r\n  -p[REDACTED:cli-password] app")]
    [InlineData("mysql.exe -u root `\r\n  -pS3cretPw! app", "mysql.exe -u root `\r\n  -p[REDACTED:cli-password] app")]
    [InlineData("docker login -u me -p Pa$$w0rd", "docker login -u me -p [REDACTED:cli-password]")]
    [InlineData("usage: tool --password name", "usage: tool --password name")] // one word of one case: a usage line's
    [InlineData("mysql_upgrade -u root -pS3cretPw! --force", "mysql_upgrade -u root -p[REDACTED:cli-password] --force")] // the rest of the mysql family (trial BE F8)
    [InlineData("mysqlimport -u root -pS3cretPw! db data.csv", "mysqlimport -u root -p[REDACTED:cli-password] db data.csv")]
    [InlineData("mariadb-check -u root -pS3cretPw! --all-databases", "mariadb-check -u root -p[REDACTED:cli-password] --all-databases")]
    [InlineData("['sshpass', '-p', 'Xk9pQ2zW', 'ssh', 'host']", "['sshpass', '-p', '[REDACTED:cli-password]', 'ssh', 'host']")] // a printed word list
    [InlineData("redis-cli -h cache.internal -a S3cretPass -n 2 keys '*'", "redis-cli -h cache.internal -a [REDACTED:cli-password] -n 2 keys '*'")] // other tools (trials BC F4, BE F8)
    [InlineData("redis-cli -p 6379 --pass 'Xk9 pQ2z' ping", "redis-cli -p 6379 --pass '[REDACTED:cli-password]' ping")]
    [InlineData("redis-cli --askpass -a", "redis-cli --askpass -a")]
    [InlineData("sqlcmd -S db.internal -U sa -P S3cret!Pw -Q \"select 1\"", "sqlcmd -S db.internal -U sa -P [REDACTED:cli-password] -Q \"select 1\"")]
    [InlineData("sqlcmd.exe -S . -U sa -PS3cret!Pw", "sqlcmd.exe -S . -U sa -P[REDACTED:cli-password]")]
    [InlineData("mysql -h db -P3306 -u root -p app", "mysql -h db -P3306 -u root -p app")] // mysql's -P is the port
    [InlineData("mongosh \"mongodb://db:27017/app\" -u admin -p S3cretPw1", "mongosh \"mongodb://db:27017/app\" -u admin -p [REDACTED:cli-password]")]
    [InlineData("mongodump --host db -u admin -p S3cretPw1 --out /backup", "mongodump --host db -u admin -p [REDACTED:cli-password] --out /backup")]
    [InlineData("ldapsearch -x -H ldap://dc -D cn=admin,dc=corp -w S3cretPw1 -b dc=corp", "ldapsearch -x -H ldap://dc -D cn=admin,dc=corp -w [REDACTED:cli-password] -b dc=corp")]
    [InlineData("az login --service-principal -u app-id -p Xk9~pQ2z.W --tenant corp", "az login --service-principal -u app-id -p [REDACTED:cli-password] --tenant corp")]
    [InlineData("az login --service-principal -u app-id -p ~/certs/app.pem --tenant corp", "az login --service-principal -u app-id -p ~/certs/app.pem --tenant corp")] // a certificate's path
    [InlineData("podman login -u bob -p S3cretPw1 quay.io", "podman login -u bob -p [REDACTED:cli-password] quay.io")]
    [InlineData("helm registry login ghcr.io -u bob -p S3cretPw1", "helm registry login ghcr.io -u bob -p [REDACTED:cli-password]")]
    [InlineData("lftp -u deploy,S3cretPw1 sftp://files.internal", "lftp -u deploy,[REDACTED:cli-password] sftp://files.internal")]
    [InlineData("smbclient //fs/share -U 'CORP\\bob%S3cretPw1'", "smbclient //fs/share -U 'CORP\\bob%[REDACTED:cli-password]'")]
    [InlineData("openssl pkcs12 -export -in c.pem -out c.p12 -passout pass:S3cretPw1", "openssl pkcs12 -export -in c.pem -out c.p12 -passout pass:[REDACTED:cli-password]")]
    [InlineData("openssl rsa -in k.pem -passin env:KEY_PASS", "openssl rsa -in k.pem -passin env:KEY_PASS")]
    [InlineData("keytool -importcert -keystore ks.jks -storepass S3cretPw1 -keypass Xk9pQ2zW", "keytool -importcert -keystore ks.jks -storepass [REDACTED:cli-password] -keypass [REDACTED:cli-password]")]
    [InlineData("PGPASSWORD=S3cret psql -h db -U app", "PGPASSWORD=[REDACTED:cli-password] psql -h db -U app")] // a password in the environment
    [InlineData("docker run -e MYSQL_ROOT_PASSWORD=S3cret! -d mysql:8", "docker run -e MYSQL_ROOT_PASSWORD=[REDACTED:cli-password] -d mysql:8")]
    [InlineData("export DB_PASSWORD=hunter22", "export DB_PASSWORD=[REDACTED:cli-password]")]
    [InlineData("subprocess.run(['env', 'PGPASSWORD=S3cret', 'psql'])", "subprocess.run(['env', 'PGPASSWORD=[REDACTED:cli-password]', 'psql'])")]
    [InlineData("$env:PGPASSWORD = \"S3cret\"", "$env:PGPASSWORD = \"[REDACTED:cli-password]\"")]
    [InlineData("docker run -e POSTGRES_PASSWORD=$PW -e PWD=/app/src2 -e TESTS_PASSED=12 -e LOGIN_PASS=none", "docker run -e POSTGRES_PASSWORD=$PW -e PWD=/app/src2 -e TESTS_PASSED=12 -e LOGIN_PASS=none")]
    [InlineData("PASS=1024 FAIL=0; GIT_ASKPASS=/usr/bin/true; DB_PASSWORD=/run/secrets/db", "PASS=1024 FAIL=0; GIT_ASKPASS=/usr/bin/true; DB_PASSWORD=/run/secrets/db")]
    [InlineData("PASSWORD = getpass.getpass()", "PASSWORD = getpass.getpass()")] // code is not an environment (trial BF F1)
    [InlineData("DB_PASSWORD = os.environ[\"DB_PASSWORD\"]", "DB_PASSWORD = os.environ[\"DB_PASSWORD\"]")]
    [InlineData("PASSWORD=os.environ[\"PW\"]; SET PASSWORD=SHA2('x', 256)", "PASSWORD=os.environ[\"PW\"]; SET PASSWORD=SHA2('x', 256)")]
    [InlineData("const string DB_PASSWORD = \"DB_PASSWORD\"; DB_PASSWORD=your_password_here", "const string DB_PASSWORD = \"DB_PASSWORD\"; DB_PASSWORD=your_password_here")] // trial BF F2
    [InlineData("TOTAL_PASS=1532 UNIT_PASS=100% RENDER_PASS = ShadowMap FIRST_PASS=Lexer1 HOST_PWD=/app DB_PASSWORD=/secret", "TOTAL_PASS=1532 UNIT_PASS=100% RENDER_PASS = ShadowMap FIRST_PASS=Lexer1 HOST_PWD=/app DB_PASSWORD=/secret")] // trial BF F7
    [InlineData("DB_PASSWORD=S3cret1, next", "DB_PASSWORD=[REDACTED:cli-password], next")] // trial BF F9
    [InlineData("openssl rsa -in k.pem -passin \"pass:My Key Pass1\" -out k2.pem", "openssl rsa -in k.pem -passin \"pass:[REDACTED:cli-password]\" -out k2.pem")] // a quote before the prefix (trial BF F3)
    [InlineData("lftp -u 'user,P4ss word' sftp://files.internal", "lftp -u 'user,[REDACTED:cli-password]' sftp://files.internal")]
    [InlineData("smbclient //fs/share -U 'alice%W1nter 2024!'", "smbclient //fs/share -U 'alice%[REDACTED:cli-password]'")]
    [InlineData("docker run --name mongo -p 27017 mongo:7; docker compose -f docker/mongo -p Stack2 up", "docker run --name mongo -p 27017 mongo:7; docker compose -f docker/mongo -p Stack2 up")] // mongo a container's name (trial BF F6)
    [InlineData("az login --service-principal -u app-id -p cert.pem --tenant corp", "az login --service-principal -u app-id -p cert.pem --tenant corp")] // a certificate's file (trial BF F8)
    [InlineData("az login --service-principal -u app-id -p C:\\certs\\sp.pem --tenant corp", "az login --service-principal -u app-id -p C:\\certs\\sp.pem --tenant corp")]
    [InlineData("ldapsearch -x -wAdm1nPw -b dc=corp", "ldapsearch -x -w[REDACTED:cli-password] -b dc=corp")] // attached (trial BF F10)
    [InlineData("lftp -udeploy,S3cretPw1 sftp://files.internal", "lftp -udeploy,[REDACTED:cli-password] sftp://files.internal")]
    [InlineData("smbclient //fs/share -Ualice%S3cretPw1", "smbclient //fs/share -Ualice%[REDACTED:cli-password]")]
    [InlineData("redis-server --port 6380 --requirepass S3cretPw1", "redis-server --port 6380 --requirepass [REDACTED:cli-password]")]
    [InlineData("openssl pkcs12 -export -passout pass:\"My Key Pass1\" -out c.p12", "openssl pkcs12 -export -passout pass:\"[REDACTED:cli-password]\" -out c.p12")] // a quote after the prefix (trial BG F1)
    [InlineData("lftp -u deploy,'P4ss word' sftp://files.internal", "lftp -u deploy,'[REDACTED:cli-password]' sftp://files.internal")]
    [InlineData("smbclient //fs/share -U alice%\"W1nter 2024!\"", "smbclient //fs/share -U alice%\"[REDACTED:cli-password]\"")]
    [InlineData("redis-server --requirepass S3cretPw1 --masterauth \"$MASTER_PW\"", "redis-server --requirepass [REDACTED:cli-password] --masterauth \"$MASTER_PW\"")] // each option of one command (trial BG F2)
    [InlineData("redis-server --requirepass S3cretPw1 --masterauth Xk9pQ2zW", "redis-server --requirepass [REDACTED:cli-password] --masterauth [REDACTED:cli-password]")]
    [InlineData("mysqldump -u root -pS3cret1 db | mysql -h replica -u root -pXk9pQ2zW db", "mysqldump -u root -p[REDACTED:cli-password] db | mysql -h replica -u root -p[REDACTED:cli-password] db")]
    [InlineData("mysql -u root -p/Qx9+LmA2wZ app", "mysql -u root -p[REDACTED:cli-password] app")] // a base64 password starting with a slash (trial BG F3)
    [InlineData("curl -u admin:/S3cret+Pw https://x.example", "curl -u admin:[REDACTED:cli-password] https://x.example")]
    [InlineData("docker login -u me -p /k3Y9Zq8W", "docker login -u me -p [REDACTED:cli-password]")]
    [InlineData("$Env:PGPASSWORD = \"S3cret1\"", "$Env:PGPASSWORD = \"[REDACTED:cli-password]\"")] // PowerShell in any case (trial BG F4)
    [InlineData("const ADMIN_PASSWORD=\"adminPassword\"; RESET_PASSWORD=\"auth/resetPassword\"; DB_PASSWORD=config.dbPassword, create_admin(ADMIN_PASSWORD=pw1234)", "const ADMIN_PASSWORD=\"adminPassword\"; RESET_PASSWORD=\"auth/resetPassword\"; DB_PASSWORD=config.dbPassword, create_admin(ADMIN_PASSWORD=pw1234)")] // code without blanks (trial BG F5)
    [InlineData("docker run -e \"POSTGRES_PASSWORD=S3cret!\" -d postgres", "docker run -e \"POSTGRES_PASSWORD=[REDACTED:cli-password]\" -d postgres")] // a quoted assignment (trial BG F6)
    [InlineData("sh -c \"MYSQL_PWD=S3cret1 mysql -uroot -e 'select 1'\"", "sh -c \"MYSQL_PWD=[REDACTED:cli-password] mysql -uroot -e 'select 1'\"")] // a quoted command, not a quoted value (trial BH F1)
    [InlineData("cmd = f\"PGPASSWORD={pw} psql -h {host}\"", "cmd = f\"PGPASSWORD={pw} psql -h {host}\"")]
    [InlineData("COUNT=$(PGPASSWORD=S3cret1 psql -tc 'select 1'); (PGPASSWORD=Xk9pQ2z psql); ENVS=(DB_PASSWORD=Pw9zQx2)", "COUNT=$(PGPASSWORD=[REDACTED:cli-password] psql -tc 'select 1'); (PGPASSWORD=[REDACTED:cli-password] psql); ENVS=(DB_PASSWORD=[REDACTED:cli-password])")] // a shell's parentheses, not a call's (trial BH F3)
    [InlineData("docker service update --env-add A=1,DB_PASSWORD=S3cret1 web", "docker service update --env-add A=1,DB_PASSWORD=[REDACTED:cli-password] web")]
    [InlineData("DB_PASSWORD=/k3Y9Zq7Lm2 next", "DB_PASSWORD=[REDACTED:cli-password] next")] // a slash-first value is no relative path (trial BH F6)
    [InlineData("set PGPASSWORD=S3cret1Xk9Zq&& psql -h db", "set PGPASSWORD=[REDACTED:generic-secret]&& psql -h db")] // a shell's operator after the value (trial BH F8)
    [InlineData("mysql -u root -pS3cret1&& echo ok", "mysql -u root -p[REDACTED:cli-password]&& echo ok")]
    [InlineData("docker run -e \"MSSQL_SA_PASSWORD=yourStrong(!)Password\" -p 1433:1433 mssql", "docker run -e \"MSSQL_SA_PASSWORD=[REDACTED:cli-password]\" -p 1433:1433 mssql")] // a quoted assignment without a blank, or after -e/env (trial BI F1)
    [InlineData("docker run -e \"POSTGRES_PASSWORD=Pa ss w0rd\" -d postgres; env \"GPG_PASSPHRASE=correct horse battery 9\" gpg", "docker run -e \"POSTGRES_PASSWORD=[REDACTED:cli-password]\" -d postgres; env \"GPG_PASSPHRASE=[REDACTED:cli-password]\" gpg")]
    [InlineData("{PATH=/usr/bin, DB_PASSWORD=S3cret1, HOME=/root} and DB_HOST=db, PGPASSWORD=Xk9pQ2z", "{PATH=/usr/bin, DB_PASSWORD=[REDACTED:cli-password], HOME=/root} and DB_HOST=db, PGPASSWORD=[REDACTED:cli-password]")] // a printed map, a log line (trial BI F3)
    [InlineData("redis-server --requirepass A1b2C3 --masterauth B2c3D4 --requirepass C3d4E5 --masterauth D4e5F6 --requirepass E5f6G7", "redis-server --requirepass [REDACTED:cli-password] --masterauth [REDACTED:cli-password] --requirepass [REDACTED:cli-password] --masterauth [REDACTED:cli-password] --requirepass [REDACTED:cli-password]")] // five options of one command (trial BI F4)
    [InlineData("MYSQL_PWD=k3Y9/Zq7Lm2xQ8Tw mysql", "MYSQL_PWD=[REDACTED:cli-password] mysql")] // a base64 password holding a slash (trial BI F6)
    [InlineData("$h = @{PGPASSWORD='S3cret1'}", "$h = @{PGPASSWORD='[REDACTED:cli-password]'}")] // a PowerShell hashtable (trial BI F7)
    [InlineData("xterm -e \"MYSQL_PWD=S3cret1 mysql -uroot app\"; node -e \"DB_PASSWORD=process.env.X; run()\"", "xterm -e \"MYSQL_PWD=[REDACTED:cli-password] mysql -uroot app\"; node -e \"DB_PASSWORD=process.env.X; run()\"")] // -e quotes a command outside docker (trial BJ F1)
    [InlineData("docker run -e \"DB_PASSWORD=S3cret1 app && echo 'done'", "docker run -e \"DB_PASSWORD=[REDACTED:cli-password] app && echo 'done'")] // no closing quote of its kind
    [InlineData("Environment=\"DB_PASSWORD=S3 cret!\"", "Environment=\"DB_PASSWORD=[REDACTED:cli-password]\"")] // systemd (trial BJ F5)
    [InlineData("PROJECT_PWD=src/App2/bin BUILD_PWD=out/Release2/net8", "PROJECT_PWD=src/App2/bin BUILD_PWD=out/Release2/net8")] // relative paths (trial BJ F4)
    [InlineData("docker run -d -e \"MYSQL_ROOT_PASSWORD=root pw 1\" -e \"MYSQL_PASSWORD=user pw 2\" mysql:8", "docker run -d -e \"MYSQL_ROOT_PASSWORD=[REDACTED:cli-password]\" -e \"MYSQL_PASSWORD=[REDACTED:cli-password]\" mysql:8")] // each -e of one command (trial BK F1)
    [InlineData("Command '['docker', 'run', '-e', 'POSTGRES_PASSWORD=Pa ss w0rd', 'postgres']' returned non-zero exit status 1.", "Command '['docker', 'run', '-e', 'POSTGRES_PASSWORD=[REDACTED:cli-password]', 'postgres']' returned non-zero exit status 1.")] // a printed word list (trial BK F2)
    [InlineData("docker-compose run -e \"DB_PASSWORD=Pa ss w0rd\" web; tmux new-session -e \"DB_PASSWORD=Pa ss w0rd 2\"", "docker-compose run -e \"DB_PASSWORD=[REDACTED:cli-password]\" web; tmux new-session -e \"DB_PASSWORD=[REDACTED:cli-password]\"")] // trial BK F3
    [InlineData("SSHPASS=Ab1/cD2/eF3x sshpass -e ssh host", "SSHPASS=[REDACTED:cli-password] sshpass -e ssh host")] // base64 with two slashes (trial BK F4)
    [InlineData("curl -u \"admin:My Pass 1\" https://x.example", "curl -u \"admin:[REDACTED:cli-password]\" https://x.example")]
    [InlineData("redis-cli -a S3cretPw1. Then mysql -u root -pS3cret1, done", "redis-cli -a [REDACTED:cli-password]. Then mysql -u root -p[REDACTED:cli-password], done")] // prose's punctuation kept (trial BG F7)
    [InlineData("DB_PASSWORD=\"`cat /run/secrets/db`\" PROJECT_PWD=home/u/app CHANGE_PASSWORD=Never", "DB_PASSWORD=\"`cat /run/secrets/db`\" PROJECT_PWD=home/u/app CHANGE_PASSWORD=Never")] // trial BG F8
    [InlineData("mysql --help: -p, --password[=name]", "mysql --help: -p, --password[=name]")]
    [InlineData("sess_ghp_Zq8Kx1Lm2Np3Rs4Tu5Vw6Xy7Ab8Cd9Ef0GhIj", "sess_[REDACTED:github-token]")] // a token glued to a name by '_' (trial AV F8)
    [InlineData("KEY_AKIAQZ3MX7LW2TR5KBPA=1", "KEY_[REDACTED:aws-access-key-id]=1")]
    [InlineData("x_glpat-Zq8Kx1Lm2Np3Rs4Tu5Vw6", "x_[REDACTED:gitlab-token]")]
    [InlineData("my_sk-ant-api03-Zx8Qw3Er5Ty7Ui9Op1As2Df4Gh6Jk8Lz0Xc", "my_[REDACTED:anthropic-api-key]")]
    [InlineData("xghp_Zq8Kx1Lm2Np3Rs4Tu5Vw6Xy7Ab8Cd9Ef0GhIj", "xghp_Zq8Kx1Lm2Np3Rs4Tu5Vw6Xy7Ab8Cd9Ef0GhIj")] // inside a word: not a token's start
    [InlineData("ghp_Zq8Kx1Lm2Np3Rs4Tu5Vw6Xy7Ab8Cd9Ef0GhIj_backup", "[REDACTED:github-token]_backup")] // a name glued after a token by '_'
    [InlineData("ASIAPACIFICSINGAPORE_HOST=1 AKIAISSUESTRACKERAPI_URL", "ASIAPACIFICSINGAPORE_HOST=1 AKIAISSUESTRACKERAPI_URL")] // a constant's name has a key id's shape (trial AZ F3)
    [InlineData("GOOGLE_AIzaSyZq8Kx1Lm2Np3Rs4Tu5Vw6Xy7Ab8Cd9Ef0", "GOOGLE_[REDACTED:google-api-key]")] // every token rule starts after a '_'
    [InlineData("KEY_sk-proj-Zq8Kx1Lm2Np3Rs4Tu5Vw6Xy7", "KEY_[REDACTED:openai-api-key]")]
    [InlineData("STRIPE_sk_live_Zq8Kx1Lm2Np3Rs4Tu5Vw6Xy", "STRIPE_[REDACTED:stripe-key]")]
    [InlineData("SLACK_xoxb-1234567890-Zq8Wx7Ec6Rv5Tb4Yn3Um", "SLACK_[REDACTED:slack-token]")]
    [InlineData("TOKEN_eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.Zq8Kx1Lm2Np3", "TOKEN_[REDACTED:jwt]")]
    [InlineData("MAIL_SG.Zq8Kx1Lm2Np3Rs4Tu5Vw6X.Zq8Kx1Lm2Np3Rs4Tu5Vw6Xy7Ab8Cd9Ef0GhIjKlMnOp sent", "MAIL_[REDACTED:sendgrid-api-key] sent")]
    [InlineData("xAIzaSyZq8Kx1Lm2Np3Rs4Tu5Vw6Xy7Ab8Cd9Ef0", "xAIzaSyZq8Kx1Lm2Np3Rs4Tu5Vw6Xy7Ab8Cd9Ef0")] // inside a word: not a token's start
    [InlineData("mysqldump --single-transaction --routines --triggers --events --hex-blob --set-gtid-purged=OFF --column-statistics=0 --default-character-set=utf8mb4 --host=prod-db-cluster.cluster-c9akciq32.eu-west-1.rds.amazonaws.com --port=3306 --user=backup_operator --databases app_production app_analytics app_audit -pXk9Qw2Lm7Rt4Zp8 > dump.sql", "mysqldump --single-transaction --routines --triggers --events --hex-blob --set-gtid-purged=OFF --column-statistics=0 --default-character-set=utf8mb4 --host=prod-db-cluster.cluster-c9akciq32.eu-west-1.rds.amazonaws.com --port=3306 --user=backup_operator --databases app_production app_analytics app_audit -p[REDACTED:cli-password] > dump.sql")] // trial AX X1: 293 characters of options before -p
    [InlineData("subprocess.CalledProcessError: Command '['mysql', '-u', 'root', '-pMy5qlPw9Xz', 'app']' returned non-zero exit status 1.", "subprocess.CalledProcessError: Command '['mysql', '-u', 'root', '-p[REDACTED:cli-password]', 'app']' returned non-zero exit status 1.")] // a printed word list
    [InlineData("['mysqldump', '--password', 'Xk9Qw2Lm7Rt4Zp8', 'db']", "['mysqldump', '--password', '[REDACTED:cli-password]', 'db']")]
    [InlineData("['docker', 'login', '-u', 'me', '-p', 'Dk8Lw3Qz7Xv2', 'registry.example']", "['docker', 'login', '-u', 'me', '-p', '[REDACTED:cli-password]', 'registry.example']")]
    [InlineData("ran [\"psql\", \"--password\", \"Q9zXy7kP2qLm9vRt\"] in text", "ran [\"psql\", \"--password\", \"[REDACTED:cli-password]\"] in text")]
    [InlineData("ran [\"mysql\",\"-u\",\"root\",\"-pMy5qlPw9Xz\"] in text", "ran [\"mysql\",\"-u\",\"root\",\"-p[REDACTED:cli-password]\"] in text")] // no blank between the words (trial AZ F4)
    [InlineData("[\"docker\",\"login\",\"-u\",\"me\",\"-p\",\"Dk8Lw3Qz7Xv2\"]", "[\"docker\",\"login\",\"-u\",\"me\",\"-p\",\"[REDACTED:cli-password]\"]")]
    [InlineData("['mkdir', '-p', 'build', 'mysql-data']", "['mkdir', '-p', 'build', 'mysql-data']")]
    [InlineData("['mysql', '-u', 'root', '-p', 'appdb']", "['mysql', '-u', 'root', '-p', 'appdb']")] // mysql's -p alone asks for the password: the next word is the database
    [InlineData("curl -H \"Authorization: Bearer <token>\"", "curl -H \"Authorization: Bearer <token>\"")]
    [InlineData("docker login -u me -p ****", "docker login -u me -p ****")]
    [InlineData("tool --password \"$PW\"", "tool --password \"$PW\"")]
    [InlineData("password: ${{ secrets.X }}", "password: ${{ secrets.X }}")]
    [InlineData("aws rds create-db-instance --master-user-password Xk9pQ2zLm4Wr8vB3 && az vm create -n vm1 --admin-password 'P@ssw0rd1234!'", "aws rds create-db-instance --master-user-password [REDACTED:cli-password] && az vm create -n vm1 --admin-password '[REDACTED:cli-password]'")] // an option ending in -password (trial BL F1)
    [InlineData("gpg --batch --passphrase S3cret99 -c f; wget --ftp-password=S3cret99 ftp://h/f", "gpg --batch --passphrase [REDACTED:cli-password] -c f; wget --ftp-password=[REDACTED:cli-password] ftp://h/f")]
    [InlineData("pg_dump -U app --no-password app_prod2 > d.sql; ansible-playbook --ask-vault-password site2.yml; tool --prompt-password db2", "pg_dump -U app --no-password app_prod2 > d.sql; ansible-playbook --ask-vault-password site2.yml; tool --prompt-password db2")] // a flag taking no value
    [InlineData("docker run -d -e RABBITMQ_DEFAULT_PASS=Xk9pQ2zLm4Wr8 rabbitmq:3; export SMTP_PASS=S3cret99", "docker run -d -e RABBITMQ_DEFAULT_PASS=[REDACTED:cli-password] rabbitmq:3; export SMTP_PASS=[REDACTED:cli-password]")] // a name ending in _PASS (trial BL F2)
    [InlineData("psql \"host=db.internal user=app password=hunter2024 dbname=prod\"; psycopg2.connect(\"dbname=prod user=app password='S3 cret1' host=db\")", "psql \"host=db.internal user=app password=[REDACTED:connection-string-password] dbname=prod\"; psycopg2.connect(\"dbname=prod user=app password='[REDACTED:connection-string-password]' host=db\")")] // libpq's keyword=value (trial BL F3)
    [InlineData("jdbc:postgresql://db/app?user=app&password=hunter2024&ssl=true", "jdbc:postgresql://db/app?user=app&password=[REDACTED:url-password]&ssl=true")]
    [InlineData("/login?password=true&password=$PW and password=hunter2024 alone, host=db password=${PW}", "/login?password=true&password=$PW and password=hunter2024 alone, host=db password=${PW}")]
    [InlineData("env:\n  - name: DB_PASSWORD\n    value: S3cretPw9\n  - name: DB_HOST\n    value: db2x", "env:\n  - name: DB_PASSWORD\n    value: [REDACTED:cli-password]\n  - name: DB_HOST\n    value: db2x")] // Kubernetes' env list (trial BL F4)
    [InlineData("\"environment\": [{\"name\": \"DB_PASSWORD\", \"value\": \"S3cretPw9\"}]", "\"environment\": [{\"name\": \"DB_PASSWORD\", \"value\": \"[REDACTED:cli-password]\"}]")] // ECS's, in text
    [InlineData("sed -i 's/DB_PASSWORD=.*/DB_PASSWORD=REPLACE_ME/' .env; perl -pi -e 's/^DB_PASSWORD=\\w+$/DB_PASSWORD=xxx/' .env", "sed -i 's/DB_PASSWORD=.*/DB_PASSWORD=REPLACE_ME/' .env; perl -pi -e 's/^DB_PASSWORD=\\w+$/DB_PASSWORD=xxx/' .env")] // a substitution's pattern (trial BL D1)
    [InlineData("pg_dump -U app --password app_prod2 > d.sql; ['psql', '-h', 'db', '--password', 'app_db2']; mysql --password S3cret1 db", "pg_dump -U app --password app_prod2 > d.sql; ['psql', '-h', 'db', '--password', 'app_db2']; mysql --password [REDACTED:cli-password] db")] // a PostgreSQL client's --password prompts (trial BL D2)
    [InlineData("sed -i 's/^DB_PASSWORD=.*/DB_PASSWORD=RealS3cret99/' .env; sed 's/PASSWORD=\\w+/PASSWORD=Xk9pQ2zLm4Wr8vB7/'", "sed -i 's/^DB_PASSWORD=.*/DB_PASSWORD=[REDACTED:generic-secret]/' .env; sed 's/PASSWORD=\\w+/PASSWORD=[REDACTED:generic-secret]/'")] // a substitution's replacement (trial BM H1)
    [InlineData("curl -d \"client_id=app&client_secret=Xk9pQ2zLm4Wr8vB7mN3&grant_type=password&username=bob&password=S3cret99\" https://idp/token", "curl -d \"client_id=app&client_secret=[REDACTED:generic-secret]&grant_type=password&username=bob&password=[REDACTED:url-password]\" https://idp/token")] // a secret before another parameter (trial BM H2)
    [InlineData("tool --key-passphrase S3cretPw99 sign; app --enable-password S3cretPw99", "tool --key-passphrase [REDACTED:cli-password] sign; app --enable-password [REDACTED:cli-password]")] // trial BM M1, M4
    [InlineData("  --master-user-password MASTER_USER_PASSWORD\n  --passphrase PASSPHRASE\n  --save-password user@host\n  --no-passphrase mykey2", "  --master-user-password MASTER_USER_PASSWORD\n  --passphrase PASSPHRASE\n  --save-password user@host\n  --no-passphrase mykey2")] // a help text's placeholders, a flag (trial BM M2, M4)
    [InlineData("OPT_PASS=mem2reg BUILD_PASS=gcc-13.2 E2E_PASS=k8s-e2e; GET /reset?password=required&token=abc", "OPT_PASS=mem2reg BUILD_PASS=gcc-13.2 E2E_PASS=k8s-e2e; GET /reset?password=required&token=abc")] // trial BM L2, L4
    [InlineData("{\n  \"name\": \"DB_PASSWORD\",\n  \"value\": \"S3cret99\"\n}", "{\n  \"name\": \"DB_PASSWORD\",\n  \"value\": \"[REDACTED:cli-password]\"\n}")] // pretty-printed (trial BM M3)
    [InlineData("https://app/cb#access_token=Xk9mQ2zLp4Wr8Tn6Vb3C&refresh_token=Ab3dE5fG7hJ9kL1mN3pQ&expires_in=3600", "https://app/cb#access_token=[REDACTED:generic-secret]&refresh_token=[REDACTED:generic-secret]&expires_in=3600")] // the next parameter is searched too (trial BN H1)
    [InlineData("sed -i 's#^DB_PASSWORD=.*#DB_PASSWORD=S3cr3t99#' .env; sed -i 's/^password=.*/password=Xk9!mQ2zLp/' app.ini", "sed -i 's#^DB_PASSWORD=.*#DB_PASSWORD=[REDACTED:generic-secret]#' .env; sed -i 's/^password=.*/password=[REDACTED:generic-secret]/' app.ini")] // any delimiter, any name (trial BN H2, H3)
    [InlineData("Data Source=db;user id=sa;password=S3cr3t!x;MultipleActiveResultSets=true", "Data Source=db;user id=sa;password=[REDACTED:connection-string-password];MultipleActiveResultSets=true")] // a connection string's (trial BN M1)
    [InlineData("docker exec -it psql-db mysql -u root --password s3cr3t99; password: \"hX7&kq=9Lm!Zr2Wp\"; DB_PASSWORD=Xk9mQ2zPassword=Lp4", "docker exec -it psql-db mysql -u root --password [REDACTED:cli-password]; password: \"[REDACTED:generic-secret]\"; DB_PASSWORD=[REDACTED:generic-secret]")] // trial BN M2, M3, L1
    [InlineData("\t@PGPASSWORD=P@ssw0rd!99 psql -h db; \t@MYSQL_PWD=R00t@2024! mysql -u root", "\t@PGPASSWORD=[REDACTED:generic-secret] psql -h db; \t@MYSQL_PWD=[REDACTED:cli-password] mysql -u root")] // a Makefile's silent line is no substitution (trial BO H1, H2)
    [InlineData("#DB_PASSWORD=ab#Xk9pQ2zLm4Wr8vB3\n#DB_PASSWORD=S3cr#tPw99\n2024-01-01|INFO|password=ab|Xk9pQ2zLm4Wr8vB3|done", "#DB_PASSWORD=[REDACTED:generic-secret]\n#DB_PASSWORD=[REDACTED:generic-secret]\n2024-01-01|INFO|password=[REDACTED:generic-secret]")] // a commented-out line, a log's fields
    [InlineData("x?token=Xk9mQ2zLp4Wr8Tn6Vb3C&db_password=hunter2024 and x?secret=Xk9mQ2zLp4Wr8Tn6Vb3C&a=1&pwd=Ab3dE5fG7hJ9", "x?token=[REDACTED:generic-secret]&db_password=[REDACTED:url-password] and x?secret=[REDACTED:generic-secret]")] // a later password parameter is the URL rule's, the value before it cut there; a later pwd (no rule's) taken with it (trials BO, BQ)
    [InlineData("x?secret=Xk9mQ2zLp4Wr8Tn6Vb3C&token=hunter2024", "x?secret=[REDACTED:generic-secret]")] // a later secret parameter the rules would keep alone is taken with the value (trial BO)
    [InlineData("GET /login?passwd=Ab3dE5fG7hJ9&next=/ and /connect?db_password=hunter2024&Admin.Passwd=S3cr3t!x, then /reset?new_password=required&show_passwd=true&pwd=; GET /files?pwd=workspace-42&pwd=%2Fhome%2Fu", "GET /login?passwd=[REDACTED:url-password]&next=/ and /connect?db_password=[REDACTED:url-password]&Admin.Passwd=[REDACTED:url-password], then /reset?new_password=required&show_passwd=true&pwd=; GET /files?pwd=workspace-42&pwd=%2Fhome%2Fu")] // a query parameter named as a password, words kept; pwd, the working directory, kept (trials BO, BQ)
    [InlineData("sed -i 's/^DB_PASSWORD=.*/DB_PASSWORD=S3cr3t\\/Pw9x/' .env", "sed -i 's/^DB_PASSWORD=.*/DB_PASSWORD=[REDACTED:generic-secret]/' .env")] // an escaped delimiter is part of the replacement, also read as JSON's \/ (trial BN M4)
    [InlineData("env:\n  - value: S3cret99x\n    name: DB_PASSWORD\n  - {name: PGPASSWORD, value: S3cret99x}\n  - {value: \"S3cr et99\", name: MYSQL_PWD}\nEnvironment:\n  - Name: DB_PASSWORD\n    Value: S3cret99x", "env:\n  - value: [REDACTED:cli-password]\n    name: DB_PASSWORD\n  - {name: PGPASSWORD, value: [REDACTED:cli-password]}\n  - {value: \"[REDACTED:cli-password]\", name: MYSQL_PWD}\nEnvironment:\n  - Name: DB_PASSWORD\n    Value: [REDACTED:cli-password]")] // name/value pairs in either order, flow style, CloudFormation's case (trial BN M5, M6)
    [InlineData("[{\"Value\": \"S3cret99x\", \"Name\": \"DB_PASSWORD\"}, {\"name\": \"LOG_LEVEL\", \"value\": \"debug\"}]", "[{\"Value\": \"[REDACTED:cli-password]\", \"Name\": \"DB_PASSWORD\"}, {\"name\": \"LOG_LEVEL\", \"value\": \"debug\"}]")] // JSON text, value first
    [InlineData("environment:\n  DB_PASSWORD: hunter2024 # dev only\n  TOTAL_PASS: 1532\n  SMTP_PASSWORD: ${SMTP_PASSWORD}\n  \"ADMIN_PASSWORD\": 'P@ssw0rd!'\n  DB_PASSWORD: postgres\nDB_PASSWORD: str = field()", "environment:\n  DB_PASSWORD: [REDACTED:cli-password] # dev only\n  TOTAL_PASS: 1532\n  SMTP_PASSWORD: ${SMTP_PASSWORD}\n  \"ADMIN_PASSWORD\": '[REDACTED:generic-secret]'\n  DB_PASSWORD: postgres\nDB_PASSWORD: str = field()")] // a compose file's environment map; a reference, a word, code kept
    [InlineData("ALTER USER app WITH PASSWORD 'S3cret99x'; CREATE ROLE ci WITH LOGIN ENCRYPTED PASSWORD 'hunter2024' VALID UNTIL 'infinity';", "ALTER USER app WITH PASSWORD '[REDACTED:sql-password]'; CREATE ROLE ci WITH LOGIN ENCRYPTED PASSWORD '[REDACTED:sql-password]' VALID UNTIL 'infinity';")] // PostgreSQL
    [InlineData("CREATE USER 'bob'@'%' IDENTIFIED BY 'S3cret99x'; ALTER USER 'root'@'localhost' IDENTIFIED WITH mysql_native_password BY 'Tr0ub4dor3'; SET PASSWORD FOR 'bob'@'%' = PASSWORD('Xy9!pass'); CREATE USER ora IDENTIFIED BY Tiger2024;", "CREATE USER 'bob'@'%' IDENTIFIED BY '[REDACTED:sql-password]'; ALTER USER 'root'@'localhost' IDENTIFIED WITH mysql_native_password BY '[REDACTED:sql-password]'; SET PASSWORD FOR 'bob'@'%' = PASSWORD('[REDACTED:sql-password]'); CREATE USER ora IDENTIFIED BY [REDACTED:sql-password];")] // MySQL, Oracle
    [InlineData("CREATE LOGIN app WITH PASSWORD = 'S3cret99x!', CHECK_POLICY = OFF;", "CREATE LOGIN app WITH PASSWORD = '[REDACTED:sql-password]', CHECK_POLICY = OFF;")] // SQL Server
    [InlineData("ALTER ROLE app PASSWORD NULL; ALTER USER app PASSWORD :'pw'; cur.execute(\"ALTER USER %s WITH PASSWORD %s\", (u, p)); Enter your password 'here'. The user was identified by email.", "ALTER ROLE app PASSWORD NULL; ALTER USER app PASSWORD :'pw'; cur.execute(\"ALTER USER %s WITH PASSWORD %s\", (u, p)); Enter your password 'here'. The user was identified by email.")] // no password set, or no SQL
    [InlineData("zip -P S3cret99x out.zip f; 7z a -pS3cret99x a.7z f; ssh-keygen -t ed25519 -N 'S3cret99x' -f k; ssh-keygen -N '' -f k2; gzip -P 9", "zip -P [REDACTED:cli-password] out.zip f; 7z a -p[REDACTED:cli-password] a.7z f; ssh-keygen -t ed25519 -N '[REDACTED:cli-password]' -f k; ssh-keygen -N '' -f k2; gzip -P 9")] // archivers' and ssh-keygen's passphrases
    [InlineData("psql \"host = db port = 5432 password = 'hunter 2024'\"; psycopg2.connect(\"dbname='app' user='app' password='hunter2024' host='db'\"); user = app password = secret", "psql \"host = db port = 5432 password = '[REDACTED:connection-string-password]'\"; psycopg2.connect(\"dbname='app' user='app' password='[REDACTED:connection-string-password]' host='db'\"); user = app password = secret")] // libpq's blanks around '=', quoted values (trial BN M6)
    [InlineData("New-LocalUser -Name bob -Password (ConvertTo-SecureString \"S3cret99x\" -AsPlainText -Force); ConvertTo-SecureString -String 'hunter2024' -AsPlainText; ConvertTo-SecureString \"$env:PW\" -AsPlainText; ConvertTo-SecureString $enc -Key $k", "New-LocalUser -Name bob -Password (ConvertTo-SecureString \"[REDACTED:cli-password]\" -AsPlainText -Force); ConvertTo-SecureString -String '[REDACTED:cli-password]' -AsPlainText; ConvertTo-SecureString \"$env:PW\" -AsPlainText; ConvertTo-SecureString $enc -Key $k")] // PowerShell's plain-text secure string
    [InlineData("net user bob S3cret99x /add; net user bob * /add; net user bob /delete; htpasswd -cbB /etc/nginx/.htpasswd admin hunter2024; htpasswd -nb admin S3cret99x; htpasswd -c .htpasswd bob", "net user bob [REDACTED:cli-password] /add; net user bob * /add; net user bob /delete; htpasswd -cbB /etc/nginx/.htpasswd admin [REDACTED:cli-password]; htpasswd -nb admin [REDACTED:cli-password]; htpasswd -c .htpasswd bob")] // a password as a plain argument; a prompt kept
    [InlineData("echo 'root:hunter2024' | sudo chpasswd; echo 'S3cret99x' | docker login -u bob --password-stdin; echo \"$CR_PAT\" | docker login ghcr.io -u x --password-stdin; openssl enc -aes-256-cbc -k S3cret99x -in f", "echo 'root:[REDACTED:cli-password]' | sudo chpasswd; echo '[REDACTED:cli-password]' | docker login -u bob --password-stdin; echo \"$CR_PAT\" | docker login ghcr.io -u x --password-stdin; openssl enc -aes-256-cbc -k [REDACTED:cli-password] -in f")] // a password piped into the command that reads it
    [InlineData("ENV DB_PASSWORD hunter2024\nENV DB_PASSWORD ${DB_PASSWORD}\nENV APP_HOME /app", "ENV DB_PASSWORD [REDACTED:cli-password]\nENV DB_PASSWORD ${DB_PASSWORD}\nENV APP_HOME /app")] // a Dockerfile's legacy ENV form
    [InlineData("host=db1 user=app password=hunter2024, host=db2 user=app password=S3cr3tPw99\nhost=db user=app password=hunter2024 user=x password=hunter2025", "host=db1 user=app password=[REDACTED:connection-string-password], host=db2 user=app password=[REDACTED:generic-secret]\nhost=db user=app password=[REDACTED:connection-string-password] user=x password=[REDACTED:connection-string-password]")] // every libpq password of a line (trial BP H1)
    [InlineData("sed -i 's/DB_PASSWORD=hunter2024/DB_PASSWORD=N3w\\/Pw2024/' .env; sed -i 's/DB_PASSWORD=hunter2024/DB_PASSWORD=Xk9pQ2zLm4Wr8vB3/' .env", "sed -i 's/DB_PASSWORD=[REDACTED:cli-password]/DB_PASSWORD=[REDACTED:generic-secret]/' .env; sed -i 's/DB_PASSWORD=[REDACTED:cli-password]/DB_PASSWORD=[REDACTED:generic-secret]/' .env")] // the old password in a substitution's pattern, after the new one was replaced (trial BP H2, M3)
    [InlineData("sed -i 's/^password=[A-Za-z0-9]* host=db/password=S3cr3tPw99 host=db/' pg.conf", "sed -i 's/^password=[A-Za-z0-9]* host=db/password=[REDACTED:generic-secret] host=db/' pg.conf")] // a substitution's pattern is kept by the libpq rule too (trial BP M1)
    [InlineData("{\"command\":\"sed -i 's\\/^DB_PASSWORD=.*\\/DB_PASSWORD=hunter2024\\/' .env\"}; sed -i 's/^DB_PASSWORD=\\/run\\/secrets.*/DB_PASSWORD=hunter2024/' .env", "{\"command\":\"sed -i 's\\/^DB_PASSWORD=.*\\/DB_PASSWORD=[REDACTED:cli-password]\\/' .env\"}; sed -i 's/^DB_PASSWORD=\\/run\\/secrets.*/DB_PASSWORD=[REDACTED:cli-password]/' .env")] // delimiters written as JSON escapes when the s command's is (trial BP M2, L1)
    [InlineData("cur.execute(f\"ALTER USER {u} PASSWORD '{pw}'\"); cur.execute(\"ALTER USER app WITH PASSWORD '%s'\" % (pw,)); conn.exec(\"ALTER USER app PASSWORD '#{password}'\"); cur.execute(\"ALTER USER app WITH PASSWORD '\" + pw + \"'\")", "cur.execute(f\"ALTER USER {u} PASSWORD '{pw}'\"); cur.execute(\"ALTER USER app WITH PASSWORD '%s'\" % (pw,)); conn.exec(\"ALTER USER app PASSWORD '#{password}'\"); cur.execute(\"ALTER USER app WITH PASSWORD '\" + pw + \"'\")")] // SQL that code builds (trial BQ)
    [InlineData("CREATE USER user_name IDENTIFIED BY 'auth_string'; ALTER USER bob IDENTIFIED BY RANDOM PASSWORD;\nCreate a new user identified by their email address. Create accounts identified by username, then x", "CREATE USER user_name IDENTIFIED BY 'auth_string'; ALTER USER bob IDENTIFIED BY RANDOM PASSWORD;\nCreate a new user identified by their email address. Create accounts identified by username, then x")] // a syntax line's placeholder, a keyword, prose (trial BQ)
    [InlineData("CREATE LOGIN app WITH PASSWORD = N'P@ssw0rd!';\nCREATE USER app WITH\n  LOGIN\n  PASSWORD 'S3cr3tPw99';\nCREATE ROLE \"app-user\" LOGIN PASSWORD 'S3cr3tPw99'; ALTER USER a PASSWORD 'it''s-P@ssw0rd!';", "CREATE LOGIN app WITH PASSWORD = N'[REDACTED:sql-password]';\nCREATE USER app WITH\n  LOGIN\n  PASSWORD '[REDACTED:sql-password]';\nCREATE ROLE \"app-user\" LOGIN PASSWORD '[REDACTED:sql-password]'; ALTER USER a PASSWORD '[REDACTED:sql-password]';")] // N'…', over lines, a quoted name, a doubled quote (trial BQ)
    [InlineData("i18n:\n  RESET_PASSWORD: \"Forgot your password?\"\n  DB_PASSWORD: ((db_password))\n  X_PASSWORD: \"#{DB_PASSWORD}#\"\n  Y_PASSWORD: op://Private/db/password\n- Name: DB_PASSWORD\n  Value: !Ref DBPassword", "i18n:\n  RESET_PASSWORD: \"Forgot your password?\"\n  DB_PASSWORD: ((db_password))\n  X_PASSWORD: \"#{DB_PASSWORD}#\"\n  Y_PASSWORD: op://Private/db/password\n- Name: DB_PASSWORD\n  Value: !Ref DBPassword")] // an interface's text, references and a YAML tag (trial BQ)
    [InlineData("net user admin \"P@ssw0rd!\" /add; \"P@ssw0rd!\" | ConvertTo-SecureString -AsPlainText -Force; ConvertTo-SecureString -AsPlainText -Force -String 'S3cret99x'; openssl x509 -in c then kubectl apply -k overlays/prod", "net user admin \"[REDACTED:cli-password]\" /add; \"[REDACTED:cli-password]\" | ConvertTo-SecureString -AsPlainText -Force; ConvertTo-SecureString -AsPlainText -Force -String '[REDACTED:cli-password]'; openssl x509 -in c then kubectl apply -k overlays/prod")] // trial BQ
    [InlineData("zip -rP S3cret99x out.zip d; unzip -PS3cret99x a.zip; zip -P password out.zip f; ssh-keygen -N\"S3cret99x\" -f k\nx:\n  REDIS_PWD: Xk9pQ2zLm4Wr8vB3\n  HOME_PWD: /home/app", "zip -rP [REDACTED:cli-password] out.zip d; unzip -P[REDACTED:cli-password] a.zip; zip -P password out.zip f; ssh-keygen -N\"[REDACTED:cli-password]\" -f k\nx:\n  REDIS_PWD: [REDACTED:cli-password]\n  HOME_PWD: /home/app")] // an option cluster, attached values, a _PWD key (trial BQ)
    [InlineData("it(\"create user with wrong password\", () => expect(() => createUser(\"bob\", \"x\")).toThrow(\"Invalid\"))\n<h1>Create user</h1>\n<input type=\"password\" name=\"password\" required>", "it(\"create user with wrong password\", () => expect(() => createUser(\"bob\", \"x\")).toThrow(\"Invalid\"))\n<h1>Create user</h1>\n<input type=\"password\" name=\"password\" required>")] // code and markup after "create user" (trial BR)
    [InlineData("$sql = \"CREATE USER '\" . $user . \"'@'localhost' IDENTIFIED BY '\" . $pass . \"'\"; EXEC('ALTER LOGIN x WITH PASSWORD = ''' + @pw + ''''); mysql -e \"ALTER USER app IDENTIFIED BY '\"${DB_PASSWORD}\"'\"", "$sql = \"CREATE USER '\" . $user . \"'@'localhost' IDENTIFIED BY '\" . $pass . \"'\"; EXEC('ALTER LOGIN x WITH PASSWORD = ''' + @pw + ''''); mysql -e \"ALTER USER app IDENTIFIED BY '\"${DB_PASSWORD}\"'\"")] // SQL joined in PHP, T-SQL, a shell (trial BR)
    [InlineData("i18n:\n  INVALID_PASSWORD: \"Password must be at least 8 characters\"\n  CONFIRM_PASSWORD: \"Confirm Password\"\n  DB_PASSWORD: '%env(DB_PASSWORD)%'\n  B_PASSWORD: \"@@DB_PASSWORD@@\"\nCreate accounts identified by UUIDv4 and grant them roles.\n$pw = Read-Host \"Enter password\" | ConvertTo-SecureString -AsPlainText -Force\nNET USER [username [password | *] [options]]", "i18n:\n  INVALID_PASSWORD: \"Password must be at least 8 characters\"\n  CONFIRM_PASSWORD: \"Confirm Password\"\n  DB_PASSWORD: '%env(DB_PASSWORD)%'\n  B_PASSWORD: \"@@DB_PASSWORD@@\"\nCreate accounts identified by UUIDv4 and grant them roles.\n$pw = Read-Host \"Enter password\" | ConvertTo-SecureString -AsPlainText -Force\nNET USER [username [password | *] [options]]")] // a locale file's text, references, prose, a prompt, a usage line kept (trial BR)
    [InlineData("mysql -e \"CREATE USER 'app'@'%' IDENTIFIED BY 'S3cr3tPw99'\"; mysql -e \"CREATE USER 'ro'@'%' IDENTIFIED BY 'hunter2024'\"; CREATE USER scott IDENTIFIED BY Tiger2024;", "mysql -e \"CREATE USER 'app'@'%' IDENTIFIED BY '[REDACTED:sql-password]'\"; mysql -e \"CREATE USER 'ro'@'%' IDENTIFIED BY '[REDACTED:sql-password]'\"; CREATE USER scott IDENTIFIED BY [REDACTED:sql-password];")] // each IDENTIFIED BY of a span (trial BR)
    [InlineData("const s = {\n  NEW_PASSWORD: z.string().min(8),\n  INVALID_PASSWORD: 1001,\n  \"PASSWORD\": \"Contraseña\",\n  PASSWORD: Contraseña\n  X_PASSWORD: env:DB_PASSWORD\n}\nit('create user with wrong password', () => expect(() => createUser('bob', 'x')).toThrow('Invalid'))\nconnect(host = cfg.host, port = cfg.port, user = cfg.user, password = cfg.password)\nnet user admin >nul 2>&1 && echo exists\nCreate a service account identified by \"svc-reports\" and grant it access.", "const s = {\n  NEW_PASSWORD: z.string().min(8),\n  INVALID_PASSWORD: 1001,\n  \"PASSWORD\": \"Contraseña\",\n  PASSWORD: Contraseña\n  X_PASSWORD: env:DB_PASSWORD\n}\nit('create user with wrong password', () => expect(() => createUser('bob', 'x')).toThrow('Invalid'))\nconnect(host = cfg.host, port = cfg.port, user = cfg.user, password = cfg.password)\nnet user admin >nul 2>&1 && echo exists\nCreate a service account identified by \"svc-reports\" and grant it access.")] // code, a locale, keyword arguments, a redirect, prose (trial BS)
    [InlineData("CREATE LOGIN a WITH PASSWORD='S3cret99x!'; GRANT ALL ON db.* TO 'a'@'%' IDENTIFIED BY 'Xy9!pass';\npsql 'host = db port = 5432 password = hunter2024'", "CREATE LOGIN a WITH PASSWORD='[REDACTED:sql-password]'; GRANT ALL ON db.* TO 'a'@'%' IDENTIFIED BY '[REDACTED:sql-password]';\npsql 'host = db port = 5432 password = [REDACTED:connection-string-password]'")] // still found (trial BS)
    [InlineData("jdbc:postgresql://db/app?user=app&password=Xk9%2FpQ2zLm4%2B", "jdbc:postgresql://db/app?user=app&password=[REDACTED:url-password]")] // a URL-encoded password holding %2F (base64's '/') is one
    [InlineData("htpasswd -b -B -C 12 .htpasswd admin hunter2024; htpasswd -bnBC 10 \"\" Tr0ub4dor; htpasswd -c -B -C 10 .htpasswd admin\nnet user /add deploy Winter2024!; net.exe user ops Xy7kq2Zz /add; net user /domain jdoe\nConvertTo-SecureString -AsPlainText 'S3cretPw99' -Force; ConvertTo-SecureString -AsPlainText -Force $env:PW", "htpasswd -b -B -C 12 .htpasswd admin [REDACTED:cli-password]; htpasswd -bnBC 10 \"\" [REDACTED:cli-password]; htpasswd -c -B -C 10 .htpasswd admin\nnet user /add deploy [REDACTED:cli-password]; net.exe user ops [REDACTED:cli-password] /add; net user /domain jdoe\nConvertTo-SecureString -AsPlainText '[REDACTED:cli-password]' -Force; ConvertTo-SecureString -AsPlainText -Force $env:PW")] // a cost's number, an option before the name, switches in any order (trial BS)
    [InlineData("docker login -u x --password-stdin <<< 'S3cretPw99'\nchpasswd <<< \"deploy:Winter2024x\"\nprintf 'ops:Xy7kq2Zz\\n' | chpasswd\nprintf '%s' 'Tr0ub4dor99' | docker login -u x --password-stdin ghcr.io\ndocker login --password-stdin <<< \"$CR_PAT\"", "docker login -u x --password-stdin <<< '[REDACTED:cli-password]'\nchpasswd <<< \"deploy:[REDACTED:cli-password]\"\nprintf 'ops:[REDACTED:cli-password]\\n' | chpasswd\nprintf '%s' '[REDACTED:cli-password]' | docker login -u x --password-stdin ghcr.io\ndocker login --password-stdin <<< \"$CR_PAT\"")] // here-strings and printf (trial BS)
    [InlineData("ALTER USER app WITH PASSWORD E'S3cr3t\\'Pw99'; ALTER ROLE ops PASSWORD $$Xy7kq2Zz$$; CREATE ROLE r LOGIN PASSWORD $1; SELECT $$hello$$;", "ALTER USER app WITH PASSWORD E'[REDACTED:sql-password]'; ALTER ROLE ops PASSWORD $$[REDACTED:sql-password]$$; CREATE ROLE r LOGIN PASSWORD $1; SELECT $$hello$$;")] // PostgreSQL's escape and dollar-quoted strings (trial BS)
    [InlineData("- name: DB_PASSWORD\n  value: S3cret Pw99 # prod\nENV APP_PASSWORD Xk9p Q2z Lm4\nENV DB_PASSWORD=${DB_PASSWORD}\n- name: DB_PASSWORD\n  value: set via sealed secret db-creds-v2\nENV KEYSTORE_PASSWORD must be provided at build time", "- name: DB_PASSWORD\n  value: [REDACTED:cli-password] # prod\nENV APP_PASSWORD [REDACTED:cli-password]\nENV DB_PASSWORD=${DB_PASSWORD}\n- name: DB_PASSWORD\n  value: set via sealed secret db-creds-v2\nENV KEYSTORE_PASSWORD must be provided at build time")] // a value holding a blank is taken whole when its first word is a password; prose is kept (trials BS, BU)
    [InlineData("wget https://example.com/tool.zip -P downloads2024; zip -r a.zip . -P S3cretPw99", "wget https://example.com/tool.zip -P downloads2024; zip -r a.zip . -P [REDACTED:cli-password]")] // a file's .zip is not the zip command (trial BS L1)
    [InlineData("errors:\n  WEAK_PASSWORD: E1001\n  INVALID_PASSWORD: AUTH-401\n  RESET_PASSWORD: /auth/reset/:token\n  HASH_PASSWORD: argon2id\n  ROTATE_PASSWORD: P90D\n  FORGOT_PASSWORD: Forgot?\n  PASSWORD: Password:\n  WRONG_PASSWORD: 'E1002',\n  SHOW_PASSWORD: 'ic_visibility_24',\n  DB_PASSWORD: String(pw)", "errors:\n  WEAK_PASSWORD: E1001\n  INVALID_PASSWORD: AUTH-401\n  RESET_PASSWORD: /auth/reset/:token\n  HASH_PASSWORD: argon2id\n  ROTATE_PASSWORD: P90D\n  FORGOT_PASSWORD: Forgot?\n  PASSWORD: Password:\n  WRONG_PASSWORD: 'E1002',\n  SHOW_PASSWORD: 'ic_visibility_24',\n  DB_PASSWORD: String(pw)")] // an interface's or a policy's keys, a label, a call (trial BT)
    [InlineData("  \"ADMIN_PASSWORD\": \"v2.1.0\",\n  TOO_SHORT_PASSWORD: \"E1002\",\n  KDF_PASSWORD: \"pbkdf2-sha512\",\nenvironment:\n  DB_PASSWORD: Xk9p(Q2z)Lm4\n  ADMIN_PASSWORD: 84729163\n  EXPIRE_PASSWORD: 7776000\n  SMTP_PASSWORD: {env:SMTP_PASSWORD}\n  APP_PASSWORD: '[a-zA-Z0-9]{12}'\n  \"PASSWORD\": \"Contraseña\",", "  \"ADMIN_PASSWORD\": \"v2.1.0\",\n  TOO_SHORT_PASSWORD: \"E1002\",\n  KDF_PASSWORD: \"pbkdf2-sha512\",\nenvironment:\n  DB_PASSWORD: [REDACTED:cli-password]\n  ADMIN_PASSWORD: [REDACTED:cli-password]\n  EXPIRE_PASSWORD: 7776000\n  SMTP_PASSWORD: {env:SMTP_PASSWORD}\n  APP_PASSWORD: '[a-zA-Z0-9]{12}'\n  \"PASSWORD\": \"Contraseña\",")] // an object's quoted values kept (trial BU); brackets, six digits (trial BT); a duration, a reference, a pattern (trial BU)
    [InlineData("const password = process.env.DB_PASSWORD;\nconst password = process.env.DATABASE_PASSWORD ?? '';\nGET /api?reset_password=true&id=5 and /users/reset?forgot_password=1&lang=en-US and /x?reset_password=true&client_secret=Xk9mQ2zLp4Wr8Tn6Vb3C", "const password = process.env.DB_PASSWORD;\nconst password = process.env.DATABASE_PASSWORD ?? '';\nGET /api?reset_password=true&id=5 and /users/reset?forgot_password=1&lang=en-US and /x?reset_password=true&client_secret=[REDACTED:generic-secret]")] // a member read, a flag before the next parameter (trial BT)
    [InlineData("CREATE OR REPLACE USER 'app'@'%' IDENTIFIED BY 'S3cr3tPw99'; CREATE ROLE adm IDENTIFIED BY \"Xy7kq2Zz\"; GRANT SELECT (id, name) ON db.users TO 'ro'@'%' IDENTIFIED BY 'Tr0ub4dor9';\nCREATE DATABASE LINK sales CONNECT TO scott IDENTIFIED BY Tiger2024x USING 'orcl'; SET ROLE payroll IDENTIFIED BY Winter2024x;\nALTER LOGIN [app] WITH PASSWORD=N'S3cr3tPw99' OLD_PASSWORD=N'Winter2023!';\nhost=db user=app password=S3cr3t,Pw99 dbname=app", "CREATE OR REPLACE USER 'app'@'%' IDENTIFIED BY '[REDACTED:sql-password]'; CREATE ROLE adm IDENTIFIED BY \"[REDACTED:sql-password]\"; GRANT SELECT (id, name) ON db.users TO 'ro'@'%' IDENTIFIED BY '[REDACTED:sql-password]';\nCREATE DATABASE LINK sales CONNECT TO scott IDENTIFIED BY [REDACTED:sql-password] USING 'orcl'; SET ROLE payroll IDENTIFIED BY [REDACTED:sql-password];\nALTER LOGIN [app] WITH PASSWORD=N'[REDACTED:sql-password]' OLD_PASSWORD=N'[REDACTED:sql-password]';\nhost=db user=app password=[REDACTED:connection-string-password] dbname=app")] // MariaDB, Oracle roles and links, a column grant, SQL Server's old password, libpq's comma (trial BT)
    [InlineData("Invoke-Sqlcmd -ServerInstance db -Username sa -Password 'S3cr3tPw99' -Query 'SELECT 1'; Invoke-Sqlcmd -Password $pw\nopenssl passwd -6 -salt xyz Tr0ub4dor9; openssl passwd -stdin < pw.txt\necho -n 'admin:S3cr3tPw99' | base64; echo -n \"$USER:$PASS\" | base64\ncmdkey /add:srv /user:admin /pass:Winter2024x; cmdkey /add:srv /user:admin /pass", "Invoke-Sqlcmd -ServerInstance db -Username sa -Password '[REDACTED:cli-password]' -Query 'SELECT 1'; Invoke-Sqlcmd -Password $pw\nopenssl passwd -6 -salt xyz [REDACTED:cli-password]; openssl passwd -stdin < pw.txt\necho -n 'admin:[REDACTED:cli-password]' | base64; echo -n \"$USER:$PASS\" | base64\ncmdkey /add:srv /user:admin /pass:[REDACTED:cli-password]; cmdkey /add:srv /user:admin /pass")] // PowerShell's -Password, openssl passwd, Basic credentials, cmdkey (trial BT)
    [InlineData("net use Z: \\\\srv\\share /user:CORP\\bob S3cr3tPw99\nnet use Z: \\\\srv\\share /user:bob *\nschtasks /create /tn job /tr run.bat /ru deploy /rp Winter2024x\ndotnet user-secrets set \"DbPassword\" \"Xy7kq2Zz9\"; dotnet user-secrets set Feature:Enabled true\nansible-vault encrypt_string 'Tr0ub4dor9' --name 'db_password'", "net use Z: \\\\srv\\share /user:CORP\\bob [REDACTED:cli-password]\nnet use Z: \\\\srv\\share /user:bob *\nschtasks /create /tn job /tr run.bat /ru deploy /rp [REDACTED:cli-password]\ndotnet user-secrets set \"DbPassword\" \"[REDACTED:cli-password]\"; dotnet user-secrets set Feature:Enabled true\nansible-vault encrypt_string '[REDACTED:cli-password]' --name 'db_password'")] // net use, schtasks, user secrets, ansible-vault (trial BT)
    [InlineData("define('DB_PASSWORD', 'S3cr3tPw99');\ndefine('DB_PASSWORD', 'password_here');\n[Environment]::SetEnvironmentVariable(\"DB_PASSWORD\", \"Winter2024x\", \"User\")\nos.Setenv(\"DB_PASSWORD\", os.Getenv(\"X\"))\npassword: hunter2024\n  db_password: \"qwerty123\"\npassword: ${DB_PASSWORD}\npassword: Password\npassword: hunter2 is weak", "define('DB_PASSWORD', '[REDACTED:cli-password]');\ndefine('DB_PASSWORD', 'password_here');\n[Environment]::SetEnvironmentVariable(\"DB_PASSWORD\", \"[REDACTED:cli-password]\", \"User\")\nos.Setenv(\"DB_PASSWORD\", os.Getenv(\"X\"))\npassword: [REDACTED:cli-password]\n  db_password: \"[REDACTED:cli-password]\"\npassword: ${DB_PASSWORD}\npassword: Password\npassword: hunter2 is weak")] // a call's name and value, a lower-case YAML key with a letter and a digit (trial BT)
    [InlineData("ENABLE_PASSWORD=Cisc0!\nSTRONG_PASSWORD=Xk9!pQ\nVERIFY_PASSWORD: Qw3rty\nenvironment:\n  - RESET_PASSWORD=Tmp24\nexport DB_PASSWORD='Xk9pQ2z(Lm4)'\nPassword=Corp.Admin.Pw;Server=db\n- name: DB_PASSWORD\n  value: '!Winter is coming'", "ENABLE_PASSWORD=[REDACTED:cli-password]\nSTRONG_PASSWORD=[REDACTED:cli-password]\nVERIFY_PASSWORD: [REDACTED:cli-password]\nenvironment:\n  - RESET_PASSWORD=[REDACTED:cli-password]\nexport DB_PASSWORD='[REDACTED:cli-password]'\nPassword=[REDACTED:connection-string-password];Server=db\n- name: DB_PASSWORD\n  value: '[REDACTED:cli-password]'")] // a device's enable password, a shell's assignment, a password ending in ')', a capitalized dotted value, a quoted '!' (trial BU)
    [InlineData("https://example.com/cb?code=4/0AX4XfWh&token=48213957204817&state=xyz\nPOST /login body: user=admin&passwd=qwertyuiop&submit=1\nhttps://app.example.com/login?user=bob&password=Sunshine&remember=1", "https://example.com/cb?code=4/0AX4XfWh&token=[REDACTED:generic-secret]\nPOST /login body: user=admin&passwd=[REDACTED:generic-secret]\nhttps://app.example.com/login?user=bob&password=[REDACTED:generic-secret]")] // only true, false, yes, no, on, off and short numbers are flags (trial BU)
    [InlineData("OLD_PASSWORD = 'Old password:'\nUPDATE users SET old_password = 'reset-2024-01' WHERE id = 5;\nGRANT read access to users identified by UUIDv4 in the header.\nWe use GRANT (not ALTER) so that service accounts are identified by 'svc-2024' and can log in.\nALTER ROLE app WITH PASSWORD $tag$Xy7kq2Zz$tag$; CREATE OR REPLACE USER app IDENTIFIED VIA ed25519 USING PASSWORD('S3cr3tPw99');\nnet user /times:all bob Tr0ub4dor9; ./7zz a -pS3cretPw99 out.7z in", "OLD_PASSWORD = 'Old password:'\nUPDATE users SET old_password = 'reset-2024-01' WHERE id = 5;\nGRANT read access to users identified by UUIDv4 in the header.\nWe use GRANT (not ALTER) so that service accounts are identified by 'svc-2024' and can log in.\nALTER ROLE app WITH PASSWORD $tag$[REDACTED:sql-password]$tag$; CREATE OR REPLACE USER app IDENTIFIED VIA ed25519 USING PASSWORD('[REDACTED:sql-password]');\nnet user /times:all bob [REDACTED:cli-password]; ./7zz a -p[REDACTED:cli-password] out.7z in")] // OLD_PASSWORD only in ALTER LOGIN, GRANT only before a privilege; tagged dollar quotes, MariaDB's USING PASSWORD, an option with a value, 7zz (trial BU)
    [InlineData("args:\n  - --admin-password\n  - Xk9pQ2zLm4\n  - \"--db-password\"\n  - \"S3cret99x\"\n  - --password\n  - --host=db\n  - --password\n  - $(DB_PASSWORD)", "args:\n  - --admin-password\n  - [REDACTED:cli-password]\n  - \"--db-password\"\n  - \"[REDACTED:cli-password]\"\n  - --password\n  - --host=db\n  - --password\n  - $(DB_PASSWORD)")] // a password option and its value as two items of a YAML list (trial BU)
    [InlineData("Use the -Password parameter to supply a SecureString.\nhash_password: argon2id\nreset_password: 168h\npassword: sha256\n  password: scram-sha-256\npassword: v1.2.3\nerrors.put(\"INVALID_PASSWORD\", \"E1001\");\necho -n 'localhost:5432' | base64\necho -n 'sha256:3f4a9c2e1b' | base64\ndotnet user-secrets set \"Kestrel:Port\" 5001\nschtasks /create /tn Sync /tr \"C:\\tools\\sync.exe /p 8443\" /sc hourly\nnet use Z: \\\\fs01\\Shared Folder\nopenssl passwd generates password hashes\nENV DB_PASSWORD 2024 rotation pending\nPassword=summer.breeze;Server=db", "Use the -Password parameter to supply a SecureString.\nhash_password: argon2id\nreset_password: 168h\npassword: sha256\n  password: scram-sha-256\npassword: v1.2.3\nerrors.put(\"INVALID_PASSWORD\", \"E1001\");\necho -n 'localhost:5432' | base64\necho -n 'sha256:3f4a9c2e1b' | base64\ndotnet user-secrets set \"Kestrel:Port\" 5001\nschtasks /create /tn Sync /tr \"C:\\tools\\sync.exe /p 8443\" /sc hourly\nnet use Z: \\\\fs01\\Shared Folder\nopenssl passwd generates password hashes\nENV DB_PASSWORD 2024 rotation pending\nPassword=[REDACTED:connection-string-password];Server=db")] // prose, settings, codes, ports, a task's own command, a share's name (trial BV)
    [InlineData("Username: admin\nPassword: hunter2024\nos.environ['DB_PASSWORD'] = 'S3cret!99'\nSystem.setProperty(\"DB_PASSWORD\", \"Xy7kq2Zz9\");\necho -ne 'admin:S3cr3tPw!' | openssl base64\nbase64 <<< 'admin:Tr0ub4dor9'\ndotnet user-secrets set --project src/Api \"Db:Password\" \"S3cret!Pw\"\ncmdkey /add:srv /user:bob /PASS:P@ssw0rd!\nansible-vault encrypt_string --vault-password-file ~/.vault_pass 'Sup3rS3cret!' --name 'db_password'\nopenssl passwd -stdin <<< 'S3cret!Pw9'\nInvoke-Sqlcmd -U sa -P 'Sql!Pw2024' -Q \"SELECT 1\"", "Username: admin\nPassword: [REDACTED:cli-password]\nos.environ['DB_PASSWORD'] = '[REDACTED:cli-password]'\nSystem.setProperty(\"DB_PASSWORD\", \"[REDACTED:cli-password]\");\necho -ne 'admin:[REDACTED:cli-password]' | openssl base64\nbase64 <<< 'admin:[REDACTED:cli-password]'\ndotnet user-secrets set --project src/Api \"Db:Password\" \"[REDACTED:cli-password]\"\ncmdkey /add:srv /user:bob /PASS:[REDACTED:cli-password]\nansible-vault encrypt_string --vault-password-file ~/.vault_pass '[REDACTED:cli-password]' --name 'db_password'\nopenssl passwd -stdin <<< '[REDACTED:cli-password]'\nInvoke-Sqlcmd -U sa -P '[REDACTED:cli-password]' -Q \"SELECT 1\"")] // a form's Password:, an environment's entry, setProperty, base64's other forms, options before a user secret or a vault string, a switch in any case (trial BV)
    [InlineData("password: *adminPassword\npassword: &default\nPassword: ****wxyz\nPassword: *Required\nPassword: HS256\nPassword: bcrypt12\nPassword: Step1\nansible-vault encrypt_string --stdin-name 'db_password'\nschtasks /create /tn Backup /tr \"C:\\app.exe /p 8080\" /ru SYSTEM\ndotnet user-secrets set \"Kestrel:Port\" 5001", "password: *adminPassword\npassword: &default\nPassword: ****wxyz\nPassword: *Required\nPassword: HS256\nPassword: bcrypt12\nPassword: Step1\nansible-vault encrypt_string --stdin-name 'db_password'\nschtasks /create /tn Backup /tr \"C:\\app.exe /p 8080\" /ru SYSTEM\ndotnet user-secrets set \"Kestrel:Port\" 5001")] // YAML anchors and aliases, masks, labels, codes, a hash's name, an option's value (trial BW)
    [InlineData("ansible-vault encrypt_string --vault-id dev@prompt --name 'db_password' 'Sup3rS3cret'\n- name: DB_PASSWORD\n  value: Xk9mQ2pz rotated\nschtasks /create /tn \"Nightly Backup\" /tr \"C:\\backup.bat\" /sc daily /ru svc_backup /rp P@ssw0rd1\nschtasks /create /tn Backup /rp Winter2024x /ru CORP\\svc\ndotnet user-secrets set \"Smtp:Pass\" \"hunter2\"", "ansible-vault encrypt_string --vault-id dev@prompt --name 'db_password' '[REDACTED:cli-password]'\n- name: DB_PASSWORD\n  value: [REDACTED:cli-password]\nschtasks /create /tn \"Nightly Backup\" /tr \"C:\\backup.bat\" /sc daily /ru svc_backup /rp [REDACTED:cli-password]\nschtasks /create /tn Backup /rp [REDACTED:cli-password] /ru CORP\\svc\ndotnet user-secrets set \"Smtp:Pass\" \"[REDACTED:cli-password]\"")] // a quoted option value before the string, a strong first word before prose, quoted task words, /rp before /ru, a key naming a pass (trial BW)
    [InlineData("dotnet user-secrets set \"Routing:PassThrough\" \"Enabled\"; dotnet user-secrets set Compass North1; dotnet user-secrets set \"Smtp:Pass\" \"hunter2\"\n- name: DB_PASSWORD\n  value: TODO: set in CI\nENV DB_PASSWORD MySQL8 default root\nansible-vault encrypt_string -n pw 'Hunter2!'", "dotnet user-secrets set \"Routing:PassThrough\" \"Enabled\"; dotnet user-secrets set Compass North1; dotnet user-secrets set \"Smtp:Pass\" \"[REDACTED:cli-password]\"\n- name: DB_PASSWORD\n  value: TODO: set in CI\nENV DB_PASSWORD MySQL8 default root\nansible-vault encrypt_string -n pw '[REDACTED:cli-password]'")] // a key's word holding pass, a note before prose, ansible-vault's -n (trial BX)
    [InlineData("{\n  \"password\": \"hunter2024\",\n  'db_password': 'Winter2024x'\n  \"adminPassword\": \"Tr0ub4dor9x\",\n  \"forgotPassword\": \"reset2024x\",\n  \"passwordHint\": \"mydog2024x\",\n  \"password\": \"argon2id\",\n  \"password\": \"HS256\"\n}", "{\n  \"password\": \"[REDACTED:cli-password]\",\n  'db_password': '[REDACTED:generic-secret]'\n  \"adminPassword\": \"[REDACTED:generic-secret]\",\n  \"forgotPassword\": \"reset2024x\",\n  \"passwordHint\": \"mydog2024x\",\n  \"password\": \"argon2id\",\n  \"password\": \"HS256\"\n}")] // a JSON object's quoted, camel-case password key on its line, judged as YAML's; an interface's key, a hint, a hash's name, a code kept
    [InlineData("spring.datasource.password=hunter2024\n[client]\nuser=root\npassword = s3cr3tpass\n[registry]\npassword = \"hunter2024\"\nspring.datasource.password=${DB_PASSWORD}\napp.password.min-length=8\npassword.policy=strong2024\npassword=argon2id\npassword = getpass()\nldap.password=changeit\nif password == admin2024:", "spring.datasource.password=[REDACTED:cli-password]\n[client]\nuser=root\npassword = [REDACTED:cli-password]\n[registry]\npassword = \"[REDACTED:cli-password]\"\nspring.datasource.password=${DB_PASSWORD}\napp.password.min-length=8\npassword.policy=strong2024\npassword=argon2id\npassword = getpass()\nldap.password=changeit\nif password == admin2024:")] // a properties, my.cnf or TOML file's password key, judged as YAML's; a reference, other keys, a hash's name, a call, a word without a digit, a comparison kept
    [InlineData("curl -s localhost/api/me -> {\"user\":\"root\",\"password\":\"welcome123\"} and {'passwd': 'hunter2024', 'id': 1}\n{\"password\":\"argon2id\",\"forgotPassword\":\"reset2024x\",\"password\":\"HS256\",\"password\":\"Enter password\",\"password\":\"abc12\"}", "curl -s localhost/api/me -> {\"user\":\"root\",\"password\":\"[REDACTED:cli-password]\"} and {'passwd': '[REDACTED:cli-password]', 'id': 1}\n{\"password\":\"argon2id\",\"forgotPassword\":\"reset2024x\",\"password\":\"HS256\",\"password\":\"Enter password\",\"password\":\"abc12\"}")] // a JSON object's password pair in text, compact (trial BZ); a hash's name, an interface's key, a code, a label, a short word kept
    [InlineData("\"parameters\": {\n    \"adminPassword\": {\n      \"value\": \"Azur3Adm1n!2024\"\n    },\n    \"sqlPassword\": {\"value\": \"hunter2024\"},\n    \"vmPassword\": {\n      \"reference\": {\"secretName\": \"vmAdminPassword\"}\n    },\n    \"dbPassword\": {\"value\": \"[parameters('pw')]\"},\n    \"password\": {\"value\": \"Enter password\"}\n}", "\"parameters\": {\n    \"adminPassword\": {\n      \"value\": \"[REDACTED:cli-password]\"\n    },\n    \"sqlPassword\": {\"value\": \"[REDACTED:cli-password]\"},\n    \"vmPassword\": {\n      \"reference\": {\"secretName\": \"vmAdminPassword\"}\n    },\n    \"dbPassword\": {\"value\": \"[parameters('pw')]\"},\n    \"password\": {\"value\": \"Enter password\"}\n}")] // an ARM parameters file in text, over lines (trial BZ); a Key Vault reference, an expression, a label kept
    public void The_command_line_and_header_forms_are_redacted_and_their_placeholders_kept(string text, string expected)
        => Assert.Equal(expected, _redactor.Redact(text, new RedactionCounts()));

    private static string Repeat(string unit, int size)
    {
        var builder = new StringBuilder(size + unit.Length);
        while (builder.Length < size)
        {
            builder.Append(unit);
        }

        return builder.ToString();
    }
}
