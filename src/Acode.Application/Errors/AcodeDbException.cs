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

    public override bool IsTransient => ErrorCode is AcodeErrorCode.Busy or AcodeErrorCode.PostgresUnavailable;

    public static string Format(AcodeErrorCode code) => $"ACODE-DB-{(int)code:000}";

    public override string ToString() => $"{Code}: {Message} {Hint}";
}
