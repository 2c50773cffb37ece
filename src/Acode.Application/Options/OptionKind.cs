namespace Acode.Application.Options;

/// <summary>What kind of value a setting takes, which decides how its text is parsed and how its accepted values are described.</summary>
internal enum OptionKind
{
    /// <summary>A whole number within <see cref="OptionDescriptor.Minimum"/>..<see cref="OptionDescriptor.Maximum"/>.</summary>
    WholeNumber,

    /// <summary>One of the names in <see cref="OptionDescriptor.Choices"/>, any letter case; numbers are refused.</summary>
    Choice,

    /// <summary><c>true</c> or <c>false</c>, any letter case.</summary>
    Boolean,

    /// <summary>
    /// A list of names from <see cref="OptionDescriptor.Choices"/>, any letter case: a JSON array in the file, indexed keys
    /// (<c>ACODE_…__STATES__0</c>) or one comma-separated value; empty means the default (none).
    /// </summary>
    ChoiceList,

    /// <summary>
    /// A list of objects with the fields in <see cref="OptionDescriptor.ItemFields"/> (a JSON array of objects in the file,
    /// <c>ACODE_…__RULES__0__KIND</c> in the environment), checked by its section's <c>Validate</c>.
    /// </summary>
    ObjectList,

    /// <summary>Free text, checked elsewhere (e.g. the connection string); empty means unset.</summary>
    Text,
}
