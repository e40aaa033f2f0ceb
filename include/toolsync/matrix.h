/* SPDX-License-Identifier: Apache-2.0 */
/*
 * matrix.h: the standards traceability matrix.
 *
 * Auditors ask which tool supports evidence for which standard, and who
 * may call it.  The matrix answers with one row per standard, in the order
 * of the `standards:` allow-list (bytewise order without one), each listing
 * the tools that claim the standard with their minimum role, then the tools
 * that claim no standard.  It depends only on the registry rows, so the
 * same rows give the same bytes on any machine.
 *
 *	struct matrix m;
 *	matrix_init(&m, cfg);
 *	matrix_add(&m, row);            // every row, any order
 *	matrix_write(&m, MATRIX_MARKDOWN, &out);
 *	matrix_release(&m);
 */
#ifndef TOOLSYNC_MATRIX_H
#define TOOLSYNC_MATRIX_H

#include "toolsync/hashset.h"
#include "toolsync/registry.h"
#include "toolsync/strpool.h"

enum matrix_format { MATRIX_MARKDOWN, MATRIX_CSV, MATRIX_JSON };

/* The files build writes into the output (listed in index.json, so signed). */
#define MATRIX_MD_FILE "traceability.md"
#define MATRIX_CSV_FILE "traceability.csv"

struct matrix_tool {
	const char *key;     /* in matrix.keys */
	long rank;           /* the min_role's rank in cfg->roles */
	size_t nstd;         /* how many standards it claims */
	size_t first_claim;  /* its claims: claims[first_claim .. + nstd) */
	struct srcloc loc;   /* the row's key */
};

/* A standard claimed by a tool. */
struct matrix_claim {
	const char *standard;   /* interned in matrix.standards: rows repeat names */
	size_t tool;         /* index into tools */
	size_t order;        /* the standard's place in the rows (matrix_write) */
};

struct matrix {
	const struct ts_config *cfg;
	struct matrix_tool *tools;
	size_t ntools, alloc_tools;
	struct matrix_claim *claims;
	size_t nclaims, alloc_claims;
	struct hashset standards;   /* one copy of each name claimed */
	struct strpool keys;        /* the tools' keys: no allocation per row */
	/*
	 * Sorted for matrix_write (build writes two formats): the rows
	 * (borrowed), and the claims by row, then by tool key.
	 */
	struct strlist rows;
	struct matrix_claim *by_row;
	int sorted;
};

void matrix_init(struct matrix *m, const struct ts_config *cfg);
/* Record a checked row (row_check has passed): its key, role and standards. */
void matrix_add(struct matrix *m, const struct row *row);
/*
 * A key recorded twice is an error at its second place (build reports it
 * while compiling; `toolsync matrix` reads rows alone).  0 or -1.
 */
int matrix_check_unique(struct matrix *m, struct diag *d);
/*
 * Put the matrix in the order every format lists it in (matrix_write()
 * does on its first call).  After it, matrix_write() only reads m: the
 * formats may be written on several threads at once.
 */
void matrix_sort(struct matrix *m);
/* Append the matrix in fmt to out. */
void matrix_write(struct matrix *m, enum matrix_format fmt, struct strbuf *out);
void matrix_release(struct matrix *m);

/* "markdown", "csv", "json" -> fmt; -1 for anything else. */
int matrix_format_parse(const char *name, enum matrix_format *fmt);

#endif
