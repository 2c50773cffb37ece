using Acode.Application.Errors;
using Acode.Application.Options;
using Microsoft.Extensions.Options;

namespace Acode.Infrastructure;

/// <summary>Runs <see cref="PersistenceOptions.Validate"/> for the Options pattern; a failure carries the ACODE-DB-007 text (key, value, accepted values).</summary>
internal sealed class PersistenceOptionsValidator : IValidateOptions<PersistenceOptions>
{
    public ValidateOptionsResult Validate(string? name, PersistenceOptions options)
    {
        try
        {
            options.Validate();
            return ValidateOptionsResult.Success;
        }
        catch (AcodeDbException ex)
        {
            return ValidateOptionsResult.Fail($"{ex.Code}: {ex.Message} {ex.Hint}");
        }
    }
}
