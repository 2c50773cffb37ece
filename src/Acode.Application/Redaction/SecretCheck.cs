namespace Acode.Application.Redaction;

/// <summary>What a value found by a <see cref="SecretRule"/> must also look like before it is redacted.</summary>
public enum SecretCheck
{
    /// <summary>Redacted unless it is a placeholder (see <see cref="SecretValues.IsPlaceholder"/>).</summary>
    Format,

    /// <summary>A random-looking value: not a placeholder, and its Shannon entropy is high for its length.</summary>
    Random,

    /// <summary>Random-looking and made of at least two of upper-case letters, lower-case letters and digits.</summary>
    RandomMixed,

    /// <summary>An assigned value of a generic secret name: random-looking, with a letter and a digit, not a path.</summary>
    Assigned,

    /// <summary>A <c>Password=</c>/<c>Pwd=</c> value of a connection string: ended by <c>;</c> or preceded by another <c>key=value;</c>.</summary>
    ConnectionString,

    /// <summary>
    /// A short token of a fixed format whose first four characters are a fixed prefix (AWS access key ids: <c>AKIA</c> and
    /// 16 base-32 characters): not a placeholder, and not a mask, i.e. the characters after the prefix have an entropy of at
    /// least half of log2 of their count bits per character. <see cref="Random"/>'s bar over the whole value missed about
    /// one real key id in 5 000 (the prefix repeats a letter, and 16 draws of 32 symbols often repeat some), so a fixed
    /// format this specific only needs telling real draws from masks such as <c>AKIAXXXXXXXXXXXXXXXX</c>.
    /// </summary>
    PrefixedToken,

    /// <summary>
    /// Random-looking with both upper- and lower-case letters: a base64 secret found by where it stands rather than by a
    /// name or prefix (an AWS secret access key beside its key id), where a hex digest such as a git commit id of the same
    /// length is not one.
    /// </summary>
    RandomBothCases,

    /// <summary>
    /// A password given on a command line, where its place already says it is one: not a placeholder, and random-looking
    /// or, from 4 characters, either all digits or of at least two of upper-case letters, lower-case letters, digits and
    /// symbols (<c>-pS3cret</c>, <c>--password hunter2</c>: trial AZ F5). A single word of one case (<c>--password name</c>
    /// in a usage line, <c>-proot</c>) is kept, and so are the next option as a word of its own (<c>--password --host=db</c>;
    /// attached, <c>-p-Xk9…</c>, it is the password), a reference (<c>%DB_PASSWORD%</c>, <c>!PW!</c>, <c>$$PW</c>,
    /// <c>\$PW</c>: trial BE F6), a port mapping (<c>-p3306:3306</c>), prose's comma after a word, a placeholder in braces or
    /// brackets (<c>{password}</c>, <c>[password]</c>: the word inside is judged, so <c>{Xk9pQ2z}</c> is redacted), and a
    /// usage line's word before its closing bracket (<c>[--password PASSWORD]</c>: trials BC F2, F3, BD F2, F3).
    /// </summary>
    CommandLinePassword,

    /// <summary>
    /// A password in a command's environment by its variable's name (<c>PGPASSWORD=S3cret</c>): as
    /// <see cref="CommandLinePassword"/>, but a value is not taken for looking random alone (a long random one is the
    /// generic rule's, run before), and what code assigns is kept: letters alone (<c>postgres</c>, <c>adminPassword</c>,
    /// <c>config.dbPassword</c>, <c>your_password_here</c>), a relative path, a keyword argument (<c>f(ADMIN_PASSWORD=…)</c>).
    /// </summary>
    EnvironmentPassword,

    /// <summary>
    /// A password by its key in a query string (<c>?user=app&amp;password=…</c>) or a libpq connection string
    /// (<c>host=db password=…</c>): as <see cref="EnvironmentPassword"/>'s test of the value, without its tests of a
    /// variable's name and place.
    /// </summary>
    KeyedPassword,

    /// <summary>
    /// A password written as a quoted literal where the statement says it is one (SQL's <c>PASSWORD '…'</c>,
    /// <c>IDENTIFIED BY '…'</c>): any value of 4 characters or more but a placeholder, a template or code that builds the
    /// statement (<c>'{pw}'</c>, <c>'%s'</c>, <c>'#{pw}'</c>, <c>'" + pw + "'</c>) and a syntax line's word (<c>'auth_string'</c>).
    /// </summary>
    QuotedPassword,
}
