namespace Acode.Testing.Secrets;

/// <summary>One text of the corpus: <see cref="Secret"/> (null for a look-alike) must be replaced by the marker of <see cref="Kind"/>.</summary>
public sealed record SecretSample(string Name, string? Kind, string? Secret, string Text)
{
    public override string ToString() => Name;
}
