/* SPDX-License-Identifier: Apache-2.0 */
/*
 * envcheck.c: the OpenAI debug-logging configuration -> findings.
 *
 * The variables come from env files (a later file overrides an earlier
 * one, as `set -a; . a.env; . b.env` would) and the process environment,
 * which wins over every file (python-dotenv and node's dotenv do not
 * override a variable that is already set).  docs/check-config.md states
 * every rule; the comments here say why.
 */
#include <ctype.h>
#include <strings.h>
#include <unistd.h>

#include "toolsync/envcheck.h"
#include "toolsync/dotenv.h"
#include "toolsync/hashset.h"
#include "toolsync/json.h"
#include "toolsync/quote.h"
#include "toolsync/secret.h"
#include "toolsync/suggest.h"
#include "toolsync/varref.h"
#include "envcheck_db.h"

extern char **environ;

RULE(r_bool, "debug-bool-invalid", CAT_CONFIG, SEV_ERROR, NULL,
  "OPENAI_DEBUG_LOGGING or OPENAI_DEBUG_FETCH_DETAILS is not a boolean",
  "Use true/false, 1/0, yes/no or on/off (any case). Anything else is read "
  "differently by different clients, so the setting is ambiguous.")
RULE(r_details, "debug-details-without-logging", CAT_CONFIG, SEV_ERROR, NULL,
  "OPENAI_DEBUG_FETCH_DETAILS is on but OPENAI_DEBUG_LOGGING is not",
  "Fetched request details are stored with the logged event; without "
  "logging they go nowhere. Turn OPENAI_DEBUG_LOGGING on, or the details off.")
RULE(r_tags_syntax, "tags-syntax", CAT_CONFIG, SEV_ERROR, NULL,
  "OPENAI_REQUEST_TAGS is not a comma-separated list of key:value pairs",
  "Write key:value pairs joined by commas, e.g. service:rag,env:prod,"
  "workload:finance: no empty pair, key or value, no spaces around them. A "
  "pair is split at its first ':'.")
RULE(r_tags_dup, "tags-duplicate-key", CAT_CONFIG, SEV_ERROR, NULL,
  "a key appears twice in OPENAI_REQUEST_TAGS",
  "Metadata is a map: one of the values would be lost. Keep one pair per key.")
RULE(r_tags_missing, "tags-missing-required", CAT_CONFIG, SEV_ERROR, NULL,
  "OPENAI_REQUEST_TAGS lacks a required key",
  "Every key in debug.required_tags (default: service, env, workload) must "
  "be present, so that debug events, log routing and usage dashboards can "
  "be filtered by it.")
RULE(r_tags_placeholder, "tags-placeholder", CAT_CONFIG, SEV_ERROR, NULL,
  "OPENAI_REQUEST_TAGS holds an unresolved placeholder (<env>, ${...})",
  "A template value was deployed as it is. Replace the placeholder with the "
  "real value in the environment or env file of this deployment.")
RULE(r_tags_env, "tags-env-mismatch", CAT_CONFIG, SEV_ERROR, NULL,
  "the env: tag differs from --environment",
  "The configuration of another environment was deployed here, or the tag "
  "is stale. Set env: to the environment being checked.")
RULE(r_tags_limit, "tags-limit", CAT_CONFIG, SEV_ERROR, NULL,
  "OPENAI_REQUEST_TAGS exceeds OpenAI's metadata limits",
  "OpenAI request metadata holds at most 16 pairs, keys of at most 64 "
  "characters and values of at most 512 characters; larger metadata is "
  "refused. Shorten or drop tags.")
RULE(r_quota_placeholder, "quota-tag-placeholder", CAT_CONFIG, SEV_ERROR, NULL,
  "OPENAI_REQUEST_QUOTA_TAG holds an unresolved placeholder",
  "Replace the placeholder (e.g. <billing-tag>) with the billing tag of this "
  "deployment, or unset the variable.")
RULE(r_quota_charset, "quota-tag-charset", CAT_CONFIG, SEV_ERROR, NULL,
  "OPENAI_REQUEST_QUOTA_TAG is empty, too long or has unsafe characters",
  "Use 1 to 64 characters from letters, digits, '.', '_', ':' and '-', so "
  "that the tag survives every header, log pipeline and dashboard filter.")
RULE(r_unknown, "env-unknown-name", CAT_CONFIG, SEV_WARNING, NULL,
  "an OPENAI_DEBUG_* or OPENAI_REQUEST_* variable that nothing reads",
  "The name is probably a typo of a known variable, so the setting has no "
  "effect. Known: OPENAI_DEBUG_LOGGING, OPENAI_DEBUG_FETCH_DETAILS, "
  "OPENAI_REQUEST_TAGS, OPENAI_REQUEST_QUOTA_TAG.")
RULE(r_api_key, "env-api-key", CAT_SECURITY, SEV_WARNING, "7.0",
  "an API key is written into an env file",
  "Env files are copied, committed and attached to tickets. Keep the key in "
  "a secret store or the CI's secrets, pass it through the process "
  "environment, and rotate a key that was committed.")
RULE(r_shadowed, "env-shadowed", CAT_CONFIG, SEV_NOTE, NULL,
  "an env file sets a variable that the process environment overrides",
  "The process environment wins over env files, so this line has no effect. "
  "Unset the variable in the environment or remove the line.")
RULE(r_retention, "retention-unset", CAT_COMPLIANCE, SEV_WARNING, NULL,
  "debug.retention_days is not set: debug events are kept forever",
  "Set debug.retention_days in toolsync.yaml and schedule "
  "SELECT public.openai_debug_events_purge(N) (pg_cron, Supabase Cron).")

const struct rule *const envcheck_rules[] = {
	&r_bool, &r_details, &r_tags_syntax, &r_tags_dup, &r_tags_missing,
	&r_tags_placeholder, &r_tags_env, &r_tags_limit, &r_quota_placeholder,
	&r_quota_charset, &r_unknown, &r_api_key, &r_shadowed, &r_retention,
	&r_db_table, &r_db_column, &r_db_type, &r_db_index, &r_db_retention,
	&r_db_tags, &r_db_rls, NULL,
};

#define V_LOGGING "OPENAI_DEBUG_LOGGING"
#define V_DETAILS "OPENAI_DEBUG_FETCH_DETAILS"
#define V_TAGS "OPENAI_REQUEST_TAGS"
#define V_QUOTA "OPENAI_REQUEST_QUOTA_TAG"

static const char *const known_names[] = { V_LOGGING, V_DETAILS, V_TAGS, V_QUOTA };

/* OpenAI's request metadata limits. */
#define TAGS_MAX_PAIRS 16
#define TAG_KEY_MAX 64
#define TAG_VALUE_MAX 512
#define QUOTA_TAG_MAX 64

static const struct srcloc env_loc = { "environment", 0, 0, 0 };

/* ---- the variables ------------------------------------------------- */

struct var {
	char *name;
	const char *value;       /* borrowed: an env file entry or environ */
	struct srcloc loc;       /* the name, or "environment" */
	struct srcloc value_loc;
	int verbatim;            /* offsets in value are column offsets */
	int secret;              /* value holds something like an API key */
};

struct varset {
	struct var *v;
	size_t n, alloc;
	struct hashset index;    /* name -> 1 + its index in v: O(1) per name */
};

#define VARSET_INIT { NULL, 0, 0, HASHSET_INIT }

static struct var *var_find(const struct varset *vs, const char *name)
{
	const struct hashset_entry *e = hashset_find(&vs->index, name, strlen(name));

	return e ? &vs->v[(uintptr_t)e->val - 1] : NULL;
}

static struct var *var_set(struct varset *vs, const char *name, size_t len)
{
	struct hashset_entry *e = hashset_add(&vs->index, name, len, NULL);
	struct var *v;

	if (e->val)
		return &vs->v[(uintptr_t)e->val - 1];
	ALLOC_GROW(vs->v, vs->n, vs->alloc);
	v = &vs->v[vs->n++];
	e->val = (void *)(uintptr_t)vs->n;
	memset(v, 0, sizeof(*v));
	v->name = xmemdupz(name, len);
	return v;
}

static void varset_release(struct varset *vs)
{
	size_t i;

	for (i = 0; i < vs->n; i++)
		free(vs->v[i].name);
	free(vs->v);
	hashset_release(&vs->index);
}

static int starts_with_ci(const char *s, const char *prefix)
{
	return !strncasecmp(s, prefix, strlen(prefix));
}

/* Only OPENAI_* names take part in the rules (any case: typos count). */
static int relevant(const char *name)
{
	return starts_with_ci(name, "OPENAI_");
}

/* Env file entries in order: the last definition of a name wins. */
static void add_file_vars(struct varset *vs, const struct dotenv *env)
{
	size_t i;

	for (i = 0; i < env->n; i++) {
		const struct dotenv_entry *e = &env->v[i];
		struct var *v;

		if (!relevant(e->name))
			continue;
		v = var_set(vs, e->name, strlen(e->name));
		v->value = e->value;
		v->loc = e->loc;
		v->value_loc = e->value_loc;
		v->verbatim = e->verbatim;
	}
}

static void add_process_vars(struct varset *vs, char *const *envp, struct findings *f)
{
	struct strbuf ptr = STRBUF_INIT;

	for (; *envp; envp++) {
		const char *eq = strchr(*envp, '=');
		struct var *v;

		if (!eq || !relevant(*envp))
			continue;
		v = var_set(vs, *envp, (size_t)(eq - *envp));
		if (v->loc.file) {
			strbuf_reset(&ptr);
			jv_pointer_add(&ptr, v->name);
			findings_add(f, &r_shadowed, &v->loc, NULL, ptr.buf, NULL, NULL,
				     "'%s' is also set in the process environment, which "
				     "wins: this line has no effect", quote_show(v->name));
		}
		v->value = eq + 1;
		v->loc = env_loc;
		v->value_loc = env_loc;
		v->verbatim = 0;
	}
	strbuf_release(&ptr);
}

/* ---- helpers for findings ------------------------------------------ */

/* The location of value[off, off+len): exact when the value is verbatim. */
static struct srcloc value_at(const struct var *v, size_t off, size_t len)
{
	struct srcloc loc = v->value_loc;

	if (v->verbatim && loc.line) {
		loc.col += (unsigned)utf8_chars(v->value, off);
		loc.len = (unsigned)len;
	}
	return loc;
}

static char *pointer_of(const char *name, const char *key, size_t klen)
{
	struct strbuf sb = STRBUF_INIT;
	char *k;

	jv_pointer_add(&sb, name);
	if (key) {
		k = xmemdupz(key, klen);
		jv_pointer_add(&sb, k);
		free(k);
	}
	return strbuf_detach(&sb, NULL);
}

/* Add a finding about variable v (pointer "/NAME"). */
TS_PRINTF(5, 6)
static void var_finding(struct findings *f, const struct rule *r, const struct var *v,
			const struct srcloc *loc, const char *fmt, ...)
{
	struct strbuf msg = STRBUF_INIT;
	char *ptr = pointer_of(v->name, NULL, 0);
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&msg, fmt, ap);
	va_end(ap);
	findings_add(f, r, loc ? loc : &v->loc, NULL, ptr, NULL, NULL, "%s", msg.buf);
	strbuf_release(&msg);
	free(ptr);
}

/* ---- names --------------------------------------------------------- */

static const char *closest_name(const char *name, size_t *dist)
{
	const char *best = NULL;
	size_t i, d;

	*dist = SIZE_MAX;
	for (i = 0; i < ARRAY_SIZE(known_names); i++)
		if ((d = suggest_distance(name, known_names[i])) < *dist) {
			*dist = d;
			best = known_names[i];
		}
	return best;
}

/*
 * Unknown names in the two families are reported; another OPENAI_* name
 * (OPENAI_API_KEY, OPENAI_BASE_URL, ...) only when it is a near miss of a
 * known one (OPENAI_REQUESTS_TAGS).
 */
static void check_name(const struct var *v, struct findings *f)
{
	size_t i, dist;
	const char *near;
	int family = starts_with_ci(v->name, "OPENAI_DEBUG_") ||
		     starts_with_ci(v->name, "OPENAI_REQUEST_");

	for (i = 0; i < ARRAY_SIZE(known_names); i++)
		if (!strcmp(v->name, known_names[i]))
			return;
	near = closest_name(v->name, &dist);
	if (!family && dist > 2)
		return;
	if (dist == 0)
		var_finding(f, &r_unknown, v, NULL, "unknown variable '%s': did you mean "
			    "'%s'? (names are case-sensitive)", quote_show(v->name), near);
	else if (dist <= 1 + strlen(near) / 8)
		var_finding(f, &r_unknown, v, NULL, "unknown variable '%s': did you mean "
			    "'%s'?", quote_show(v->name), near);
	else
		var_finding(f, &r_unknown, v, NULL, "unknown variable '%s' (known: "
			    V_LOGGING ", " V_DETAILS ", " V_TAGS ", " V_QUOTA ")", quote_show(v->name));
}

/* In env files only: the process environment is where a key belongs. */
static void check_api_keys(const struct dotenv *env, struct findings *f)
{
	size_t i;

	for (i = 0; i < env->n; i++) {
		const struct dotenv_entry *e = &env->v[i];
		char *ptr;

		if (!(!strcmp(e->name, "OPENAI_API_KEY") && *e->value) &&
		    !secret_in(e->value))
			continue;
		ptr = pointer_of(e->name, NULL, 0);
		findings_add(f, &r_api_key, &e->loc, NULL, ptr, NULL, NULL,
			     "'%s' holds an API key written into an env file (value not shown)",
			     quote_show(e->name));
		free(ptr);
	}
}

/* ---- booleans ------------------------------------------------------ */

int envcheck_parse_bool(const char *s)
{
	static const char *const yes[] = { "true", "1", "yes", "on" };
	static const char *const no[] = { "false", "0", "no", "off" };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(yes); i++) {
		if (!strcasecmp(s, yes[i]))
			return 1;
		if (!strcasecmp(s, no[i]))
			return 0;
	}
	return -1;
}

/* 1, 0 (also when unset), or -1 when invalid (reported). */
static int check_bool(const struct varset *vs, const char *name, struct findings *f)
{
	const struct var *v = var_find(vs, name);
	int b;

	if (!v)
		return 0;
	if ((b = envcheck_parse_bool(v->value)) >= 0)
		return b;
	if (v->secret)
		var_finding(f, &r_bool, v, &v->value_loc, "%s is not a boolean (value not "
			    "shown: it looks like an API key)", name);
	else
		var_finding(f, &r_bool, v, &v->value_loc, "%s='%s' is not a boolean "
			    "(true/false, 1/0, yes/no, on/off)", name, quote_show(v->value));
	return -1;
}

static int check_bools(const struct varset *vs, struct findings *f)
{
	int logging = check_bool(vs, V_LOGGING, f);
	int details = check_bool(vs, V_DETAILS, f);
	const struct var *v = var_find(vs, V_DETAILS);

	if (details == 1 && logging == 0)
		var_finding(f, &r_details, v, NULL, "%s is on but %s is %s", V_DETAILS,
			    V_LOGGING, var_find(vs, V_LOGGING) ? "off" : "not set");
	return logging;
}

/* ---- placeholders -------------------------------------------------- */

/*
 * The first "<...>" or "${...}" in s[0, len): 1 with its offset and
 * length, else 0.  An unclosed "${" counts too.
 */
static int find_placeholder(const char *s, size_t len, size_t *off, size_t *plen)
{
	struct varref tok;
	size_t pos = 0, i, j;

	while (varref_next(s, len, &pos, &tok)) {
		/* env files expand nothing: "$${x}" reaches OpenAI as it is */
		if (tok.kind != VARREF_TEXT) {
			*off = tok.off;
			*plen = tok.len;
			return 1;
		}
		for (i = tok.off; i < pos; i++) {
			if (s[i] != '<')
				continue;
			for (j = i + 1; j < len && s[j] != '>' && s[j] != '<'; j++)
				;
			if (j < len && s[j] == '>' && j > i + 1) {
				*off = i;
				*plen = j + 1 - i;
				return 1;
			}
		}
	}
	return 0;
}

/* ---- OPENAI_REQUEST_TAGS ------------------------------------------- */

struct tag {
	const char *key, *val;
	size_t klen, vlen;
	size_t off;      /* the pair's offset in the value */
	size_t pair;     /* its number, from 1 */
};

/* A printf argument for "%s" that hides the text of a secret value. */
#define SHOW(tc, s, len) ((tc)->v->secret ? "(hidden)" : quote_show_n((s), (len)))

struct tagcheck {
	const struct var *v;
	struct findings *f;
	struct tag *tags;
	size_t n, alloc;
};

/* A finding about the tags variable (key NULL) or one tag (its pointer names the key). */
static void tag_vfinding(struct tagcheck *tc, const struct rule *r, const char *key, size_t klen,
			 size_t off, size_t len, const char *fmt, va_list ap)
{
	struct srcloc loc = value_at(tc->v, off, len);
	struct strbuf msg = STRBUF_INIT;
	char *ptr = pointer_of(tc->v->name, key, klen);

	strbuf_vaddf(&msg, fmt, ap);
	findings_add(tc->f, r, &loc, NULL, ptr, NULL, NULL, "%s", msg.buf);
	strbuf_release(&msg);
	free(ptr);
}

TS_PRINTF(5, 6)
static void tag_finding(struct tagcheck *tc, const struct rule *r, size_t off, size_t len,
			const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tag_vfinding(tc, r, NULL, 0, off, len, fmt, ap);
	va_end(ap);
}

TS_PRINTF(6, 7)
static void key_finding(struct tagcheck *tc, const struct rule *r, const struct tag *t,
			size_t off, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tag_vfinding(tc, r, t->key, t->klen, off, len, fmt, ap);
	va_end(ap);
}

static int has_edge_space(const char *s, size_t len)
{
	return len && (s[0] == ' ' || s[0] == '\t' || s[len - 1] == ' ' || s[len - 1] == '\t');
}

/* A line break or other control character: a quoted value spread over lines. */
static int has_control(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 1;
	return 0;
}

/* One "key:value" at s[0, len) (offset off); kept when well-formed. */
static void parse_pair(struct tagcheck *tc, const char *s, size_t len, size_t off,
		       size_t pair)
{
	const char *colon = memchr(s, ':', len);
	struct tag t;

	if (!len) {
		tag_finding(tc, &r_tags_syntax, off, 1, "pair %zu is empty (two commas in a "
			    "row, or a comma at an end)", pair);
		return;
	}
	if (!colon) {
		tag_finding(tc, &r_tags_syntax, off, len, "pair %zu, '%s', is not key:value",
			    pair, SHOW(tc, s, len));
		return;
	}
	t.key = s;
	t.klen = (size_t)(colon - s);
	t.val = colon + 1;
	t.vlen = len - t.klen - 1;
	t.off = off;
	t.pair = pair;
	if (!t.klen || !t.vlen) {
		tag_finding(tc, &r_tags_syntax, off, len, "pair %zu, '%s', has an empty %s",
			    pair, SHOW(tc, s, len), t.klen ? "value" : "key");
		return;
	}
	if (has_control(t.key, t.klen) || has_control(t.val, t.vlen)) {
		tag_finding(tc, &r_tags_syntax, off, len, "pair %zu holds a line break or another "
			    "control character (a quoted value spread over lines?)", pair);
		return;
	}
	if (has_edge_space(t.key, t.klen) || has_edge_space(t.val, t.vlen)) {
		tag_finding(tc, &r_tags_syntax, off, len, "pair %zu, '%s', has spaces around "
			    "its key or value that would become part of the tag", pair,
			    SHOW(tc, s, len));
		return;
	}
	ALLOC_GROW(tc->tags, tc->n, tc->alloc);
	tc->tags[tc->n++] = t;
}

static void split_tags(struct tagcheck *tc)
{
	const char *s = tc->v->value, *p = s;
	size_t pair = 1;

	for (;; pair++) {
		size_t len = strcspn(p, ",");

		parse_pair(tc, p, len, (size_t)(p - s), pair);
		if (!p[len])
			break;
		p += len + 1;
	}
}

static const struct tag *tag_find(const struct tagcheck *tc, const char *key, size_t upto)
{
	size_t i, klen = strlen(key);

	for (i = 0; i < upto && i < tc->n; i++)
		if (tc->tags[i].klen == klen && !memcmp(tc->tags[i].key, key, klen))
			return &tc->tags[i];
	return NULL;
}

static void check_limits(struct tagcheck *tc)
{
	size_t i, n;

	if (tc->n > TAGS_MAX_PAIRS)
		tag_finding(tc, &r_tags_limit, tc->tags[TAGS_MAX_PAIRS].off, 0,
			    "%s has %zu pairs; OpenAI metadata allows at most %d", V_TAGS,
			    tc->n, TAGS_MAX_PAIRS);
	for (i = 0; i < tc->n; i++) {
		const struct tag *t = &tc->tags[i];

		if ((n = utf8_chars(t->key, t->klen)) > TAG_KEY_MAX)
			key_finding(tc, &r_tags_limit, t, t->off, t->klen, "the key of pair %zu "
				    "has %zu characters; OpenAI allows at most %d", t->pair, n,
				    TAG_KEY_MAX);
		if ((n = utf8_chars(t->val, t->vlen)) > TAG_VALUE_MAX)
			key_finding(tc, &r_tags_limit, t, t->off + t->klen + 1, t->vlen,
				    "the value of tag '%s' has %zu characters; OpenAI allows "
				    "at most %d", SHOW(tc, t->key, t->klen), n, TAG_VALUE_MAX);
	}
}

static void check_duplicates(struct tagcheck *tc)
{
	struct hashset seen = HASHSET_INIT;
	size_t i;

	for (i = 0; i < tc->n; i++) {
		const struct tag *a, *b = &tc->tags[i];
		struct hashset_entry *e = hashset_add(&seen, b->key, b->klen, NULL);

		if (!e->val) {
			e->val = (void *)b;
			continue;
		}
		a = e->val;
		key_finding(tc, &r_tags_dup, b, b->off, b->klen, "duplicate key '%s' "
			    "in pair %zu (first in pair %zu)", SHOW(tc, b->key, b->klen),
			    b->pair, a->pair);
	}
	hashset_release(&seen);
}

/* 1 if the tag holds a placeholder (reported). */
static int tag_placeholder(struct tagcheck *tc, const struct tag *t)
{
	size_t off, len;

	if (find_placeholder(t->key, t->klen, &off, &len))
		off += t->off;
	else if (find_placeholder(t->val, t->vlen, &off, &len))
		off += t->off + t->klen + 1;
	else
		return 0;
	key_finding(tc, &r_tags_placeholder, t, off, len, "tag '%s' holds the "
		    "unresolved placeholder '%s'", SHOW(tc, t->key, t->klen),
		    SHOW(tc, tc->v->value + off, len));
	return 1;
}

static void check_values(struct tagcheck *tc, const char *environment)
{
	size_t i;

	for (i = 0; i < tc->n; i++) {
		const struct tag *t = &tc->tags[i];

		if (tag_placeholder(tc, t) || !environment || t->klen != 3 ||
		    memcmp(t->key, "env", 3) || tag_find(tc, "env", tc->n) != t)
			continue;
		if (strlen(environment) != t->vlen || memcmp(t->val, environment, t->vlen))
			key_finding(tc, &r_tags_env, t, t->off + 4, t->vlen, "tag env is "
				    "'%s' but --environment is '%s'",
				    SHOW(tc, t->val, t->vlen), quote_show(environment));
	}
}

static void check_required(struct tagcheck *tc, const struct strlist *required)
{
	size_t i;
	struct tag t = { NULL, NULL, 0, 0, 0, 0 };

	for (i = 0; i < required->n; i++) {
		if (tag_find(tc, required->v[i], tc->n))
			continue;
		t.key = required->v[i];
		t.klen = strlen(t.key);
		key_finding(tc, &r_tags_missing, &t, 0, 0, "%s lacks the required key "
			    "'%s' (debug.required_tags)", V_TAGS, quote_show(required->v[i]));
	}
}

static void check_tags(const struct varset *vs, const struct ts_config *cfg,
		       const char *environment, int logging, struct findings *f)
{
	struct tagcheck tc = { var_find(vs, V_TAGS), f, NULL, 0, 0 };
	char *ptr;

	if (!tc.v) {
		const struct var *lv = var_find(vs, V_LOGGING);

		if (logging != 1 || !cfg->required_tags.n)
			return;
		ptr = pointer_of(V_TAGS, NULL, 0);
		findings_add(f, &r_tags_missing, &lv->loc, NULL, ptr, NULL, NULL,
			     "%s is on but %s is not set: events carry none of the "
			     "required keys", V_LOGGING, V_TAGS);
		free(ptr);
		return;
	}
	split_tags(&tc);
	check_limits(&tc);
	check_duplicates(&tc);
	check_values(&tc, environment);
	check_required(&tc, &cfg->required_tags);
	free(tc.tags);
}

/* ---- OPENAI_REQUEST_QUOTA_TAG -------------------------------------- */

static int quota_char_ok(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || strchr("._:-", c);
}

static void check_quota(const struct varset *vs, struct findings *f)
{
	const struct var *v = var_find(vs, V_QUOTA);
	size_t off, len, n;
	struct srcloc loc;

	if (!v)
		return;
	if (find_placeholder(v->value, strlen(v->value), &off, &len)) {
		loc = value_at(v, off, len);
		var_finding(f, &r_quota_placeholder, v, &loc, "%s holds the unresolved "
			    "placeholder '%s'", V_QUOTA,
			    v->secret ? "(hidden)" : quote_show_n(v->value + off, len));
		return;
	}
	if (!*v->value || (n = utf8_chars(v->value, strlen(v->value))) > QUOTA_TAG_MAX) {
		var_finding(f, &r_quota_charset, v, &v->value_loc, "%s is %s (1 to %d "
			    "characters)", V_QUOTA, *v->value ? "too long" : "empty",
			    QUOTA_TAG_MAX);
		return;
	}
	for (off = 0; v->value[off] && quota_char_ok((unsigned char)v->value[off]); off++)
		;
	if (!v->value[off])
		return;
	loc = value_at(v, off, 1);
	if ((unsigned char)v->value[off] > ' ' && (unsigned char)v->value[off] < 0x7f)
		var_finding(f, &r_quota_charset, v, &loc, "%s: character '%c' is not "
			    "allowed (letters, digits, '.', '_', ':', '-')", V_QUOTA,
			    v->value[off]);
	else
		var_finding(f, &r_quota_charset, v, &loc, "%s: byte 0x%02X is not allowed "
			    "(letters, digits, '.', '_', ':', '-')", V_QUOTA,
			    (unsigned char)v->value[off]);
}

/* ---- toolsync.yaml ------------------------------------------------- */

/* At the debug: key when there is one (debug_loc is where its value starts). */
static void check_retention(const struct ts_config *cfg, struct findings *f)
{
	const struct jv_member *m = cfg->doc && cfg->doc->kind == JV_OBJECT ?
				    jv_member(cfg->doc, "debug") : NULL;

	if (cfg->retention_days >= 0)
		return;
	findings_add(f, &r_retention, m ? &m->loc : &cfg->debug_loc, NULL, "/debug/retention_days",
		     NULL, NULL, "debug.retention_days is not set: openai_debug_events "
		     "rows are kept forever (infinite retention)");
}

/* ---- the whole run ------------------------------------------------- */

static int load_files(const struct strlist *files, struct dotenv *env, struct diag *d)
{
	size_t i;
	int ret = 0;

	for (i = 0; files && i < files->n; i++)
		if (dotenv_load(env, files->v[i], d))
			ret = -1;
	return ret;
}

static void check_vars(const struct ts_config *cfg, const struct envcheck_opts *o,
		       const struct varset *vs, struct findings *f)
{
	size_t i;
	int logging;

	for (i = 0; i < vs->n; i++)
		check_name(&vs->v[i], f);
	logging = check_bools(vs, f);
	check_tags(vs, cfg, o->environment, logging, f);
	check_quota(vs, f);
}

int envcheck_run(const struct ts_config *cfg, const struct envcheck_opts *o,
		 struct findings *f, struct diag *d)
{
	struct dotenv env = { NULL, 0, 0 };
	struct varset vs = VARSET_INIT;
	size_t i;
	int ret = -1;

	if (load_files(o->env_files, &env, d))
		goto cleanup;
	check_api_keys(&env, f);
	add_file_vars(&vs, &env);
	add_process_vars(&vs, o->envp ? o->envp : environ, f);
	for (i = 0; i < vs.n; i++)
		vs.v[i].secret = secret_in(vs.v[i].value);
	check_vars(cfg, o, &vs, f);
	check_retention(cfg, f);
	if (o->db && envcheck_db(cfg, o->db, f, d))
		goto cleanup;
	ret = 0;
cleanup:
	varset_release(&vs);
	dotenv_release(&env);
	return ret;
}
