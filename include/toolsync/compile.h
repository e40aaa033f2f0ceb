/* SPDX-License-Identifier: Apache-2.0 */
/*
 * compile.h: the pipeline from registry rows to manifest files.
 *
 *   source -> rows -> template lookup -> render -> strict check
 *     -> manifest -> serialize -> digest -> emit (callback)
 *
 * compile_catalogue() runs it and hands every output file to a callback:
 * `build` stages them on disk, `diff` and `ci` compare them with the
 * committed manifests.  Nothing reaches the callback's caller as final
 * until compile_catalogue() has returned 0: every row compiled.
 */
#ifndef TOOLSYNC_COMPILE_H
#define TOOLSYNC_COMPILE_H

#include "toolsync/registry.h"
#include "toolsync/index.h"

struct template;
struct tforms;
struct committed;

/* Sources of committed files a compile compares its output with, at most. */
#define COMPILE_COMPARE_MAX 2

/* One compiled tool. */
struct compiled_tool {
	const struct row *row;
	const char *template_path;  /* as written in the manifest: "schemas/templates/x.yaml" */
	const struct template *template;
	const struct tforms *forms; /* the template's segments */
	struct jv *tree;            /* compiled_tool_manifest()'s, until the callback returns */
	char jcs_blake2b[DIGEST_HEX_SIZE];  /* out_file_jcs_blake2b()'s when made late */
};

/*
 * The manifest document (see DESIGN.md, Output), for a callback that
 * compares documents.  Rows are rendered from their templates' segments,
 * so the tree is built on the first call only (diff asks for the tools
 * whose committed bytes differ).  Nodes under "tool" carry the template's
 * locations; "key", "min_role" and "standards" carry the registry row's.
 * Borrowed for the callback only.
 */
const struct jv *compiled_tool_manifest(struct compiled_tool *t);

/* One output file, relative to the output directory. */
struct out_file {
	const char *path;           /* "tools/<key>.json", "roles/<role>.<target>.json" */
	/*
	 * Exactly what is written.  Without parallel_emit and with compare
	 * sources, a tool's bytes are kept for the callback only when some
	 * compare source differs from them: with every bit of committed_same
	 * set they are empty.  Without compare sources they are always there.
	 */
	const struct strbuf *bytes;
	/* BLAKE2b-256 hex of bytes; "" for a tool when compiling without an index (diff, ci) */
	const char *blake2b;
	/*
	 * BLAKE2b-256 hex of the RFC 8785 form; "" for a tool when compiling
	 * without an index (diff, ci): then out_file_jcs_blake2b() makes it.
	 */
	const char *jcs_blake2b;
	struct compiled_tool *tool; /* tools/ files; NULL for bundles */
	/*
	 * Bit i set: compile_opts.compare[i] holds exactly these bytes at
	 * path, or their RFC 8785 form.  Clear otherwise (also when the file
	 * is missing, not regular, or unreadable: the callback reads it
	 * itself to say so).
	 */
	unsigned committed_same;
};

/* f->jcs_blake2b, made on the first call when it was left empty. */
const char *out_file_jcs_blake2b(const struct out_file *f);

/* Return 0 to go on, -1 to stop (the callback reported why). */
typedef int (*compile_emit_fn)(void *ctx, const struct out_file *f);

struct compile_opts {
	const char *registry;  /* --registry, overrides the config; NULL: config */
	int canonical;         /* write RFC 8785 instead of the pretty form */
	/*
	 * emit may be called from several threads at once (it guards its own
	 * state); otherwise it is called from one thread, in registry order.
	 */
	int parallel_emit;
	/*
	 * Optional: the RFC 8785 digest of path when its bytes have this
	 * digest, if the caller knows it already (build: from the old index):
	 * 1 and jcs filled; then that form is neither rendered nor hashed.
	 * Called from several threads at once, with emit's ctx.
	 */
	int (*known_jcs)(void *ctx, const char *path, const char *blake2b,
			 char jcs[DIGEST_HEX_SIZE]);
	/*
	 * Optional: sources of committed output (diff, ci), NULL-padded.  Each
	 * file is compared with them on the worker threads
	 * (out_file.committed_same), so that the callback, which runs in
	 * order on one thread, only reads and parses the files that differ.
	 */
	struct committed *compare[COMPILE_COMPARE_MAX];
	/*
	 * A template's tree is freed once it is compiled (build): then no
	 * out_file's tool may be given to compiled_tool_manifest(), nor its
	 * template's doc read.  Bundle items that need a tree keep theirs.
	 */
	int drop_trees;
};

/*
 * Compile the whole catalogue.  Each output file goes to emit (tools in
 * registry order, then bundles; see parallel_emit); each is added to ix
 * when ix is not NULL.  Templates are loaded and compiled on TOOLSYNC_JOBS
 * threads (default: one per processor; on one below 40 templates;
 * messages come out in file-name order all the same), then rendering and
 * hashing use them while the main thread reads the rows.
 * Every problem is reported to d.  Returns 0 when everything compiled,
 * -1 otherwise (then the caller must discard what emit received).
 */
int compile_catalogue(const struct ts_config *cfg, const struct compile_opts *o,
		      compile_emit_fn emit, void *ctx, struct index *ix,
		      struct diag *d);

/* Worker threads at most, whatever the machine says. */
#define JOBS_MAX 64
/* Threads to use (compile, verify): TOOLSYNC_JOBS, else one per online processor. */
unsigned compile_jobs(void);

/* The function name for a key: '.' becomes '_'. Caller frees. */
char *tool_function_name(const char *key);

#endif
