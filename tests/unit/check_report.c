/* SPDX-License-Identifier: Apache-2.0 */
/* check_report.c: findings, --fail-on, and each report format. */
#include <check.h>
#include <unistd.h>

#include "toolsync/report.h"
#include "toolsync/json.h"
#include "toolsync/accept.h"
#include "toolsync/reportcmd.h"

static const struct rule r_err = { "param-removed", CAT_BREAKING, SEV_ERROR,
				   "a parameter was removed", "keep it", NULL };
static const struct rule r_sec = { "role-lowered", CAT_SECURITY, SEV_ERROR,
				   "min_role was lowered", "check it", "7.5" };
static const struct rule r_note = { "tool-added", CAT_CHANGE, SEV_NOTE,
				    "a tool was added", "fine", NULL };
static const struct rule r_warn = { "standard-removed", CAT_COMPLIANCE, SEV_WARNING,
				    "a standard was removed", "ask", NULL };

static struct findings f;

static void teardown(void)
{
	findings_release(&f);
}

/* Four findings, one accepted, in an unsorted order. */
static void sample(void)
{
	struct srcloc t = { "schemas/templates/ledger.yaml", 12, 5, 0 };
	struct srcloc r = { "registry.yaml", 3, 3, 0 };
	struct srcloc none = { "table tool_registry, key 'x'", 0, 0, 0 };
	struct finding *x;

	findings_add(&f, &r_note, &none, "x", NULL, NULL, "\"x\"", "tool 'x' added");
	findings_add(&f, &r_err, &t, "ledger.reconcile", "/tool/parameters/properties/memo",
		     "{\"type\":\"string\"}", NULL, "parameter 'memo' removed");
	findings_add(&f, &r_sec, &r, "ledger.reconcile", "/min_role", "\"admin\"",
		     "\"viewer\"", "min_role lowered from 'admin' to 'viewer'");
	x = findings_add(&f, &r_warn, &r, "ledger.reconcile", "/standards/0", "\"IFRS-9\"",
			 NULL, "standard IFRS-9 removed");
	x->accepted = 1;
	x->accept_reason = xstrdup("approved in FIN-1");
	findings_sort(&f);
}

static int fails(const char *spec, const struct finding *x)
{
	struct strbuf err = STRBUF_INIT;
	struct fail_on fo;

	ck_assert_msg(fail_on_parse(spec, &fo, &err) == 0, "%s: %s", spec, err.buf);
	strbuf_release(&err);
	return finding_fails(x, &fo);
}

START_TEST(test_names)
{
	ck_assert_str_eq(severity_name(SEV_WARNING), "warning");
	ck_assert_str_eq(category_name(CAT_COMPLIANCE), "compliance");
}
END_TEST

START_TEST(test_fail_on)
{
	struct strbuf err = STRBUF_INIT;
	struct fail_on fo;

	sample();
	/*
	 * after sorting: errors (registry.yaml, then schemas/...), the note,
	 * then the accepted warning
	 */
	ck_assert_str_eq(f.v[0].rule->id, "role-lowered");
	ck_assert_str_eq(f.v[1].rule->id, "param-removed");
	ck_assert_str_eq(f.v[2].rule->id, "tool-added");
	ck_assert_str_eq(f.v[3].rule->id, "standard-removed");
	ck_assert(fails("error", &f.v[0]));
	ck_assert(!fails("error", &f.v[2]));
	ck_assert(fails("any", &f.v[2]));
	ck_assert(!fails("none", &f.v[0]));
	ck_assert(fails("security", &f.v[0]));
	ck_assert(!fails("security", &f.v[1]));
	ck_assert(fails("security,breaking", &f.v[1]));
	ck_assert(fails("note", &f.v[2]));
	ck_assert(!fails("warning", &f.v[2]));
	ck_assert(!fails("any", &f.v[3]));       /* accepted never fails */
	ck_assert(fails("change", &f.v[2]));
	ck_assert_int_eq(fail_on_parse("bogus", &fo, &err), -1);
	ck_assert(strstr(err.buf, "'bogus'") != NULL);
	ck_assert_int_eq(fail_on_parse("none,error", &fo, &err), -1);
	ck_assert_int_eq(fail_on_parse("error,", &fo, &err), -1);
	ck_assert_int_eq(fail_on_parse("", &fo, &err), -1);
	strbuf_release(&err);
	ck_assert(findings_fail(&f, NULL));
}
END_TEST

START_TEST(test_format_parse)
{
	enum report_format fmt;

	ck_assert_int_eq(report_format_parse("sarif", &fmt), 0);
	ck_assert_int_eq(fmt, FMT_SARIF);
	ck_assert_int_eq(report_format_parse("xml", &fmt), -1);
}
END_TEST

static const struct fail_on fo_error = { 0, SEV_ERROR, 0 };
static const struct rule *const all[] = { &r_err, &r_sec, &r_note, &r_warn, NULL };
static const struct report_meta meta = { "diff", "9.9.9", 0, &fo_error, all, NULL, NULL, NULL };

START_TEST(test_text)
{
	struct strbuf out = STRBUF_INIT;

	sample();
	report_write(&out, &f, FMT_TEXT, &meta);
	ck_assert_str_eq(out.buf,
		"registry.yaml:3:3: error[security] role-lowered: ledger.reconcile /min_role: "
		"min_role lowered from 'admin' to 'viewer'\n"
		"    old: \"admin\"\n"
		"    new: \"viewer\"\n"
		"    fails at --fail-on error\n"
		"schemas/templates/ledger.yaml:12:5: error[breaking] param-removed: "
		"ledger.reconcile /tool/parameters/properties/memo: parameter 'memo' removed\n"
		"    old: {\"type\":\"string\"}\n"
		"    fails at --fail-on error\n"
		"table tool_registry, key 'x': note[change] tool-added: x: tool 'x' added\n"
		"    new: \"x\"\n"
		"registry.yaml:3:3: warning[compliance] standard-removed (accepted): "
		"ledger.reconcile /standards/0: standard IFRS-9 removed\n"
		"    old: \"IFRS-9\"\n"
		"    accepted: approved in FIN-1\n"
		"4 findings: 2 errors, 0 warnings, 1 note, 1 accepted; 2 at --fail-on error\n");
	strbuf_reset(&out);
	findings_release(&f);
	report_write(&out, &f, FMT_TEXT, &meta);
	ck_assert_str_eq(out.buf, "no findings\n");
	strbuf_release(&out);
}
END_TEST

START_TEST(test_text_color)
{
	static const char want[] = "\033[1ma.yaml:1:2:\033[0m \033[1;31merror\033[0m"
				   "[breaking] param-removed: gone\n";
	struct strbuf out = STRBUF_INIT;
	struct report_meta m = meta;
	struct srcloc loc = { "a.yaml", 1, 2, 0 };

	m.color = 1;
	findings_add(&f, &r_err, &loc, NULL, NULL, NULL, NULL, "gone");
	report_write(&out, &f, FMT_TEXT, &m);
	ck_assert(!strncmp(out.buf, want, strlen(want)));
	strbuf_release(&out);
}
END_TEST

START_TEST(test_github_escaping)
{
	struct strbuf out = STRBUF_INIT;
	struct srcloc loc = { "odd,dir/a:b%.yaml", 7, 2, 0 };

	findings_add(&f, &r_err, &loc, "t", NULL, NULL, NULL, "x");
	/* findings_add escapes control bytes; the writer must still cope with them */
	free(f.v[0].message);
	f.v[0].message = xstrdup("100% bad, really:\nyes\r");
	report_write(&out, &f, FMT_GITHUB, &meta);
	ck_assert_str_eq(out.buf,
		"::error file=odd%2Cdir/a%3Ab%25.yaml,line=7,col=2,title=param-removed::"
		"t: 100%25 bad, really:%0Ayes%0D%0Afails at --fail-on error\n"
		"toolsync diff: 1 finding: 1 error, 0 warnings, 0 notes, 0 accepted; "
		"1 at --fail-on error\n");
	strbuf_release(&out);
}
END_TEST

START_TEST(test_markdown_escaping)
{
	struct strbuf out = STRBUF_INIT;
	struct srcloc loc = { "a.yaml", 1, 1, 0 };

	findings_add(&f, &r_err, &loc, "t", "/a|b", "\"x|`y\"", NULL, "x");
	free(f.v[0].message);
	f.v[0].message = xstrdup("bad | thing\n<b>");
	report_write(&out, &f, FMT_MARKDOWN, &meta);
	ck_assert(strstr(out.buf, "### toolsync diff\n") != NULL);
	ck_assert(strstr(out.buf, "| **yes** | error | breaking | `param-removed` | `t` | `/a\\|b` | "
			 "bad \\| thing \\<b\\><br>`` \"x\\|`y\" `` &rarr; *none* | `a.yaml:1:1` |\n")
		  != NULL);
	strbuf_release(&out);
}
END_TEST

static struct jv *parse_report(const struct strbuf *out)
{
	struct diag d = DIAG_INIT;
	struct jv *doc = json_parse(out->buf, out->len, "report.json", &d);

	ck_assert_ptr_nonnull(doc);
	return doc;
}

static const char *ptr_str(const struct jv *doc, const char *p)
{
	const struct jv *v = jv_pointer_get(doc, p);

	ck_assert_msg(v && v->kind == JV_STRING, "%s is not a string", p);
	return v->u.str.ptr;
}

static double ptr_num(const struct jv *doc, const char *p)
{
	const struct jv *v = jv_pointer_get(doc, p);

	ck_assert_msg(v && v->kind == JV_NUMBER, "%s is not a number", p);
	return v->u.number;
}

START_TEST(test_json)
{
	struct strbuf out = STRBUF_INIT;
	struct jv *doc;

	sample();
	report_write(&out, &f, FMT_JSON, &meta);
	doc = parse_report(&out);
	ck_assert_str_eq(ptr_str(doc, "/format"), "toolsync.report/1");
	ck_assert_str_eq(ptr_str(doc, "/fail_on"), "error");
	ck_assert(ptr_num(doc, "/summary/total") == 4);
	ck_assert(ptr_num(doc, "/summary/failing") == 2);
	ck_assert_str_eq(ptr_str(doc, "/findings/0/rule"), "role-lowered");
	ck_assert_str_eq(ptr_str(doc, "/findings/0/new"), "viewer");
	ck_assert_str_eq(ptr_str(doc, "/findings/1/old/type"), "string");
	ck_assert(ptr_num(doc, "/findings/1/location/line") == 12);
	ck_assert_str_eq(ptr_str(doc, "/findings/3/reason"), "approved in FIN-1");
	ck_assert_int_eq(jv_pointer_get(doc, "/findings/2/location/line") == NULL, 1);
	ck_assert_int_eq(jv_pointer_get(doc, "/findings/2/old") == NULL, 1);
	ck_assert(ptr_num(doc, "/summary/groups") == 4);
	ck_assert(ptr_num(doc, "/groups/1/count") == 1);
	ck_assert_str_eq(ptr_str(doc, "/groups/1/tools/0"), "ledger.reconcile");
	jv_free(doc);
	strbuf_release(&out);
}
END_TEST

START_TEST(test_sarif)
{
	struct strbuf out = STRBUF_INIT;
	struct jv *doc;

	sample();
	report_write(&out, &f, FMT_SARIF, &meta);
	doc = parse_report(&out);
	ck_assert_str_eq(ptr_str(doc, "/version"), "2.1.0");
	ck_assert_str_eq(ptr_str(doc, "/runs/0/tool/driver/rules/1/id"), "role-lowered");
	ck_assert_str_eq(ptr_str(doc, "/runs/0/tool/driver/rules/1/properties/security-severity"),
			 "7.5");
	ck_assert_ptr_null(jv_pointer_get(doc, "/runs/0/tool/driver/rules/0/properties/security-severity"));
	ck_assert_str_eq(ptr_str(doc, "/runs/0/results/0/ruleId"), "role-lowered");
	ck_assert(ptr_num(doc, "/runs/0/results/0/ruleIndex") == 1);
	ck_assert_str_eq(ptr_str(doc, "/runs/0/results/1/locations/0/physicalLocation/"
				 "artifactLocation/uri"), "schemas/templates/ledger.yaml");
	ck_assert_str_eq(ptr_str(doc, "/runs/0/results/3/suppressions/0/justification"),
			 "approved in FIN-1");
	ck_assert_str_eq(ptr_str(doc, "/runs/0/results/2/level"), "note");
	/* no physical location for a table row */
	/* a description, not a file: a logical location */
	ck_assert_uint_eq(jv_pointer_get(doc, "/runs/0/results/2/locations")->u.arr.n, 1);
	ck_assert_ptr_null(jv_pointer_get(doc, "/runs/0/results/2/locations/0/physicalLocation"));
	ck_assert_str_eq(ptr_str(doc, "/runs/0/results/2/locations/0/logicalLocations/0/kind"),
			 "resource");
	ck_assert_uint_eq(strlen(ptr_str(doc, "/runs/0/results/0/partialFingerprints/"
					  "toolsyncFinding~1v1")), 64);
	jv_free(doc);
	strbuf_release(&out);
}
END_TEST

static const struct rule *const some[] = { &r_err, &r_warn, NULL };
static const struct rule *const *const rules[] = { some, NULL };

static int load_text(struct accept_list *al, const char *text, FILE *errf)
{
	char path[] = "/tmp/toolsync-accept-XXXXXX";
	int fd = mkstemp(path), ret;
	struct diag d = DIAG_INIT;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (int)strlen(text));
	close(fd);
	d.out = errf;
	ret = accept_load(al, NULL, path, "accept.yaml", 1, rules, &d);
	unlink(path);
	return ret;
}

/* n tools with one cause (a template line), and one finding of its own. */
static void shared_cause(size_t n)
{
	struct srcloc t = { "schemas/templates/ledger.yaml", 12, 5, 0 };
	struct srcloc r = { "registry.yaml", 3, 3, 0 };
	size_t i;

	for (i = n; i > 0; i--) {
		char *tool = xstrfmt("ledger.t%05zu", i);

		findings_add(&f, &r_err, &t, tool, "/tool/parameters/properties/memo",
			     "{\"type\":\"string\"}", NULL, "parameter 'memo' removed");
		free(tool);
	}
	findings_add(&f, &r_note, &r, "x", NULL, NULL, "\"x\"", "tool 'x' added");
	findings_sort(&f);
}

START_TEST(test_group_text)
{
	struct strbuf out = STRBUF_INIT;

	shared_cause(7);
	report_write(&out, &f, FMT_TEXT, &meta);
	ck_assert_str_eq(out.buf,
		"schemas/templates/ledger.yaml:12:5: error[breaking] param-removed: 7 tools "
		"/tool/parameters/properties/memo: parameter 'memo' removed\n"
		"    tools: ledger.t00001, ledger.t00002, ledger.t00003, ledger.t00004, "
		"ledger.t00005 and 2 more\n"
		"    old: {\"type\":\"string\"}\n"
		"    fails at --fail-on error\n"
		"registry.yaml:3:3: note[change] tool-added: x: tool 'x' added\n"
		"    new: \"x\"\n"
		"8 findings (2 entries): 7 errors, 0 warnings, 1 note, 0 accepted; "
		"7 at --fail-on error\n");
	strbuf_release(&out);
}
END_TEST

START_TEST(test_group_json_sarif)
{
	struct strbuf out = STRBUF_INIT;
	struct jv *doc;

	shared_cause(3);
	report_write(&out, &f, FMT_JSON, &meta);
	doc = parse_report(&out);
	ck_assert(ptr_num(doc, "/summary/total") == 4);
	ck_assert(ptr_num(doc, "/summary/groups") == 2);
	ck_assert(ptr_num(doc, "/groups/0/count") == 3);
	ck_assert_str_eq(ptr_str(doc, "/groups/0/tools/2"), "ledger.t00003");
	ck_assert_str_eq(ptr_str(doc, "/findings/2/tool"), "ledger.t00003");
	jv_free(doc);
	strbuf_reset(&out);
	report_write(&out, &f, FMT_SARIF, &meta);
	doc = parse_report(&out);
	ck_assert_uint_eq(jv_pointer_get(doc, "/runs/0/results")->u.arr.n, 2);
	ck_assert(ptr_num(doc, "/runs/0/results/0/properties/toolCount") == 3);
	ck_assert_str_eq(ptr_str(doc, "/runs/0/results/0/properties/tools/1"), "ledger.t00002");
	ck_assert(strstr(ptr_str(doc, "/runs/0/results/0/message/text"), "3 tools (") != NULL);
	jv_free(doc);
	strbuf_release(&out);
}
END_TEST

/* 20,000 entries of their own: the markdown stops within GitHub's comment limit. */
START_TEST(test_markdown_limit)
{
	struct strbuf out = STRBUF_INIT;
	const char *p;
	size_t i;

	for (i = 0; i < 20000; i++) {
		struct srcloc loc = { "t.yaml", (unsigned)i + 1, 1, 0 };

		findings_add(&f, &r_err, &loc, "t", "/p", NULL, NULL, "gone %zu", i);
	}
	findings_sort(&f);
	report_write(&out, &f, FMT_MARKDOWN, &meta);
	ck_assert_uint_le(out.len, 65536);
	ck_assert(strstr(out.buf, " more entries not shown") != NULL);
	ck_assert(strstr(out.buf, "`toolsync diff --format text`") != NULL);
	strbuf_reset(&out);
	report_write(&out, &f, FMT_GITHUB, &meta);
	/* GitHub shows 10 errors a step: 10 annotations and the summary line */
	ck_assert_ptr_nonnull(strstr(out.buf, "19990 more entries not annotated"));
	for (i = 0, p = out.buf; (p = strchr(p, '\n')); p++)
		i++;
	ck_assert_uint_eq(i, 11);
	strbuf_release(&out);
}
END_TEST

START_TEST(test_markdown_links)
{
	struct strbuf out = STRBUF_INIT;
	struct report_meta m = meta;

	sample();
	m.link_base = "https://github.com/o/r/blob/abc/";
	m.link_prefix = "sub dir/";
	report_write(&out, &f, FMT_MARKDOWN, &m);
	ck_assert_ptr_nonnull(strstr(out.buf, "[`registry.yaml:3:3`]"
				     "(https://github.com/o/r/blob/abc/sub%20dir/registry.yaml#L3)"));
	/* a table row is no file: no link */
	ck_assert_ptr_nonnull(strstr(out.buf, "| `table tool_registry, key 'x'` |"));
	strbuf_release(&out);
}
END_TEST

START_TEST(test_gitlab_junit)
{
	struct strbuf out = STRBUF_INIT;
	struct report_meta m = meta;
	struct jv *doc;

	m.fallback_file = "toolsync.yaml";
	shared_cause(3);
	report_write(&out, &f, FMT_GITLAB, &m);
	doc = parse_report(&out);
	ck_assert_uint_eq(doc->u.arr.n, 2);
	ck_assert_str_eq(ptr_str(doc, "/0/check_name"), "param-removed");
	ck_assert_str_eq(ptr_str(doc, "/0/severity"), "major");
	ck_assert_str_eq(ptr_str(doc, "/1/severity"), "info");
	ck_assert(ptr_num(doc, "/0/location/lines/begin") == 12);
	ck_assert_uint_eq(strlen(ptr_str(doc, "/0/fingerprint")), 64);
	ck_assert_str_ne(ptr_str(doc, "/0/fingerprint"), ptr_str(doc, "/1/fingerprint"));
	jv_free(doc);
	strbuf_reset(&out);
	free(f.v[0].message);
	f.v[0].message = xstrdup("a <b> & \"c\"");
	findings_sort(&f);
	report_write(&out, &f, FMT_JUNIT, &m);
	ck_assert_ptr_nonnull(strstr(out.buf, "<testsuite name=\"toolsync diff\" tests=\"3\" "
				     "failures=\"2\""));
	ck_assert_ptr_nonnull(strstr(out.buf, "message=\"a &lt;b&gt; &amp; &quot;c&quot;\""));
	strbuf_release(&out);
}
END_TEST

START_TEST(test_accept)
{
	struct accept_list al;
	size_t i, stale = 0;

	sample();
	ck_assert_int_eq(load_text(&al,
		"accept:\n"
		"  - rule: param-removed\n"
		"    tool: ledger.reconcile\n"
		"    pointer: /tool/parameters/properties/memo\n"
		"    reason: not used\n"
		"  - rule: standard-removed\n"
		"    tool: nobody\n"
		"    reason: stale one\n", stderr), 0);
	ck_assert_uint_eq(al.n, 2);
	accept_apply(&al, &f, rules);
	ck_assert_int_eq(f.v[1].accepted, 1);
	ck_assert_str_eq(f.v[1].accept_reason, "not used");
	for (i = 0; i < f.n; i++)
		if (!strcmp(f.v[i].rule->id, "accept-stale")) {
			stale++;
			ck_assert_uint_eq(f.v[i].loc.line, 6);
			ck_assert_str_eq(f.v[i].loc.file, "accept.yaml");
		}
	ck_assert_uint_eq(stale, 1);
	accept_release(&al);
}
END_TEST

START_TEST(test_accept_errors)
{
	struct accept_list al;
	FILE *errf = tmpfile();
	struct strbuf msgs = STRBUF_INIT;

	ck_assert_int_eq(load_text(&al, "accept:\n  - rule: param-removed\n    tool: x\n", errf), -1);
	ck_assert_int_eq(load_text(&al, "accept:\n  - rule: no-such-rule\n    reason: r\n", errf), -1);
	ck_assert_int_eq(load_text(&al, "accept:\n  - rule: param-removed\n    reason: r\n"
				   "    colour: red\n", errf), -1);
	ck_assert_int_eq(load_text(&al, "accept:\n  - {rule: param-removed, reason: a}\n"
				   "  - {rule: param-removed, reason: b}\n", errf), -1);
	ck_assert_int_eq(load_text(&al, "", errf), 0);
	ck_assert_uint_eq(al.n, 0);
	rewind(errf);
	ck_assert_int_eq(strbuf_read_fd(&msgs, fileno(errf)), 0);
	ck_assert(strstr(msgs.buf, "accept.yaml:2:5: error: accept entry for 'param-removed' "
			 "needs a 'reason'") != NULL);
	ck_assert(strstr(msgs.buf, "accept.yaml:2:11: error: unknown rule 'no-such-rule'") != NULL);
	ck_assert(strstr(msgs.buf, "accept.yaml:4:5: error: unknown key 'colour'") != NULL);
	ck_assert(strstr(msgs.buf, "accept.yaml:3:5: error: duplicate accept entry (first at line 2)")
		  != NULL);
	strbuf_release(&msgs);
	fclose(errf);
}
END_TEST

START_TEST(test_findings_are_clean)
{
	findings_add(&f, &r_err, NULL, "k\x1b", "/p\n", "\"\xff\"", NULL, "a\tb\xc3\xa9\xe2\x82");
	ck_assert_str_eq(f.v[0].message, "a\\x09b\xc3\xa9\\xe2\\x82");
	ck_assert_str_eq(f.v[0].tool, "k\\x1b");
	ck_assert_str_eq(f.v[0].pointer, "/p\\x0a");
	ck_assert_str_eq(f.v[0].old_value, "\"\\xff\"");
}
END_TEST

START_TEST(test_report_spec)
{
	static const char *const bad[] = { "sarif", "", ":x", "yaml:x", "sarif:", "SARIF:x",
					   " json:x", NULL };
	struct strbuf err = STRBUF_INIT;
	enum report_format fmt = FMT_TEXT;
	const char *file = NULL;
	size_t i;

	ck_assert_int_eq(report_spec_parse("sarif:a:b.sarif", &fmt, &file, &err), 0);
	ck_assert_int_eq(fmt, FMT_SARIF);
	ck_assert_str_eq(file, "a:b.sarif");
	ck_assert_int_eq(report_spec_parse("markdown:-", &fmt, &file, &err), 0);
	ck_assert_int_eq(fmt, FMT_MARKDOWN);
	ck_assert_str_eq(file, "-");
	for (i = 0; bad[i]; i++) {
		strbuf_reset(&err);
		ck_assert_msg(report_spec_parse(bad[i], &fmt, &file, &err) == -1, "%s", bad[i]);
		ck_assert_msg(err.len > 0, "no reason for '%s'", bad[i]);
	}
	strbuf_release(&err);
}
END_TEST

/* report_cmd_check() with --report: the list of reports, or a usage error. */
static int check_reports(struct report_cmd *rc, const char *format, const char *output,
			 const char *const *reports)
{
	static const struct rule *const none[] = { NULL };
	static const struct rule *const *const scope[] = { none, NULL };

	*rc = (struct report_cmd)REPORT_CMD_INIT("ci", scope);
	rc->format = format;
	rc->output = output;
	for (; *reports; reports++)
		strlist_add(&rc->reports, *reports);
	return report_cmd_check(rc);
}

START_TEST(test_report_targets)
{
	char dir[] = "/tmp/check-report.XXXXXX", *a, *b, *c, *dup;
	struct report_cmd rc;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	a = xstrfmt("sarif:%s/a.sarif", dir);
	b = xstrfmt("json:%s/b.json", dir);
	c = xstrfmt("%s/c.txt", dir);
	dup = xstrfmt("markdown:%s/../%s/a.sarif", dir, strrchr(dir, '/') + 1);
	/* without --report: one report, --format to --output (or stdout) */
	ck_assert_int_eq(check_reports(&rc, "github", NULL, (const char *[]){ NULL }), 0);
	ck_assert_uint_eq(rc.ntargets, 1);
	ck_assert_int_eq(rc.targets[0].fmt, FMT_GITHUB);
	ck_assert_ptr_null(rc.targets[0].file);
	report_cmd_release(&rc);
	/* --report alone: only those, nothing on stdout */
	ck_assert_int_eq(check_reports(&rc, NULL, NULL, (const char *[]){ a, b, NULL }), 0);
	ck_assert_uint_eq(rc.ntargets, 2);
	ck_assert_int_eq(rc.targets[1].fmt, FMT_JSON);
	report_cmd_release(&rc);
	/* --output (text) is one more, last */
	ck_assert_int_eq(check_reports(&rc, NULL, c, (const char *[]){ a, NULL }), 0);
	ck_assert_uint_eq(rc.ntargets, 2);
	ck_assert_int_eq(rc.targets[1].fmt, FMT_TEXT);
	ck_assert_str_eq(rc.targets[1].file, c);
	report_cmd_release(&rc);
	/* one file twice, by another path; two on stdout */
	ck_assert_int_eq(check_reports(&rc, NULL, NULL, (const char *[]){ a, dup, NULL }),
			 EXIT_ERROR);
	report_cmd_release(&rc);
	ck_assert_int_eq(check_reports(&rc, "json", NULL, (const char *[]){ "text:-", NULL }),
			 EXIT_ERROR);
	report_cmd_release(&rc);
	/* a directory; a missing directory; nothing was created */
	free(c);
	c = xstrfmt("json:%s", dir);
	ck_assert_int_eq(check_reports(&rc, NULL, NULL, (const char *[]){ c, NULL }), EXIT_ERROR);
	report_cmd_release(&rc);
	free(c);
	c = xstrfmt("json:%s/no/x.json", dir);
	ck_assert_int_eq(check_reports(&rc, NULL, NULL, (const char *[]){ c, NULL }), EXIT_ERROR);
	report_cmd_release(&rc);
	ck_assert_int_eq(rmdir(dir), 0);
	free(a);
	free(b);
	free(c);
	free(dup);
}
END_TEST

Suite *report_suite(void);

Suite *report_suite(void)
{
	Suite *s = suite_create("report");
	TCase *tc = tcase_create("report");

	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, test_names);
	tcase_add_test(tc, test_fail_on);
	tcase_add_test(tc, test_format_parse);
	tcase_add_test(tc, test_text);
	tcase_add_test(tc, test_text_color);
	tcase_add_test(tc, test_github_escaping);
	tcase_add_test(tc, test_markdown_escaping);
	tcase_add_test(tc, test_findings_are_clean);
	tcase_add_test(tc, test_json);
	tcase_add_test(tc, test_sarif);
	tcase_add_test(tc, test_group_text);
	tcase_add_test(tc, test_group_json_sarif);
	tcase_add_test(tc, test_markdown_limit);
	tcase_add_test(tc, test_markdown_links);
	tcase_add_test(tc, test_gitlab_junit);
	tcase_add_test(tc, test_accept);
	tcase_add_test(tc, test_accept_errors);
	tcase_add_test(tc, test_report_spec);
	tcase_add_test(tc, test_report_targets);
	suite_add_tcase(s, tc);
	return s;
}
