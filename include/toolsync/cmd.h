/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd.h: the subcommands.  Each cmd_<name>(argc, argv) gets argv[0] equal
 * to its name, parses its own options, prints its usage on -h/--help, and
 * returns an exit code (enum exit_code).  main() flushes stdout after it.
 */
#ifndef TOOLSYNC_CMD_H
#define TOOLSYNC_CMD_H

#include <getopt.h>

#include "toolsync/common.h"

int cmd_build(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_check_config(int argc, char **argv);
int cmd_ci(int argc, char **argv);
int cmd_keygen(int argc, char **argv);
int cmd_matrix(int argc, char **argv);
int cmd_init(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_completion(int argc, char **argv);

/*
 * Each command's getopt_long table (with TERM_OPTIONS, term.h): main's
 * table points at them, and the completion scripts are written from them.
 */
extern const struct option cmd_build_options[];
extern const struct option cmd_check_config_options[];
extern const struct option cmd_ci_options[];
extern const struct option cmd_diff_options[];
extern const struct option cmd_import_options[];
extern const struct option cmd_init_options[];
extern const struct option cmd_keygen_options[];
extern const struct option cmd_matrix_options[];
extern const struct option cmd_verify_options[];

/* A row of main's command table. */
struct cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const struct option *opts;   /* its getopt_long table (for completion), or NULL */
	const char *summary;
	const char *usage;
};
/* The command table, in the order `toolsync --help` lists it. */
const struct cmd *cmd_table(size_t *n);

/*
 * getopt_long's ':' (a missing value) or '?' (an unknown option) as a
 * usage error of cmd; returns -EXIT_ERROR, as the commands' option parsers
 * return it.  argv[optind - 1] is the option.
 */
int cmd_option_error(const char *cmd, int c, char **argv);

/* Print the full usage text of command name to stdout and return 0 (for -h in a command). */
int cmd_help(const char *name);

#endif
