/* SPDX-License-Identifier: Apache-2.0 */
/*
 * term.h: what every command shares about the terminal: --quiet,
 * --verbose, --color, and a progress line.
 *
 * Each command puts TERM_OPTIONS in its getopt_long table and passes each
 * option to term_option() before its own switch, as it does with the
 * report options (reportcmd.h).
 */
#ifndef TOOLSYNC_TERM_H
#define TOOLSYNC_TERM_H

#include "toolsync/common.h"

enum { TERM_OPT_COLOR = 600, TERM_OPT_BAD_COLOR };
#define TERM_OPTIONS                                                           \
	{ "quiet", no_argument, NULL, 'q' },                                   \
	{ "verbose", no_argument, NULL, 'v' },                                 \
	{ "color", required_argument, NULL, TERM_OPT_COLOR }
/* The short options of TERM_OPTIONS, for getopt_long's option string. */
#define TERM_SHORTOPTS "qv"

/*
 * Each option getopt_long returns goes here first: 0 when it was one of
 * TERM_OPTIONS (now in effect), else c itself for the command's switch,
 * or TERM_OPT_BAD_COLOR for a --color value other than auto, always and
 * never (cmd_option_error() reports it).
 */
int term_option(int c, const char *arg);

/* -1 with --quiet, 1 with --verbose, else 0. */
int term_verbosity(void);
static inline int term_quiet(void) { return term_verbosity() < 0; }

/*
 * Whether to write ANSI colour to f: --color=always or never decides;
 * else FORCE_COLOR (set, not empty, not "0") turns it on, NO_COLOR (set,
 * not empty) off; else f must be a terminal and TERM not "dumb".
 */
int term_color(FILE *f);

/* With --verbose: "toolsync: " and the message on stderr; else nothing. */
TS_PRINTF(1, 2) void term_verbose(const char *fmt, ...);

/*
 * A progress line on stderr ("\r<what>: N/TOTAL"), shown only when stderr
 * is a terminal, --quiet is not given, and the work has run longer than
 * about a second (TOOLSYNC_PROGRESS_DELAY_MS overrides the delay, for
 * tests); redrawn at most ten times a second.  progress_tick() counts one
 * item and costs a clock read only every 256 items.  total 0: unknown.
 * progress_done() clears the line.  One progress at a time; not for
 * worker threads.
 */
void progress_start(const char *what, unsigned long total);
void progress_tick(void);
void progress_done(void);

#endif
