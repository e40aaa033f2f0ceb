/* SPDX-License-Identifier: Apache-2.0 */
/* yaml.c: a YAML document (libyaml events) into a struct jv tree. */
#include <errno.h>
#include <yaml.h>

#include "toolsync/hashset.h"
#include "toolsync/number.h"
#include "toolsync/quote.h"
#include "toolsync/yaml.h"

#define YAML_DEPTH_MAX 512
/*
 * Nodes that anchors keep and aliases add, in all (a "billion laughs"
 * stops here): as many as a document may hold.  Each anchor keeps a copy
 * of its value, so anchors nested in one another would keep every copy
 * (500 around 1,000,000 values: 35 GB).  In a list read entry by entry
 * the entries are counted alone (values) but their anchors and aliases
 * together (budget): an anchor's copy is kept for the rest of the list.
 */
#define ALIAS_BUDGET JV_VALUES_MAX

struct anchor {
	char *name;
	struct jv *v;
};

struct yreader {
	yaml_parser_t parser;
	const char *file;
	struct diag *d;
	int failed;
	unsigned depth;
	struct anchor *anchors; /* every anchor defined, in order (owned) */
	size_t nanchors, anchors_alloc;
	struct hashset anchor_index;  /* name -> 1 + index of its latest definition */
	size_t budget;
	struct jv_budget values;
	size_t at_char, at_byte;      /* mark_text()'s cursor: a character and its byte */
};

static struct srcloc mark_loc(const struct yreader *r, const yaml_mark_t *m, size_t len)
{
	struct srcloc loc = { r->file, (unsigned)m->line + 1, (unsigned)m->column + 1, (unsigned)len };

	return loc;
}

TS_PRINTF(3, 4) static void yfail(struct yreader *r, const struct srcloc *loc, const char *fmt, ...)
{
	va_list ap;

	r->failed = 1;
	va_start(ap, fmt);
	diag_verror(r->d, loc, fmt, ap);
	va_end(ap);
}

/*
 * Where libyaml's reader stopped (a NUL or another control character):
 * it gives only a byte offset, so count the lines up to it.
 */
static struct srcloc reader_error_loc(const struct yreader *r)
{
	const yaml_parser_t *p = &r->parser;
	const unsigned char *s = p->input.string.start, *end = p->input.string.end, *q, *bol;
	struct srcloc loc = { r->file, 0, 0, 0 };

	if (!s || p->problem_offset > (size_t)(end - s))
		return loc;
	loc.line = 1;
	for (q = bol = s; q < s + p->problem_offset; q++)
		if (*q == '\n') {
			loc.line++;
			bol = q + 1;
		}
	loc.col = (unsigned)(q - bol) + 1;
	loc.len = 1;
	return loc;
}

/*
 * The text at a mark.  libyaml counts characters (mark.index), not bytes;
 * the text is UTF-8 (checked before parsing), so count lead bytes, from a
 * cursor that moves on with the events (they come in the text's order).
 */
static const char *mark_text(struct yreader *r, const yaml_mark_t *m)
{
	const char *s = (const char *)r->parser.input.string.start;
	size_t len = (size_t)(r->parser.input.string.end - r->parser.input.string.start);

	if (m->index < r->at_char)
		r->at_char = r->at_byte = 0;
	while (r->at_char < m->index && r->at_byte < len) {
		r->at_byte++;
		while (r->at_byte < len && ((unsigned char)s[r->at_byte] & 0xc0) == 0x80)
			r->at_byte++;
		r->at_char++;
	}
	return s + r->at_byte;
}

/* 1 if libyaml stopped at a tab: its own message does not say so. */
static int at_tab(struct yreader *r)
{
	const char *p = mark_text(r, &r->parser.problem_mark);

	return r->parser.error == YAML_SCANNER_ERROR &&
	       p < (const char *)r->parser.input.string.end && *p == '\t';
}

static int is_white(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* 1 if the token at p (up to end, white space or any of stop) holds "%00". */
static int token_has_nul(const char *p, const char *end, const char *stop)
{
	for (; p < end && !is_white(*p) && !(*p && strchr(stop, *p)); p++)
		if (end - p >= 3 && p[0] == '%' && p[1] == '0' && p[2] == '0')
			return 1;
	return 0;
}

/* p past white space, line breaks and comments (what may part a node's properties). */
static const char *skip_separation(const char *p, const char *end)
{
	while (p < end && (is_white(*p) || *p == '#'))
		if (*p++ == '#')
			while (p < end && *p != '\n')
				p++;
	return p;
}

/*
 * A node's properties start at its mark: an anchor and a tag, in either
 * order.  1 if the tag is written with "%00": libyaml decodes it to a NUL
 * and the tag ends there ("!!str%00x" reads as !!str).
 */
static int node_tag_has_nul(struct yreader *r, const yaml_mark_t *m)
{
	const char *p = mark_text(r, m);
	const char *end = (const char *)r->parser.input.string.end;

	if (p < end && *p == '&') {
		while (p < end && !is_white(*p))
			p++;
		p = skip_separation(p, end);
	}
	if (p >= end || *p != '!')
		return 0;
	return token_has_nul(p, end, p + 1 < end && p[1] == '<' ? ">" : ",[]{}");
}

/* The line of a %TAG directive (before the document) whose prefix holds "%00"; 0 if none. */
static unsigned directive_with_nul(struct yreader *r, const yaml_event_t *ev)
{
	const char *p = mark_text(r, &ev->start_mark);
	const char *end = mark_text(r, &ev->end_mark);
	unsigned line = (unsigned)ev->start_mark.line + 1;
	int field;

	for (; p < end; line++) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));

		if (!eol)
			eol = end;
		if (eol - p > 4 && !memcmp(p, "%TAG", 4))
			for (p += 4, field = 0; field < 2; field++) {   /* the handle, the prefix */
				p = skip_separation(p, eol);
				if (field && token_has_nul(p, eol, ""))
					return line;
				while (p < eol && !is_white(*p))
					p++;
			}
		p = eol + 1;
	}
	return 0;
}

/*
 * A tag written with "%00" (a NUL once decoded) is refused where it is: a
 * tag cut at the NUL would pass for another ("!!str%00x" for !!str).
 * 0, or -1 (reported, ev released).
 */
static int tags_ok(struct yreader *r, yaml_event_t *ev)
{
	const yaml_char_t *tag = ev->type == YAML_SCALAR_EVENT ? ev->data.scalar.tag :
				 ev->type == YAML_SEQUENCE_START_EVENT ? ev->data.sequence_start.tag :
				 ev->type == YAML_MAPPING_START_EVENT ? ev->data.mapping_start.tag : NULL;
	struct srcloc loc = mark_loc(r, &ev->start_mark, 1);
	unsigned line = 0;

	if (ev->type == YAML_DOCUMENT_START_EVENT &&
	    ev->data.document_start.tag_directives.start != ev->data.document_start.tag_directives.end)
		line = directive_with_nul(r, ev);
	if (!line && !(tag && node_tag_has_nul(r, &ev->start_mark)))
		return 0;
	if (line)
		loc = (struct srcloc){ r->file, line, 1, 4 };
	yfail(r, &loc, "a tag holding a NUL character ('%%00')");
	yaml_event_delete(ev);
	return -1;
}

/* The next event; on a libyaml error, report it and return -1. */
static int next_event(struct yreader *r, yaml_event_t *ev)
{
	const yaml_parser_t *p = &r->parser;
	struct srcloc loc;

	if (yaml_parser_parse(&r->parser, ev))
		return tags_ok(r, ev);
	loc = p->error == YAML_READER_ERROR ? reader_error_loc(r) : mark_loc(r, &p->problem_mark, 1);
	if (p->context && p->context_mark.line != p->problem_mark.line)
		yfail(r, &loc, "%s %s started at line %u", p->problem ? p->problem : "invalid YAML",
		      p->context, (unsigned)p->context_mark.line + 1);
	else
		yfail(r, &loc, "%s%s%s%s", p->problem ? p->problem : "invalid YAML",
		      p->context ? " " : "", p->context ? p->context : "",
		      at_tab(r) ? " (a tab: YAML indents with spaces only)" : "");
	return -1;
}

/* n values more for the document (or entry); -1 (reported) past the budget. */
static int take_values(struct yreader *r, size_t n, const struct srcloc *loc)
{
	if (!jv_budget_take(&r->values, n))
		return 0;
	jv_budget_fail(&r->values, r->d, loc);
	r->failed = 1;
	return -1;
}

/* n nodes an anchor keeps or an alias adds (at loc); -1 (reported) past the budget. */
static int take_alias_budget(struct yreader *r, size_t n, const struct srcloc *loc)
{
	if (n > r->budget) {
		yfail(r, loc, "anchors and aliases take more than %d nodes", ALIAS_BUDGET);
		return -1;
	}
	r->budget -= n;
	return 0;
}

/* Keep a copy of v, the value of anchor name (at loc); -1 (reported) past the budget. */
static int remember_anchor(struct yreader *r, const yaml_char_t *name, const struct jv *v,
			   const struct srcloc *loc)
{
	struct anchor *a;

	if (!name || take_alias_budget(r, jv_count_nodes(v), loc))
		return name ? -1 : 0;
	ALLOC_GROW(r->anchors, r->nanchors, r->anchors_alloc);
	a = &r->anchors[r->nanchors++];
	a->name = xstrdup((const char *)name);
	a->v = jv_copy(v);
	/* a name defined again: later aliases are of the later definition */
	hashset_add(&r->anchor_index, a->name, strlen(a->name), NULL)->val =
		(void *)(uintptr_t)r->nanchors;
	return 0;
}

static void anchors_release(struct yreader *r)
{
	size_t i;

	for (i = 0; i < r->nanchors; i++) {
		free(r->anchors[i].name);
		jv_free(r->anchors[i].v);
	}
	free(r->anchors);
	hashset_release(&r->anchor_index);
}

static struct jv *resolve_alias(struct yreader *r, const yaml_event_t *ev)
{
	struct srcloc loc = mark_loc(r, &ev->start_mark, 1);
	const char *name = (const char *)ev->data.alias.anchor;
	const struct hashset_entry *e = hashset_find(&r->anchor_index, name, strlen(name));
	const struct jv *v;
	size_t n;

	if (!e) {
		yfail(r, &loc, "unknown alias '*%s'", name);
		return NULL;
	}
	v = r->anchors[(uintptr_t)e->val - 1].v;
	n = jv_count_nodes(v);
	if (take_alias_budget(r, n, &loc) || take_values(r, n, &loc))
		return NULL;
	return jv_copy(v);
}

/* The first byte first: most scalars (keys, roles, names) match no word. */
static int word_in(const char *s, const char *const *words)
{
	for (; *words; words++)
		if (s[0] == (*words)[0] && !strcmp(s, *words))
			return 1;
	return 0;
}

/* The value rule is number.c's, shared with the JSON reader. */
static struct jv *make_number(struct yreader *r, const char *s, size_t len,
			      const struct srcloc *loc)
{
	struct strbuf err = STRBUF_INIT;
	struct jv *v = NULL;
	double n;

	if (number_parse(s, len, &n, &err))
		yfail(r, loc, "%s", err.buf);
	else
		(v = jv_new(JV_NUMBER, loc))->u.number = n;
	strbuf_release(&err);
	return v;
}

/*
 * The YAML 1.2 core schema (10.3.2): the forms of null, bool, int and
 * float.  A plain scalar is the first type whose form it has, else a
 * string; a scalar with an explicit tag must have the tag's form,
 * whatever its style (!!int '12' is 12), and is refused with its location
 * otherwise.  !!str and the non-specific "!" make any scalar a string.
 */
enum core_type { CORE_NULL, CORE_BOOL, CORE_INT, CORE_FLOAT, CORE_STR };

static const char *const nulls[] = { "", "~", "null", "Null", "NULL", NULL };
static const char *const trues[] = { "true", "True", "TRUE", NULL };
static const char *const falses[] = { "false", "False", "FALSE", NULL };
static const char *const specials[] = { ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF",
					"-.inf", "-.Inf", "-.INF", ".nan", ".NaN", ".NAN", NULL };

static const struct core_tag {
	const char *tag;        /* after "tag:yaml.org,2002:" */
	enum core_type type;
	const char *form;       /* for messages */
} core_tags[] = {
	{ "null", CORE_NULL, "null, Null, NULL, ~ or nothing" },
	{ "bool", CORE_BOOL, "true or false" },
	{ "int", CORE_INT, "an integer such as 12, -3, 0x1F or 0o17" },
	{ "float", CORE_FLOAT, "a number such as 1.5, 2e3 or 12" },
	{ "str", CORE_STR, NULL },
	{ "!", CORE_STR, NULL },
};

/* [-+]?[0-9]+, 0x[0-9a-fA-F]+ or 0o[0-7]+ */
static int int_literal(const char *s, size_t len)
{
	size_t i = len && (s[0] == '-' || s[0] == '+');

	if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'o'))
		return number_literal(s, len);
	if (i == len)
		return 0;
	for (; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

static enum core_type core_type_of(const char *s, size_t len)
{
	if (word_in(s, nulls))
		return CORE_NULL;
	if (word_in(s, trues) || word_in(s, falses))
		return CORE_BOOL;
	if (int_literal(s, len))
		return CORE_INT;
	if (word_in(s, specials) || number_literal(s, len))
		return CORE_FLOAT;
	return CORE_STR;
}

/* s as a value of type (whose form it has). */
static struct jv *core_value(struct yreader *r, enum core_type type, const char *s, size_t len,
			     const struct srcloc *loc)
{
	struct jv *v;

	switch (type) {
	case CORE_NULL:
		return jv_new(JV_NULL, loc);
	case CORE_BOOL:
		v = jv_new(JV_BOOL, loc);
		v->u.boolean = word_in(s, trues);
		return v;
	case CORE_INT:
	case CORE_FLOAT:
		if (word_in(s, specials)) {
			yfail(r, loc, "'%s': infinity and NaN cannot be written in JSON", s);
			return NULL;
		}
		return make_number(r, s, len, loc);
	case CORE_STR:
		break;
	}
	v = jv_stringn(s, len);
	v->loc = *loc;
	return v;
}

static const char *short_tag(const yaml_char_t *tag)
{
	static const char prefix[] = "tag:yaml.org,2002:";

	if (!tag)
		return NULL;
	if (!strncmp((const char *)tag, prefix, sizeof(prefix) - 1))
		return (const char *)tag + sizeof(prefix) - 1;
	return (const char *)tag;
}

/* An unsupported tag, shown as written for the core schema's ("!!map"). */
static void unsupported_tag(struct yreader *r, const struct srcloc *loc, const yaml_char_t *tag,
			    const char *hint)
{
	const char *t = short_tag(tag);

	yfail(r, loc, "unsupported tag '%s%s' (%s)", t != (const char *)tag ? "!!" : "",
	      quote_show(t), hint);
}

/* The core schema's entry for an explicit tag; NULL (reported) for any other tag. */
static const struct core_tag *core_tag(struct yreader *r, const yaml_char_t *tag,
				       const struct srcloc *loc)
{
	const char *t = short_tag(tag);
	size_t i;

	for (i = 0; i < ARRAY_SIZE(core_tags); i++)
		if (!strcmp(t, core_tags[i].tag))
			return &core_tags[i];
	unsupported_tag(r, loc, tag, "a scalar takes !!str, !!int, !!float, !!bool or !!null");
	return NULL;
}

static struct jv *scalar(struct yreader *r, const yaml_event_t *ev)
{
	const char *s = (const char *)ev->data.scalar.value;
	size_t len = ev->data.scalar.length;
	struct srcloc loc = mark_loc(r, &ev->start_mark,
				     ev->end_mark.line == ev->start_mark.line ?
				     ev->end_mark.column - ev->start_mark.column : 1);
	const struct core_tag *ct;
	enum core_type have;

	if (memchr(s, '\0', len)) {
		yfail(r, &loc, "a NUL character in a scalar");
		return NULL;
	}
	if (!ev->data.scalar.tag) {
		int plain = ev->data.scalar.plain_implicit &&
			    ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;

		return core_value(r, plain ? core_type_of(s, len) : CORE_STR, s, len, &loc);
	}
	if (!(ct = core_tag(r, ev->data.scalar.tag, &loc)))
		return NULL;
	have = ct->type == CORE_STR ? CORE_STR : core_type_of(s, len);
	/* every integer is a float too */
	if (have != ct->type && !(ct->type == CORE_FLOAT && have == CORE_INT)) {
		yfail(r, &loc, "'%s' is not a !!%s: the YAML 1.2 core schema's !!%s is %s",
		      quote_show_n(s, len), ct->tag, ct->tag, ct->form);
		return NULL;
	}
	return core_value(r, ct->type, s, len, &loc);
}

static struct jv *parse_node(struct yreader *r, yaml_event_t *ev);

static int check_collection_tag(struct yreader *r, const yaml_char_t *tag, const char *want,
				const struct srcloc *loc)
{
	const char *t = short_tag(tag);

	if (t && strcmp(t, want) && strcmp(t, "!")) {
		unsupported_tag(r, loc, tag, !strcmp(want, "seq") ? "a list takes !!seq" :
				"a mapping takes !!map");
		return -1;
	}
	return 0;
}

static struct jv *parse_sequence(struct yreader *r, const yaml_event_t *start)
{
	struct srcloc loc = mark_loc(r, &start->start_mark, 1);
	struct jv *arr;
	yaml_event_t ev;

	if (check_collection_tag(r, start->data.sequence_start.tag, "seq", &loc))
		return NULL;
	arr = jv_new(JV_ARRAY, &loc);
	for (;;) {
		struct jv *item;

		if (next_event(r, &ev))
			break;
		if (ev.type == YAML_SEQUENCE_END_EVENT) {
			yaml_event_delete(&ev);
			jv_fit(arr);
			return arr;
		}
		item = parse_node(r, &ev);
		yaml_event_delete(&ev);
		if (!item)
			break;
		jv_append(arr, item);
	}
	jv_free(arr);
	return NULL;
}

/* A key is a string: its tag, if any, is !!str or "!" (else reported). */
static int key_tag_ok(struct yreader *r, const yaml_char_t *tag, const struct srcloc *loc)
{
	const struct core_tag *ct = core_tag(r, tag, loc);

	if (ct && ct->type != CORE_STR)
		yfail(r, loc, "a mapping key is a string: it cannot be tagged !!%s", ct->tag);
	return ct && ct->type == CORE_STR;
}

/* 0 if the key event (a scalar, at kloc) may be added to obj, else -1 (reported). */
static int key_ok(struct yreader *r, const struct jv *obj, struct hashset *seen,
		  const yaml_event_t *kev, const struct srcloc *kloc)
{
	const char *key = (const char *)kev->data.scalar.value;
	const struct jv_member *dup;

	if (kev->data.scalar.tag && !key_tag_ok(r, kev->data.scalar.tag, kloc))
		return -1;
	if (strlen(key) != kloc->len) {
		yfail(r, kloc, "a mapping key holds a NUL character");
		return -1;
	}
	if ((dup = jv_find_dup(obj, seen, key))) {
		yfail(r, kloc, "duplicate key '%s' (first at line %u)", quote_show(key), dup->loc.line);
		return -1;
	}
	return 0;
}

/*
 * One key: value pair of a mapping; 1 end of mapping, 0 added, -1 error.
 * The key is read from its event (libyaml ends the scalar with a NUL),
 * which is kept until the pair is added: jv_push() copies it once.
 */
static int parse_pair(struct yreader *r, struct jv *obj, struct hashset *seen)
{
	yaml_event_t kev, ev;
	struct srcloc kloc;
	struct jv *val = NULL;

	if (next_event(r, &kev))
		return -1;
	if (kev.type == YAML_MAPPING_END_EVENT) {
		yaml_event_delete(&kev);
		return 1;
	}
	kloc = mark_loc(r, &kev.start_mark, 1);
	if (kev.type != YAML_SCALAR_EVENT) {
		yfail(r, &kloc, "a mapping key must be a plain string, not a list or mapping");
		yaml_event_delete(&kev);
		return -1;
	}
	kloc.len = (unsigned)kev.data.scalar.length;
	if (!key_ok(r, obj, seen, &kev, &kloc) && !next_event(r, &ev)) {
		val = parse_node(r, &ev);
		yaml_event_delete(&ev);
		if (val)
			jv_push(obj, (const char *)kev.data.scalar.value, val)->loc = kloc;
	}
	yaml_event_delete(&kev);
	return val ? 0 : -1;
}

static struct jv *parse_mapping(struct yreader *r, const yaml_event_t *start)
{
	struct srcloc loc = mark_loc(r, &start->start_mark, 1);
	struct hashset seen = HASHSET_INIT;
	struct jv *obj;
	int rc;

	if (check_collection_tag(r, start->data.mapping_start.tag, "map", &loc))
		return NULL;
	obj = jv_new(JV_OBJECT, &loc);
	while ((rc = parse_pair(r, obj, &seen)) == 0)
		;
	hashset_release(&seen);
	if (rc > 0) {
		jv_fit(obj);
		return obj;
	}
	jv_free(obj);
	return NULL;
}

static struct jv *parse_node(struct yreader *r, yaml_event_t *ev)
{
	struct srcloc loc = mark_loc(r, &ev->start_mark, 1);
	const yaml_char_t *anchor = NULL;
	struct jv *v = NULL;

	if (++r->depth > YAML_DEPTH_MAX) {
		yfail(r, &loc, "nesting deeper than %d levels", YAML_DEPTH_MAX);
		r->depth--;
		return NULL;
	}
	if (ev->type != YAML_ALIAS_EVENT && take_values(r, 1, &loc)) {
		r->depth--;
		return NULL;
	}
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		v = scalar(r, ev);
		anchor = ev->data.scalar.anchor;
		break;
	case YAML_SEQUENCE_START_EVENT:
		v = parse_sequence(r, ev);
		anchor = ev->data.sequence_start.anchor;
		break;
	case YAML_MAPPING_START_EVENT:
		v = parse_mapping(r, ev);
		anchor = ev->data.mapping_start.anchor;
		break;
	case YAML_ALIAS_EVENT:
		v = resolve_alias(r, ev);
		break;
	default:
		yfail(r, &loc, "unexpected YAML event");
		break;
	}
	if (v && anchor && remember_anchor(r, anchor, v, &loc)) {
		jv_free(v);
		v = NULL;
	}
	r->depth--;
	return v;
}

/* STREAM_START, DOCUMENT_START, the root node, DOCUMENT_END, STREAM_END. */
static struct jv *parse_stream(struct yreader *r)
{
	yaml_event_t ev;
	struct jv *root = NULL;

	if (next_event(r, &ev))
		return NULL;
	yaml_event_delete(&ev);   /* STREAM_START */
	if (next_event(r, &ev))
		return NULL;
	if (ev.type == YAML_STREAM_END_EVENT) {
		yaml_event_delete(&ev);
		return jv_new(JV_NULL, &(struct srcloc){ r->file, 1, 1, 0 });
	}
	yaml_event_delete(&ev);   /* DOCUMENT_START */
	if (next_event(r, &ev))
		return NULL;
	root = parse_node(r, &ev);
	yaml_event_delete(&ev);
	if (!root || next_event(r, &ev))
		goto fail;
	yaml_event_delete(&ev);   /* DOCUMENT_END */
	if (next_event(r, &ev))
		goto fail;
	if (ev.type != YAML_STREAM_END_EVENT) {
		struct srcloc loc = mark_loc(r, &ev.start_mark, 1);

		yfail(r, &loc, "more than one YAML document in the file");
		yaml_event_delete(&ev);
		goto fail;
	}
	yaml_event_delete(&ev);
	return root;
fail:
	jv_free(root);
	return NULL;
}

/* libyaml's own message for bad UTF-8 has no line: find it ourselves. */
static void report_bad_utf8(struct yreader *r, const char *data, size_t bad)
{
	const char *ls = data;
	unsigned line = 1;
	size_t i;

	for (i = 0; i < bad; i++)
		if (data[i] == '\n')
			line++, ls = data + i + 1;
	yfail(r, &(struct srcloc){ r->file, line, (unsigned)(data + bad - ls) + 1, 1 },
	      "invalid UTF-8 (byte 0x%02x)", (unsigned char)data[bad]);
}

/*
 * One parser per thread, reset between documents: yaml_parser_initialize()
 * allocates 64 KiB of buffers, which cost more than parsing a small
 * template, and a catalogue may have 100,000 of them (docs/performance.md).
 * The reset frees what yaml_parser_delete() frees and sets the fields as
 * yaml_parser_initialize() does (libyaml 0.2's public yaml_parser_t),
 * keeping the buffers, queue and stacks.
 */
static _Thread_local yaml_parser_t spare;
static _Thread_local int have_spare;

static void parser_take(yaml_parser_t *p)
{
	if (!have_spare) {
		yaml_parser_initialize(p);
		return;
	}
	*p = spare;
	have_spare = 0;
}

#define KEEP_BUFFER(f) (keep.f.start = keep.f.pointer = keep.f.last = p->f.start, keep.f.end = p->f.end)
#define KEEP_STACK(f) (keep.f.start = keep.f.top = p->f.start, keep.f.end = p->f.end)

static void parser_give_back(yaml_parser_t *p)
{
	yaml_parser_t keep;

	if (have_spare || !p->raw_buffer.start) {
		yaml_parser_delete(p);
		return;
	}
	while (p->tokens.head != p->tokens.tail)
		yaml_token_delete(p->tokens.head++);
	for (; p->tag_directives.top != p->tag_directives.start; p->tag_directives.top--) {
		free(p->tag_directives.top[-1].handle);
		free(p->tag_directives.top[-1].prefix);
	}
	memset(&keep, 0, sizeof(keep));
	KEEP_BUFFER(raw_buffer);
	KEEP_BUFFER(buffer);
	keep.tokens.start = keep.tokens.head = keep.tokens.tail = p->tokens.start;
	keep.tokens.end = p->tokens.end;
	KEEP_STACK(indents);
	KEEP_STACK(simple_keys);
	KEEP_STACK(states);
	KEEP_STACK(marks);
	KEEP_STACK(tag_directives);
	spare = keep;
	have_spare = 1;
	memset(p, 0, sizeof(*p));
}

void yaml_release_thread(void)
{
	if (have_spare)
		yaml_parser_delete(&spare);
	have_spare = 0;
}

struct jv *yaml_parse(const char *data, size_t len, const char *file, struct diag *d)
{
	struct yreader r;
	struct jv *root;
	size_t bad;

	memset(&r, 0, sizeof(r));
	r.file = path_intern(file);
	r.d = d;
	r.budget = ALIAS_BUDGET;
	diag_add_source(d, r.file, data, len);
	if (utf8_check(data, len, &bad)) {
		report_bad_utf8(&r, data, bad);
		return NULL;
	}
	parser_take(&r.parser);
	yaml_parser_set_input_string(&r.parser, (const unsigned char *)data, len);
	yaml_parser_set_encoding(&r.parser, YAML_UTF8_ENCODING);
	root = parse_stream(&r);
	parser_give_back(&r.parser);
	anchors_release(&r);
	if (r.failed) {
		jv_free(root);
		return NULL;
	}
	return root;
}

struct jv *doc_parse(const char *data, size_t len, const char *name, struct diag *d)
{
	size_t n = strlen(name);

	if (n > 5 && !strcmp(name + n - 5, ".json"))
		return json_parse(data, len, name, d);
	return yaml_parse(data, len, name, d);
}

struct jv *doc_load(const char *root, const char *rel, const char *display,
		    enum fs_kind kind, struct diag *d)
{
	struct strbuf sb = STRBUF_INIT, err = STRBUF_INIT;
	char *name = display ? xstrdup(display) : root ? path_join(root, rel) : xstrdup(rel);
	struct jv *v = NULL;

	if (fs_read_file(&sb, root, rel, name, kind, &err))
		diag_fail(d, "%s", err.buf);
	else
		v = doc_parse(sb.buf, sb.len, name, d);
	strbuf_release(&sb);   /* also after a failed read: it may have grown */
	strbuf_release(&err);
	free(name);
	return v;
}

/* ---- a list read one item at a time ------------------------------------ */

struct yaml_stream {
	struct yreader r;
	const char *key;
	int in_mapping;
	int done;
};

/* Read events up to the start of the list; 0, or -1 (reported). */
static int stream_open_list(struct yaml_stream *s, const char *key)
{
	struct yreader *r = &s->r;
	yaml_event_t ev;
	int i, ok;

	for (i = 0; i < 2; i++) {   /* STREAM_START, DOCUMENT_START */
		if (next_event(r, &ev))
			return -1;
		ok = ev.type == (i ? YAML_DOCUMENT_START_EVENT : YAML_STREAM_START_EVENT);
		yaml_event_delete(&ev);
		if (!ok)
			goto shape;
	}
	if (next_event(r, &ev))
		return -1;
	if (ev.type == YAML_MAPPING_START_EVENT) {
		s->in_mapping = 1;
		yaml_event_delete(&ev);
		if (next_event(r, &ev))
			return -1;
		ok = ev.type == YAML_SCALAR_EVENT && !strcmp((const char *)ev.data.scalar.value, key);
		yaml_event_delete(&ev);
		if (!ok || next_event(r, &ev))
			goto shape;
	}
	ok = ev.type == YAML_SEQUENCE_START_EVENT;
	if (!ok && s->in_mapping) {
		struct srcloc loc = mark_loc(r, &ev.start_mark, 1);

		yfail(r, &loc, "'%s' must be a list of rows ('- key: ...')", key);
	}
	yaml_event_delete(&ev);
	if (ok)
		return 0;
shape:
	if (!r->failed)
		yfail(r, &(struct srcloc){ r->file, 1, 1, 0 },
		      "expected a list, or a mapping holding only '%s'", key);
	return -1;
}

struct yaml_stream *yaml_stream_open(const char *data, size_t len, const char *file,
				     const char *key, struct diag *d)
{
	struct yaml_stream *s = xcalloc(1, sizeof(*s));
	size_t bad;

	s->r.file = path_intern(file);
	s->r.d = d;
	s->r.budget = ALIAS_BUDGET;
	s->key = key;
	diag_add_source(s->r.d, s->r.file, data, len);
	yaml_parser_initialize(&s->r.parser);
	if (utf8_check(data, len, &bad)) {
		report_bad_utf8(&s->r, data, bad);
	} else {
		yaml_parser_set_input_string(&s->r.parser, (const unsigned char *)data, len);
		yaml_parser_set_encoding(&s->r.parser, YAML_UTF8_ENCODING);
		if (!stream_open_list(s, key))
			return s;
	}
	yaml_stream_close(s);
	return NULL;
}

/* After the list: the mapping's end (no other key), the document's, the stream's. */
static int stream_close_list(struct yaml_stream *s)
{
	static const yaml_event_type_t want[] = { YAML_MAPPING_END_EVENT, YAML_DOCUMENT_END_EVENT,
						  YAML_STREAM_END_EVENT };
	yaml_event_t ev;
	size_t i;

	s->done = 1;
	for (i = s->in_mapping ? 0 : 1; i < ARRAY_SIZE(want); i++) {
		struct srcloc loc;
		int ok;

		if (next_event(&s->r, &ev))
			return -1;
		ok = ev.type == want[i];
		loc = mark_loc(&s->r, &ev.start_mark, 1);
		yaml_event_delete(&ev);
		if (!ok) {
			if (i == 0)
				yfail(&s->r, &loc, "the mapping may hold only '%s'", s->key);
			else
				yfail(&s->r, &loc, "more than one YAML document in the file");
			return -1;
		}
	}
	return 0;
}

int yaml_stream_next(struct yaml_stream *s, struct jv **out)
{
	yaml_event_t ev;

	*out = NULL;
	if (s->done || s->r.failed)
		return 0;   /* the end, or an error already reported */
	if (next_event(&s->r, &ev))
		return -1;
	if (ev.type == YAML_SEQUENCE_END_EVENT) {
		yaml_event_delete(&ev);
		return stream_close_list(s);
	}
	s->r.values = (struct jv_budget){ .entry = 1 };
	*out = parse_node(&s->r, &ev);
	yaml_event_delete(&ev);
	return *out ? 1 : -1;
}

void yaml_stream_close(struct yaml_stream *s)
{
	if (!s)
		return;
	yaml_parser_delete(&s->r.parser);
	anchors_release(&s->r);
	free(s);
}
