/* SPDX-License-Identifier: Apache-2.0 */
/* check_sign.c: minisign-format keys and signatures (sign.c). */
#include <check.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include "toolsync/digest.h"
#include "toolsync/fsutil.h"
#include "toolsync/index.h"
#include "toolsync/verify.h"
#include "toolsync/sign.h"

/* Offsets in minisign's decoded secret key (SeckeyStruct). */
#define SK_KEYNUM 54
#define SK_SK 62
#define SK_CHK 126
#define SK_BYTES 158

static const char data[] = "{\n  \"format\": \"toolsync.index/1\",\n  \"files\": []\n}\n";

struct pair {
	struct strbuf pub;
	char *sec;
	size_t sec_len;
};

/* A key pair; cheap scrypt limits when encrypted (the format is the same). */
static void make_pair(struct pair *p, const char *password)
{
	struct strbuf err = STRBUF_INIT;

	crypto_init();
	strbuf_init(&p->pub, 0);
	ck_assert_int_eq(sign_keygen(&p->pub, &p->sec, &p->sec_len, password, 1 << 15,
				     1 << 24, &err), 0);
	strbuf_release(&err);
}

static void free_pair(struct pair *p)
{
	strbuf_release(&p->pub);
	sodium_free(p->sec);
}

static struct sign_key *load_env(const char *text, struct strbuf *err)
{
	setenv("TOOLSYNC_SECRET_KEY", text, 1);
	return sign_key_load(NULL, err);
}

static void sign_data(const struct sign_key *key, struct strbuf *sig)
{
	struct strbuf tc = STRBUF_INIT;

	sign_trusted_comment(&tc, "index.json");
	sign_detached(key, data, sizeof(data) - 1, tc.buf, sig);
	strbuf_release(&tc);
}

static void parse_pub(const struct pair *p, struct sign_pubkey *pub)
{
	struct strbuf err = STRBUF_INIT;

	ck_assert_int_eq(sign_pubkey_parse(pub, p->pub.buf, p->pub.len, "k.pub", &err), 0);
	strbuf_release(&err);
}

/* The secret key's second line decoded, and written back. */
static void sec_decode(const struct pair *p, unsigned char bin[SK_BYTES])
{
	const char *line = strchr(p->sec, '\n') + 1;
	size_t n = 0;

	ck_assert_int_eq(sodium_base642bin(bin, SK_BYTES, line, strcspn(line, "\n"), NULL, &n, NULL,
					   sodium_base64_VARIANT_ORIGINAL), 0);
	ck_assert_uint_eq(n, SK_BYTES);
}

static void sec_encode(struct strbuf *out, const unsigned char bin[SK_BYTES])
{
	char b64[sodium_base64_ENCODED_LEN(SK_BYTES, sodium_base64_VARIANT_ORIGINAL)];

	sodium_bin2base64(b64, sizeof(b64), bin, SK_BYTES, sodium_base64_VARIANT_ORIGINAL);
	strbuf_addf(out, "untrusted comment: test\n%s\n", b64);
}

START_TEST(test_roundtrip)
{
	struct pair p;
	struct strbuf err = STRBUF_INIT, sig = STRBUF_INIT, trusted = STRBUF_INIT;
	struct sign_pubkey pub;
	struct sign_key *key;

	unsetenv("SOURCE_DATE_EPOCH");
	make_pair(&p, NULL);
	ck_assert_ptr_nonnull(key = load_env(p.sec, &err));
	sign_data(key, &sig);
	ck_assert_ptr_nonnull(strstr(sig.buf, "\ntrusted comment: file:index.json\n"));
	parse_pub(&p, &pub);
	ck_assert_int_eq(sign_verify(&pub, data, sizeof(data) - 1, sig.buf, sig.len, &trusted, &err), 0);
	ck_assert_str_eq(trusted.buf, "file:index.json");
	/* Ed25519 is deterministic: the same key and bytes, the same file */
	{
		struct strbuf again = STRBUF_INIT;

		sign_data(key, &again);
		ck_assert_str_eq(again.buf, sig.buf);
		strbuf_release(&again);
	}
	sign_key_free(key);
	free_pair(&p);
	strbuf_release(&err);
	strbuf_release(&sig);
	strbuf_release(&trusted);
}
END_TEST

START_TEST(test_tampering)
{
	struct pair p, other;
	struct strbuf err = STRBUF_INIT, sig = STRBUF_INIT, bad = STRBUF_INIT;
	struct sign_pubkey pub, other_pub;
	struct sign_key *key;
	char changed[sizeof(data)];

	make_pair(&p, NULL);
	make_pair(&other, NULL);
	key = load_env(p.sec, &err);
	sign_data(key, &sig);
	parse_pub(&p, &pub);
	parse_pub(&other, &other_pub);

	memcpy(changed, data, sizeof(data));
	changed[5] ^= 1;
	ck_assert_int_eq(sign_verify(&pub, changed, sizeof(data) - 1, sig.buf, sig.len, NULL, &err), 1);
	ck_assert_str_eq(err.buf, "signature does not match the file");

	strbuf_reset(&err);
	ck_assert_int_eq(sign_verify(&other_pub, data, sizeof(data) - 1, sig.buf, sig.len, NULL, &err), 1);
	ck_assert_ptr_nonnull(strstr(err.buf, "not by the given public key"));

	/* the trusted comment is covered by the global signature */
	strbuf_addbuf(&bad, &sig);
	memcpy(strstr(bad.buf, "file:index.json"), "file:other.json", 15);
	strbuf_reset(&err);
	ck_assert_int_eq(sign_verify(&pub, data, sizeof(data) - 1, bad.buf, bad.len, NULL, &err), 1);
	ck_assert_str_eq(err.buf, "the trusted comment was altered");

	/* malformed: too few lines, bad base64, unknown algorithm */
	strbuf_reset(&err);
	ck_assert_int_eq(sign_verify(&pub, data, 3, "untrusted comment: x\n", 21, NULL, &err), -1);
	strbuf_reset(&bad);
	strbuf_addbuf(&bad, &sig);
	bad.buf[strchr(bad.buf, '\n') - bad.buf + 3] = '!';
	ck_assert_int_eq(sign_verify(&pub, data, sizeof(data) - 1, bad.buf, bad.len, NULL, &err), -1);

	sign_key_free(key);
	free_pair(&p);
	free_pair(&other);
	strbuf_release(&err);
	strbuf_release(&sig);
	strbuf_release(&bad);
}
END_TEST

/* minisign -l: "Ed", Ed25519 over the message itself. */
START_TEST(test_legacy_signature)
{
	struct pair p;
	struct strbuf err = STRBUF_INIT, sig = STRBUF_INIT;
	struct sign_pubkey pub;
	unsigned char bin[SK_BYTES], blob[74], global[64], gmsg[64 + 15];
	char b64[sodium_base64_ENCODED_LEN(74, sodium_base64_VARIANT_ORIGINAL)];
	char g64[sodium_base64_ENCODED_LEN(64, sodium_base64_VARIANT_ORIGINAL)];

	make_pair(&p, NULL);
	parse_pub(&p, &pub);
	sec_decode(&p, bin);
	memcpy(blob, "Ed", 2);
	memcpy(blob + 2, bin + SK_KEYNUM, 8);
	crypto_sign_detached(blob + 10, NULL, (const unsigned char *)data, sizeof(data) - 1, bin + SK_SK);
	memcpy(gmsg, blob + 10, 64);
	memcpy(gmsg + 64, "file:index.json", 15);
	crypto_sign_detached(global, NULL, gmsg, sizeof(gmsg), bin + SK_SK);
	sodium_bin2base64(b64, sizeof(b64), blob, sizeof(blob), sodium_base64_VARIANT_ORIGINAL);
	sodium_bin2base64(g64, sizeof(g64), global, sizeof(global), sodium_base64_VARIANT_ORIGINAL);
	strbuf_addf(&sig, "untrusted comment: legacy\n%s\ntrusted comment: file:index.json\n%s\n", b64, g64);
	ck_assert_int_eq(sign_verify(&pub, data, sizeof(data) - 1, sig.buf, sig.len, NULL, &err), 0);
	ck_assert_int_eq(sign_verify(&pub, data, 10, sig.buf, sig.len, NULL, &err), 1);
	sodium_memzero(bin, sizeof(bin));
	free_pair(&p);
	strbuf_release(&err);
	strbuf_release(&sig);
}
END_TEST

START_TEST(test_checksums)
{
	struct pair p;
	struct strbuf err = STRBUF_INIT, text = STRBUF_INIT;
	unsigned char bin[SK_BYTES];
	struct sign_key *key;

	make_pair(&p, NULL);
	sec_decode(&p, bin);
	/* minisign -G -W writes an all-zero checksum: accepted */
	memset(bin + SK_CHK, 0, 32);
	sec_encode(&text, bin);
	ck_assert_ptr_nonnull(key = load_env(text.buf, &err));
	sign_key_free(key);
	/* any other wrong checksum: a corrupt key */
	bin[SK_CHK] = 1;
	strbuf_reset(&text);
	sec_encode(&text, bin);
	ck_assert_ptr_null(load_env(text.buf, &err));
	ck_assert_str_eq(err.buf, "TOOLSYNC_SECRET_KEY is corrupt (checksum mismatch)");
	/* unknown algorithms */
	bin[0] = 'X';
	strbuf_reset(&text);
	strbuf_reset(&err);
	sec_encode(&text, bin);
	ck_assert_ptr_null(load_env(text.buf, &err));
	ck_assert_ptr_nonnull(strstr(err.buf, "not a minisign secret key"));
	strbuf_reset(&err);
	ck_assert_ptr_null(load_env("untrusted comment: x\nAAAA\n", &err));
	ck_assert_str_eq(err.buf, "TOOLSYNC_SECRET_KEY is not a minisign secret key");
	sodium_memzero(bin, sizeof(bin));
	free_pair(&p);
	strbuf_release(&err);
	strbuf_release(&text);
}
END_TEST

START_TEST(test_encrypted)
{
	struct pair p;
	struct strbuf err = STRBUF_INIT, sig = STRBUF_INIT;
	struct sign_pubkey pub;
	struct sign_key *key;
	unsigned char bin[SK_BYTES];

	make_pair(&p, "s3cret");
	sec_decode(&p, bin);
	ck_assert_int_eq(memcmp(bin, "EdScB2", 6), 0);
	setenv("TOOLSYNC_PASSWORD", "wrong", 1);
	ck_assert_ptr_null(load_env(p.sec, &err));
	ck_assert_str_eq(err.buf, "wrong password for TOOLSYNC_SECRET_KEY");
	strbuf_reset(&err);
	setenv("TOOLSYNC_PASSWORD", "s3cret", 1);
	ck_assert_ptr_nonnull(key = load_env(p.sec, &err));
	/* the public key names the decrypted key number */
	parse_pub(&p, &pub);
	sign_data(key, &sig);
	ck_assert_int_eq(sign_verify(&pub, data, sizeof(data) - 1, sig.buf, sig.len, NULL, &err), 0);
	sign_key_free(key);
	free_pair(&p);
	strbuf_release(&err);
	strbuf_release(&sig);
}
END_TEST

START_TEST(test_key_file_mode)
{
	struct pair p;
	struct strbuf err = STRBUF_INIT;
	char path[] = "/tmp/ts-unit-key-XXXXXX";
	struct sign_key *key;
	int fd;

	make_pair(&p, NULL);
	ck_assert_int_ge(fd = mkstemp(path), 0);
	ck_assert_int_eq(write(fd, p.sec, p.sec_len), (ssize_t)p.sec_len);
	close(fd);
	ck_assert_ptr_nonnull(key = sign_key_load(path, &err));
	sign_key_free(key);
	chmod(path, 0640);
	ck_assert_ptr_null(sign_key_load(path, &err));
	ck_assert_ptr_nonnull(strstr(err.buf, "is readable by group or others (mode 640)"));
	unlink(path);
	strbuf_reset(&err);
	ck_assert_ptr_null(sign_key_load(path, &err));
	ck_assert_ptr_nonnull(strstr(err.buf, "cannot read secret key"));
	free_pair(&p);
	strbuf_release(&err);
}
END_TEST

/* The key text is read into a bounded sodium_malloc'd buffer: a larger text is refused. */
START_TEST(test_key_text_bounded)
{
	struct pair p;
	struct strbuf err = STRBUF_INIT, big = STRBUF_INIT;
	char path[] = "/tmp/ts-unit-key-XXXXXX";
	struct sign_key *key;
	int fd;

	make_pair(&p, NULL);
	strbuf_add(&big, p.sec, p.sec_len);
	strbuf_addchars(&big, '\n', 5000);
	ck_assert_int_ge(fd = mkstemp(path), 0);
	ck_assert_int_eq(write(fd, big.buf, big.len), (ssize_t)big.len);
	close(fd);
	ck_assert_ptr_null(sign_key_load(path, &err));
	ck_assert_ptr_nonnull(strstr(err.buf, "is not a minisign secret key (longer than 4096 bytes)"));
	strbuf_reset(&err);
	ck_assert_ptr_null(load_env(big.buf, &err));
	ck_assert_str_eq(err.buf, "TOOLSYNC_SECRET_KEY is not a minisign secret key (longer than 4096 bytes)");
	strbuf_reset(&err);
	ck_assert_ptr_nonnull(key = load_env(p.sec, &err));   /* the exact text is fine */
	sign_key_free(key);
	unlink(path);
	unsetenv("TOOLSYNC_SECRET_KEY");
	free_pair(&p);
	strbuf_release(&big);
	strbuf_release(&err);
}
END_TEST

START_TEST(test_pubkey_and_ids)
{
	struct pair p;
	struct strbuf err = STRBUF_INIT, id = STRBUF_INIT;
	struct sign_pubkey pub;
	static const unsigned char keynum[8] = { 1, 2, 3, 4, 5, 6, 7, 0xab };
	const char *line;

	sign_keyid_format(&id, keynum);
	ck_assert_str_eq(id.buf, "AB07060504030201");
	make_pair(&p, NULL);
	/* a bare base64 line (minisign -P's form) is a public key too */
	line = strchr(p.pub.buf, '\n') + 1;
	ck_assert_int_eq(sign_pubkey_parse(&pub, line, strlen(line), "k", &err), 0);
	/* the untrusted comment names the key id */
	strbuf_reset(&id);
	sign_keyid_format(&id, pub.keyid);
	ck_assert_ptr_nonnull(strstr(p.pub.buf, id.buf));
	/* a secret key is not a public key */
	ck_assert_int_eq(sign_pubkey_parse(&pub, p.sec, p.sec_len, "k.key", &err), -1);
	ck_assert_str_eq(err.buf, "k.key is a minisign secret key, not a public key: give the "
			 "public key keygen wrote with it (toolsync.pub by default)");
	/* anything else is not a public key either */
	strbuf_reset(&err);
	ck_assert_int_eq(sign_pubkey_parse(&pub, "x\ny\n", 4, "k.txt", &err), -1);
	ck_assert_str_eq(err.buf, "k.txt is not a minisign public key");
	free_pair(&p);
	strbuf_release(&err);
	strbuf_release(&id);
}
END_TEST

START_TEST(test_trusted_comment)
{
	struct strbuf tc = STRBUF_INIT;

	unsetenv("SOURCE_DATE_EPOCH");
	sign_trusted_comment(&tc, "index.json");
	ck_assert_str_eq(tc.buf, "file:index.json");
	setenv("SOURCE_DATE_EPOCH", "1767225600", 1);
	strbuf_reset(&tc);
	sign_trusted_comment(&tc, "index.json");
	ck_assert_str_eq(tc.buf, "timestamp:1767225600\tfile:index.json");
	/* not a number: ignored rather than signed */
	setenv("SOURCE_DATE_EPOCH", "tomorrow", 1);
	strbuf_reset(&tc);
	sign_trusted_comment(&tc, "index.json");
	ck_assert_str_eq(tc.buf, "file:index.json");
	strbuf_release(&tc);
}
END_TEST

/* The file a signature was made for: a field of the trusted comment. */
START_TEST(test_comment_names)
{
#define NAMES(tc) sign_comment_names(tc, strlen(tc), "index.json")
	ck_assert(NAMES("file:index.json"));
	ck_assert(NAMES("timestamp:1767225600\tfile:index.json"));
	ck_assert(NAMES("timestamp:1767225600\tfile:index.json\thashed"));   /* minisign -S */
	ck_assert(!NAMES("file:rag.search.json"));     /* a --sign-each signature */
	ck_assert(!NAMES("file:index.json.bak"));
	ck_assert(!NAMES("file:xindex.json"));
	ck_assert(!NAMES("timestamp:1 file:index.json"));   /* a space is not a field break */
	ck_assert(!NAMES("index.json"));
	ck_assert(!NAMES(""));
	ck_assert(!sign_comment_names("file:index.json", 14, "index.json"));   /* cut short */
#undef NAMES
}
END_TEST

static void put(const char *dir, const char *rel, const char *text)
{
	struct strbuf err = STRBUF_INIT;
	char *p = path_join(dir, rel), *d = path_dirname(p);

	ck_assert_int_eq(fs_mkdirs(d, 0755, &err), 0);
	ck_assert_int_eq(fs_write_atomic(p, text, strlen(text), 0644, &err), 0);
	free(p);
	free(d);
	strbuf_release(&err);
}

static void rm_rel(const char *dir, const char *rel)
{
	char *p = path_join(dir, rel);

	ck_assert_int_eq(unlink(p), 0);
	free(p);
}

/* A signed directory of one tool, then what verify_dir finds in it. */
START_TEST(test_verify_dir)
{
	char dir[] = "/tmp/ts-unit-verify-XXXXXX", hex[DIGEST_HEX_SIZE];
	static const char tool[] = "{\"key\": \"a\"}\n";
	struct strbuf ix_text = STRBUF_INIT, sig = STRBUF_INIT, err = STRBUF_INIT;
	struct findings f = { NULL, 0, 0 };
	struct verify_result res = { 0, "", STRBUF_INIT };
	struct index ix = INDEX_INIT;
	struct diag d = DIAG_INIT;
	struct sign_pubkey pub;
	struct sign_key *key;
	struct pair p;

	make_pair(&p, NULL);
	parse_pub(&p, &pub);
	key = load_env(p.sec, &err);
	ck_assert_ptr_nonnull(mkdtemp(dir));
	put(dir, "tools/a.json", tool);
	blake2b256_hex(tool, strlen(tool), hex);
	index_add(&ix, "tools/a.json", strlen(tool), hex, NULL);
	index_write(&ix_text, &ix);
	put(dir, "index.json", ix_text.buf);
	sign_detached(key, ix_text.buf, ix_text.len, "file:index.json", &sig);
	put(dir, "index.json.minisig", sig.buf);

	ck_assert_int_eq(verify_dir(dir, "m", 0, &pub, &f, &res, &d), 0);
	ck_assert_uint_eq(f.n, 0);
	ck_assert_uint_eq(res.files, 1);
	ck_assert_str_eq(res.trusted.buf, "file:index.json");

	put(dir, "tools/a.json", "{\"key\": \"b\"}\n");   /* same size, other bytes */
	put(dir, "roles/x.json", "[]\n");
	ck_assert_int_eq(verify_dir(dir, "m", 0, &pub, &f, NULL, &d), 0);
	findings_sort(&f);
	ck_assert_uint_eq(f.n, 2);
	ck_assert_str_eq(f.v[0].rule->id, "file-unlisted");
	ck_assert_str_eq(f.v[0].loc.file, "m/roles/x.json");
	ck_assert_str_eq(f.v[1].rule->id, "file-modified");
	ck_assert_str_eq(f.v[1].loc.file, "m/tools/a.json");
	ck_assert_uint_eq(d.errors, 0);

	/* another file's signature by the same key: valid bytes, wrong name */
	findings_release(&f);
	put(dir, "tools/a.json", tool);
	rm_rel(dir, "roles/x.json");
	strbuf_reset(&sig);
	sign_detached(key, ix_text.buf, ix_text.len, "file:a.json", &sig);
	put(dir, "index.json.minisig", sig.buf);
	ck_assert_int_eq(verify_dir(dir, "m", 0, &pub, &f, NULL, &d), 0);
	ck_assert_uint_eq(f.n, 1);
	ck_assert_str_eq(f.v[0].rule->id, "signature-invalid");
	ck_assert_ptr_nonnull(strstr(f.v[0].message, "made for another file"));

	/* a directory that is not there is an error, not a finding */
	findings_release(&f);
	d.out = fopen("/dev/null", "w");
	ck_assert_int_eq(verify_dir("/nonexistent/m", NULL, 0, &pub, &f, NULL, &d), -1);
	ck_assert_uint_eq(f.n, 0);
	ck_assert_uint_eq(d.errors, 1);
	fclose(d.out);

	ck_assert_int_eq(fs_remove_tree(dir, &err), 0);
	sign_key_free(key);
	free_pair(&p);
	index_release(&ix);
	findings_release(&f);
	strbuf_release(&res.trusted);
	strbuf_release(&ix_text);
	strbuf_release(&sig);
	strbuf_release(&err);
}
END_TEST

Suite *sign_suite(void)
{
	Suite *s = suite_create("sign");
	TCase *tc = tcase_create("sign");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_roundtrip);
	tcase_add_test(tc, test_tampering);
	tcase_add_test(tc, test_legacy_signature);
	tcase_add_test(tc, test_checksums);
	tcase_add_test(tc, test_encrypted);
	tcase_add_test(tc, test_key_file_mode);
	tcase_add_test(tc, test_key_text_bounded);
	tcase_add_test(tc, test_pubkey_and_ids);
	tcase_add_test(tc, test_trusted_comment);
	tcase_add_test(tc, test_comment_names);
	tcase_add_test(tc, test_verify_dir);
	suite_add_tcase(s, tc);
	return s;
}
