/* SPDX-License-Identifier: Apache-2.0 */
/* check_compile.c: templates (lookup, $ref, variables) and the pipeline. */
#include <check.h>
#include <unistd.h>

#include "toolsync/committed.h"
#include "toolsync/compile.h"
#include "toolsync/fsutil.h"
#include "toolsync/segments.h"
#include "toolsync/template.h"

static char dir[64];

static void put(const char *rel, const char *text)
{
	struct strbuf err = STRBUF_INIT;
	char *path = path_join(dir, rel), *d = path_dirname(path);

	ck_assert_int_eq(fs_mkdirs(d, 0755, &err), 0);
	ck_assert_int_eq(fs_write_atomic(path, text, strlen(text), 0644, &err), 0);
	free(d);
	free(path);
	strbuf_release(&err);
}

static void setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/ts-compile-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	put("toolsync.yaml", "roles: [viewer, admin]\ntargets: [responses, chat, mcp]\n");
	put("schemas/templates/_defs/d.yaml",
	    "Day: {type: string, format: date, description: A day.}\n"
	    "Obj: {type: object, properties: {d: {$ref: \"_defs/d.yaml#/Day\"}}, required: [d], "
	    "additionalProperties: false}\n");
	put("schemas/templates/a.yaml",
	    "match: \"a.*\"\ndescription: \"Tool ${key} as ${name} for ${min_role}: ${standards}; $${lit}\"\n"
	    "parameters:\n  type: object\n  properties:\n    when: {$ref: \"_defs/d.yaml#/Obj\", description: Mine.}\n"
	    "    z: {type: string, description: \"k=${key}\"}\n"
	    "  required: [when, z]\n  additionalProperties: false\n");
	put("schemas/templates/a.exact.yaml",
	    "description: Exact.\nparameters: {type: object, properties: {}, required: [], additionalProperties: false}\n"
	    "strict: false\n");
	put("registry.yaml", "- {key: a.exact, minRole: admin}\n- {key: a.glob, minRole: viewer, standards: [Y, X]}\n");
}

static void teardown(void)
{
	struct strbuf err = STRBUF_INIT;

	fs_remove_tree(dir, &err);
	strbuf_release(&err);
	diag_clear_sources();
}

static int load(struct ts_config *cfg, struct template_set *set, struct diag *d)
{
	char *cfgpath = path_join(dir, "toolsync.yaml");
	int ret = config_load(cfg, cfgpath, 1, d);

	free(cfgpath);
	return ret ? ret : templates_load(set, cfg, NULL, d);
}

START_TEST(test_lookup_and_render)
{
	struct ts_config cfg;
	struct template_set set;
	struct diag d = DIAG_INIT;
	struct row row;
	struct segvals vals = SEGVALS_INIT;
	struct jv *desc, *params;
	char *out;
	struct strbuf sb = STRBUF_INIT;

	ck_assert_int_eq(load(&cfg, &set, &d), 0);
	ck_assert_uint_eq(set.n, 2);
	ck_assert_str_eq(templates_find(&set, "a.exact")->file_name, "a.exact.yaml");
	ck_assert_str_eq(templates_find(&set, "a.other")->file_name, "a.yaml");
	ck_assert_ptr_null(templates_find(&set, "b.x"));
	ck_assert_int_eq(templates_find(&set, "a.exact")->strict, 0);

	row_init(&row);
	row.key = xstrdup("a.glob");
	row.min_role = xstrdup("viewer");
	strlist_add(&row.standards, "X");
	strlist_add(&row.standards, "Y");
	segvals_set(&vals, row.key, row.min_role, &row.standards);
	desc = template_render_description(templates_find(&set, "a.glob"), &vals);
	ck_assert_str_eq(desc->u.str.ptr, "Tool a.glob as a_glob for viewer: X, Y; ${lit}");
	params = template_render_parameters(templates_find(&set, "a.glob"), &vals);
	json_write(&sb, params, JSON_COMPACT);
	ck_assert_str_eq(sb.buf, "{\"type\":\"object\",\"properties\":{\"when\":{\"type\":\"object\","
			 "\"properties\":{\"d\":{\"type\":\"string\",\"format\":\"date\",\"description\":\"A day.\"}},"
			 "\"required\":[\"d\"],\"additionalProperties\":false,\"description\":\"Mine.\"},"
			 "\"z\":{\"type\":\"string\",\"description\":\"k=a.glob\"}},\"required\":[\"when\",\"z\"],"
			 "\"additionalProperties\":false}");
	/* an inlined definition keeps its own file's location (as reached from here) */
	out = xstrfmt("%s:%u", jv_pointer_get(params, "/properties/when/properties/d")->loc.file,
		      jv_pointer_get(params, "/properties/when/properties/d")->loc.line);
	ck_assert_ptr_nonnull(strstr(out, "/schemas/templates/_defs/d.yaml:1"));
	free(out);
	strbuf_release(&sb);
	jv_free(desc);
	jv_free(params);
	segvals_release(&vals);
	row_release(&row);
	templates_release(&set);
	config_release(&cfg);
}
END_TEST

struct collected {
	struct strlist paths;
	struct strbuf all;
};

static int collect(void *ctx, const struct out_file *f)
{
	struct collected *c = ctx;

	strlist_add(&c->paths, f->path);
	strbuf_addf(&c->all, "== %s\n", f->path);
	strbuf_addbuf(&c->all, f->bytes);
	return 0;
}

START_TEST(test_pipeline)
{
	struct ts_config cfg;
	struct diag d = DIAG_INIT;
	struct compile_opts o = { .canonical = 0 };
	struct collected c = { { 0 }, STRBUF_INIT };
	struct index ix = INDEX_INIT;
	char *cfgpath = path_join(dir, "toolsync.yaml");

	ck_assert_int_eq(config_load(&cfg, cfgpath, 1, &d), 0);
	ck_assert_int_eq(compile_catalogue(&cfg, &o, collect, &c, &ix, &d), 0);
	ck_assert_uint_eq(d.errors, 0);
	/* tools in registry order, bundles per role and target, the matrix */
	ck_assert_uint_eq(c.paths.n, 10);
	ck_assert_str_eq(c.paths.v[0], "tools/a.exact.json");
	ck_assert_str_eq(c.paths.v[1], "tools/a.glob.json");
	ck_assert_str_eq(c.paths.v[2], "roles/viewer.responses.json");
	ck_assert_str_eq(c.paths.v[3], "roles/viewer.chat.json");
	ck_assert_str_eq(c.paths.v[4], "roles/viewer.mcp.json");
	ck_assert_str_eq(c.paths.v[7], "roles/admin.mcp.json");
	ck_assert_str_eq(c.paths.v[8], "traceability.md");
	ck_assert_str_eq(c.paths.v[9], "traceability.csv");
	ck_assert_uint_eq(ix.n, 10);
	/* the matrix: a standard per row in the allow-list order, with the tools */
	ck_assert_ptr_nonnull(strstr(c.all.buf, "== traceability.csv\nstandard,tool,min_role\r\n"));
	/* the viewer may use only a.glob; the admin both, sorted by key */
	ck_assert_ptr_nonnull(strstr(c.all.buf, "== roles/viewer.chat.json\n[\n  {\n    \"type\": \"function\",\n    \"function\": {\n      \"name\": \"a_glob\""));
	ck_assert_ptr_nonnull(strstr(c.all.buf, "== roles/admin.mcp.json\n[\n  {\n    \"name\": \"a_exact\",\n    \"description\": \"Exact.\",\n    \"inputSchema\""));
	ck_assert_ptr_nonnull(strstr(c.all.buf, "\"standards\": [\n    \"X\",\n    \"Y\"\n  ]"));
	ck_assert_ptr_nonnull(strstr(c.all.buf, "\"strict\": false"));
	index_release(&ix);
	strlist_release(&c.paths);
	strbuf_release(&c.all);
	config_release(&cfg);
	free(cfgpath);
}
END_TEST

START_TEST(test_no_targets_no_bundles)
{
	struct ts_config cfg;
	struct diag d = DIAG_INIT;
	struct compile_opts o = { .canonical = 1 };
	struct collected c = { { 0 }, STRBUF_INIT };
	char *cfgpath = path_join(dir, "toolsync.yaml");

	put("toolsync.yaml", "roles: [viewer, admin]\ntargets: []\n");
	ck_assert_int_eq(config_load(&cfg, cfgpath, 1, &d), 0);
	ck_assert_int_eq(compile_catalogue(&cfg, &o, collect, &c, NULL, &d), 0);
	ck_assert_uint_eq(c.paths.n, 4);   /* two tools and the matrix */
	/* --canonical: RFC 8785, sorted keys, no newline */
	ck_assert_ptr_nonnull(strstr(c.all.buf, "== tools/a.exact.json\n{\"format\":\"toolsync.manifest/1\",\"key\":\"a.exact\",\"min_role\":\"admin\",\"source\":{"));
	strlist_release(&c.paths);
	strbuf_release(&c.all);
	config_release(&cfg);
	free(cfgpath);
}
END_TEST

/* compile_catalogue's callback: each file written under out/, as build would. */
static int write_out(void *ctx, const struct out_file *f)
{
	char *rel = xstrfmt("out/%s", f->path);

	(void)ctx;
	put(rel, f->bytes->buf);
	free(rel);
	return 0;
}

/* What a diff's callback gets: which files the workers found the same, and their bytes. */
static int note_same(void *ctx, const struct out_file *f)
{
	struct strbuf *seen = ctx;

	strbuf_addf(seen, "%s %u %s\n", f->path, f->committed_same,
		    f->bytes->len ? "bytes" : "empty");
	return 0;
}

/*
 * out_file.bytes without parallel_emit (diff, ci): a tool's are empty when
 * every compare source holds them, and there when one differs; a
 * bundle's and the matrix's are always there.
 */
START_TEST(test_compare_keeps_bytes_that_differ)
{
	struct ts_config cfg;
	struct diag d = DIAG_INIT;
	struct compile_opts o = { .canonical = 0 };
	struct strbuf seen = STRBUF_INIT;
	char *cfgpath = path_join(dir, "toolsync.yaml"), *out = path_join(dir, "out");

	ck_assert_int_eq(config_load(&cfg, cfgpath, 1, &d), 0);
	ck_assert_int_eq(compile_catalogue(&cfg, &o, write_out, NULL, NULL, &d), 0);
	put("out/tools/a.glob.json", "{}\n");
	o.compare[0] = committed_dir(out, NULL);
	ck_assert_int_eq(compile_catalogue(&cfg, &o, note_same, &seen, NULL, &d), 0);
	ck_assert_uint_eq(d.errors, 0);
	ck_assert_ptr_nonnull(strstr(seen.buf, "tools/a.exact.json 1 empty\n"));
	ck_assert_ptr_nonnull(strstr(seen.buf, "tools/a.glob.json 0 bytes\n"));
	ck_assert_ptr_nonnull(strstr(seen.buf, "roles/viewer.chat.json 1 bytes\n"));
	ck_assert(strstr(seen.buf, "traceability.md 0 bytes\n") ||
		  strstr(seen.buf, "traceability.md 1 bytes\n"));
	committed_free(o.compare[0]);
	strbuf_release(&seen);
	config_release(&cfg);
	free(cfgpath);
	free(out);
}
END_TEST

START_TEST(test_function_name)
{
	char *n = tool_function_name("a.b.c-d_e");

	ck_assert_str_eq(n, "a_b_c-d_e");
	free(n);
}
END_TEST

/* A template's name is written into every manifest: it must be UTF-8. */
START_TEST(test_template_name_not_utf8)
{
	struct ts_config cfg;
	struct template_set set;
	struct diag d = DIAG_INIT;

	put("schemas/templates/z\xff" "K.yaml", "description: X.\nparameters: {type: object, "
	    "properties: {}, required: [], additionalProperties: false}\n");
	ck_assert_int_eq(load(&cfg, &set, &d), -1);
	ck_assert_uint_eq(d.errors, 1);
	ck_assert_uint_eq(set.n, 2);   /* the others are loaded */
	templates_release(&set);
	config_release(&cfg);
}
END_TEST

/*
 * A file $ref among the keys laid over another file $ref is inlined too:
 * it was copied as it stood, so a non-strict manifest published
 * "$ref": "_defs/..." and a strict one was refused as a $ref outside $defs.
 */
START_TEST(test_ref_in_ref_sibling)
{
	struct ts_config cfg;
	struct template_set set;
	struct diag d = DIAG_INIT;
	struct strbuf sb = STRBUF_INIT;
	const struct template *t;

	put("schemas/templates/s.yaml",
	    "description: S.\nparameters:\n  type: object\n  properties:\n"
	    "    when:\n      $ref: \"_defs/d.yaml#/Obj\"\n"
	    "      properties: {d: {$ref: \"_defs/d.yaml#/Day\", description: Mine.}}\n"
	    "  required: [when]\n  additionalProperties: false\n");
	ck_assert_int_eq(load(&cfg, &set, &d), 0);
	ck_assert_uint_eq(d.errors, 0);
	ck_assert_ptr_nonnull(t = templates_find(&set, "s"));
	json_write(&sb, t->parameters, JSON_COMPACT);
	ck_assert_str_eq(sb.buf, "{\"type\":\"object\",\"properties\":{\"when\":{\"type\":\"object\","
			 "\"properties\":{\"d\":{\"type\":\"string\",\"format\":\"date\",\"description\":"
			 "\"Mine.\"}},\"required\":[\"d\"],\"additionalProperties\":false}},"
			 "\"required\":[\"when\"],\"additionalProperties\":false}");
	strbuf_release(&sb);
	templates_release(&set);
	config_release(&cfg);
}
END_TEST

Suite *compile_suite(void)
{
	Suite *s = suite_create("compile");
	TCase *tc = tcase_create("compile");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_lookup_and_render);
	tcase_add_test(tc, test_pipeline);
	tcase_add_test(tc, test_no_targets_no_bundles);
	tcase_add_test(tc, test_compare_keeps_bytes_that_differ);
	tcase_add_test(tc, test_function_name);
	tcase_add_test(tc, test_template_name_not_utf8);
	tcase_add_test(tc, test_ref_in_ref_sibling);
	suite_add_tcase(s, tc);
	return s;
}
