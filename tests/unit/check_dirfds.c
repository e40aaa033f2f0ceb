/* SPDX-License-Identifier: Apache-2.0 */
/* check_dirfds.c: subdirectories opened once (dirfds.c). */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "toolsync/dirfds.h"
#include "toolsync/fsutil.h"

/*
 * A directory holding tools/a.json ("{}"), the links asked for (target,
 * name pairs) and the FIFOs; remove_tree() removes it.
 */
static char *make_tree(char *tmpl, const char *const *links, const char *const *fifos)
{
	struct strbuf err = STRBUF_INIT;
	char *top = mkdtemp(tmpl), *p;

	ck_assert_ptr_nonnull(top);
	p = path_join(top, "tools");
	ck_assert_int_eq(mkdir(p, 0755), 0);
	free(p);
	p = path_join(top, "tools/a.json");
	ck_assert_int_eq(fs_write_new(p, "{}", 2, 0644, &err), 0);
	free(p);
	for (; links && *links; links += 2) {
		p = path_join(top, links[1]);
		ck_assert_int_eq(symlink(links[0], p), 0);
		free(p);
	}
	for (; fifos && *fifos; fifos++) {
		p = path_join(top, *fifos);
		ck_assert_int_eq(mkfifo(p, 0644), 0);
		free(p);
	}
	strbuf_release(&err);
	return top;
}

static void remove_tree(const char *top)
{
	struct strbuf err = STRBUF_INIT;
	char *p = xstrdup(top);

	ck_assert_int_eq(fs_remove_tree(p, &err), 0);
	free(p);
	strbuf_release(&err);
}

START_TEST(test_dirfds)
{
	static const char *const links[] = { "tools", "linked", NULL };
	char tmpl[] = "/tmp/check_dirfds.XXXXXX", *top = make_tree(tmpl, links, NULL);
	struct strbuf sb = STRBUF_INIT, err = STRBUF_INIT;
	struct dirfds d;
	const char *name;
	int root, fd, fd2;

	root = open(top, O_RDONLY | O_DIRECTORY);
	ck_assert_int_ge(root, 0);
	dirfds_init(&d, root);

	/* one level below: the subdirectory's fd, the same one every time */
	fd = dirfds_at(&d, "tools/a.json", &name);
	ck_assert_int_ne(fd, root);
	ck_assert_str_eq(name, "a.json");
	ck_assert_int_eq(fs_read_file_at(&sb, fd, name, "x", FS_OUTPUT, &err), 0);
	ck_assert_str_eq(sb.buf, "{}");
	fd2 = dirfds_at(&d, "tools/b.json", &name);
	ck_assert_int_eq(fd2, fd);
	/* the top, deeper paths, dots: the root and the whole path */
	ck_assert_int_eq(dirfds_at(&d, "index.json", &name), root);
	ck_assert_str_eq(name, "index.json");
	ck_assert_int_eq(dirfds_at(&d, "a/b/c.json", &name), root);
	ck_assert_str_eq(name, "a/b/c.json");
	ck_assert_int_eq(dirfds_at(&d, "../x.json", &name), root);
	ck_assert_int_eq(dirfds_at(&d, "tools/", &name), root);
	/* a linked subdirectory is not followed: read the long way, which refuses it */
	ck_assert_int_eq(dirfds_at(&d, "linked/a.json", &name), root);
	ck_assert_str_eq(name, "linked/a.json");
	strbuf_reset(&sb);
	ck_assert_int_eq(fs_read_file_at(&sb, root, name, "x", FS_OUTPUT, &err), -1);
	dirfds_release(&d);
	close(root);
	strbuf_release(&sb);
	strbuf_release(&err);
	remove_tree(top);
}
END_TEST

/*
 * Listed: a name readdir() said is a regular file is read without the
 * look before opening; a link, a FIFO or a name added after the listing
 * is not "listed" (read the long way, which refuses what is not regular).
 */
START_TEST(test_dirfds_listed)
{
	static const char *const links[] = { "a.json", "tools/link.json", NULL };
	static const char *const fifos[] = { "tools/fifo.json", NULL };
	char tmpl[] = "/tmp/check_dirfds.XXXXXX", *top = make_tree(tmpl, links, fifos), *p;
	struct strbuf sb = STRBUF_INIT, err = STRBUF_INIT;
	struct dirfds d;
	const char *name;
	int root, fd, listed;

	root = open(top, O_RDONLY | O_DIRECTORY);
	ck_assert_int_ge(root, 0);
	dirfds_init_listed(&d, root);

	fd = dirfds_at_listed(&d, "tools/a.json", &name, &listed);
	ck_assert_int_ne(fd, root);
	ck_assert_int_eq(listed, 1);
	ck_assert_int_eq(fs_read_listed_at(&sb, fd, name, "x", FS_OUTPUT, &err), 0);
	ck_assert_str_eq(sb.buf, "{}");
	ck_assert_int_eq(dirfds_at_listed(&d, "tools/link.json", &name, &listed), fd);
	ck_assert_int_eq(listed, 0);
	ck_assert_int_eq(fs_read_file_at(&sb, fd, name, "x", FS_OUTPUT, &err), -1);
	ck_assert_int_eq(dirfds_at_listed(&d, "tools/fifo.json", &name, &listed), fd);
	ck_assert_int_eq(listed, 0);
	ck_assert_int_eq(fs_read_file_at(&sb, fd, name, "x", FS_OUTPUT, &err), -1);
	p = path_join(top, "tools/late.json");
	ck_assert_int_eq(fs_write_new(p, "[]", 2, 0644, &err), 0);
	free(p);
	dirfds_at_listed(&d, "tools/late.json", &name, &listed);
	ck_assert_int_eq(listed, 0);
	ck_assert_int_eq(dirfds_at_listed(&d, "index.json", &name, &listed), root);
	ck_assert_int_eq(listed, 0);
	/* a regular file the listing saw, swapped for a FIFO: refused all the same */
	p = path_join(top, "tools/a.json");
	ck_assert_int_eq(unlink(p), 0);
	ck_assert_int_eq(mkfifo(p, 0644), 0);
	free(p);
	fd = dirfds_at_listed(&d, "tools/a.json", &name, &listed);
	ck_assert_int_eq(listed, 1);
	strbuf_reset(&err);
	ck_assert_int_eq(fs_read_listed_at(&sb, fd, name, "x", FS_OUTPUT, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.buf, "regular"));
	dirfds_release(&d);
	close(root);
	strbuf_release(&sb);
	strbuf_release(&err);
	remove_tree(top);
}
END_TEST

/*
 * dirfds_open: the one open of a subdirectory, with why it cannot be
 * opened (fs_open_dir_at()'s words); every later use takes that fd.
 */
START_TEST(test_dirfds_open)
{
	static const char *const links[] = { "tools", "linked", NULL };
	static const char *const fifos[] = { "fifo", NULL };
	char tmpl[] = "/tmp/check_dirfds.XXXXXX", *top = make_tree(tmpl, links, fifos);
	struct strbuf err = STRBUF_INIT;
	struct dirfds d;
	const char *name;
	int root, fd;

	root = open(top, O_RDONLY | O_DIRECTORY);
	ck_assert_int_ge(root, 0);
	dirfds_init_listed(&d, root);
	fd = dirfds_open(&d, "tools", "m/tools", &err);
	ck_assert_int_ge(fd, 0);
	ck_assert_uint_eq(err.len, 0);
	ck_assert_int_eq(dirfds_at(&d, "tools/a.json", &name), fd);
	ck_assert_int_eq(dirfds_open(&d, "tools", "m/tools", &err), fd);
	ck_assert_int_eq(dirfds_open(&d, "fifo", "m/fifo", &err), -1);
	ck_assert_int_eq(errno, ENOTDIR);
	ck_assert_str_eq(err.buf, "cannot read directory 'm/fifo': not a directory (a FIFO)");
	strbuf_reset(&err);
	ck_assert_int_eq(dirfds_open(&d, "linked", "m/linked", &err), -1);
	ck_assert_str_eq(err.buf, "cannot read directory 'm/linked': 'm/linked' is a symbolic "
			 "link (links are not followed here)");
	strbuf_reset(&err);
	ck_assert_int_eq(dirfds_open(&d, "roles", "m/roles", &err), -1);
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_ptr_nonnull(strstr(err.buf, "cannot read directory 'm/roles': "));
	/* opened (and failed) before: the same errno, said plainly */
	strbuf_reset(&err);
	ck_assert_int_eq(dirfds_open(&d, "linked", "m/linked", &err), -1);
	ck_assert_int_eq(errno, ELOOP);
	ck_assert_ptr_nonnull(strstr(err.buf, "cannot read directory 'm/linked': "));
	dirfds_release(&d);
	close(root);
	strbuf_release(&err);
	remove_tree(top);
}
END_TEST

Suite *dirfds_suite(void)
{
	Suite *s = suite_create("dirfds");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_dirfds);
	tcase_add_test(tc, test_dirfds_listed);
	tcase_add_test(tc, test_dirfds_open);
	suite_add_tcase(s, tc);
	return s;
}
