-- acode shared PostgreSQL database, schema 1.13.0: the JSON escapes of indexed JSON text are decoded (docs/search.md,
-- "Words after a JSON escape"), as the workspace database's 1.13.0 decodes them.
--
-- result, error and text artifact content are text: a JSON document stored in its row kept '\nmake' as 'nmake', and
-- its \uXXXX escapes as written ('caf' and 'u00e9' for "caf\u00e9"). acode_json_text gives the text with every escape
-- decoded when it holds a backslash and is one JSON value (PostgreSQL 15 has no test for that but the cast, in a block
-- that catches its error), and plain text as it is ('C:\new\bin' keeps 'new'). acode_json_decode decodes valid JSON
-- text by making it one JSON string (each escaped backslash set aside as chr(1), which valid JSON never holds raw;
-- every unescaped quote escaped; the white space between tokens written as escapes) and reading it with #>>: \u0000
-- becomes a space (PostgreSQL's text cannot hold a NUL) and a lone surrogate escape a space (#>> refuses it); a
-- surrogate pair is one character. arguments is jsonb, whose text already holds \uXXXX decoded except for control
-- characters (\u001b); acode_argument_words now decodes that text too (\n a line break rather than two spaces: the same
-- words). The four indexes are built again on the new expressions, and the search uses exactly these expressions
-- (PostgresSessionSearch), so the indexes still serve it; building them reads tool_calls and artifacts once, holding
-- their write locks. Large content: blobs.search_words is computed in C# from the same decoded text (BlobSearchText);
-- the migration's data step (PostgresMigrator) decodes every blob once and writes search_words again for those whose
-- JSON text holds an escape.

CREATE FUNCTION acode_json_decode(json text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT ('"' || replace(replace(replace(replace(replace(replace(replace(
        regexp_replace(regexp_replace(replace(replace(json, '\\', chr(1)), '\u0000', '\u0020'),
            '(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2}', '\\u0020', 'g'),
            '\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F][0-9a-fA-F]{2})', '\\u0020', 'g'),
        '\"', chr(2)), '"', '\"'), chr(2), '\"'), chr(1), '\\'), chr(10), '\n'), chr(13), '\r'), chr(9), '\t') || '"')::json #>> '{}'
$$;
CREATE FUNCTION acode_json_text(value text) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
    IF value IS NULL OR strpos(value, '\') = 0 OR value !~ '^[ \t\n\r]*["\[{]' THEN
        RETURN value;
    END IF;
    BEGIN
        PERFORM value::json;
        RETURN acode_json_decode(value);
    EXCEPTION WHEN OTHERS THEN
        RETURN value;
    END;
END;
$$;

DROP INDEX ix_tool_calls_search_arguments;
DROP INDEX ix_tool_calls_search_result;
DROP INDEX ix_tool_calls_search_error;
DROP INDEX ix_artifacts_search_content;

CREATE OR REPLACE FUNCTION acode_argument_words(arguments jsonb) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT acode_search_words(acode_json_decode(arguments::text))
$$;

CREATE INDEX ix_tool_calls_search_arguments ON tool_calls USING gin (to_tsvector('simple'::regconfig, acode_argument_words(arguments))) WHERE arguments_blob IS NULL;
CREATE INDEX ix_tool_calls_search_result ON tool_calls USING gin (to_tsvector('simple'::regconfig, acode_search_words(acode_json_text(result)))) WHERE result_blob IS NULL;
CREATE INDEX ix_tool_calls_search_error ON tool_calls USING gin (to_tsvector('simple'::regconfig, acode_search_words(acode_json_text(error))));
CREATE INDEX ix_artifacts_search_content ON artifacts USING gin (to_tsvector('simple'::regconfig, acode_search_words(acode_json_text(acode_search_text(kind, media_type, content))))) WHERE content_blob IS NULL;
