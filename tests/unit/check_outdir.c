/* SPDX-License-Identifier: Apache-2.0 */
/* check_outdir.c: the output directory's switch, ownership and readers. */
#include <check.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "toolsync/fsutil.h"
#include "toolsync/index.h"
#include "toolsync/outdir.h"

static char *top, *out;

static void put(const char *rel, const char *text)
{
	struct strbuf err = STRBUF_INIT;
	char *p = path_join(top, rel), *dir = path_dirname(p);

	ck_assert_int_eq(fs_mkdirs(dir, 0755, &err), 0);
	ck_assert_int_eq(fs_write_atomic(p, text, strlen(text), 0644, &err), 0);
	strbuf_release(&err);
	free(dir);
	free(p);
}

static void setup(void)
{
	char tmpl[] = "/tmp/check_outdir.XXXXXX";

	ck_assert_ptr_nonnull(mkdtemp(tmpl));
	top = xstrdup(tmpl);
	out = path_join(top, "out");
}

static void teardown(void)
{
	struct strbuf err = STRBUF_INIT;

	fs_remove_tree(top, &err);
	strbuf_release(&err);
	free(out);
	free(top);
}

static struct diag quiet(void)
{
	struct diag d = DIAG_INIT;

	d.out = fopen("/dev/null", "w");
	return d;
}

/* Build out/ holding tools/a.json = text and an index listing it. */
static int build(const char *text, int *switched)
{
	static const char *const dirs[] = { "tools", NULL };
	struct diag d = quiet();
	struct outdir o;
	struct index ix = INDEX_INIT;
	struct strbuf idx = STRBUF_INIT;
	char hex[DIGEST_HEX_SIZE];
	int ret = -1;

	*switched = 0;
	blake2b256_hex(text, strlen(text), hex);
	index_add(&ix, "tools/a.json", strlen(text), hex, hex);
	index_write(&idx, &ix);
	if (!outdir_open(&o, out, &d)) {
		if (!outdir_keep_if_same(&o, "tools/a.json", text, strlen(text)))
			outdir_write(&o, "tools/a.json", text, strlen(text), &d);
		if (!outdir_keep_if_same(&o, INDEX_FILE, idx.buf, idx.len))
			outdir_write(&o, INDEX_FILE, idx.buf, idx.len, &d);
		ret = d.errors ? -1 : outdir_commit(&o, dirs, &d);
		*switched = o.switched;
	}
	outdir_release(&o);
	index_release(&ix);
	strbuf_release(&idx);
	fclose(d.out);
	return ret;
}

static int debris(void)
{
	char **names;
	size_t n, i;
	int found = 0;

	ck_assert_int_eq(fs_list_dir(top, &names, &n), 0);
	for (i = 0; i < n; i++)
		found |= !strncmp(names[i], ".toolsync-", 10);
	fs_free_list(names, n);
	return found;
}

START_TEST(test_switch)
{
	struct strbuf sb = STRBUF_INIT;
	struct strbuf err = STRBUF_INIT;
	struct stat st1, st2;
	int sw;

	ck_assert_int_eq(build("{\"v\": 1}\n", &sw), 0);
	ck_assert_int_eq(sw, 1);
	ck_assert_int_eq(stat(out, &st1), 0);
	/* nothing changed: nothing written, the same directory */
	ck_assert_int_eq(build("{\"v\": 1}\n", &sw), 0);
	ck_assert_int_eq(sw, 0);
	ck_assert_int_eq(stat(out, &st2), 0);
	ck_assert_uint_eq(st1.st_ino, st2.st_ino);
	/* a change: a new directory in place, the old one gone */
	ck_assert_int_eq(build("{\"v\": 2}\n", &sw), 0);
	ck_assert_int_eq(sw, 1);
	ck_assert_int_eq(stat(out, &st2), 0);
	ck_assert_uint_ne(st1.st_ino, st2.st_ino);
	ck_assert_int_eq(fs_read_file(&sb, out, "tools/a.json", NULL, FS_OUTPUT, &err), 0);
	ck_assert_str_eq(sb.buf, "{\"v\": 2}\n");
	ck_assert(!debris());
	strbuf_release(&sb);
	strbuf_release(&err);
}
END_TEST

START_TEST(test_ownership)
{
	struct diag d = quiet();
	struct outdir o;
	int sw;

	/* a directory toolsync did not build */
	put("out/notes.txt", "mine\n");
	ck_assert_int_eq(outdir_open(&o, out, &d), -1);
	outdir_release(&o);
	ck_assert_uint_eq(d.errors, 1);
	ck_assert(path_exists(out));
	/* '' and a file */
	ck_assert_int_eq(outdir_open(&o, "", &d), -1);
	outdir_release(&o);
	put("file", "x");
	{
		char *f = path_join(top, "file");

		ck_assert_int_eq(outdir_open(&o, f, &d), -1);
		outdir_release(&o);
		free(f);
	}
	/* built, then a user's file beside toolsync's */
	{
		char *notes = path_join(top, "out/notes.txt");

		unlink(notes);
		ck_assert_int_eq(build("{}\n", &sw), 0);
		put("out/tools/user.sh", "echo\n");
		ck_assert_int_eq(build("{\"v\": 3}\n", &sw), -1);
		ck_assert_int_eq(sw, 0);
		free(notes);
	}
	fclose(d.out);
}
END_TEST

START_TEST(test_debris_and_snapshot)
{
	char *path = NULL;
	int sw, fd;

	put(".toolsync-stage-AAAAAA/tools/x.json", "x");
	put(".toolsync-switch.tmp-BBBBBB", "x");
	ck_assert_int_eq(build("{}\n", &sw), 0);
	ck_assert(!debris());
	fd = outdir_snapshot(out, &path);
	ck_assert_int_ge(fd, 0);
	ck_assert(path_is_dir(path));
	ck_assert_ptr_nonnull(strstr(path, "/proc/self/fd/"));
	outdir_snapshot_release(fd, path);
	fd = outdir_snapshot("/nonexistent/out", &path);
	ck_assert_int_eq(fd, -1);
	ck_assert_str_eq(path, "/nonexistent/out");
	outdir_snapshot_release(fd, path);
}
END_TEST

/* The journal of an interrupted switch: name, stage, old, each NUL-terminated. */
static void put_journal(const char *name, const char *stage, const char *old)
{
	struct strbuf j = STRBUF_INIT, err = STRBUF_INIT;
	char *p = path_join(top, OUTDIR_JOURNAL);

	strbuf_add(&j, name, strlen(name) + 1);
	strbuf_add(&j, stage, strlen(stage) + 1);
	strbuf_add(&j, old, strlen(old) + 1);
	ck_assert_int_eq(fs_write_atomic(p, j.buf, j.len, 0644, &err), 0);
	strbuf_release(&j);
	strbuf_release(&err);
	free(p);
}

static int exists(const char *rel)
{
	char *p = path_join(top, rel);
	struct stat st;
	int ret = !lstat(p, &st);

	free(p);
	return ret;
}

/*
 * A journal is input: it may switch only this output, to a stage that is
 * a directory.  One naming a sibling ('.git') or a linked stage changes
 * nothing; the one a killed build wrote is completed.
 */
START_TEST(test_journal)
{
	char *link = path_join(top, ".toolsync-stage-LLLLLL");
	int sw;

	ck_assert_int_eq(build("{}\n", &sw), 0);
	put(".git/HEAD", "ref: refs/heads/main\n");
	put(".toolsync-stage-GGGGGG/HEAD", "evil\n");
	put_journal(".git", ".toolsync-stage-GGGGGG", ".toolsync-stage-GGGGGG-old");
	ck_assert_int_eq(build("{\"a\": 1}\n", &sw), -1);
	ck_assert(exists(".git/HEAD") && exists(".toolsync-stage-GGGGGG/HEAD"));
	ck_assert(!exists(".toolsync-stage-GGGGGG-old"));
	ck_assert_int_eq(symlink(top, link), 0);
	put_journal("out", ".toolsync-stage-LLLLLL", ".toolsync-stage-LLLLLL-old");
	ck_assert_int_eq(build("{\"a\": 1}\n", &sw), -1);
	ck_assert(exists("out/tools/a.json") && !exists(".toolsync-stage-LLLLLL-old"));
	put_journal("out", ".toolsync-stage-LLLLLL", ".toolsync-stage-OTHER-old");
	ck_assert_int_eq(build("{\"a\": 1}\n", &sw), -1);
	/* killed between the renames: the output moved aside, the new tree not yet in */
	ck_assert_int_eq(unlink(link), 0);
	ck_assert_int_eq(rename(out, link), 0);
	put_journal("out", ".toolsync-stage-LLLLLL", ".toolsync-stage-LLLLLL-old");
	ck_assert_int_eq(build("{\"a\": 1}\n", &sw), 0);
	ck_assert(!exists(OUTDIR_JOURNAL) && !exists(".toolsync-stage-LLLLLL"));
	free(link);
}
END_TEST

Suite *outdir_suite(void)
{
	Suite *s = suite_create("outdir");
	TCase *tc = tcase_create("outdir");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_switch);
	tcase_add_test(tc, test_ownership);
	tcase_add_test(tc, test_debris_and_snapshot);
	tcase_add_test(tc, test_journal);
	suite_add_tcase(s, tc);
	return s;
}
