/* SPDX-License-Identifier: Apache-2.0 */
/*
 * yaml.h: read a YAML document (libyaml) into a struct jv tree.
 *
 * Scalars are typed as YAML 1.2's core schema does: null, ~ and empty are
 * null; true/false (any case of those words) are booleans; decimal, 0x and
 * 0o integers and decimal floats are numbers; anything quoted, or tagged
 * !!str, is a string; every other plain scalar is a string.  yes/no/on/off
 * stay strings (the YAML 1.1 "Norway problem" is not reproduced).
 *
 * Refused, each reported with file:line:col: syntax errors, duplicate keys,
 * keys that are not scalars, .inf/.nan, numbers that overflow, more than one
 * document, invalid UTF-8, unknown tags, and alias expansion beyond a
 * limit (billion laughs).  Anchors and aliases otherwise work (deep copy).
 */
#ifndef TOOLSYNC_YAML_H
#define TOOLSYNC_YAML_H

#include "toolsync/json.h"
#include "toolsync/fsutil.h"

/*
 * Returns the document's root (an empty document gives a JV_NULL), or NULL
 * when anything was reported.  file is interned; the text is registered
 * with diag_add_source().
 */
struct jv *yaml_parse(const char *data, size_t len, const char *file, struct diag *d);
/*
 * Free the calling thread's parser (each thread keeps one between
 * documents): a thread other than main, before it ends.
 */
void yaml_release_thread(void);

/* The YAML counterpart of json_stream (see json.h). */
struct yaml_stream;
struct yaml_stream *yaml_stream_open(const char *data, size_t len, const char *file,
				     const char *key, struct diag *d);
int yaml_stream_next(struct yaml_stream *s, struct jv **out);
void yaml_stream_close(struct yaml_stream *s);

/* Parse text as YAML, or as JSON when name ends in ".json". */
struct jv *doc_parse(const char *data, size_t len, const char *name, struct diag *d);

/*
 * Read root/rel with fs_read_file() (root NULL: a file the user named) and
 * parse it with doc_parse().  display is the name used in messages and
 * locations (NULL: root/rel).  A file that cannot be read is reported as
 * "cannot read <kind> 'x': reason".
 */
struct jv *doc_load(const char *root, const char *rel, const char *display,
		    enum fs_kind kind, struct diag *d);

#endif
