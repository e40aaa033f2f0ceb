/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd_import.c: toolsync import FILE...
 *
 * Every tool of the files becomes a template (templates/<key>.yaml) and a
 * row appended to the registry file.  All is checked before anything is
 * written: a template that exists, a key the registry has, a schema that
 * strict mode refuses (unless --fix makes it strict) stop the import with
 * nothing written.
 */
#include <errno.h>
#include <getopt.h>
#include <unistd.h>

#include "toolsync/cmd.h"
#include "toolsync/quote.h"
#include "toolsync/config.h"
#include "toolsync/fsutil.h"
#include "toolsync/hashset.h"
#include "toolsync/import.h"
#include "toolsync/registry.h"
#include "toolsync/secret.h"
#include "toolsync/strict.h"
#include "toolsync/target.h"
#include "toolsync/utf8.h"
#include "toolsync/varref.h"
#include "toolsync/term.h"
#include "toolsync/yaml.h"

struct import_cmd {
	const char *config_path, *templates, *registry, *role, *standards, *name;
	int fix;
	char **files;
	int nfiles;
};

enum { O_TEMPLATES = 256, O_REGISTRY, O_ROLE, O_STANDARDS, O_NAME, O_FIX };

const struct option cmd_import_options[] = {
	{ "config", required_argument, NULL, 'c' },
	{ "templates", required_argument, NULL, O_TEMPLATES },
	{ "registry", required_argument, NULL, O_REGISTRY },
	{ "role", required_argument, NULL, O_ROLE },
	{ "standards", required_argument, NULL, O_STANDARDS },
	{ "name", required_argument, NULL, O_NAME },
	{ "fix", no_argument, NULL, O_FIX },
	TERM_OPTIONS,
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int parse_options(struct import_cmd *o, int argc, char **argv)
{
	int c;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":c:qvh", cmd_import_options, NULL)) != -1) {
		if (!(c = term_option(c, optarg)))
			continue;
		switch (c) {
		case 'c': o->config_path = optarg; break;
		case O_TEMPLATES: o->templates = optarg; break;
		case O_REGISTRY: o->registry = optarg; break;
		case O_ROLE: o->role = optarg; break;
		case O_STANDARDS: o->standards = optarg; break;
		case O_NAME: o->name = optarg; break;
		case O_FIX: o->fix = 1; break;
		case 'h': return 1;
		default: return cmd_option_error("import", c, argv);
		}
	}
	if (optind == argc)
		return -usage_error("import", "give at least one FILE to import");
	o->files = argv + optind;
	o->nfiles = argc - optind;
	return 0;
}

/* What the import writes. */
struct plan {
	struct ts_config cfg;
	char *templates, *registry;   /* resolved paths */
	const char *reg_root;         /* the registry is reg_root/reg_rel (fs_read_file) */
	const char *reg_rel;
	struct import_list tools;
	char **keys;                  /* one per tool */
	struct strlist standards;
	const char *role;             /* NULL: the placeholder (the highest role) */
	struct strlist known;         /* the registry's keys */
	struct hashset names;         /* function names: the key giving each (borrowed) */
	struct strbuf rows;           /* the YAML rows to append */
	int strict_failed;            /* strict mode refused a schema (--fix may help) */
};

/* The key for a function name: lower case (keys are [a-z0-9._-]). */
static char *key_for(const struct import_tool *t, struct diag *d)
{
	char *key = xstrdup(t->name), *p;

	for (p = key; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	if (!strict_name_ok(t->name) || !key_is_valid(key)) {
		struct strbuf q = STRBUF_INIT;

		quote_add(&q, t->name, strlen(t->name), QUOTE_MAX);
		diag_error(d, &t->loc, "tool name '%s' gives no registry key: a key is "
			   "[a-z0-9][a-z0-9._-]*, at most 64 characters (a bare JSON Schema's "
			   "name is its title, else the file name: give another with --name NAME)",
			   q.buf);
		strbuf_release(&q);
		free(key);
		return NULL;
	}
	if (strcmp(key, t->name))
		diag_warning(d, &t->loc, "tool '%s' gets key '%s': its function name becomes '%s'",
			     t->name, key, key);
	return key;
}

static void fix_report(void *ctx, const struct srcloc *loc, const char *pointer,
		       const char *what)
{
	struct strbuf where = STRBUF_INIT;

	(void)ctx;
	if (!term_quiet()) {
		srcloc_format(&where, loc);
		strbuf_addstr(&where, where.len ? ": fixed: " : "fixed: ");
		quote_add(&where, pointer, strlen(pointer), 0);
		strbuf_addstr(&where, ": ");
		quote_add(&where, what, strlen(what), 0);
		printf("%s\n", where.buf);
	}
	strbuf_release(&where);
}

/*
 * A local $ref with other keys beside it is inlined when the template
 * loads (template.c), so it must name an object of the schema: checked
 * here too, below v (root: the parameters).  Depth-bounded by the reader.
 */
static void check_sibling_refs(const struct jv *root, const struct jv *v, struct diag *d)
{
	const struct jv *ref, *def;
	size_t i;

	if (v->kind == JV_ARRAY)
		for (i = 0; i < v->u.arr.n; i++)
			check_sibling_refs(root, v->u.arr.v[i], d);
	if (v->kind != JV_OBJECT)
		return;
	ref = jv_get(v, "$ref");
	if (ref && ref->kind == JV_STRING && ref->u.str.ptr[0] == '#' && v->u.obj.n > 1 && v == root)
		diag_error(d, &ref->loc, "the parameters schema is a $ref ('%s') with other keys "
			   "beside it: write the object itself", ref->u.str.ptr);
	else if (ref && ref->kind == JV_STRING && ref->u.str.ptr[0] == '#' && v->u.obj.n > 1 &&
		 (!(def = jv_pointer_get(root, ref->u.str.ptr + 1)) || def->kind != JV_OBJECT))
		diag_error(d, &ref->loc, def ? "$ref '%s' has other keys beside it, so it is "
			   "inlined, but it is not an object" : "$ref '%s' has other keys beside "
			   "it, so it is inlined, but it points at nothing", ref->u.str.ptr);
	for (i = 0; i < v->u.obj.n; i++)
		check_sibling_refs(root, v->u.obj.v[i].val, d);
}

/*
 * What build checks in the template and row written for t beyond OpenAI's
 * strict mode: a description, a local $ref it inlines (unless strict
 * mode's errors came first: they may name the same $ref), and the rules
 * of every target the configuration enables, for the schema and the
 * function name.
 */
static void check_as_build(const struct plan *p, const struct import_tool *t, const char *key,
			   int strict_failed, struct diag *d)
{
	const struct target_info *v;
	struct strbuf why = STRBUF_INIT;
	char name[KEY_MAX + 1];
	size_t n, i;

	if (!*t->description)
		diag_error(d, &t->loc, "tool '%s' has no description: a template needs one "
			   "(give the tool a 'description')", t->name);
	if (!strict_failed)   /* else a $ref may be reported twice */
		check_sibling_refs(t->parameters, t->parameters, d);
	key_function_name(name, key);
	v = target_list(&n);
	for (i = 0; i < n; i++) {
		if (!(p->cfg.targets & v[i].bit))
			continue;
		target_check_schema(v[i].bit, t->parameters, t->strict != 0, &p->cfg, d);
		if (target_check_name(v[i].bit, name, &why))
			diag_error(d, &t->loc, "target %s: key '%s' gives function name '%s': %s",
				   v[i].name, key, name, why.buf);
		strbuf_reset(&why);
	}
	strbuf_release(&why);
}

/*
 * key's function name taken for it (the registry's and the earlier
 * tools' names in p->names); 0, or -1 when another key gives it already.
 */
static int take_function_name(struct plan *p, const char *key, struct hashset_entry **by)
{
	char name[KEY_MAX + 1];
	struct hashset_entry *e;
	int added;

	if (strlen(key) > KEY_MAX)   /* a registry row build refuses anyway */
		return 0;
	key_function_name(name, key);
	e = hashset_add(&p->names, name, strlen(name), &added);
	if (added)
		e->val = (void *)key;
	*by = e;
	return added || !strcmp(e->val, key) ? 0 : -1;
}

/* Each tool: its key (new, not in the registry), its schema fixed or checked. */
static int check_tools(struct plan *p, const struct import_cmd *o, struct diag *d)
{
	struct hashset_entry *by;
	unsigned before;
	size_t i, j;

	p->keys = xcalloc(p->tools.n ? p->tools.n : 1, sizeof(*p->keys));
	for (i = 0; i < p->tools.n; i++) {
		struct import_tool *t = &p->tools.v[i];
		char *tpl;

		if (!(p->keys[i] = key_for(t, d)))
			continue;
		for (j = 0; j < i; j++)
			if (p->keys[j] && !strcmp(p->keys[j], p->keys[i]))
				diag_error(d, &t->loc, "tool '%s' is imported twice (key '%s')",
					   t->name, p->keys[i]);
		if (strlist_find(&p->known, p->keys[i]) >= 0)
			diag_error(d, &t->loc, "key '%s' is already in '%s'", p->keys[i], p->registry);
		else if (take_function_name(p, p->keys[i], &by))
			diag_error(d, &t->loc, "key '%s' gives function name '%s', which key '%s' "
				   "already gives", p->keys[i], by->key, (const char *)by->val);
		tpl = xstrfmt("%s/%s.yaml", p->templates, p->keys[i]);
		if (path_exists(tpl))
			diag_error(d, &t->loc, "template '%s' exists (import never overwrites)", tpl);
		free(tpl);
		if (o->fix && schema_fix(t->parameters, fix_report, NULL))
			t->strict = 1;
		before = d->errors;
		if (t->strict != 0)
			strict_check(t->parameters, d);
		p->strict_failed |= d->errors > before;
		check_as_build(p, t, p->keys[i], d->errors > before, d);
	}
	return d->errors ? -1 : 0;
}

/* The registry's keys (a missing file has none). */
static int read_known_keys(struct plan *p, struct diag *d)
{
	struct hashset_entry *by;
	struct source *src;
	struct row row;
	int r;

	if (!path_exists(p->registry))
		return 0;
	if (!(src = source_file_open(&p->cfg, p->reg_root, p->reg_rel, d)))
		return -1;
	row_init(&row);
	while ((r = source_next(src, &row, d)) > 0) {
		strlist_add(&p->known, row.key);
		take_function_name(p, p->known.v[p->known.n - 1], &by);
		row_release(&row);
		row_init(&row);
	}
	row_release(&row);
	source_close(src);
	return r < 0 ? -1 : 0;
}

/* s as a template's text: "${" would be read as a variable, "$${" is a literal one. */
static struct jv *text_value(const char *s, size_t len)
{
	struct strbuf esc = STRBUF_INIT;
	struct jv *v;

	varref_escape(&esc, s, len);
	v = jv_stringn(esc.buf, esc.len);
	strbuf_release(&esc);
	return v;
}

/* The same for every string where templates read variables (varref_text_key). */
static void escape_text(struct jv *v)
{
	size_t i;

	if (v->kind == JV_ARRAY)
		for (i = 0; i < v->u.arr.n; i++)
			escape_text(v->u.arr.v[i]);
	if (v->kind != JV_OBJECT)
		return;
	for (i = 0; i < v->u.obj.n; i++) {
		struct jv_member *m = &v->u.obj.v[i];

		if (m->val->kind == JV_STRING && varref_text_key(m->key)) {
			struct jv *e = text_value(m->val->u.str.ptr, m->val->u.str.len);

			jv_free(m->val);
			m->val = e;
		} else {
			escape_text(m->val);
		}
	}
}

static void template_text(struct strbuf *out, const struct import_tool *t, const char *file)
{
	struct jv *doc = jv_object(), *params = jv_copy(t->parameters);

	escape_text(params);
	jv_set(doc, "description", text_value(t->description, strlen(t->description)));
	jv_set(doc, "parameters", params);
	jv_set(doc, "strict", jv_bool(t->strict != 0));
	strbuf_addstr(out, "# Imported by 'toolsync import' from ");
	yaml_write_string(out, file, strlen(file));
	strbuf_addch(out, '\n');
	yaml_write(out, doc, 0);
	jv_free(doc);
}

static void row_text(struct plan *p, const char *key)
{
	size_t i;

	strbuf_addstr(&p->rows, "  - key: ");
	yaml_write_scalar(&p->rows, key, strlen(key));
	strbuf_addstr(&p->rows, "\n    minRole: ");
	if (p->role) {
		yaml_write_scalar(&p->rows, p->role, strlen(p->role));
	} else {
		const char *top = p->cfg.roles.v[p->cfg.roles.n - 1];

		yaml_write_scalar(&p->rows, top, strlen(top));
		strbuf_addstr(&p->rows, "   # placeholder (toolsync import --role): the lowest role that may use it");
	}
	strbuf_addstr(&p->rows, "\n    standards: [");
	for (i = 0; i < p->standards.n; i++) {
		if (i)
			strbuf_addstr(&p->rows, ", ");
		yaml_write_scalar(&p->rows, p->standards.v[i], strlen(p->standards.v[i]));
	}
	strbuf_addstr(&p->rows, "]");
	if (!p->standards.n)
		strbuf_addstr(&p->rows, "   # placeholder (--standards): what it supports evidence for");
	strbuf_addch(&p->rows, '\n');
}

/*
 * The rows of a registry text read entry by entry, as build reads them
 * (a tree of a 256 MiB registry would pass the readers' value budget);
 * -1 if it is not a list of rows.
 */
static long count_rows(const struct strbuf *text, const char *name, struct diag *d)
{
	struct yaml_stream *s = yaml_stream_open(text->buf, text->len, name, "tool_registry", d);
	struct jv *row;
	long n = 0;
	int r = -1;

	while (s && (r = yaml_stream_next(s, &row)) > 0) {
		jv_free(row);
		n++;
	}
	yaml_stream_close(s);
	return r ? -1 : n;
}

/* The rows for the user to add, on stderr: a key that looks like an API key masked. */
static void show_rows(const struct strbuf *rows)
{
	char *shown = xmemdupz(rows->buf, rows->len);

	secret_mask(shown, rows->len);
	fputs(shown, stderr);
	free(shown);
}

/* The registry with the rows appended; checked to read back as those rows. */
static int registry_text(struct plan *p, struct strbuf *out, struct diag *d)
{
	struct diag quiet = DIAG_INIT;
	struct strbuf err = STRBUF_INIT;
	int ok;

	if (fs_read_file(out, p->reg_root, p->reg_rel, p->registry, FS_REGISTRY, &err) &&
	    errno != ENOENT) {
		diag_fail(d, "%s", err.buf);
		strbuf_release(&err);
		return -1;
	}
	strbuf_release(&err);
	if (!out->len)
		strbuf_addstr(out, "tool_registry:\n");
	else if (out->buf[out->len - 1] != '\n')
		strbuf_addch(out, '\n');
	strbuf_addbuf(out, &p->rows);
	quiet.out = fopen("/dev/null", "w");
	ok = count_rows(out, p->registry, &quiet) == (long)(p->known.n + p->tools.n);
	if (quiet.out)
		fclose(quiet.out);
	if (!ok) {
		diag_fail(d, "cannot append rows to '%s' (its tool_registry is not the last "
			  "block list of the file); add these rows yourself:", p->registry);
		show_rows(&p->rows);
		return -1;
	}
	return 0;
}

/* Remove the first n templates written (a later write failed). */
static void unwrite(struct plan *p, size_t n)
{
	while (n--) {
		char *tpl = xstrfmt("%s/%s.yaml", p->templates, p->keys[n]);

		unlink(tpl);
		free(tpl);
	}
}

static int write_all(struct plan *p, const char *const *from,
		     struct diag *d)
{
	struct strbuf text = STRBUF_INIT, err = STRBUF_INIT, reg = STRBUF_INIT;
	struct strlist made = { 0 };
	size_t i;
	int r = -1;

	fs_missing_dirs(p->templates, &made);
	if (registry_text(p, &reg, d) || fs_mkdirs(p->templates, 0777, &err))
		goto out;
	for (i = 0; i < p->tools.n; i++) {
		char *tpl = xstrfmt("%s/%s.yaml", p->templates, p->keys[i]);

		strbuf_reset(&text);
		template_text(&text, &p->tools.v[i], from[i]);
		r = fs_write_new(tpl, text.buf, text.len, 0666, &err);
		if (!r && !term_quiet())
			printf("wrote %s\n", quote_path(tpl));
		free(tpl);
		if (r) {
			unwrite(p, i);
			goto out;
		}
	}
	if ((r = fs_write_atomic(p->registry, reg.buf, reg.len, 0666, &err))) {
		unwrite(p, p->tools.n);
		goto out;
	}
	if (!term_quiet())
		printf("added %zu row%s to %s\n", p->tools.n, p->tools.n == 1 ? "" : "s",
		       quote_path(p->registry));
out:
	if (r)
		fs_unmake(&made);
	strlist_release(&made);
	if (err.len)
		diag_fail(d, "%s; nothing written", err.buf);
	strbuf_release(&text);
	strbuf_release(&err);
	strbuf_release(&reg);
	return r;
}

/* The configuration as a message about --role or --standards names it. */
static const char *config_shown(const struct plan *p)
{
	return p->cfg.path ? p->cfg.path : "the defaults (no toolsync.yaml here)";
}

/* --role and --standards, checked against the configuration. */
static int check_row_options(struct plan *p, const struct import_cmd *o, struct diag *d)
{
	struct strbuf known = STRBUF_INIT;
	char *list, *tok, *save = NULL;

	if ((p->role = o->role) && config_role_rank(&p->cfg, o->role) < 0) {
		registry_list_roles(&known, &p->cfg);
		diag_fail(d, "--role '%s' is not a role of %s (roles: %s)", quote_show(o->role),
			  config_shown(p), known.buf);
		strbuf_reset(&known);
	}
	if (!o->standards) {
		strbuf_release(&known);
		return d->errors ? -1 : 0;
	}
	list = xstrdup(o->standards);
	for (tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (p->cfg.has_standards && strlist_find(&p->cfg.standards, tok) < 0) {
			if (!known.len)
				registry_list_standards(&known, &p->cfg);
			diag_fail(d, "--standards: '%s' is not in the standards of %s (standards: %s)",
				  quote_show(tok), config_shown(p), known.buf);
		}
		strlist_add(&p->standards, tok);
	}
	free(list);
	strbuf_release(&known);
	return d->errors ? -1 : 0;
}

/*
 * The templates directory of the configuration, reached as build reaches
 * it (no link followed, below the configuration's directory): import
 * writes only where build reads.  A missing one is made (write_all).
 * --templates DIR is followed as the user gave it.
 */
static int templates_reachable(const struct plan *p, const struct import_cmd *o,
			       struct diag *d)
{
	struct strbuf err = STRBUF_INIT;
	int fd, e;

	if (o->templates)
		return 0;
	fd = fs_open_dir_under(p->cfg.base_dir, p->cfg.templates, p->templates, &err);
	e = errno;
	if (fd >= 0)
		close(fd);
	else if (e != ENOENT)
		diag_fail(d, "%s", err.buf);
	strbuf_release(&err);
	return fd < 0 && e != ENOENT ? -1 : 0;
}

static int load_plan(struct plan *p, const struct import_cmd *o, const char ***from,
		     struct diag *d)
{
	int i;

	if (config_load(&p->cfg, o->config_path ? o->config_path : "toolsync.yaml",
			o->config_path != NULL, d) || check_row_options(p, o, d))
		return -1;
	p->templates = o->templates ? xstrdup(o->templates) : config_path(&p->cfg, p->cfg.templates);
	if (templates_reachable(p, o, d))
		return -1;
	if (!o->registry && p->cfg.registry_is_pg)
		return diag_fail(d, "the registry is in PostgreSQL: give --registry FILE for the "
				 "rows, then insert them"), -1;
	p->registry = o->registry ? xstrdup(o->registry) : config_path(&p->cfg, p->cfg.registry);
	p->reg_root = o->registry ? NULL : p->cfg.base_dir;
	p->reg_rel = o->registry ? o->registry : p->cfg.registry;
	if (read_known_keys(p, d))
		return -1;
	for (i = 0; i < o->nfiles; i++) {
		struct jv *doc = doc_load(NULL, o->files[i], NULL, FS_IMPORT, d);
		size_t before = p->tools.n, k;

		if (!doc)
			continue;
		import_read(doc, o->files[i], o->name, &p->tools, d);
		*from = xrealloc(*from, (p->tools.n + 1) * sizeof(**from));
		for (k = before; k < p->tools.n; k++)
			(*from)[k] = o->files[i];
		jv_free(doc);
	}
	if (!d->errors && !p->tools.n)
		diag_fail(d, "no tools in %s", o->nfiles == 1 ? o->files[0] : "the files");
	return d->errors ? -1 : check_tools(p, o, d);
}

static void plan_release(struct plan *p)
{
	size_t i;

	for (i = 0; p->keys && i < p->tools.n; i++)
		free(p->keys[i]);
	free(p->keys);
	import_list_release(&p->tools);
	strlist_release(&p->standards);
	strlist_release(&p->known);
	hashset_release(&p->names);
	strbuf_release(&p->rows);
	free(p->templates);
	free(p->registry);
	config_release(&p->cfg);
}

int cmd_import(int argc, char **argv)
{
	struct import_cmd o;
	struct plan p;
	struct diag d = DIAG_INIT;
	const char **from = NULL;
	size_t i;
	int r;

	memset(&o, 0, sizeof(o));
	memset(&p, 0, sizeof(p));
	if ((r = parse_options(&o, argc, argv)))
		return r > 0 ? cmd_help("import") : -r;
	r = EXIT_ERROR;
	if (!load_plan(&p, &o, &from, &d)) {
		for (i = 0; i < p.tools.n; i++)
			row_text(&p, p.keys[i]);
		if (!write_all(&p, from, &d))
			r = EXIT_OK;
	}
	if (d.errors) {
		if (!o.fix && p.strict_failed)
			fprintf(stderr, "toolsync: import failed with %u error%s; nothing written "
				"(--fix makes a schema strict)\n", d.errors, d.errors == 1 ? "" : "s");
		else
			fprintf(stderr, "toolsync: import failed with %u error%s; nothing written\n",
				d.errors, d.errors == 1 ? "" : "s");
	}
	free(from);
	plan_release(&p);
	return r;
}
