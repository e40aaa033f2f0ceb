-- 002_openai_debug_events.sql: where OPENAI_DEBUG_LOGGING sends one row per
-- OpenAI request (Responses, Chat Completions, Embeddings), and the
-- retention function that keeps it bounded.
--
-- Plain PostgreSQL (13 or later), no extension: it runs as it is on
-- Supabase (SQL editor or `supabase db push`) and on any other server.
-- Safe to run again.  `toolsync check-config --db` checks the columns and
-- the created_at index below, and counts the rows older than
-- debug.retention_days and the rows whose tags lack a required key.

CREATE TABLE IF NOT EXISTS public.openai_debug_events (
	id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	request_id  text        NOT NULL,               -- OpenAI's x-request-id
	endpoint    text        NOT NULL,               -- responses, chat.completions, embeddings, ...
	model       text        NOT NULL,
	status      integer     NOT NULL,               -- HTTP status of the response
	tags        jsonb       NOT NULL DEFAULT '{}',  -- OPENAI_REQUEST_TAGS as an object
	quota_tag   text,                               -- OPENAI_REQUEST_QUOTA_TAG
	latency_ms  integer     CHECK (latency_ms >= 0),
	details     jsonb,                              -- /v1/requests/{id}/debug, with OPENAI_DEBUG_FETCH_DETAILS
	created_at  timestamptz NOT NULL DEFAULT now(),
	CONSTRAINT openai_debug_events_tags_object CHECK (jsonb_typeof(tags) = 'object'),
	CONSTRAINT openai_debug_events_status_http CHECK (status BETWEEN 100 AND 599)
);

-- Retention deletes and dashboards select by age.
CREATE INDEX IF NOT EXISTS openai_debug_events_created_at_idx
	ON public.openai_debug_events (created_at);
CREATE INDEX IF NOT EXISTS openai_debug_events_request_id_idx
	ON public.openai_debug_events (request_id);

-- Supabase exposes the public schema through its API: no policy means no
-- access for the anon and authenticated roles; the service role and
-- direct connections are not affected.
ALTER TABLE public.openai_debug_events ENABLE ROW LEVEL SECURITY;

-- Delete the events older than retention_days; returns how many.  Run it
-- from pg_cron (Supabase: Database > Cron) or any scheduler, e.g.
--   SELECT public.openai_debug_events_purge(30);
CREATE OR REPLACE FUNCTION public.openai_debug_events_purge(retention_days integer)
RETURNS bigint
LANGUAGE plpgsql
SET search_path = pg_catalog, public
AS $$
DECLARE
	n bigint;
BEGIN
	IF retention_days IS NULL OR retention_days < 1 THEN
		RAISE EXCEPTION 'retention_days must be at least 1, got %', retention_days;
	END IF;
	DELETE FROM public.openai_debug_events
	 WHERE created_at < now() - make_interval(days => retention_days);
	GET DIAGNOSTICS n = ROW_COUNT;
	RETURN n;
END
$$;
