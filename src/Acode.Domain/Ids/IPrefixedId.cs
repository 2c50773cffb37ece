namespace Acode.Domain.Ids;

/// <summary>
/// What one typed id declares: its prefix, the noun its parse error uses, and how to wrap text already validated.
/// Everything else (creation, validation, parsing) is <see cref="PrefixedId"/>'s, once for all of them.
/// </summary>
/// <remarks>Internal: only the id types of this assembly can wrap unvalidated text.</remarks>
internal interface IPrefixedId<TSelf>
    where TSelf : struct, IPrefixedId<TSelf>
{
    /// <summary>The prefix before the underscore (<c>sess</c>).</summary>
    static abstract string Prefix { get; }

    /// <summary>What the id names, for error messages (<c>session</c>).</summary>
    static abstract string Kind { get; }

    /// <summary>Wraps <paramref name="text"/>, which <see cref="PrefixedId"/> has validated.</summary>
    static abstract TSelf FromValidText(string text);
}
