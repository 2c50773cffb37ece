-- acode shared PostgreSQL database, schema 1.14.0: the two functions that catch an error are labelled PARALLEL UNSAFE.
--
-- acode_search_text (1.3.0) and acode_json_text (1.13.0) are PL/pgSQL functions with an EXCEPTION block, which opens a
-- subtransaction, and PostgreSQL cannot start one in parallel mode: labelled PARALLEL SAFE, a search the planner ran
-- in parallel (a large table's scan, or force_parallel_mode) failed with "cannot start subtransactions during a
-- parallel operation" as soon as it read a text artifact or a JSON result holding a backslash. PostgreSQL's manual
-- says such a function must be PARALLEL UNSAFE (https://www.postgresql.org/docs/15/parallel-safety.html, "Parallel
-- Labeling for Functions and Aggregates"); a query that calls one then runs without parallel workers. The label
-- changes no result, so the indexes built on the two functions stay valid and nothing is re-indexed.

ALTER FUNCTION acode_search_text(text, text, bytea) PARALLEL UNSAFE;
ALTER FUNCTION acode_json_text(text) PARALLEL UNSAFE;
