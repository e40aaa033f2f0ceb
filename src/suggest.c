/* SPDX-License-Identifier: Apache-2.0 */
/* suggest.c: how far a misspelt word is from a known one. */
#include <ctype.h>

#include "toolsync/suggest.h"

size_t suggest_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j, *row, prev, cur, best;

	row = xcalloc(lb + 1, sizeof(*row));
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			cur = row[j];
			best = prev + (toupper((unsigned char)a[i - 1]) != toupper((unsigned char)b[j - 1]));
			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			prev = cur;
		}
	}
	best = row[lb];
	free(row);
	return best;
}

int suggest_near(const char *typed, const char *word)
{
	size_t d;

	if (!strcmp(typed, word))
		return 0;
	d = suggest_distance(typed, word);
	return d <= 2 && 2 * d < strlen(word);
}
