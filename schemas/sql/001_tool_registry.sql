-- 001_tool_registry.sql: the tool_registry toolsync compiles, one row per
-- tool.  `toolsync build --registry postgresql://...` (or `registry:` in
-- toolsync.yaml) reads it; see docs/postgres.md.
--
-- Plain PostgreSQL (13 or later), no extension: it runs as it is on
-- Supabase (SQL editor or `supabase db push`) and on any other server.
-- Safe to run again.
--
-- The CHECKs repeat what toolsync checks itself (toolsync refuses a bad row
-- whatever the table allows): they stop a bad key at INSERT time, where the
-- person who wrote it sees the error.  min_role is not checked here: the
-- roles are toolsync.yaml's `roles:`, which an organisation may change;
-- toolsync checks every row against them.

CREATE TABLE IF NOT EXISTS public.tool_registry (
	-- COLLATE "C": keys sort by bytes, and the primary key's index then
	-- serves toolsync's ORDER BY key COLLATE "C" without a sort.
	key        text COLLATE "C" PRIMARY KEY,
	min_role   text   NOT NULL,
	standards  text[] NOT NULL DEFAULT '{}',
	CONSTRAINT tool_registry_key_syntax CHECK (
		key ~ '^[a-z0-9][a-z0-9._-]*$'
		AND length(key) <= 64
		AND position('..' IN key) = 0),
	CONSTRAINT tool_registry_min_role_set CHECK (min_role <> ''),
	-- a list: one dimension, no NULL element (array_position finds NULLs)
	CONSTRAINT tool_registry_standards_list CHECK (
		array_ndims(standards) IS NULL
		OR (array_ndims(standards) = 1 AND array_position(standards, NULL) IS NULL))
);

COMMENT ON TABLE public.tool_registry IS
	'AI tools and who may use them; compiled into manifests by toolsync';
COMMENT ON COLUMN public.tool_registry.key IS
	'tool name and manifest file name: [a-z0-9][a-z0-9._-]*, at most 64, no ".."';
COMMENT ON COLUMN public.tool_registry.min_role IS
	'lowest role that may use the tool (toolsync.yaml roles:)';
COMMENT ON COLUMN public.tool_registry.standards IS
	'standards the tool supports evidence for (toolsync.yaml standards:)';

-- Supabase exposes the public schema through its API: no policy means no
-- access for the anon and authenticated roles; the service role and
-- direct connections (what toolsync uses) are not affected.
ALTER TABLE public.tool_registry ENABLE ROW LEVEL SECURITY;
