/* SPDX-License-Identifier: Apache-2.0 */
/*
 * matrix.c: the standards traceability matrix (see matrix.h).
 *
 * Claims (tool, standard) are kept as the rows stream by and sorted once
 * at the end, so a catalogue of 100,000 tools and an allow-list of any
 * length cost n log n, never a scan per row.
 */
#include "toolsync/matrix.h"
#include "toolsync/sort.h"

#define MATRIX_JSON_FORMAT "toolsync.matrix/1"

void matrix_init(struct matrix *m, const struct ts_config *cfg)
{
	memset(m, 0, sizeof(*m));
	m->cfg = cfg;
	hashset_init(&m->standards);
}

void matrix_add(struct matrix *m, const struct row *row)
{
	struct matrix_tool *t;
	size_t i;

	ALLOC_GROW(m->tools, m->ntools + 1, m->alloc_tools);
	t = &m->tools[m->ntools];
	t->key = strpool_copy(&m->keys, row->key, strlen(row->key));
	t->rank = config_role_rank(m->cfg, row->min_role);
	t->nstd = row->standards.n;
	t->first_claim = m->nclaims;
	t->loc = row->key_loc;
	for (i = 0; i < row->standards.n; i++) {
		const char *std = row->standards.v[i];

		ALLOC_GROW(m->claims, m->nclaims + 1, m->alloc_claims);
		m->claims[m->nclaims++] = (struct matrix_claim){
			hashset_add(&m->standards, std, strlen(std), NULL)->key, m->ntools, 0
		};
	}
	m->ntools++;
	m->sorted = 0;
}

void matrix_release(struct matrix *m)
{
	strpool_release(&m->keys);
	hashset_release(&m->standards);
	free(m->rows.v);   /* the strings are borrowed */
	free(m->by_row);
	free(m->tools);
	free(m->claims);
	memset(m, 0, sizeof(*m));
}

int matrix_format_parse(const char *name, enum matrix_format *fmt)
{
	static const char *const names[] = { "markdown", "csv", "json" };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (!strcmp(name, names[i])) {
			*fmt = (enum matrix_format)i;
			return 0;
		}
	return -1;
}

/* ---- ordering ------------------------------------------------------- */

static int cmp_strp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A claimed standard's place in the rows, kept as row + 1 in its entry of m->standards. */
static struct hashset_entry *standard_entry(const struct matrix *m, const char *name)
{
	return hashset_find(&m->standards, name, strlen(name));
}

/*
 * The rows: the allow-list in its order, then any other standard claimed
 * (none, after row_check) bytewise.  Sets each claim's order; rows->v are
 * borrowed from the config and the claims.  The names claimed are the
 * entries of m->standards (each once, however many tools claim it): each
 * entry holds its row, so the claims are placed without comparing names.
 */
static void order_rows(struct matrix *m, struct strlist *rows)
{
	const struct strlist *allow = &m->cfg->standards;
	size_t nallow = m->cfg->has_standards ? allow->n : 0, nx = 0, i;
	const char **extra = xcalloc(m->standards.n + 1, sizeof(*extra));
	struct hashset_entry *e;

	for (i = 0; i < m->standards.cap; i++)
		m->standards.tab[i].val = NULL;
	rows->n = 0;
	for (i = 0; i < nallow; i++) {
		if ((e = standard_entry(m, allow->v[i])) && !e->val)
			e->val = (void *)(uintptr_t)(rows->n + 1);
		ALLOC_GROW(rows->v, rows->n + 1, rows->alloc);
		rows->v[rows->n++] = allow->v[i];
	}
	for (i = 0; i < m->standards.cap; i++)
		if (m->standards.tab[i].key && !m->standards.tab[i].val)
			extra[nx++] = m->standards.tab[i].key;
	qsort(extra, nx, sizeof(*extra), cmp_strp);
	for (i = 0; i < nx; i++) {
		standard_entry(m, extra[i])->val = (void *)(uintptr_t)(rows->n + 1);
		ALLOC_GROW(rows->v, rows->n + 1, rows->alloc);
		rows->v[rows->n++] = (char *)extra[i];
	}
	for (i = 0; i < m->nclaims; i++)
		m->claims[i].order = (size_t)(uintptr_t)standard_entry(m, m->claims[i].standard)->val - 1;
	free(extra);
}

/*
 * Tools by key, claims following their tools; stable for equal keys (the
 * registry order), so a duplicate is reported at its second place.
 */
static void sort_tools(struct matrix *m)
{
	struct sort_ref *ref = xcalloc(m->ntools + 1, sizeof(*ref));
	size_t *where = xcalloc(m->ntools + 1, sizeof(*where)), i;
	struct matrix_tool *v;

	for (i = 0; i < m->ntools; i++)
		ref[i] = (struct sort_ref){ m->tools[i].key, i };
	/* runs merged: a registry comes in blocks of sorted keys, often one */
	if (!sort_runs(ref, m->ntools, sizeof(*ref), sort_ref_cmp)) {
		free(ref);
		free(where);
		return;
	}
	v = xcalloc(m->ntools + 1, sizeof(*v));
	for (i = 0; i < m->ntools; i++) {
		v[i] = m->tools[ref[i].at];
		where[ref[i].at] = i;
	}
	for (i = 0; i < m->nclaims; i++)
		m->claims[i].tool = where[m->claims[i].tool];
	free(m->tools);
	m->tools = v;
	m->alloc_tools = m->ntools + 1;
	free(ref);
	free(where);
}

int matrix_check_unique(struct matrix *m, struct diag *d)
{
	size_t i;
	int ret = 0;

	sort_tools(m);
	for (i = 1; i < m->ntools; i++)
		if (!strcmp(m->tools[i].key, m->tools[i - 1].key)) {
			diag_error(d, &m->tools[i].loc, "duplicate key '%s'", m->tools[i].key);
			ret = -1;
		}
	return ret;
}

/*
 * Keys are unique in a compiled catalogue (see matrix_check_unique), so
 * the order is fully determined by the rows, whatever order they came in.
 */
/*
 * The claims by row, then by tool key (the order every format lists them
 * in): counted by row, then placed tool by tool in key order (a tool's
 * claims lie together in claims[]), so no key is compared again.
 */
static void sort_claims(struct matrix *m, size_t nrows)
{
	size_t *at = xcalloc(nrows + 2, sizeof(*at)), i, k;   /* order is at most nrows */

	free(m->by_row);
	m->by_row = xcalloc(m->nclaims + 1, sizeof(*m->by_row));
	for (i = 0; i < m->nclaims; i++)
		at[m->claims[i].order + 1]++;
	for (i = 1; i <= nrows + 1; i++)
		at[i] += at[i - 1];
	for (i = 0; i < m->ntools; i++)
		for (k = 0; k < m->tools[i].nstd; k++) {
			const struct matrix_claim *c = &m->claims[m->tools[i].first_claim + k];

			m->by_row[at[c->order]++] = *c;
		}
	free(at);
}

void matrix_sort(struct matrix *m)
{
	if (m->sorted)
		return;
	sort_tools(m);
	order_rows(m, &m->rows);
	sort_claims(m, m->rows.n);
	m->sorted = 1;
}

/* ---- formats -------------------------------------------------------- */

static const char *role_of(const struct matrix *m, const struct matrix_tool *t)
{
	return t->rank >= 0 ? m->cfg->roles.v[t->rank] : "?";
}

/* Punctuation md_text escapes with a backslash (a table: every key has some). */
static const unsigned char md_punct[256] = {
	['\\'] = 1, ['`'] = 1, ['*'] = 1, ['_'] = 1, ['{'] = 1, ['}'] = 1, ['['] = 1,
	[']'] = 1, ['<'] = 1, ['>'] = 1, ['('] = 1, [')'] = 1, ['#'] = 1, ['+'] = 1,
	['!'] = 1, ['|'] = 1, ['~'] = 1,
};

static int md_control(unsigned char c)
{
	return c < 0x20 || c == 0x7f;
}

/* Text in a markdown table cell: punctuation escaped, control bytes as \xHH. */
static void md_text(struct strbuf *out, const char *s)
{
	static const char hexd[] = "0123456789abcdef";

	for (;;) {
		const char *run = s;
		unsigned char c;

		while (!md_punct[(unsigned char)*s] && !md_control((unsigned char)*s))
			s++;
		strbuf_add(out, run, (size_t)(s - run));
		if (!*s)
			return;
		c = (unsigned char)*s++;
		strbuf_addch(out, '\\');
		if (!md_control(c)) {
			strbuf_addch(out, (char)c);
			continue;
		}
		strbuf_addch(out, 'x');
		strbuf_addch(out, hexd[c >> 4]);
		strbuf_addch(out, hexd[c & 15]);
	}
}

/* The claims of row r: [*i, end) */
static size_t row_end(const struct matrix *m, size_t i, size_t r)
{
	while (i < m->nclaims && m->by_row[i].order == r)
		i++;
	return i;
}

static void md_tool(struct strbuf *out, const struct matrix *m, const struct matrix_tool *t,
		    int first)
{
	if (!first)
		strbuf_addstr(out, "<br>");
	md_text(out, t->key);
	strbuf_addstr(out, " (");
	md_text(out, role_of(m, t));
	strbuf_addch(out, ')');
}

static void write_markdown(const struct matrix *m, const struct strlist *rows,
			   struct strbuf *out)
{
	size_t r, i = 0, j, end, empty = 0, none = 0;

	strbuf_addstr(out, "# Standards traceability matrix\n\n"
		      "Which tools support evidence for each standard, and the lowest role "
		      "that may call each tool.\nWritten by toolsync from the tool registry; "
		      "do not edit.\n\n"
		      "| Standard | Tools | Tool (minimum role) |\n| --- | ---: | --- |\n");
	for (r = 0; r < rows->n; r++) {
		end = row_end(m, i, r);
		strbuf_addstr(out, "| ");
		md_text(out, rows->v[r]);
		strbuf_addf(out, " | %zu | ", end - i);
		if (i == end) {
			strbuf_addstr(out, "*no tool*");
			empty++;
		}
		for (j = i; j < end; j++)
			md_tool(out, m, &m->tools[m->by_row[j].tool], j == i);
		strbuf_addstr(out, " |\n");
		i = end;
	}
	for (j = 0; j < m->ntools; j++)
		none += !m->tools[j].nstd;
	strbuf_addf(out, "| *no standard* | %zu | ", none);
	for (j = 0, i = 0; j < m->ntools; j++)
		if (!m->tools[j].nstd)
			md_tool(out, m, &m->tools[j], !i++);
	strbuf_addf(out, "%s |\n\n%zu tool%s, %zu standard%s; %zu standard%s no tool; "
		    "%zu tool%s no standard.\n", none ? "" : "-",
		    m->ntools, m->ntools == 1 ? "" : "s", rows->n, rows->n == 1 ? "" : "s",
		    empty, empty == 1 ? " has" : "s have", none, none == 1 ? " supports" : "s support");
}

/*
 * A CSV field (RFC 4180).  A field a spreadsheet would run as a formula
 * (= + - @ tab or CR at the start) gets a leading apostrophe, as OWASP
 * advises.
 */
static void csv_field(struct strbuf *out, const char *s)
{
	int quote = strpbrk(s, ",\"\r\n") != NULL;
	const char *q;

	if (quote)
		strbuf_addch(out, '"');
	if (*s && strchr("=+-@\t\r", *s))
		strbuf_addch(out, '\'');
	for (; (q = strchr(s, '"')); s = q + 1) {   /* a quote doubled */
		strbuf_add(out, s, (size_t)(q + 1 - s));
		strbuf_addch(out, '"');
	}
	strbuf_addstr(out, s);
	if (quote)
		strbuf_addch(out, '"');
}

static void csv_line(struct strbuf *out, const char *std, const char *key, const char *role)
{
	csv_field(out, std);
	strbuf_addch(out, ',');
	csv_field(out, key);
	strbuf_addch(out, ',');
	csv_field(out, role);
	strbuf_addstr(out, "\r\n");
}

/* The long form: one line per standard and tool, so a spreadsheet can filter. */
static void write_csv(const struct matrix *m, const struct strlist *rows, struct strbuf *out)
{
	size_t r, i = 0, j, end;

	strbuf_addstr(out, "standard,tool,min_role\r\n");
	for (r = 0; r < rows->n; r++) {
		end = row_end(m, i, r);
		if (i == end)
			csv_line(out, rows->v[r], "", "");
		for (j = i; j < end; j++) {
			const struct matrix_tool *t = &m->tools[m->by_row[j].tool];

			csv_line(out, rows->v[r], t->key, role_of(m, t));
		}
		i = end;
	}
	for (j = 0; j < m->ntools; j++)
		if (!m->tools[j].nstd)
			csv_line(out, "", m->tools[j].key, role_of(m, &m->tools[j]));
}

static void json_tool(struct strbuf *out, const struct matrix *m, const struct matrix_tool *t,
		      int first, const char *indent)
{
	strbuf_addstr(out, first ? "\n" : ",\n");
	strbuf_addstr(out, indent);
	strbuf_addstr(out, "{\"key\": ");
	json_write_string(out, t->key, strlen(t->key));
	strbuf_addstr(out, ", \"min_role\": ");
	json_write_string(out, role_of(m, t), strlen(role_of(m, t)));
	strbuf_addch(out, '}');
}

static void write_json(const struct matrix *m, const struct strlist *rows, struct strbuf *out)
{
	size_t r, i = 0, j, end, n;

	strbuf_addstr(out, "{\n  \"format\": \"" MATRIX_JSON_FORMAT "\",\n  \"standards\": [");
	for (r = 0; r < rows->n; r++) {
		end = row_end(m, i, r);
		strbuf_addstr(out, r ? ",\n    {\"standard\": " : "\n    {\"standard\": ");
		json_write_string(out, rows->v[r], strlen(rows->v[r]));
		strbuf_addstr(out, ", \"tools\": [");
		for (j = i; j < end; j++)
			json_tool(out, m, &m->tools[m->by_row[j].tool], j == i, "        ");
		strbuf_addstr(out, end > i ? "\n      ]}" : "]}");
		i = end;
	}
	strbuf_addstr(out, rows->n ? "\n  ],\n  \"no_standard\": [" : "],\n  \"no_standard\": [");
	for (j = 0, n = 0; j < m->ntools; j++)
		if (!m->tools[j].nstd)
			json_tool(out, m, &m->tools[j], !n++, "    ");
	strbuf_addstr(out, n ? "\n  ]\n}\n" : "]\n}\n");
}

void matrix_write(struct matrix *m, enum matrix_format fmt, struct strbuf *out)
{
	matrix_sort(m);
	/* about a line a claim (a tool's key and role): grown once, not doubled 20 times */
	strbuf_grow(out, st_add(st_mult(m->nclaims + m->ntools, 64), 4096));
	switch (fmt) {
	case MATRIX_MARKDOWN: write_markdown(m, &m->rows, out); break;
	case MATRIX_CSV: write_csv(m, &m->rows, out); break;
	case MATRIX_JSON: write_json(m, &m->rows, out); break;
	}
}
