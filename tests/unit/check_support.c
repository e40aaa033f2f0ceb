/* SPDX-License-Identifier: Apache-2.0 */
/* check_support.c: strbuf, fsutil, digest, diag, parallel. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include "toolsync/diag.h"
#include "toolsync/digest.h"
#include "toolsync/fsutil.h"
#include "toolsync/parallel.h"
#include "toolsync/quote.h"

START_TEST(test_strbuf)
{
	struct strbuf sb = STRBUF_INIT;
	char *s;
	size_t len;

	ck_assert_str_eq(sb.buf, "");
	strbuf_addf(&sb, "%s-%d", "a", 42);
	strbuf_addch(&sb, '\0');
	strbuf_addstr(&sb, "z  \n");
	ck_assert_uint_eq(sb.len, 9);
	strbuf_rtrim(&sb);
	ck_assert_uint_eq(sb.len, 6);
	ck_assert_int_eq(memcmp(sb.buf, "a-42\0z", 6), 0);
	strbuf_reset(&sb);
	strbuf_grow(&sb, 100000);   /* an emptied buffer grows without its old bytes */
	ck_assert_uint_eq(sb.len, 0);
	ck_assert_str_eq(sb.buf, "");
	strbuf_addchars(&sb, 'x', 5000);
	ck_assert_uint_eq(strlen(sb.buf), 5000);
	strbuf_grow(&sb, 200000);   /* a held one keeps them */
	ck_assert_uint_eq(strspn(sb.buf, "x"), 5000);
	s = strbuf_detach(&sb, &len);
	ck_assert_uint_eq(len, 5000);
	ck_assert_str_eq(sb.buf, "");
	free(s);
}
END_TEST

START_TEST(test_paths)
{
	char *p;

	ck_assert_str_eq(p = path_join(".", "a"), "a"); free(p);
	ck_assert_str_eq(p = path_join("x/", "a"), "x/a"); free(p);
	ck_assert_str_eq(p = path_join("x", "/abs"), "/abs"); free(p);
	ck_assert_str_eq(p = path_dirname("a/b/c.yaml"), "a/b"); free(p);
	ck_assert_str_eq(p = path_dirname("c.yaml"), "."); free(p);
	ck_assert_str_eq(p = path_dirname("/c"), "/"); free(p);
}
END_TEST

START_TEST(test_atomic_write)
{
	char dir[] = "/tmp/ts-unit-XXXXXX";
	struct strbuf err = STRBUF_INIT, sb = STRBUF_INIT;
	char *path, *sub, **names;
	size_t n;
	struct stat st;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	sub = path_join(dir, "a/b");
	ck_assert_int_eq(fs_mkdirs(sub, 0755, &err), 0);
	path = path_join(sub, "f.json");
	ck_assert_int_eq(fs_write_atomic(path, "{}\n", 3, 0644, &err), 0);
	ck_assert(fs_same_content(dir, "a/b/f.json", "{}\n", 3));
	ck_assert(!fs_same_content(dir, "a/b/f.json", "{}", 2));
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0644);
	ck_assert_int_eq(fs_read_file(&sb, NULL, path, NULL, FS_OUTPUT, &err), 0);
	ck_assert_str_eq(sb.buf, "{}\n");
	ck_assert_int_eq(fs_list_dir(sub, &names, &n), 0);
	ck_assert_uint_eq(n, 1);   /* no temporary left behind */
	fs_free_list(names, n);
	ck_assert_int_eq(fs_remove_tree(dir, &err), 0);
	ck_assert(!path_exists(dir));
	ck_assert_int_eq(fs_write_atomic("/nonexistent-dir/x", "a", 1, 0644, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.buf, "/nonexistent-dir/x"));
	strbuf_release(&err);
	strbuf_release(&sb);
	free(path);
	free(sub);
}
END_TEST

/* fs_read_file: no link below the root, regular files only, a cap. */
START_TEST(test_read_file)
{
	char dir[] = "/tmp/ts-unit-XXXXXX";
	struct strbuf err = STRBUF_INIT, sb = STRBUF_INIT;
	char *p;
	int fd;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_int_eq(chdir(dir), 0);
	ck_assert_int_eq(mkdir("root", 0755), 0);
	ck_assert_int_eq(mkdir("root/sub", 0755), 0);
	fd = open("root/sub/ok.yaml", O_WRONLY | O_CREAT, 0644);
	ck_assert_int_eq(write(fd, "a: 1\n", 5), 5);
	close(fd);
	fd = open("outside", O_WRONLY | O_CREAT, 0644);
	ck_assert_int_eq(write(fd, "sk-proj-secret\n", 15), 15);
	close(fd);
	ck_assert_int_eq(symlink("../../outside", "root/sub/link.yaml"), 0);
	ck_assert_int_eq(symlink("sub", "root/dirlink"), 0);
	ck_assert_int_eq(mkfifo("root/fifo", 0644), 0);
	ck_assert_int_eq(truncate("root/sub/ok.yaml", 5), 0);

	ck_assert_int_eq(fs_read_file(&sb, "root", "./sub//ok.yaml", NULL, FS_TEMPLATE, &err), 0);
	ck_assert_str_eq(sb.buf, "a: 1\n");
	strbuf_reset(&sb);
#define REFUSED(rel, kind, text, e) do { \
		strbuf_reset(&err); \
		ck_assert_int_eq(fs_read_file(&sb, "root", rel, NULL, kind, &err), -1); \
		ck_assert_msg(strstr(err.buf, text) != NULL, "%s: %s", rel, err.buf); \
		ck_assert_int_eq(errno, e); \
		ck_assert_uint_eq(sb.len, 0); \
	} while (0)
	REFUSED("sub/link.yaml", FS_TEMPLATE, "'root/sub/link.yaml' is a symbolic link", ELOOP);
	REFUSED("dirlink/ok.yaml", FS_TEMPLATE, "'root/dirlink' is a symbolic link", ELOOP);
	REFUSED("../outside", FS_TEMPLATE, "the path leaves 'root'", EINVAL);
	REFUSED("/etc/passwd", FS_TEMPLATE, "must be relative to 'root'", EINVAL);
	REFUSED("fifo", FS_TEMPLATE, "not a regular file (a FIFO)", EINVAL);
	REFUSED("sub", FS_TEMPLATE, "cannot read template 'root/sub': not a regular file (a directory)", EISDIR);
	REFUSED("missing.yaml", FS_TEMPLATE, "No such file", ENOENT);
	ck_assert_int_eq(truncate("root/sub/ok.yaml", (off_t)fs_cap(FS_SIGNATURE) + 1), 0);
	REFUSED("sub/ok.yaml", FS_SIGNATURE, "'root/sub/ok.yaml': file too large (65537 bytes; limit 65536)", EFBIG);
	ck_assert(!fs_same_content("root", "sub/link.yaml", "sk-proj-secret\n", 15));
	/* a file the user named is followed, but must still be regular */
	ck_assert_int_eq(fs_read_file(&sb, NULL, "root/sub/link.yaml", NULL, FS_ENV, &err), 0);
	strbuf_reset(&err);
	ck_assert_int_eq(fs_read_file(&sb, NULL, "/dev/zero", NULL, FS_ENV, &err), -1);
	ck_assert_str_eq(err.buf, "cannot read env file '/dev/zero': not a regular file (a character device)");
	strbuf_reset(&err);
	ck_assert_int_eq(fs_list_dir_under("root", "dirlink", NULL, &(char **){ NULL },
					   &(size_t){ 0 }, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.buf, "'root/dirlink' is a symbolic link"));
	/* a root reached another way (a snapshot) is named as the user knows it */
	strbuf_reset(&err);
	ck_assert_int_eq(fs_read_file(&sb, "root", "dirlink/ok.yaml", "out/dirlink/ok.yaml",
				      FS_OUTPUT, &err), -1);
	ck_assert_str_eq(err.buf, "cannot read committed file 'out/dirlink/ok.yaml': "
			 "'out/dirlink' is a symbolic link (links are not followed here)");
	/* from an open directory: the same rules */
	fd = open("root", O_RDONLY | O_DIRECTORY);
	strbuf_reset(&err);
	ck_assert_int_eq(fs_read_file_at(&sb, fd, "fifo", "out/fifo", FS_INDEX, &err), -1);
	ck_assert_str_eq(err.buf, "cannot read index 'out/fifo': not a regular file (a FIFO)");
	strbuf_reset(&err);
	ck_assert_int_eq(fs_read_file_at(&sb, fd, "sub/link.yaml", "out/sub/link.yaml", FS_INDEX,
					 &err), -1);
	ck_assert_ptr_nonnull(strstr(err.buf, "'out/sub/link.yaml' is a symbolic link"));
	strbuf_reset(&sb);
	ck_assert_int_eq(fs_read_file_at(&sb, fd, "sub/ok.yaml", "x", FS_INDEX, &err), 0);
	ck_assert_uint_eq(sb.len, fs_cap(FS_SIGNATURE) + 1);
	/* a name a listing called regular, swapped since: opened unlooked, refused all the same */
	strbuf_reset(&err);
	ck_assert_int_eq(fs_read_listed_at(&sb, fd, "fifo", "out/fifo", FS_TEMPLATE, &err), -1);
	ck_assert_str_eq(err.buf, "cannot read template 'out/fifo': not a regular file (a FIFO)");
	strbuf_reset(&err);
	ck_assert_int_eq(fs_read_listed_at(&sb, fd, "sub", "out/sub", FS_TEMPLATE, &err), -1);
	ck_assert_str_eq(err.buf, "cannot read template 'out/sub': not a regular file (a directory)");
	strbuf_reset(&err);
	ck_assert_int_eq(fs_read_listed_at(&sb, fd, "dirlink", "out/dirlink", FS_TEMPLATE, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.buf, "'out/dirlink' is a symbolic link"));
	close(fd);
	fd = open("root/sub", O_RDONLY | O_DIRECTORY);
	strbuf_reset(&err);
	ck_assert_int_eq(fs_read_listed_at(&sb, fd, "link.yaml", "out/sub/link.yaml", FS_TEMPLATE,
					   &err), -1);
	ck_assert_ptr_nonnull(strstr(err.buf, "'out/sub/link.yaml' is a symbolic link"));
	strbuf_reset(&err);
	ck_assert_int_eq(fs_read_listed_at(&sb, fd, "ok.yaml", "out/sub/ok.yaml", FS_SIGNATURE,
					   &err), -1);
	ck_assert_str_eq(err.buf, "cannot read signature 'out/sub/ok.yaml': file too large "
			 "(65537 bytes; limit 65536)");
	close(fd);
	p = xstrdup(dir);
	ck_assert_int_eq(chdir("/"), 0);
	ck_assert_int_eq(fs_remove_tree(p, &err), 0);
	free(p);
	strbuf_release(&err);
	strbuf_release(&sb);
#undef REFUSED
}
END_TEST

START_TEST(test_blake2b)
{
	char hex[DIGEST_HEX_SIZE];

	crypto_init();
	/* printf '' | b2sum -l 256 */
	blake2b256_hex("", 0, hex);
	ck_assert_str_eq(hex, "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8");
	/* printf 'abc' | b2sum -l 256 */
	blake2b256_hex("abc", 3, hex);
	ck_assert_str_eq(hex, "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319");
}
END_TEST

/* digest.c's own BLAKE2b is libsodium's: every length to 5 blocks, 32 and 64 bytes out */
START_TEST(test_blake2b_is_libsodiums)
{
	static unsigned char data[5 * 128 + 3];
	unsigned char mine[64], theirs[64];
	size_t n, i, out;

	crypto_init();
	for (i = 0; i < sizeof(data); i++)
		data[i] = (unsigned char)(i * 131 + 7);
	for (n = 0; n <= sizeof(data); n++)
		for (out = 32; out <= 64; out += 32) {
			blake2b(mine, out, data, n);
			crypto_generichash(theirs, out, data, n, NULL, 0);
			ck_assert_mem_eq(mine, theirs, out);
		}
}
END_TEST

/*
 * blake2b256_hex_many is blake2b256_hex on each message, at every width
 * the CPU has (8 and 4 lanes, one at a time): groups of 1 to 17 messages
 * of lengths 0 to 5 blocks, mixed so that lanes end at different blocks.
 */
START_TEST(test_blake2b_many)
{
	static unsigned char data[5 * 128 + 3];
	static const int widths[] = { 8, 4, 1 };
	const void *msg[17];
	size_t len[17], n, i, start, w;
	char many[17][DIGEST_HEX_SIZE], one[DIGEST_HEX_SIZE];

	crypto_init();
	for (i = 0; i < sizeof(data); i++)
		data[i] = (unsigned char)(i * 131 + 7);
	for (w = 0; w < sizeof(widths) / sizeof(*widths); w++) {
		digest_set_lanes(widths[w]);
		for (start = 0; start <= sizeof(data); start += 7)
			for (n = 1; n <= 17; n++) {
				for (i = 0; i < n; i++) {
					len[i] = (start + i * 97) % (sizeof(data) + 1);
					msg[i] = data + (sizeof(data) - len[i]);
				}
				blake2b256_hex_many(n, msg, len, many);
				for (i = 0; i < n; i++) {
					blake2b256_hex(msg[i], len[i], one);
					ck_assert_str_eq(many[i], one);
				}
			}
	}
	digest_set_lanes(0);
}
END_TEST

/*
 * The block edges (0, 1, 127, 128, 129, 255, 256, 257 bytes) at every
 * digest length 1..64, and a few MB (a counter over many blocks), read
 * from an odd address: the same as libsodium's crypto_generichash.
 */
START_TEST(test_blake2b_lengths_and_large)
{
	static const size_t edges[] = { 0, 1, 127, 128, 129, 255, 256, 257 };
	size_t big = 3 * 1024 * 1024 + 77, i, out;
	unsigned char *data = xmalloc(big + 1), mine[64], theirs[64];

	crypto_init();
	randombytes_buf(data, big + 1);
	for (i = 0; i < ARRAY_SIZE(edges); i++)
		for (out = 1; out <= 64; out++) {
			blake2b(mine, out, data + 1, edges[i]);
			crypto_generichash(theirs, out, data + 1, edges[i], NULL, 0);
			ck_assert_msg(!memcmp(mine, theirs, out), "%zu bytes, %zu out", edges[i], out);
		}
	for (i = big - 2 * 128; i <= big; i += 128 + 1)
		for (out = 32; out <= 64; out += 32) {
			blake2b(mine, out, data + 1, i);
			crypto_generichash(theirs, out, data + 1, i, NULL, 0);
			ck_assert_msg(!memcmp(mine, theirs, out), "%zu bytes, %zu out", i, out);
		}
	free(data);
}
END_TEST

START_TEST(test_diag_quote)
{
	struct diag d = DIAG_INIT;
	char *buf = NULL;
	size_t len = 0;
	struct srcloc loc = { "f.yaml", 2, 5, 4 };

	diag_add_source(NULL, "f.yaml", "a: 1\nkey: boss\n", 15);
	d.out = open_memstream(&buf, &len);
	diag_error(&d, &loc, "unknown role '%s'", "boss");
	diag_error(&d, &(struct srcloc){ "table t, key 'x'", 0, 0, 0 }, "null");
	fclose(d.out);
	ck_assert_str_eq(buf, "toolsync: f.yaml:2:5: error: unknown role 'boss'\n"
			      " 2 | key: boss\n"
			      "   |     ^~~~\n"
			      "toolsync: table t, key 'x': error: null\n");
	ck_assert_uint_eq(d.errors, 2);
	ck_assert_ptr_eq(path_intern("f.yaml"), path_intern("f.yaml"));
	free(buf);
	diag_clear_sources();
}
END_TEST

struct par_test {
	unsigned char *seen;   /* times each item ran */
	unsigned *by;          /* which thread ran it */
	struct diag quiet[4];
};

static void par_item(void *ctx, size_t i, unsigned w)
{
	struct par_test *p = ctx;

	p->seen[i]++;
	p->by[i] = w;
	/* what a trial load does on any thread: a message not printed */
	diag_error(&p->quiet[w], NULL, "item %s", quote_show("x"));
}

/* Every item runs once, on a thread below jobs; a quiet diag counts only. */
START_TEST(test_parallel_for)
{
	static const size_t ns[] = { 0, 1, 31, 32, 33, 1000 };
	struct par_test p;
	struct parallel par = { par_item, &p };
	unsigned jobs, w, errors;
	size_t k, i;

	for (jobs = 1; jobs <= 4; jobs++) {
		for (k = 0; k < sizeof(ns) / sizeof(ns[0]); k++) {
			p.seen = xcalloc(ns[k] + 1, 1);
			p.by = xcalloc(ns[k] + 1, sizeof(*p.by));
			for (w = 0; w < 4; w++) {
				p.quiet[w] = (struct diag)DIAG_INIT;
				p.quiet[w].quiet = 1;
				p.quiet[w].out = stdin;   /* never written */
			}
			parallel_for(&par, ns[k], jobs);
			for (i = 0; i < ns[k]; i++) {
				ck_assert_uint_eq(p.seen[i], 1);
				ck_assert_uint_lt(p.by[i], jobs);
			}
			for (w = errors = 0; w < 4; w++)
				errors += p.quiet[w].errors;
			ck_assert_uint_eq(errors, ns[k]);
			free(p.seen);
			free(p.by);
		}
	}
}
END_TEST

static void shared_item(void *ctx, size_t i, unsigned w)
{
	struct diag *d = ctx;

	(void)w;
	if (i & 1)
		diag_error(d, NULL, "item");
	else
		diag_warning(d, NULL, "item");
}

/*
 * One diag taking messages from several threads at once counts every one
 * (a build's workers report a file they cannot write while the main
 * thread reports rows and reads the count).  Counted with plain
 * increments, 4,000,000 messages on 4 threads lost some three runs in
 * four on 2 cores: three runs.
 */
START_TEST(test_diag_shared)
{
	struct diag d;
	struct parallel par = { shared_item, &d };
	int run;

	for (run = 0; run < 3; run++) {
		d = (struct diag)DIAG_INIT;
		d.quiet = 1;
		parallel_for(&par, 4000000, 4);
		ck_assert_uint_eq(d.errors, 2000000);
		ck_assert_uint_eq(d.warnings, 2000000);
	}
}
END_TEST

Suite *support_suite(void)
{
	Suite *s = suite_create("support");
	TCase *tc = tcase_create("support");

	tcase_add_test(tc, test_strbuf);
	tcase_add_test(tc, test_paths);
	tcase_add_test(tc, test_atomic_write);
	tcase_add_test(tc, test_read_file);
	tcase_add_test(tc, test_blake2b);
	tcase_add_test(tc, test_blake2b_is_libsodiums);
	tcase_add_test(tc, test_blake2b_many);
	tcase_add_test(tc, test_blake2b_lengths_and_large);
	tcase_add_test(tc, test_diag_quote);
	tcase_add_test(tc, test_parallel_for);
	tcase_add_test(tc, test_diag_shared);
	suite_add_tcase(s, tc);
	return s;
}
