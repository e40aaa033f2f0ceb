-- example_seed.sql: the example catalogue (registry.yaml) as rows of
-- public.tool_registry (001_tool_registry.sql).  Built from PostgreSQL or
-- from registry.yaml, it gives byte-identical manifests (tests/t_pg.sh).
-- Safe to run again: a row already there is updated.

INSERT INTO public.tool_registry (key, min_role, standards) VALUES
	('rag.search', 'viewer', '{}'),
	('rag.answer-cite', 'viewer', '{ISA-500}'),
	('rag.ingest', 'reviewer', '{GDPR-30}'),
	('ledger.reconcile', 'analyst', '{SOX-404,IFRS-15}'),
	('ledger.post-entry', 'approver', '{SOX-404}'),
	('revenue.recognize', 'analyst', '{IFRS-15}'),
	('credit.expected-loss', 'analyst', '{IFRS-9}'),
	('audit.sample-select', 'reviewer', '{ISA-500}'),
	('audit.evidence-request', 'reviewer', '{ISA-500,SOX-404}'),
	('controls.test-run', 'reviewer', '{SOX-404}'),
	('approvals.sign-off', 'approver', '{SOX-404}'),
	('gdpr.records-export', 'admin', '{GDPR-30}'),
	('fx.rate-lookup', 'viewer', '{}')
ON CONFLICT (key) DO UPDATE
	SET min_role = EXCLUDED.min_role, standards = EXCLUDED.standards;
