/* SPDX-License-Identifier: Apache-2.0 */
/*
 * source_file.c: registry rows from a YAML or JSON file.
 *
 *	tool_registry:              # or the list at the top level
 *	  - key: ledger.reconcile
 *	    minRole: analyst        # or min_role
 *	    standards: [IFRS-15, SOX-404]
 */
#include <errno.h>

#include "toolsync/registry.h"
#include "toolsync/fsutil.h"
#include "toolsync/yaml.h"

/*
 * The file is read whole, but parsed one row at a time: only the current
 * row's tree is in memory, whatever the number of rows.
 */
struct file_source {
	struct source base;
	struct strbuf text;
	struct json_stream *js;   /* one of these two */
	struct yaml_stream *ys;
	size_t rows;              /* read so far, good or bad */
	int failed, ended;
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
	if (v->u.arr.n)
		row->standard_locs = xcalloc(v->u.arr.n, sizeof(*row->standard_locs));
	for (i = 0; i < v->u.arr.n; i++) {
		char *s = field_string(v->u.arr.v[i], row->key, "standards", d);

		if (!s) {
			bad = -1;
			continue;
		}
		row->standard_locs[row->standards.n] = v->u.arr.v[i]->loc;
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
		else if ((!strcmp(m->key, "minRole") || !strcmp(m->key, "min_role")) && role) {
			diag_error(d, &m->loc, "a registry row has both 'minRole' and 'min_role': "
				   "keep one");
			bad = -1;
		} else if (!strcmp(m->key, "minRole") || !strcmp(m->key, "min_role"))
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
	struct jv *obj;
	int r;

	row_init(row);
	if (fs->ended)
		return 0;
	r = fs->js ? json_stream_next(fs->js, &obj) : yaml_stream_next(fs->ys, &obj);
	fs->failed |= r < 0;
	if (r == 0 && !fs->rows && !fs->failed) {
		/* as for an empty table (source_pg.c): a build would remove every manifest */
		fs->ended = 1;
		diag_error(d, &(struct srcloc){ fs->base.name, 0, 0, 0 }, "the registry holds "
			   "no rows: a build would remove every tool (an empty catalogue is "
			   "almost always a mistake; remove the manifests by hand if it is not)");
		return -1;
	}
	if (r <= 0)
		return r;
	fs->rows++;
	if (obj->kind != JV_OBJECT) {
		diag_error(d, &obj->loc, "a registry row must be a mapping, not %s",
			   jv_kind_name(obj->kind));
		r = -2;
	} else if (read_row(row, obj, d)) {
		row_release(row);
		r = -2;
	}
	jv_free(obj);
	/* a bad row is reported; the rows after it are still read */
	return r == -2 ? -1 : 1;
}

static void file_close(struct source *base)
{
	struct file_source *fs = (struct file_source *)base;

	if (fs->js)
		json_stream_close(fs->js);
	if (fs->ys)
		yaml_stream_close(fs->ys);
	strbuf_release(&fs->text);
	free(fs);
}

static const struct source_ops file_ops = { file_next, file_close };

static int has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

struct source *source_file_open(const struct ts_config *cfg, const char *root, const char *path,
				struct diag *d)
{
	struct file_source *fs = xcalloc(1, sizeof(*fs));
	struct strbuf err = STRBUF_INIT;
	char *joined = root ? path_join(root, path) : xstrdup(path);
	const char *name = path_intern(joined);

	(void)cfg;
	free(joined);
	fs->base.ops = &file_ops;
	fs->base.name = name;
	if (fs_read_file(&fs->text, root, path, name, FS_REGISTRY, &err)) {
		diag_fail(d, "%s", err.buf);
	} else if (has_suffix(path, ".json")) {
		fs->js = json_stream_open(fs->text.buf, fs->text.len, name, "tool_registry", d);
	} else {
		fs->ys = yaml_stream_open(fs->text.buf, fs->text.len, name, "tool_registry", d);
	}
	strbuf_release(&err);
	if (fs->js || fs->ys)
		return &fs->base;
	file_close(&fs->base);
	return NULL;
}
