/* SPDX-License-Identifier: Apache-2.0 */
/*
 * term.c: --quiet, --verbose, --color and the progress line (term.h).
 *
 * The colour rules are those of no-color.org and force-color.org, with
 * the command line first, as git, ripgrep and cargo have them.
 */
#include <getopt.h>
#include <time.h>
#include <unistd.h>

#include "toolsync/term.h"

enum color_mode { COLOR_AUTO, COLOR_ALWAYS, COLOR_NEVER };

static int verbosity;
static enum color_mode color_mode;

int term_option(int c, const char *arg)
{
	static const char *const modes[] = { "auto", "always", "never" };
	size_t i;

	switch (c) {
	case 'q': verbosity = -1; return 0;
	case 'v': verbosity = 1; return 0;
	case TERM_OPT_COLOR:
		for (i = 0; i < ARRAY_SIZE(modes); i++)
			if (!strcmp(arg, modes[i])) {
				color_mode = (enum color_mode)i;
				return 0;
			}
		return TERM_OPT_BAD_COLOR;
	default:
		return c;
	}
}

int term_verbosity(void)
{
	return verbosity;
}

static int env_set(const char *name)
{
	const char *v = getenv(name);

	return v && *v;
}

int term_color(FILE *f)
{
	const char *force = getenv("FORCE_COLOR"), *term = getenv("TERM");

	if (color_mode != COLOR_AUTO)
		return color_mode == COLOR_ALWAYS;
	if (force && *force && strcmp(force, "0"))
		return 1;
	if (env_set("NO_COLOR"))
		return 0;
	return isatty(fileno(f)) && !(term && !strcmp(term, "dumb"));
}

void term_verbose(const char *fmt, ...)
{
	va_list ap;

	if (verbosity <= 0)
		return;
	fputs("toolsync: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static struct {
	const char *what;
	unsigned long total, count;
	long long start_ms, drawn_ms, delay_ms;
	int active, shown;
} progress;

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void progress_start(const char *what, unsigned long total)
{
	const char *delay = getenv("TOOLSYNC_PROGRESS_DELAY_MS");

	memset(&progress, 0, sizeof(progress));
	if (verbosity < 0 || !isatty(STDERR_FILENO))
		return;
	progress.what = what;
	progress.total = total;
	progress.active = 1;
	progress.delay_ms = delay && *delay ? atol(delay) : 1000;
	progress.start_ms = now_ms();
}

static void draw(void)
{
	if (progress.total)
		fprintf(stderr, "\r%s: %lu/%lu (%lu%%)", progress.what, progress.count,
			progress.total, progress.count * 100 / progress.total);
	else
		fprintf(stderr, "\r%s: %lu", progress.what, progress.count);
	fflush(stderr);
	progress.shown = 1;
}

void progress_tick(void)
{
	long long now;

	if (!progress.active)
		return;
	progress.count++;
	if (progress.count % 64 && progress.count > 64)
		return;
	now = now_ms();
	if (now - progress.start_ms < progress.delay_ms || now - progress.drawn_ms < 100)
		return;
	progress.drawn_ms = now;
	draw();
}

void progress_done(void)
{
	if (progress.shown) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
	}
	memset(&progress, 0, sizeof(progress));
}
