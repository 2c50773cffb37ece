namespace Acode.Infrastructure.Search;

/// <summary>
/// Which artifacts' content is text and so searched: a <c>Diff</c> or <c>Log</c>, or a media type that is <c>text/*</c>
/// or names JSON, XML, YAML or JavaScript. The rule of migration 1.3.0 (SQLite's search triggers, PostgreSQL's
/// <c>acode_search_text</c>); migrations spell it out themselves, the searches' own SQL takes it from here.
/// </summary>
internal static class TextArtifactRule
{
    /// <summary>The rule as an SQL condition over the <c>artifacts</c> row aliased <c>x</c> (valid in SQLite and PostgreSQL).</summary>
    public const string OverX = "(x.kind IN ('Diff', 'Log') OR lower(x.media_type) LIKE 'text/%' OR lower(x.media_type) LIKE '%json%' "
        + "OR lower(x.media_type) LIKE '%xml%' OR lower(x.media_type) LIKE '%yaml%' OR lower(x.media_type) LIKE '%javascript%')";
}
