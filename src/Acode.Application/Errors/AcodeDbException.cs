using System.Data.Common;

namespace Acode.Application.Errors;

/// <summary>
/// A storage, network or configuration fault, with its stable <see cref="Code"/> (<c>ACODE-DB-00N</c>) and a
/// <see cref="Hint"/> that says what to do next. Create them through <see cref="AcodeErrors"/>, which holds every message.
/// </summary>
/// <remarks>
/// Misuse of the API (a bad argument, an illegal state transition) throws the standard argument and
/// invalid-operation exceptions instead. The native exception (SqliteException, NpgsqlException) is kept as
/// <see cref="Exception.InnerException"/>. <see cref="IsTransient"/> is true only for <see cref="AcodeErrorCode.Busy"/>
/// and <see cref="AcodeErrorCode.PostgresUnavailable"/>: trying again later may succeed. Messages never contain
/// connection strings or passwords.
/// </remarks>
public sealed class AcodeDbException : DbException
{
    /// <summary>Creates the error; acode code creates them through its one table of messages, so every code keeps one wording.</summary>
    /// <param name="code">Which error (the number of <c>ACODE-DB-00N</c>).</param>
    /// <param name="message">What went wrong, for a person; never a password or connection string.</param>
    /// <param name="hint">What to do next.</param>
    /// <param name="innerException">The driver's exception (SqliteException, NpgsqlException), kept for logs.</param>
    public AcodeDbException(AcodeErrorCode code, string message, string hint, Exception? innerException = null)
        : base(message, innerException)
    {
        ErrorCode = code;
        Hint = hint;
    }

    /// <summary>Which of the seven errors this is.</summary>
    public new AcodeErrorCode ErrorCode { get; }

    /// <summary>The code as users see it, e.g. <c>ACODE-DB-002</c>.</summary>
    public string Code => Format(ErrorCode);

    /// <summary>What to do next.</summary>
    public string Hint { get; }

    /// <summary>True for <see cref="AcodeErrorCode.Busy"/> and <see cref="AcodeErrorCode.PostgresUnavailable"/>: the same call may succeed later, unchanged.</summary>
    public override bool IsTransient => ErrorCode is AcodeErrorCode.Busy or AcodeErrorCode.PostgresUnavailable;

    /// <summary>The code as users see it: <c>ACODE-DB-</c> and the number of <paramref name="code"/> in three digits (<c>ACODE-DB-005</c>).</summary>
    public static string Format(AcodeErrorCode code) => $"ACODE-DB-{(int)code:000}";

    /// <summary>The code, the message and the hint on one line (<c>ACODE-DB-005: … Try again …</c>), without the stack trace.</summary>
    public override string ToString() => $"{Code}: {Message} {Hint}";
}
