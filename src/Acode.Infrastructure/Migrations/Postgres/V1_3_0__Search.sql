-- acode shared PostgreSQL database, schema 1.3.0: full-text search ('acode session search --remote', docs/search.md).
--
-- One GIN index per searchable field of the mirror tables, on the expression the search query uses:
-- to_tsvector('simple', the field's first 65536 characters). 'simple' lower-cases words and keeps every word (no
-- stemming, no stop words), as SQLite's index does; the first 65536 characters is SQLite's limit too. The mirror rows
-- are written by the sync as before: PostgreSQL keeps the indexes current in the same transaction, so nothing changes
-- in the sync, and a row that is deleted or replaced leaves the index with it. Tombstoned sessions (deleted_at set)
-- are left out by the query, not the index. Building the indexes reads every mirror row once (this migration holds
-- each table's write lock while it does; the sync waits).
--
-- acode_search_words puts a space after every ASCII punctuation character, so that PostgreSQL's parser splits words
-- where SQLite's unicode61 tokenizer does: without it 'src/parser.cs', 'a.b@host.com' or '1.2.3' would each be one
-- lexeme, and 'parser' would not find them. Snippets remove exactly those spaces again (PostgresSessionSearch).
--
-- Artifact content is bytea: acode_search_text turns the content of a text artifact (kind Diff or Log, or a media type
-- text/* or one naming json, xml, yaml or javascript) into text, and gives NULL for other artifacts and for content
-- that is not UTF-8, which is then not indexed; an index expression must never fail, or it would refuse the row.

CREATE FUNCTION acode_search_words(value text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT regexp_replace(left(value, 65536), '([!-/:-@[-`{-~])', '\1 ', 'g')
$$;

CREATE FUNCTION acode_search_text(kind text, media_type text, content bytea) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
    head bytea;
BEGIN
    IF content IS NULL OR length(content) = 0 OR NOT (kind IN ('Diff', 'Log') OR lower(media_type) LIKE 'text/%'
        OR lower(media_type) LIKE '%json%' OR lower(media_type) LIKE '%xml%' OR lower(media_type) LIKE '%yaml%'
        OR lower(media_type) LIKE '%javascript%') THEN
        RETURN NULL;
    END IF;
    -- At most 4 bytes per character: the first 65536 characters lie in the first 262144 bytes. A cut through a
    -- character is not UTF-8; dropping up to 3 bytes at the end removes it.
    head := substring(content FROM 1 FOR 262144);
    FOR cut IN 0..3 LOOP
        BEGIN
            RETURN left(convert_from(substring(head FROM 1 FOR length(head) - cut), 'UTF8'), 65536);
        EXCEPTION WHEN character_not_in_repertoire OR untranslatable_character THEN
            IF length(head) < 262144 THEN
                RETURN NULL;
            END IF;
        END;
    END LOOP;
    RETURN NULL;
END;
$$;

CREATE INDEX ix_sessions_search_title ON sessions USING gin (to_tsvector('simple'::regconfig, acode_search_words(title)));
CREATE INDEX ix_sessions_search_goal ON sessions USING gin (to_tsvector('simple'::regconfig, acode_search_words(goal)));
CREATE INDEX ix_session_tasks_search_title ON session_tasks USING gin (to_tsvector('simple'::regconfig, acode_search_words(title)));
CREATE INDEX ix_session_tasks_search_description ON session_tasks USING gin (to_tsvector('simple'::regconfig, acode_search_words(description)));
CREATE INDEX ix_steps_search_title ON steps USING gin (to_tsvector('simple'::regconfig, acode_search_words(title)));
CREATE INDEX ix_steps_search_description ON steps USING gin (to_tsvector('simple'::regconfig, acode_search_words(description)));
CREATE INDEX ix_tool_calls_search_tool_name ON tool_calls USING gin (to_tsvector('simple'::regconfig, acode_search_words(tool_name)));
CREATE INDEX ix_tool_calls_search_arguments ON tool_calls USING gin (to_tsvector('simple'::regconfig, acode_search_words(arguments::text)));
CREATE INDEX ix_tool_calls_search_result ON tool_calls USING gin (to_tsvector('simple'::regconfig, acode_search_words(result)));
CREATE INDEX ix_tool_calls_search_error ON tool_calls USING gin (to_tsvector('simple'::regconfig, acode_search_words(error)));
CREATE INDEX ix_artifacts_search_name ON artifacts USING gin (to_tsvector('simple'::regconfig, acode_search_words(name)));
CREATE INDEX ix_artifacts_search_content ON artifacts USING gin (to_tsvector('simple'::regconfig, acode_search_words(acode_search_text(kind, media_type, content))));
