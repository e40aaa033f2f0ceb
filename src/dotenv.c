/* SPDX-License-Identifier: Apache-2.0 */
/*
 * dotenv.c: env files with locations (see dotenv.h for the syntax).
 *
 * A hand-written scanner over the whole text rather than line by line,
 * because quoted values may span lines.  Columns count characters from 1.
 */
#include <errno.h>

#include "toolsync/dotenv.h"
#include "toolsync/fsutil.h"
#include "toolsync/secret.h"
#include "toolsync/utf8.h"


/* Characters of a variable name on a line being masked. */
static int is_secret_char(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_';
}

/*
 * Overwrite with '*' what must never be quoted back: anything secret.h
 * finds, and on a line whose variable name says it holds a secret,
 * everything after the name.  Lengths stay, so columns and carets still
 * line up.
 */
static void mask_secrets(char *buf, size_t len)
{
	size_t i, j, n;

	secret_mask(buf, len);
	for (i = 0; i < len; i = j + 1) {
		size_t start = i, name;

		for (j = i; j < len && buf[j] != '\n'; j++)
			;
		while (start < j && (buf[start] == ' ' || buf[start] == '\t'))
			start++;
		if (j - start > 7 && !memcmp(buf + start, "export ", 7))
			start += 7;
		for (name = start; name < j && (is_secret_char((unsigned char)buf[name]) &&
						buf[name] != '-'); name++)
			;
		if (name > start && secret_name(buf + start, name - start))
			for (n = name; n < j; n++)
				if (buf[n] != ' ' && buf[n] != '\t' && buf[n] != '=' && buf[n] != '\r' &&
				    buf[n] != '"' && buf[n] != '\'' && buf[n] != ':')
					buf[n] = '*';
	}
}

struct scanner {
	const char *file;   /* interned */
	const char *p, *end;
	const char *line_start;
	unsigned line;
	struct dotenv *env;
	struct diag *d;
};

static int is_blank(int c)
{
	return c == ' ' || c == '\t';
}

static int is_name_char(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_';
}

int dotenv_valid_name(const char *s)
{
	if (!*s || (*s >= '0' && *s <= '9'))
		return 0;
	for (; *s; s++)
		if (!is_name_char((unsigned char)*s))
			return 0;
	return 1;
}

/* At the end of a line: '\n', "\r\n", a lone '\r' at the end, or the end. */
static int at_eol(const struct scanner *s)
{
	if (s->p >= s->end || *s->p == '\n')
		return 1;
	return *s->p == '\r' && (s->p + 1 >= s->end || s->p[1] == '\n');
}

/* Columns count characters, not bytes, as everywhere else (and SARIF's columnKind). */
static struct srcloc here(const struct scanner *s, const char *at, size_t len)
{
	struct srcloc loc = { s->file, s->line, 1, (unsigned)len };

	if (at > s->line_start)
		loc.col += (unsigned)utf8_chars(s->line_start, (size_t)(at - s->line_start));
	return loc;
}

static void skip_blanks(struct scanner *s)
{
	while (s->p < s->end && is_blank(*s->p))
		s->p++;
}

/* Move past the end of the current line. */
static void next_line(struct scanner *s)
{
	const char *nl = memchr(s->p, '\n', (size_t)(s->end - s->p));

	s->p = nl ? nl + 1 : s->end;
	s->line++;
	s->line_start = s->p;
}

/* A newline inside a quoted value: the scanner moves to the next line. */
static void newline_in_value(struct scanner *s)
{
	s->p++;
	s->line++;
	s->line_start = s->p;
}

static struct dotenv_entry *add_entry(struct scanner *s, const char *name, size_t len,
				      const struct srcloc *loc)
{
	struct dotenv_entry *e;

	ALLOC_GROW(s->env->v, s->env->n, s->env->alloc);
	e = &s->env->v[s->env->n++];
	memset(e, 0, sizeof(*e));
	e->name = xmemdupz(name, len);
	e->loc = *loc;
	return e;
}

/* "export NAME=...": the keyword only counts when a name follows it. */
static void skip_export(struct scanner *s)
{
	const char *q = s->p + 6;

	if (s->end - s->p > 6 && !memcmp(s->p, "export", 6) && is_blank(*q)) {
		while (q < s->end && is_blank(*q))
			q++;
		if (q < s->end && is_name_char((unsigned char)*q))
			s->p = q;
	}
}

/* The name and '='; 0, or -1 after reporting the problem. */
static int scan_name(struct scanner *s, const char **name, size_t *len)
{
	const char *start = s->p, *q;
	struct srcloc loc;

	while (s->p < s->end && is_name_char((unsigned char)*s->p))
		s->p++;
	*name = start;
	*len = (size_t)(s->p - start);
	if (*len && !(*start >= '0' && *start <= '9') &&
	    (s->p >= s->end || is_blank(*s->p) || *s->p == '=' || at_eol(s))) {
		skip_blanks(s);
		if (s->p < s->end && *s->p == '=') {
			s->p++;
			return 0;
		}
		loc = here(s, s->p, 1);
		diag_error(s->d, &loc, "expected '=' after '%.*s'", (int)*len, start);
		return -1;
	}
	if (!*len && s->p < s->end && *s->p == '=') {
		loc = here(s, start, 1);
		diag_error(s->d, &loc, "missing variable name before '='");
		return -1;
	}
	for (q = start; q < s->end && !is_blank(*q) && *q != '=' && *q != '\n' && *q != '\r'; q++)
		;
	loc = here(s, start, (size_t)(q - start));
	{
		struct strbuf shown = STRBUF_INIT;

		strbuf_add(&shown, start, (size_t)(q - start));
		mask_secrets(shown.buf, shown.len);
		diag_error(s->d, &loc, "invalid variable name '%s' (letters, digits and '_', "
			   "not starting with a digit)", shown.buf);
		strbuf_release(&shown);
	}
	return -1;
}

/* After a closing quote: blanks, then the end of the line or a comment. */
static int scan_after_quote(struct scanner *s)
{
	struct srcloc loc;

	skip_blanks(s);
	if (at_eol(s) || *s->p == '#')
		return 0;
	loc = here(s, s->p, 1);
	diag_error(s->d, &loc, "unexpected text after the closing quote");
	return -1;
}

static const char *const escapes = "n\nr\rt\t\"\"\\\\$$''``";

/* One escape in double quotes: "\n" and friends; anything else stays as written. */
static void scan_escape(struct scanner *s, struct strbuf *val)
{
	const char *e;

	if (s->p + 1 < s->end && s->p[1] != '\0') {
		for (e = escapes; *e; e += 2)
			if (s->p[1] == e[0]) {
				strbuf_addch(val, e[1]);
				s->p += 2;
				return;
			}
	}
	strbuf_addch(val, '\\');
	s->p++;
}

/* A quoted value from its opening quote; 0, or -1 after reporting. */
static int scan_quoted(struct scanner *s, struct dotenv_entry *e)
{
	char quote = *s->p;
	struct srcloc open = here(s, s->p, 1);
	struct strbuf val = STRBUF_INIT;

	s->p++;
	e->value_loc = here(s, s->p, 0);
	e->verbatim = 1;
	while (s->p < s->end && *s->p != quote) {
		if (*s->p == '\n') {
			e->verbatim = 0;
			strbuf_addch(&val, '\n');
			newline_in_value(s);
		} else if (*s->p == '\r' && s->p + 1 < s->end && s->p[1] == '\n') {
			s->p++;         /* CRLF inside the value: one '\n' */
		} else if (*s->p == '\\' && quote == '"') {
			e->verbatim = 0;
			scan_escape(s, &val);
		} else {
			strbuf_addch(&val, *s->p++);
		}
	}
	if (s->p >= s->end) {
		diag_error(s->d, &open, "unterminated quoted value of '%s' (no closing %c)",
			   e->name, quote);
		strbuf_release(&val);
		return -1;
	}
	s->p++;
	e->value = strbuf_detach(&val, NULL);
	return scan_after_quote(s);
}

/* An unquoted value: to the end of the line or a " #" comment, trimmed. */
static void scan_unquoted(struct scanner *s, struct dotenv_entry *e)
{
	const char *start = s->p, *stop;

	e->value_loc = here(s, start, 0);
	e->verbatim = 1;
	while (!at_eol(s) && !(*s->p == '#' && s->p > s->line_start && is_blank(s->p[-1])))
		s->p++;
	stop = s->p;
	while (stop > start && (is_blank(stop[-1]) || stop[-1] == '\r'))
		stop--;
	e->value = xmemdupz(start, (size_t)(stop - start));
}

/* One line (or more, for a quoted value); 0, or -1 after reporting. */
static int scan_line(struct scanner *s)
{
	struct dotenv_entry *e;
	struct srcloc loc;
	const char *name;
	size_t len;
	int ret = 0;

	skip_blanks(s);
	if (at_eol(s) || *s->p == '#')
		goto done;
	skip_export(s);
	loc = here(s, s->p, 0);
	if (scan_name(s, &name, &len)) {
		ret = -1;
		goto done;
	}
	loc.len = (unsigned)len;
	e = add_entry(s, name, len, &loc);
	skip_blanks(s);
	if (s->p < s->end && (*s->p == '"' || *s->p == '\''))
		ret = scan_quoted(s, e);
	else
		scan_unquoted(s, e);
	if (!e->value) {        /* an unterminated quote: nothing to keep */
		free(e->name);
		s->env->n--;
	}
done:
	if (s->p < s->end)
		next_line(s);
	return ret;
}

/* A NUL byte would cut names and values short without a word. */
static int check_nul(struct scanner *s, const char *data, size_t len)
{
	const char *nul = memchr(data, '\0', len), *q;
	struct srcloc loc;

	if (!nul)
		return 0;
	loc = (struct srcloc){ s->file, 1, 0, 0 };
	for (q = data; q < nul; q++)
		if (*q == '\n') {
			loc.line++;
			s->line_start = q + 1;
		}
	loc.col = here(s, nul, 1).col;
	diag_error(s->d, &loc, "NUL byte in env file");
	return -1;
}

int dotenv_parse(struct dotenv *env, const char *file, const char *data, size_t len,
		 struct diag *d)
{
	struct scanner s = { path_intern(file), data, data + len, data, 1, env, d };
	unsigned errors = d->errors;

	{
		/* quoted lines show no secret: register a masked copy */
		char *masked = xmemdupz(data, len);

		mask_secrets(masked, len);
		diag_add_source(d, s.file, masked, len);
		free(masked);
	}
	if (check_nul(&s, data, len))
		return -1;
	/* a UTF-8 byte order mark, as some Windows editors write */
	if (len >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3))
		s.p = s.line_start = data + 3;   /* editors do not show it: not a column */
	while (s.p < s.end)
		scan_line(&s);
	return d->errors > errors ? -1 : 0;
}

int dotenv_load(struct dotenv *env, const char *path, struct diag *d)
{
	struct strbuf sb = STRBUF_INIT, err = STRBUF_INIT;
	int ret;

	if (fs_read_file(&sb, NULL, path, NULL, FS_ENV, &err)) {
		diag_fail(d, "%s", err.buf);
		strbuf_release(&sb);
		strbuf_release(&err);
		return -1;
	}
	ret = dotenv_parse(env, path, sb.buf, sb.len, d);
	strbuf_release(&sb);
	return ret;
}

const struct dotenv_entry *dotenv_find(const struct dotenv *env, const char *name)
{
	size_t i;

	for (i = env->n; i-- > 0;)
		if (!strcmp(env->v[i].name, name))
			return &env->v[i];
	return NULL;
}

void dotenv_release(struct dotenv *env)
{
	size_t i;

	for (i = 0; i < env->n; i++) {
		free(env->v[i].name);
		free(env->v[i].value);
	}
	free(env->v);
	env->v = NULL;
	env->n = env->alloc = 0;
}
