/* SPDX-License-Identifier: Apache-2.0 */
/*
 * verify.h: check a manifests directory against its signed index.
 *
 * In order: index.json.minisig is a valid signature of index.json by the
 * public key, and its trusted comment names index.json ("file:index.json",
 * so another file's signature by the same key does not pass); every file
 * the index lists has its size and BLAKE2b-256; no file in tools/ or
 * roles/ is missing from the index.  Each problem is a finding (rules
 * below), so `verify` prints them as errors and `ci` puts them in its
 * report.  Files are read with fs_read_file() under the directory: a link,
 * a FIFO, a device or a file over the cap is an input error (exit 2).
 */
#ifndef TOOLSYNC_VERIFY_H
#define TOOLSYNC_VERIFY_H

#include "toolsync/report.h"
#include "toolsync/sign.h"
#include "toolsync/config.h"

/* Every rule verify can report, NULL-terminated. */
extern const struct rule *const verify_rules[];
/* ci without signing.public_key: the signature was not checked. */
extern const struct rule verify_skipped_rule;

enum verify_flags {
	/*
	 * A missing index.json.minisig is no finding (signature-missing
	 * otherwise); the files are still checked against the index, and a
	 * signature that is present must verify.  ci uses it unless
	 * --require-signature: pull requests commit unsigned manifests
	 * (docs/ci.md).
	 */
	VERIFY_ALLOW_UNSIGNED = 1 << 0,
};

struct verify_result {
	size_t files;            /* files listed in the index and checked */
	char keyid[17];          /* the signing key's id, as minisign prints it */
	struct strbuf trusted;   /* the trusted comment of a valid signature */
};

/*
 * Verify dir (display: its name in findings; NULL: dir; flags: enum
 * verify_flags).  Problems with
 * the directory's contents are findings in out; an operational problem
 * (dir is not a directory, an unreadable file, a signed index that does
 * not parse) goes to d.  0, or -1 if anything reached d.  res may be NULL;
 * release res->trusted when given.
 */
int verify_dir(const char *dir, const char *display, unsigned flags,
	       const struct sign_pubkey *pub, struct findings *out,
	       struct verify_result *res, struct diag *d);

/*
 * Read and parse a public key file: named (as the user gave it with -p),
 * or when named is NULL cfg's signing.public_key, which must stay inside
 * the configuration's directory (fs_read_file()).  0, or -1 (reported to d).
 */
int verify_load_pubkey(const struct ts_config *cfg, const char *named, struct sign_pubkey *pub,
		       struct diag *d);

#endif
