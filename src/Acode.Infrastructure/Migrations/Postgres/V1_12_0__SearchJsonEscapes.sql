-- acode shared PostgreSQL database, schema 1.12.0: a word right after a JSON escape in tool-call arguments is found
-- (docs/search.md, "Words after a JSON escape").
--
-- arguments is indexed as its JSON text (arguments::text), where a line break, carriage return, tab, backspace or form
-- feed inside a string is the two-character escape \n, \r, \t, \b or \f. acode_search_words splits words after the
-- backslash but not before the escape's letter: {"command":"set -e\nmake deploy"} was indexed as 'nmake', and 'make'
-- did not find it. acode_argument_words replaces each of these escapes by two spaces first; an escaped backslash is an
-- escape of its own ('C:\\new' keeps 'new'), set aside as chr(1) while the others are replaced (jsonb's text writes a
-- control character as an escape, never as itself). The arguments index is built again on it, and the search uses
-- exactly this expression (PostgresSessionSearch), so the index still serves it; building it reads tool_calls once,
-- holding its write lock. The workspace database's 1.12.0 changes its search triggers the same way.
-- Large arguments (and any blob whose text is JSON): blobs.search_words is computed in C# from the same text as the
-- workspace database's (BlobSearchText); the migration's data step (PostgresMigrator) decodes every blob once and
-- writes search_words again for those whose text changes.

CREATE FUNCTION acode_argument_words(arguments jsonb) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT acode_search_words(replace(replace(replace(replace(replace(replace(replace(arguments::text, '\\', chr(1)), '\n', '  '), '\r', '  '), '\t', '  '), '\b', '  '), '\f', '  '), chr(1), '\\'))
$$;

DROP INDEX ix_tool_calls_search_arguments;
CREATE INDEX ix_tool_calls_search_arguments ON tool_calls USING gin (to_tsvector('simple'::regconfig, acode_argument_words(arguments))) WHERE arguments_blob IS NULL;
