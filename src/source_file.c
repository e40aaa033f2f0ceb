/*
 * source_file.c: registry rows from a YAML or JSON file.
 *
 *	tool_registry:              # or the list at the top level
 *	  - key: ledger.reconcile
 *	    minRole: analyst        # or min_role
 *	    standards: [IFRS-15, SOX-404]
 */
#include "toolsync/registry.h"
#include "toolsync/yaml.h"

struct file_source {
	struct source base;
	struct jv *doc;
	const struct jv *rows;   /* the array of rows inside doc */
	size_t next;
};

static char *field_string(const struct jv *v, const char *key, const char *field,
			  struct diag *d)
{
	const char *what = v->kind != JV_STRING ? "must be a string" :
			   memchr(v->u.str.ptr, '\0', v->u.str.len) ? "holds a NUL character" : NULL;

	if (what && key)
		diag_error(d, &v->loc, "row '%s': '%s' %s, not %s", key, field, what, jv_kind_name(v->kind));
	else if (what)
		diag_error(d, &v->loc, "'%s' %s, not %s", field, what, jv_kind_name(v->kind));
	if (what)
		return NULL;
	return xstrdup(v->u.str.ptr);
}

static int read_standards(struct row *row, const struct jv *v, struct diag *d)
{
	size_t i;
	int bad = 0;

	if (v->kind != JV_ARRAY) {
		diag_error(d, &v->loc, "row '%s': 'standards' must be a list, not %s",
			   row->key, jv_kind_name(v->kind));
		return -1;
	}
	for (i = 0; i < v->u.arr.n; i++) {
		char *s = field_string(v->u.arr.v[i], row->key, "standards", d);

		if (!s) {
			bad = -1;
			continue;
		}
		strlist_add(&row->standards, s);
		free(s);
	}
	return bad;
}

/* The fields of one row object; every problem is reported. */
static int read_row(struct row *row, const struct jv *obj, struct diag *d)
{
	const struct jv_member *m;
	const struct jv *role = NULL, *std = NULL, *key = NULL;
	size_t i;
	int bad = 0;

	row->loc = obj->loc;
	for (i = 0; i < obj->u.obj.n; i++) {
		m = &obj->u.obj.v[i];
		if (!strcmp(m->key, "key"))
			key = m->val;
		else if ((!strcmp(m->key, "minRole") || !strcmp(m->key, "min_role")) && !role)
			role = m->val;
		else if (!strcmp(m->key, "standards"))
			std = m->val;
		else {
			diag_error(d, &m->loc, "unknown field '%s' in a registry row "
				   "(fields: key, minRole, standards)", m->key);
			bad = -1;
		}
	}
	if (!key || !role) {
		diag_error(d, &obj->loc, "registry row lacks '%s'", !key ? "key" : "minRole");
		return -1;
	}
	row->key_loc = key->loc;
	row->role_loc = role->loc;
	row->standards_loc = std ? std->loc : obj->loc;
	if (!(row->key = field_string(key, NULL, "key", d)))
		return -1;
	if (!(row->min_role = field_string(role, row->key, "minRole", d)))
		bad = -1;
	if (std && std->kind != JV_NULL && read_standards(row, std, d))
		bad = -1;
	return bad;
}

static int file_next(struct source *base, struct row *row, struct diag *d)
{
	struct file_source *fs = (struct file_source *)base;
	const struct jv *obj;

	row_init(row);
	if (fs->next >= fs->rows->u.arr.n)
		return 0;
	obj = fs->rows->u.arr.v[fs->next++];
	if (obj->kind != JV_OBJECT) {
		diag_error(d, &obj->loc, "a registry row must be a mapping, not %s",
			   jv_kind_name(obj->kind));
		return -1;
	}
	if (read_row(row, obj, d)) {
		row_release(row);
		return -1;
	}
	return 1;
}

static void file_close(struct source *base)
{
	struct file_source *fs = (struct file_source *)base;

	jv_free(fs->doc);
	free(fs);
}

static const struct source_ops file_ops = { file_next, file_close };

struct source *source_file_open(const struct ts_config *cfg, const char *path, struct diag *d)
{
	struct file_source *fs;
	struct jv *doc = doc_load(path, NULL, d);
	const struct jv *rows;

	(void)cfg;
	if (!doc)
		return NULL;
	rows = doc->kind == JV_OBJECT ? jv_get(doc, "tool_registry") : doc;
	if (!rows || rows->kind != JV_ARRAY) {
		diag_error(d, &doc->loc, "the registry must be a list of rows, or a mapping "
			   "with a 'tool_registry' list");
		jv_free(doc);
		return NULL;
	}
	if (doc->kind == JV_OBJECT && doc->u.obj.n != 1) {
		diag_error(d, &doc->loc, "the registry mapping may only hold 'tool_registry'");
		jv_free(doc);
		return NULL;
	}
	fs = xcalloc(1, sizeof(*fs));
	fs->base.ops = &file_ops;
	fs->base.name = path_intern(path);
	fs->doc = doc;
	fs->rows = rows;
	return &fs->base;
}
