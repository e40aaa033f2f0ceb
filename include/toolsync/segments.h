/* SPDX-License-Identifier: Apache-2.0 */
/*
 * segments.h: a JSON text compiled once into byte segments with holes.
 *
 * Variables are substituted into strings only (docs/design-notes.md), so
 * what a template writes for any row is fixed bytes with holes in them.
 * A form (the pretty manifest, its RFC 8785 form, a target's bundle
 * entry) is compiled by serializing a tree whose variable strings hold
 * markers (segment_marker()) with the very writer that writes files; the
 * text is then cut at the markers.  Per row, rendering is a concatenation
 * of the literal segments and the row's values, escaped as the writer
 * escapes them, so the bytes are the writer's bytes.
 *
 * A marker is the byte 0xFF, which valid UTF-8 never holds (every input
 * string is checked), and a letter naming the hole.
 */
#ifndef TOOLSYNC_SEGMENTS_H
#define TOOLSYNC_SEGMENTS_H

#include "toolsync/config.h"
#include "toolsync/strpool.h"

enum hole {
	/* text inside a JSON string */
	HOLE_KEY,
	HOLE_NAME,
	HOLE_MIN_ROLE,
	HOLE_STANDARDS,        /* joined by ", ", or "none" */
	/* a whole JSON value, written where the marker's string was */
	HOLE_STANDARDS_ARRAY,  /* the row's standards as an array of strings */
	HOLE_COUNT
};

/* The marker string that stands for a hole in a tree to be compiled. */
const char *segment_marker(enum hole h);

struct segment {
	size_t off, len;   /* literal bytes in prog->text */
	int hole;          /* the hole after them, or -1 (the last segment) */
	int indent;        /* for a value hole: its indent level, -1 compact */
};

struct segprog {
	char *text;        /* the literal bytes, one after another */
	struct segment *v;
	size_t n;
};

/*
 * Compile the serialization of a tree holding markers (json_write()'s
 * output, in style): the literal bytes between the markers and the holes.
 * Drop skip_head bytes at the start and skip_tail at the end (a bundle
 * entry is compiled from a one-item array).  The program is kept in pool:
 * it lives as long as the pool (nothing to free on its own).  Returns 0,
 * or -1 if the text holds a 0xFF that is not a marker (then prog is empty).
 */
int segprog_compile(struct segprog *prog, const struct strbuf *text, enum json_style style,
		    size_t skip_head, size_t skip_tail, struct strpool *pool);

/* The string holes: the variables a template may use. */
#define HOLE_STRINGS HOLE_STANDARDS_ARRAY

/*
 * A row's values: raw[h] as substituted into a tree, text[h] escaped once
 * for every form; standards for HOLE_STANDARDS_ARRAY (borrowed).  The
 * buffers are reused from row to row.
 */
struct segvals {
	struct strbuf raw[HOLE_STRINGS], text[HOLE_STRINGS];
	const struct strlist *standards;
};

#define SEGVALS_INIT { { STRBUF_INIT, STRBUF_INIT, STRBUF_INIT, STRBUF_INIT }, \
		       { STRBUF_INIT, STRBUF_INIT, STRBUF_INIT, STRBUF_INIT }, NULL }

/* Fill vals for a row (its key, role and sorted standards). */
void segvals_set(struct segvals *vals, const char *key, const char *min_role,
		 const struct strlist *standards);
/* Fill vals with the markers: a tree rendered with them compiles to holes. */
void segvals_markers(struct segvals *vals);
void segvals_release(struct segvals *vals);

/* Append the program's bytes with vals in its holes. */
void segprog_render(struct strbuf *out, const struct segprog *prog, const struct segvals *vals);

/* s as json_write_string() writes it, without the quotes. */
void segment_add_escaped(struct strbuf *out, const char *s, size_t len);

#endif
