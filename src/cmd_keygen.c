/*
 * cmd_keygen.c: toolsync keygen.
 *
 * The same files as `minisign -G`: the public key to commit, the secret
 * key (scrypt-encrypted unless -W) to keep out of the repository.
 * Existing files are kept unless -f, as minisign does.
 */
#include <errno.h>
#include <getopt.h>
#include <sodium.h>
#include <unistd.h>

#include "toolsync/cmd.h"
#include "toolsync/diag.h"
#include "toolsync/fsutil.h"
#include "toolsync/quote.h"
#include "toolsync/sign.h"

/* minisign's defaults (OPSLIMIT, MEMLIMIT in minisign.h): keys as strong as its own. */
#define SCRYPT_OPSLIMIT 33554432ULL
#define SCRYPT_MEMLIMIT 1073741824ULL

struct keygen_cmd {
	const char *pub_path, *sec_path;
	int unencrypted, force;
};

static int parse_options(struct keygen_cmd *o, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "pubkey", required_argument, NULL, 'p' },
		{ "seckey", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":p:s:Wfh", opts, NULL)) != -1) {
		switch (c) {
		case 'p': o->pub_path = optarg; break;
		case 's': o->sec_path = optarg; break;
		case 'W': o->unencrypted = 1; break;
		case 'f': o->force = 1; break;
		case 'h': return 1;
		default: return cmd_option_error("keygen", c, argv);
		}
	}
	if (optind < argc)
		return -usage_error("keygen", "unexpected argument '%s'", argv[optind]);
	if (!strcmp(o->pub_path, o->sec_path))
		return -usage_error("keygen", "the public and the secret key need two files");
	return 0;
}

/*
 * The new key's password, into pw (SIGN_PASSWORD_MAX bytes of secure memory):
 * TOOLSYNC_PASSWORD, or asked twice on the terminal.  0 or -1 + err.
 */
static int new_password(char *pw, struct strbuf *err)
{
	char *again;
	int ret = -1;

	if (getenv("TOOLSYNC_PASSWORD"))
		ret = sign_read_password(pw, "", err);
	else if (!(again = sodium_malloc(SIGN_PASSWORD_MAX)))
		strbuf_addstr(err, "cannot allocate secure memory");
	else {
		if (!sign_read_password(pw, "Password for the new secret key: ", err) &&
		    !sign_read_password(again, "Password (again): ", err)) {
			if (strcmp(pw, again))
				strbuf_addstr(err, "the passwords do not match");
			else
				ret = 0;
		}
		sodium_free(again);
	}
	if (!ret && !*pw) {
		strbuf_addstr(err, "the password is empty: use -W for a secret key without one");
		ret = -1;
	}
	if (ret && strstr(err->buf, "no terminal"))
		strbuf_addstr(err, ", or use -W for a key without a password");
	return ret;
}

static int refuse_existing(const struct keygen_cmd *o)
{
	const char *paths[2] = { o->pub_path, o->sec_path };
	int i;

	for (i = 0; i < 2 && !o->force; i++)
		if (path_exists(paths[i])) {
			fprintf(stderr, "toolsync: error: '%s' already exists; "
				"use -f to overwrite it\n", quote_show(paths[i]));
			return -1;
		}
	return 0;
}

/*
 * Both files or neither: each is written to a temporary name first, and
 * only when both exist are they renamed into place.
 */
static int write_pair(const struct keygen_cmd *o, const struct strbuf *pub, const char *sec,
		      size_t sec_len, struct strbuf *err)
{
	char *sec_dir = path_dirname(o->sec_path), *sec_tmp = NULL, *pub_tmp = NULL;
	int ret = -1;

	/* a key directory such as ~/.toolsync is made private, as ssh-keygen makes ~/.ssh */
	if (!path_exists(sec_dir) && fs_mkdirs(sec_dir, 0700, err))
		goto out;
	if (!(sec_tmp = fs_write_temp(o->sec_path, sec, sec_len, 0600, err)) ||
	    !(pub_tmp = fs_write_temp(o->pub_path, pub->buf, pub->len, 0644, err)))
		goto out;
	if (rename(sec_tmp, o->sec_path)) {
		strbuf_addf(err, "cannot write '%s': %s", o->sec_path, strerror(errno));
		goto out;
	}
	if (rename(pub_tmp, o->pub_path)) {
		strbuf_addf(err, "cannot write '%s': %s", o->pub_path, strerror(errno));
		unlink(o->sec_path);   /* a secret key without its public half is no use */
		goto out;
	}
	ret = 0;
out:
	if (ret && sec_tmp)
		unlink(sec_tmp);
	if (ret && pub_tmp)
		unlink(pub_tmp);
	free(sec_tmp);
	free(pub_tmp);
	free(sec_dir);
	return ret;
}

static int write_keys(const struct keygen_cmd *o, const char *password)
{
	struct strbuf pub = STRBUF_INIT, err = STRBUF_INIT;
	char *sec = NULL;
	size_t sec_len = 0;
	int ret = -1;

	if (sign_keygen(&pub, &sec, &sec_len, password, SCRYPT_OPSLIMIT, SCRYPT_MEMLIMIT, &err) ||
	    write_pair(o, &pub, sec, sec_len, &err))
		goto out;
	printf("wrote the public key to %s and the %s secret key to %s\n", o->pub_path,
	       password ? "encrypted" : "unencrypted", o->sec_path);
	printf("%s", pub.buf);
	printf("Commit %s; never commit %s. In CI, pass the secret key's contents in\n"
	       "TOOLSYNC_SECRET_KEY%s.\n", o->pub_path, o->sec_path,
	       password ? " and its password in TOOLSYNC_PASSWORD" : "");
	ret = 0;
out:
	if (ret)
		fprintf(stderr, "toolsync: error: %s\n", err.buf);
	if (sec) {
		sodium_memzero(sec, sec_len);
		sodium_free(sec);
	}
	strbuf_release(&pub);
	strbuf_release(&err);
	return ret;
}

int cmd_keygen(int argc, char **argv)
{
	struct keygen_cmd o = { "toolsync.pub", "toolsync.key", 0, 0 };
	struct strbuf err = STRBUF_INIT;
	char *pw = NULL;
	int r;

	if ((r = parse_options(&o, argc, argv)))
		return r > 0 ? cmd_help("keygen") : -r;
	if (refuse_existing(&o))
		return EXIT_ERROR;
	if (!o.unencrypted) {
		if (!(pw = sodium_malloc(SIGN_PASSWORD_MAX)) || new_password(pw, &err)) {
			fprintf(stderr, "toolsync: error: %s\n",
				err.len ? err.buf : "cannot allocate secure memory");
			strbuf_release(&err);
			if (pw)
				sodium_free(pw);
			return EXIT_ERROR;
		}
	}
	r = write_keys(&o, pw) ? EXIT_ERROR : EXIT_OK;
	if (pw)
		sodium_free(pw);
	strbuf_release(&err);
	return r;
}
