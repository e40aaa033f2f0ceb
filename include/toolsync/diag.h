/* SPDX-License-Identifier: Apache-2.0 */
/*
 * diag.h: source locations and error reporting for input problems.
 *
 * Every stage reports each problem it finds through a struct diag (it does
 * not stop at the first), and its caller checks d->errors after the stage.
 * Messages go to d->out (stderr) as
 *
 *	toolsync: registry.yaml:12:3: error: unknown role 'boss'
 *	   12 |   minRole: boss
 *	      |            ^~~~
 *
 * The quoted line and caret appear when the file's text was registered with
 * diag_add_source().  Wording: lowercase, no final period, names quoted.
 *
 * Whatever the values in it, a message is one line with no secret: it is
 * shown through quote_add() (quote.h: API keys and passwords masked,
 * control characters and invalid UTF-8 as \xHH), and so are file names;
 * a quoted line has its secrets masked and each control character or
 * invalid byte shown as '?' (the caret keeps its column).  Cut long
 * values at the call with quote_show().
 */
#ifndef TOOLSYNC_DIAG_H
#define TOOLSYNC_DIAG_H

#include "toolsync/strbuf.h"

/*
 * Where something came from.  file is borrowed and must outlive the
 * location: use path_intern() for names that do not live in a static table.
 * line and col are 1-based; line 0 means "no line" and then file is a free
 * description such as "table tool_registry, key 'x'".  len is the width of
 * the thing pointed at (for the caret), 0 if unknown.
 */
struct srcloc {
	const char *file;
	unsigned line, col, len;
};

#define SRCLOC_NONE ((struct srcloc){ NULL, 0, 0, 0 })

/* An interned copy of s, valid until exit; equal strings share one pointer. */
const char *path_intern(const char *s);

/* Print "file:line:col", "file:line", "file", or nothing. */
void srcloc_format(struct strbuf *out, const struct srcloc *loc);

struct diag {
	FILE *out;          /* where messages go; stderr when NULL */
	/*
	 * Atomic: a build's workers report a file they cannot write while
	 * the main thread reports rows and reads the count (compile.c).
	 */
	_Atomic unsigned errors;
	_Atomic unsigned warnings;
	unsigned max_errors; /* stop printing after this many (0: 100) */
	int no_source;       /* do not quote source lines */
	/*
	 * Also given every error (printed or not past max_errors), with its
	 * message; NULL: none.  The reporting commands use it to put input
	 * errors into a machine-readable report.
	 */
	void (*sink)(void *ctx, const struct srcloc *loc, const char *message);
	void *sink_ctx;
	/*
	 * Count only: print nothing, give the sink nothing.  A template's
	 * trial load on a worker thread (template.c) uses it: one with any
	 * message is loaded again, in order, where the messages are printed.
	 */
	int quiet;
};

#define DIAG_INIT { NULL, 0, 0, 0, 0, NULL, NULL, 0 }

/*
 * Remember a file's text so that messages to d can quote its lines
 * (copied).  A quiet d prints no line: nothing is kept for it.
 */
void diag_add_source(const struct diag *d, const char *file, const char *data, size_t len);
/*
 * diag_add_source() without the copy: data (NUL-terminated, from malloc)
 * is held from now on.  A reader that registers a file so, then parses
 * the same bytes, is not copied again by the parser's diag_add_source().
 */
void diag_give_source(const char *file, char *data, size_t len);
/*
 * Forget file's text: a reader that has checked a file and will report
 * nothing more at its lines drops it, so that reading 100,000 files keeps
 * neither 100,000 copies nor a list that every lookup walks.
 */
void diag_drop_source(const char *file);
/* Forget all remembered sources (tests). */
void diag_clear_sources(void);

TS_PRINTF(3, 4) void diag_error(struct diag *d, const struct srcloc *loc, const char *fmt, ...);
TS_PRINTF(3, 4) void diag_warning(struct diag *d, const struct srcloc *loc, const char *fmt, ...);
TS_PRINTF(3, 4) void diag_note(struct diag *d, const struct srcloc *loc, const char *fmt, ...);
void diag_verror(struct diag *d, const struct srcloc *loc, const char *fmt, va_list ap);

/*
 * Operational errors with no source location ("cannot open 'x': ..."):
 * "toolsync: error: message".  Counted as errors.
 */
TS_PRINTF(2, 3) void diag_fail(struct diag *d, const char *fmt, ...);

/* Usage error from a command: "toolsync: CMD: message" + a hint; returns 2. */
TS_PRINTF(2, 3) int usage_error(const char *cmd, const char *fmt, ...);

#endif
