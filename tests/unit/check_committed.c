/* SPDX-License-Identifier: Apache-2.0 */
/*
 * check_committed.c: the sources of committed files: a directory (regular
 * files only, no symlink followed) and a git tree read with git ls-tree
 * and cat-file, the same bytes either way.
 */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "toolsync/committed.h"
#include "toolsync/fsutil.h"

static char dir[] = "/tmp/ts-committed-XXXXXX";
static struct diag d;

static void put(const char *rel, const char *text)
{
	struct strbuf err = STRBUF_INIT;
	char *p = path_join(dir, rel), *parent = path_dirname(p);

	ck_assert_int_eq(fs_mkdirs(parent, 0755, &err), 0);
	ck_assert_int_eq(fs_write_atomic(p, text, strlen(text), 0644, &err), 0);
	free(parent);
	free(p);
	strbuf_release(&err);
}

static int sh(const char *fmt, const char *arg)
{
	char *cmd = xstrfmt(fmt, arg, arg, arg);
	int r = system(cmd);

	free(cmd);
	return r;
}

static void setup(void)
{
	memcpy(dir, "/tmp/ts-committed-XXXXXX", sizeof(dir));
	ck_assert_ptr_nonnull(mkdtemp(dir));
	d = (struct diag)DIAG_INIT;
	d.out = fopen("/dev/null", "w");
	put("repo/out/tools/a.json", "{\"a\":1}\n");
	put("repo/out/tools/b.json", "bytes\0not text");
	put("repo/out/roles/r.chat.json", "[]\n");
	put("repo/other.txt", "x");
}

static void teardown(void)
{
	struct strbuf err = STRBUF_INIT;

	fclose(d.out);
	fs_remove_tree(dir, &err);
	strbuf_release(&err);
}

START_TEST(test_dir)
{
	char *out = path_join(dir, "repo/out"), **names, *link;
	struct committed *c = committed_open(".", out, NULL, &d);
	struct strbuf buf = STRBUF_INIT;
	size_t n;

	ck_assert_int_eq(committed_check(c, &d), 0);
	ck_assert_int_eq(committed_list(c, "tools", &names, &n), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(names[0], "a.json");
	fs_free_list(names, n);
	ck_assert_int_eq(committed_read(c, "tools/a.json", &buf, &d), 0);
	ck_assert_str_eq(buf.buf, "{\"a\":1}\n");
	ck_assert_int_eq(committed_read(c, "tools/zzz.json", &buf, &d), 1);
	/* a symlink is not followed, a FIFO not opened for reading */
	link = path_join(out, "tools/l.json");
	ck_assert_int_eq(symlink("/etc/passwd", link), 0);
	ck_assert_int_eq(committed_read(c, "tools/l.json", &buf, &d), -1);
	free(link);
	link = path_join(out, "tools/f.json");
	ck_assert_int_eq(mkfifo(link, 0644), 0);
	ck_assert_int_eq(committed_read(c, "tools/f.json", &buf, &d), -1);
	ck_assert_uint_eq(buf.len, 8);
	free(link);
	/* the workers' reader: the same files, nothing reported */
	strbuf_reset(&buf);
	ck_assert_int_eq(committed_read_quiet(c, "tools/a.json", &buf), 0);
	ck_assert_str_eq(buf.buf, "{\"a\":1}\n");
	ck_assert_int_eq(committed_read_quiet(c, "tools/zzz.json", &buf), -1);
	ck_assert_int_eq(committed_read_quiet(c, "tools/l.json", &buf), -1);
	ck_assert_int_eq(committed_read_quiet(c, "tools/f.json", &buf), -1);
	ck_assert_uint_eq(buf.len, 8);
	ck_assert_int_eq(committed_list(c, "nothing", &names, &n), -1);
	committed_free(c);
	c = committed_open(".", out, "/nonexistent/m", &d);
	ck_assert_int_eq(committed_check(c, &d), -1);
	committed_free(c);
	strbuf_release(&buf);
	free(out);
}
END_TEST

static void *read_many(void *arg)
{
	struct committed *c = arg;
	struct strbuf buf = STRBUF_INIT;
	long bad = 0;
	int i;

	for (i = 0; i < 50; i++) {
		strbuf_reset(&buf);
		bad += committed_read_quiet(c, "tools/a.json", &buf) ||
		       strcmp(buf.buf, "{\"a\":1}\n");
	}
	strbuf_release(&buf);
	return (void *)bad;
}

static int read_in_threads(struct committed *c)
{
	pthread_t t[4];
	void *bad;
	int i, ret = 0;

	for (i = 0; i < 4; i++)
		ck_assert_int_eq(pthread_create(&t[i], NULL, read_many, c), 0);
	for (i = 0; i < 4; i++) {
		pthread_join(t[i], &bad);
		ret |= bad != NULL;
	}
	return ret;
}

START_TEST(test_git)
{
	char *repo = path_join(dir, "repo"), *out = path_join(dir, "repo/out"), **names;
	struct strbuf buf = STRBUF_INIT;
	struct committed *c;
	size_t n;

	ck_assert_int_eq(sh("cd '%s' && git init -q . && git add -A && "
			    "git -c user.name=t -c user.email=t@t commit -qm one", repo), 0);
	/* the work tree changes after the commit: the tree at HEAD is read */
	put("repo/out/tools/a.json", "changed\n");
	put("repo/out/tools/new.json", "{}\n");
	c = committed_open(repo, out, "git:HEAD", &d);
	ck_assert_ptr_nonnull(c);
	ck_assert_str_eq(committed_describe(c), "git:HEAD");
	ck_assert_int_eq(committed_check(c, &d), 0);
	ck_assert_int_eq(committed_list(c, "tools", &names, &n), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(names[1], "b.json");
	fs_free_list(names, n);
	ck_assert_int_eq(committed_read(c, "tools/a.json", &buf, &d), 0);
	ck_assert_str_eq(buf.buf, "{\"a\":1}\n");
	strbuf_reset(&buf);
	/* bytes, NUL included, through one cat-file process */
	ck_assert_int_eq(committed_read(c, "tools/b.json", &buf, &d), 0);
	ck_assert_uint_eq(buf.len, 5);
	strbuf_reset(&buf);
	ck_assert_int_eq(committed_read(c, "roles/r.chat.json", &buf, &d), 0);
	ck_assert_str_eq(buf.buf, "[]\n");
	ck_assert_int_eq(committed_read(c, "tools/new.json", &buf, &d), 1);
	ck_assert_int_eq(committed_read(c, "../other.txt", &buf, &d), 1);
	/* the workers' reader: several threads through the one cat-file */
	ck_assert_int_eq(read_in_threads(c), 0);
	ck_assert_int_eq(committed_read_quiet(c, "tools/new.json", &buf), -1);
	ck_assert_int_eq(committed_list(c, "roles", &names, &n), 0);
	ck_assert_uint_eq(n, 1);
	fs_free_list(names, n);
	free(committed_name(c, "tools/a.json"));
	committed_free(c);
	/* what cannot be opened: reported, NULL */
	ck_assert_ptr_null(committed_open(repo, out, "git:no-such-rev", &d));
	ck_assert_ptr_null(committed_open(repo, out, "git:-p", &d));
	ck_assert_ptr_null(committed_open(repo, out, "git:", &d));
	ck_assert_ptr_null(committed_open(repo, out, "git:a\nb", &d));
	ck_assert_ptr_null(committed_open("/", "/tmp", "git:HEAD", &d));
	/* a directory the revision does not have */
	c = committed_open(repo, "/nonexistent/out", "git:HEAD", &d);
	ck_assert_ptr_null(c);
	strbuf_release(&buf);
	free(repo);
	free(out);
}
END_TEST

START_TEST(test_git_rev)
{
	ck_assert_ptr_null(committed_git_rev("manifests"));
	ck_assert_str_eq(committed_git_rev("git:origin/main"), "origin/main");
}
END_TEST

Suite *committed_suite(void);

Suite *committed_suite(void)
{
	Suite *s = suite_create("committed");
	TCase *tc = tcase_create("committed");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_dir);
	tcase_add_test(tc, test_git);
	tcase_add_test(tc, test_git_rev);
	suite_add_tcase(s, tc);
	return s;
}
