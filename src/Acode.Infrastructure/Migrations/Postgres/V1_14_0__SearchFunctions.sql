-- acode shared PostgreSQL database, schema 1.14.0: the two functions that catch an error are labelled PARALLEL UNSAFE,
-- and acode_json_decode skips its two surrogate passes when the text holds no surrogate escape.
--
-- acode_search_text (1.3.0) and acode_json_text (1.13.0) are PL/pgSQL functions with an EXCEPTION block, which opens a
-- subtransaction, and PostgreSQL cannot start one in parallel mode: labelled PARALLEL SAFE, a search the planner ran
-- in parallel (a large table's scan, or force_parallel_mode) failed with "cannot start subtransactions during a
-- parallel operation" as soon as it read a text artifact or a JSON result holding a backslash. PostgreSQL's manual
-- says such a function must be PARALLEL UNSAFE (https://www.postgresql.org/docs/15/parallel-safety.html, "Parallel
-- Labeling for Functions and Aggregates"); a query that calls one then runs without parallel workers. The label
-- changes no result, so the indexes built on the two functions stay valid and nothing is re-indexed.
--
-- acode_json_decode (1.13.0) runs on every insert or update of a result, error or text artifact that is JSON holding
-- a backslash (the sync applier's path: the GIN indexes evaluate it), and its two regular expressions with look-around,
-- which replace a lone surrogate escape by a space, took about three quarters of its time on such a value of 1.5 KB
-- whether or not it held any surrogate escape. A surrogate escape starts with \ud or \uD, so text holding neither has
-- nothing for them to replace: they are skipped, and the result is the same for every input (the indexes built on the
-- function stay valid).

ALTER FUNCTION acode_search_text(text, text, bytea) PARALLEL UNSAFE;
ALTER FUNCTION acode_json_text(text) PARALLEL UNSAFE;

CREATE OR REPLACE FUNCTION acode_json_decode(json text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT ('"' || replace(replace(replace(replace(replace(replace(replace(
        CASE WHEN strpos(json, '\ud') = 0 AND strpos(json, '\uD') = 0
            THEN replace(replace(json, '\\', chr(1)), '\u0000', '\u0020')
            ELSE regexp_replace(regexp_replace(replace(replace(json, '\\', chr(1)), '\u0000', '\u0020'),
                '(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2}', '\\u0020', 'g'),
                '\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F][0-9a-fA-F]{2})', '\\u0020', 'g')
        END,
        '\"', chr(2)), '"', '\"'), chr(2), '\"'), chr(1), '\\'), chr(10), '\n'), chr(13), '\r'), chr(9), '\t') || '"')::json #>> '{}'
$$;
