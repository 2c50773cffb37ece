using System.Runtime.CompilerServices;
using Acode.Application.Errors;
using Acode.Application.Options;
using Microsoft.Extensions.Options;

namespace Acode.Infrastructure;

/// <summary>
/// Runs <see cref="PersistenceOptions.Validate"/> for the Options pattern; a failure carries the ACODE-DB-007 text (key,
/// value, accepted values). A fault found while reading the configuration (a value that does not parse, an unknown key,
/// an unreadable file) is recorded against the options instance and reported here, so it stops the host on start too.
/// </summary>
internal sealed class PersistenceOptionsValidator : IValidateOptions<PersistenceOptions>
{
    private static readonly ConditionalWeakTable<PersistenceOptions, AcodeDbException> LoadFailures = [];

    public static void RecordLoadFailure(PersistenceOptions options, AcodeDbException failure) => LoadFailures.AddOrUpdate(options, failure);

    public ValidateOptionsResult Validate(string? name, PersistenceOptions options)
    {
        if (LoadFailures.TryGetValue(options, out AcodeDbException? failure))
        {
            return Fail(failure);
        }

        try
        {
            options.Validate();
            return ValidateOptionsResult.Success;
        }
        catch (AcodeDbException ex)
        {
            return Fail(ex);
        }
    }

    private static ValidateOptionsResult Fail(AcodeDbException ex) => ValidateOptionsResult.Fail($"{ex.Code}: {ex.Message} {ex.Hint}");
}
