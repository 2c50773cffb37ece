-- acode shared PostgreSQL database, schema 1.18.0: the search functions that call other acode functions find them
-- whatever the caller's search_path, so a database restored from a dump keeps every search index.
--
-- acode_argument_words (1.13.0) calls acode_search_words and acode_json_decode, and acode_json_text (1.13.0) calls
-- acode_json_decode, without naming their schema. pg_restore, and the plain SQL script of pg_dump, run with an empty
-- search_path, so a restore of this database could not build ix_tool_calls_search_arguments ("function
-- acode_json_decode(text) does not exist"; pg_restore goes on without the index), and built
-- ix_tool_calls_search_result, ix_tool_calls_search_error and ix_artifacts_search_content from undecoded text
-- (acode_json_text catches the error and keeps the text as written): the restored rows' words written with JSON
-- escapes were not found. PostgreSQL's manual has a function that must not depend on its caller's search_path set its
-- own (https://www.postgresql.org/docs/15/sql-createfunction.html, "Writing SECURITY DEFINER Functions Safely"): each
-- of the two now searches pg_catalog, then the schema that holds it. Their results do not change, so the indexes
-- built on them stay valid.
--
-- A database restored before this version lacks ix_tool_calls_search_arguments: it is built here, and the three
-- indexes over acode_json_text are rebuilt with it, as that restore built them from undecoded text.

DO $$
DECLARE
    f regprocedure;
BEGIN
    FOREACH f IN ARRAY ARRAY['acode_argument_words(jsonb)'::regprocedure, 'acode_json_text(text)'::regprocedure] LOOP
        EXECUTE format('ALTER FUNCTION %s SET search_path = pg_catalog, %I', f,
            (SELECT n.nspname FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace WHERE p.oid = f));
    END LOOP;

    IF to_regclass('ix_tool_calls_search_arguments') IS NULL THEN
        CREATE INDEX ix_tool_calls_search_arguments ON tool_calls USING gin (to_tsvector('simple'::regconfig, acode_argument_words(arguments))) WHERE arguments_blob IS NULL;
        REINDEX INDEX ix_tool_calls_search_result;
        REINDEX INDEX ix_tool_calls_search_error;
        REINDEX INDEX ix_artifacts_search_content;
    END IF;
END;
$$;
