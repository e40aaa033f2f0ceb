/* SPDX-License-Identifier: Apache-2.0 */
/*
 * dotenv.h: env files (".env"), parsed with the location of every name
 * and value.
 *
 * The syntax is the common subset of python-dotenv, node's dotenv and
 * docker compose, without variable expansion (check-config reports a
 * "${...}" left in a value; it must never resolve one itself):
 *
 *	# a comment                    blank lines and comment lines are skipped
 *	export NAME=value              "export " is optional
 *	NAME = value  # comment        spaces around '=' are allowed; unquoted
 *	                               values end at " #" and are trimmed
 *	NAME='literal $ \n'            single quotes: no escapes
 *	NAME="a\tb \"q\" \\ \$"        double quotes: \n \r \t \" \\ \$ \' \`
 *	NAME="line one                 quoted values may span lines
 *	line two"
 *
 * NAME is [A-Za-z_][A-Za-z0-9_]*.  A malformed line (a bad name, no '=',
 * an unterminated quote, text after a closing quote) is an error at its
 * file:line:col with the line quoted.
 */
#ifndef TOOLSYNC_DOTENV_H
#define TOOLSYNC_DOTENV_H

#include "toolsync/diag.h"

struct dotenv_entry {
	char *name;
	char *value;              /* unescaped; may hold newlines */
	struct srcloc loc;        /* the name (len: its length) */
	struct srcloc value_loc;  /* the value's first character (after a quote) */
	/*
	 * 1 if the value's bytes are the source's bytes from value_loc on one
	 * line (no escape, no line break), so that an offset into the value
	 * is a column offset too.
	 */
	int verbatim;
};

struct dotenv {
	struct dotenv_entry *v;
	size_t n, alloc;
};

/*
 * Parse data, the text of file (a name for messages; interned), appending
 * every assignment to env in file order.  The text is registered with
 * diag_add_source() so that messages quote it.  Every malformed line is
 * reported to d; returns 0, or -1 if anything was.
 */
int dotenv_parse(struct dotenv *env, const char *file, const char *data, size_t len,
		 struct diag *d);

/* Read path and dotenv_parse() it; an unreadable file is an error (-1). */
int dotenv_load(struct dotenv *env, const char *path, struct diag *d);

/* The last entry named name, or NULL. */
const struct dotenv_entry *dotenv_find(const struct dotenv *env, const char *name);

void dotenv_release(struct dotenv *env);

/* 1 if s is a valid variable name. */
int dotenv_valid_name(const char *s);

#endif
