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
}
