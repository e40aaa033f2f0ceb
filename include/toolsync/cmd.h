/*
 * cmd.h: the subcommands.  Each cmd_<name>(argc, argv) gets argv[0] equal
 * to its name, parses its own options, prints its usage on -h/--help, and
 * returns an exit code (enum exit_code).  main() flushes stdout after it.
 */
#ifndef TOOLSYNC_CMD_H
#define TOOLSYNC_CMD_H

#include "toolsync/common.h"

int cmd_build(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_check_config(int argc, char **argv);
int cmd_ci(int argc, char **argv);
int cmd_keygen(int argc, char **argv);
int cmd_matrix(int argc, char **argv);

/* The full usage text of a command (for -h, `help CMD`); NULL if unknown. */
const char *cmd_usage(const char *name);
/*
 * getopt_long's ':' (a missing value) or '?' (an unknown option) as a
 * usage error of cmd; returns -EXIT_ERROR, as the commands' option parsers
 * return it.  argv[optind - 1] is the option.
 */
int cmd_option_error(const char *cmd, int c, char **argv);

/* Print cmd_usage(name) to stdout and return 0 (for -h in a command). */
int cmd_help(const char *name);

#endif
