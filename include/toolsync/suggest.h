/* SPDX-License-Identifier: Apache-2.0 */
/*
 * suggest.h: "did you mean ...?" for a misspelt command, option or name.
 */
#ifndef TOOLSYNC_SUGGEST_H
#define TOOLSYNC_SUGGEST_H

#include "toolsync/common.h"

/* Levenshtein distance between a and b, ignoring ASCII case. */
size_t suggest_distance(const char *a, const char *b);

/*
 * 1 if typed is a near miss of word: at most two edits, and fewer than
 * half of word's length (so "--db" is not a near miss of "--out").
 */
int suggest_near(const char *typed, const char *word);

#endif
