/*
 * envcheck.h: the OpenAI debug-logging configuration rules (check-config,
 * and the check-config step of ci).
 *
 * Inputs: the process environment, env files (dotenv.h) and the debug:
 * section of toolsync.yaml; optionally a database holding
 * openai_debug_events.  Every problem becomes a finding (report.h) with a
 * rule from envcheck_rules; docs/check-config.md describes each rule.
 *
 * Where a finding comes from:
 *	an env file       file:line:col of the name or the offending value
 *	the environment   "environment" (no line)
 *	toolsync.yaml     the line of debug: (or of the key concerned)
 *	the database      "table public.openai_debug_events" (no line)
 * The pointer of a finding names what it is about: "/NAME" for a
 * variable, "/OPENAI_REQUEST_TAGS/KEY" for one tag, "/debug/retention_days"
 * in the config, "/columns/NAME" for a table column.
 *
 * Secret values (OPENAI_API_KEY, anything that looks like "sk-...") are
 * never part of a message.
 */
#ifndef TOOLSYNC_ENVCHECK_H
#define TOOLSYNC_ENVCHECK_H

#include "toolsync/config.h"
#include "toolsync/report.h"

/* The table --db audits. */
#define ENVCHECK_TABLE "public.openai_debug_events"

/* Every rule envcheck may report, NULL-terminated (for SARIF and accept files). */
extern const struct rule *const envcheck_rules[];

struct envcheck_opts {
	/* env files in order; a later file overrides an earlier one; may be NULL */
	const struct strlist *env_files;
	/* --environment: the env: tag must equal it; NULL: not checked */
	const char *environment;
	/* --db: a libpq URI or conninfo ("" uses DATABASE_URL); NULL: no audit */
	const char *db;
	/*
	 * The process environment ("NAME=value" strings, NULL-terminated); it
	 * wins over every env file.  NULL: the real one (environ).
	 */
	char *const *envp;
};

/*
 * Run every check into f.  Problems that are not findings (an env file
 * that cannot be read or parsed, a database that cannot be reached, a
 * query that fails) are reported to d, and the result is -1: the caller
 * exits 2 and prints no report.  0 otherwise, whatever was found.
 */
int envcheck_run(const struct ts_config *cfg, const struct envcheck_opts *o,
		 struct findings *f, struct diag *d);

/* OPENAI_DEBUG_* booleans: true/false/1/0/yes/no/on/off, any case. 1, 0, or -1 if not one. */
int envcheck_parse_bool(const char *s);

/* The database part alone (envcheck_run calls it when o->db is set). */
int envcheck_db(const struct ts_config *cfg, const char *conninfo,
		struct findings *f, struct diag *d);

#endif
