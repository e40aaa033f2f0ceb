/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd_init.c: toolsync init [DIR].
 *
 * Writes a small catalogue that builds at once: the configuration, a
 * registry with one row, its template with a shared definition, a
 * .gitignore for secret keys and a CI workflow.  It never overwrites:
 * when any of the files exists, nothing is written.
 */
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "toolsync/cmd.h"
#include "toolsync/config.h"
#include "toolsync/diag.h"
#include "toolsync/fsutil.h"
#include "toolsync/term.h"

struct init_file {
	const char *path;
	const char *schema;   /* its JSON Schema in schemas/ (for editors), or NULL */
	const char *text;
};

static const struct init_file init_files[] = {
	{ "toolsync.yaml", "toolsync.schema.json",
	  "# toolsync configuration (written by 'toolsync init').  Paths are relative\n"
	  "# to this file; ${VAR} is taken from the environment.  See toolsync(1).\n"
	  "registry: registry.yaml\n"
	  "# registry: {postgres: \"${DATABASE_URL}\", table: public.tool_registry}\n"
	  "templates: templates\n"
	  "out: manifests\n"
	  "roles: [viewer, editor, admin]          # lowest first\n"
	  "standards: [SOX-404, GDPR-30]           # the standards a row may name\n"
	  "targets: [responses, chat, mcp]         # role bundles written for each\n"
	  "signing: {public_key: toolsync.pub}     # make the pair with: toolsync keygen\n"
	  "debug: {required_tags: [service, env], retention_days: 30}\n" },
	{ "registry.yaml", "registry.schema.json",
	  "# The tool_registry: one row per tool (written by 'toolsync init').\n"
	  "# key: the tool's name; minRole: the lowest role that may use it;\n"
	  "# standards: what it supports evidence for (from standards: in toolsync.yaml).\n"
	  "tool_registry:\n"
	  "  - key: docs.search\n"
	  "    minRole: viewer\n"
	  "    standards: []\n"
	  "  - key: docs.export\n"
	  "    minRole: editor\n"
	  "    standards: [GDPR-30]\n" },
	{ "templates/docs.yaml", "template.schema.json",
	  "# The template of every key matching docs.* (a file templates/<key>.yaml\n"
	  "# would be used for that key instead).  parameters: is a JSON Schema in\n"
	  "# YAML, held to OpenAI's strict mode.\n"
	  "match: \"docs.*\"\n"
	  "description: >-\n"
	  "  ${name}: find documents (${key}). Standards: ${standards}. Requires ${min_role}.\n"
	  "parameters:\n"
	  "  type: object\n"
	  "  properties:\n"
	  "    query:\n"
	  "      type: string\n"
	  "      description: What to look for.\n"
	  "    period:\n"
	  "      $ref: \"_defs/common.yaml#/Period\"\n"
	  "    limit:\n"
	  "      type: [integer, \"null\"]\n"
	  "      description: At most this many documents (null for the default, 10).\n"
	  "  required: [query, period, limit]\n"
	  "  additionalProperties: false\n"
	  "strict: true\n" },
	{ "templates/_defs/common.yaml", "defs.schema.json",
	  "# Definitions shared by templates: $ref: \"_defs/common.yaml#/Period\".\n"
	  "Period:\n"
	  "  type: object\n"
	  "  description: A date range; both ends inclusive.\n"
	  "  properties:\n"
	  "    start: {type: string, format: date, description: First day (YYYY-MM-DD).}\n"
	  "    end: {type: string, format: date, description: Last day (YYYY-MM-DD).}\n"
	  "  required: [start, end]\n"
	  "  additionalProperties: false\n" },
	{ ".gitignore", NULL,
	  "# Secret signing keys never go into the repository (toolsync keygen\n"
	  "# writes toolsync.key; CI gets its contents in TOOLSYNC_SECRET_KEY).\n"
	  "*.key\n" },
	{ ".github/workflows/toolsync.yml", NULL,
	  "# toolsync in CI (written by 'toolsync init'): the manifests are rebuilt in\n"
	  "# memory, verified, compared with the committed ones and the debug-logging\n"
	  "# configuration checked; a pull request is reviewed against its base\n"
	  "# branch (a lowered role, a removed parameter); findings land as\n"
	  "# code-scanning results.  Signing is a separate job (toolsync's docs/ci.md).\n"
	  "name: toolsync\n"
	  "on: [push, pull_request]\n"
	  "permissions: {contents: read, security-events: write}\n"
	  "jobs:\n"
	  "  toolsync:\n"
	  "    runs-on: ubuntu-latest\n"
	  "    env: {BASE: \"${{ github.base_ref }}\"}   # empty on a push\n"
	  "    steps:\n"
	  "      - uses: actions/checkout@v4\n"
	  "      - name: Fetch the pull request's base (one commit is enough)\n"
	  "        if: github.event_name == 'pull_request'\n"
	  "        run: git fetch --depth=1 origin \"+refs/heads/$BASE:refs/remotes/origin/$BASE\"\n"
	  "      - name: Install toolsync\n"
	  "        # the package 'make deb' builds, kept where your CI can reach it\n"
	  "        run: sudo apt-get install -y ./tools/toolsync_*.deb\n"
	  "      - name: toolsync ci\n"
	  "        # the report goes outside the checkout: a toolsync.sarif a pull request\n"
	  "        # committed as a symbolic link would be written through\n"
	  "        run: toolsync ci ${BASE:+--against \"git:origin/$BASE\"} --report \"sarif:$RUNNER_TEMP/toolsync.sarif\" --format github\n"
	  "      - name: Upload the findings\n"
	  "        if: always()\n"
	  "        uses: github/codeql-action/upload-sarif@v3\n"
	  "        with: {sarif_file: \"${{ runner.temp }}/toolsync.sarif\"}\n" },
};

struct init_cmd {
	const char *dir;
};

const struct option cmd_init_options[] = {
	TERM_OPTIONS,
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int parse_options(struct init_cmd *o, int argc, char **argv)
{
	int c;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":qvh", cmd_init_options, NULL)) != -1) {
		if (!(c = term_option(c, optarg)))
			continue;
		switch (c) {
		case 'h': return 1;
		default: return cmd_option_error("init", c, argv);
		}
	}
	if (optind < argc)
		o->dir = argv[optind++];
	if (optind < argc)
		return -usage_error("init", "unexpected argument '%s'", argv[optind]);
	return 0;
}

/* 1 if a file before init_files[i] has its first n bytes as a directory too. */
static int way_seen(size_t i, size_t n)
{
	size_t j;

	for (j = 0; j < i; j++)
		if (!strncmp(init_files[j].path, init_files[i].path, n) && init_files[j].path[n] == '/')
			return 1;
	return 0;
}

/*
 * The directories below dir on the way to init_files[i] (for
 * templates/_defs/common.yaml: templates and templates/_defs) must be
 * directories or missing, never a symbolic link: init writes below dir
 * only (a linked .github/ took the workflow out of it).  1 if one is
 * not, said on stderr (once for files that share it).
 */
static int refuse_way(const char *dir, size_t i)
{
	const char *rel = init_files[i].path, *s;
	struct stat st;
	int bad = 0;

	for (s = rel; !bad && (s = strchr(s, '/')); s++) {
		char *part = xstrndup(rel, (size_t)(s - rel)), *p = path_join(dir, part);

		if (!lstat(p, &st) && !S_ISDIR(st.st_mode) && !way_seen(i, (size_t)(s - rel))) {
			fprintf(stderr, "toolsync: init: '%s' is %s\n", p, S_ISLNK(st.st_mode) ?
				"a symbolic link (init writes below its directory only)" :
				"not a directory");
			bad = 1;
		}
		free(part);
		free(p);
	}
	return bad;
}

/* Every target that exists already (a dangling symlink too), or is out of reach, one line each. */
static int refuse_existing(const char *dir)
{
	size_t i;
	int found = 0;

	for (i = 0; i < ARRAY_SIZE(init_files); i++) {
		char *p = path_join(dir, init_files[i].path);

		if (path_exists(p)) {
			fprintf(stderr, "toolsync: init: '%s' exists\n", p);
			found++;
		} else {
			found += refuse_way(dir, i);
		}
		free(p);
	}
	if (found)
		fprintf(stderr, "toolsync: init: nothing written: init never overwrites a file\n");
	return found ? -1 : 0;
}

/* Remove the first n files written (a later one failed). */
static void unwrite(const char *dir, size_t n)
{
	while (n--) {
		char *p = path_join(dir, init_files[n].path);

		unlink(p);
		free(p);
	}
}

/*
 * The directory of the JSON Schemas: share/toolsync/schemas beside the
 * installed binary's bin/, or the source tree's schemas/ for a binary built
 * there (./toolsync, build/san/toolsync).  NULL when none exists.  Caller
 * frees.
 */
static char *schema_dir(void)
{
	static const char *const rel[] = { "../share/toolsync/schemas", "schemas", "../../schemas" };
	char exe[4096], *bin, *dir, *real;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	size_t i;

	if (n <= 0)
		return NULL;
	exe[n] = '\0';
	bin = path_dirname(exe);
	for (i = 0; i < ARRAY_SIZE(rel); i++) {
		char *probe;
		int found;

		dir = path_join(bin, rel[i]);
		probe = path_join(dir, "toolsync.schema.json");
		found = path_exists(probe) && (real = realpath(dir, NULL)) != NULL;
		free(probe);
		free(dir);
		if (found) {
			free(bin);
			return real;
		}
	}
	free(bin);
	return NULL;
}

/* A file's text, after a line naming its schema when there is one. */
static void file_text(struct strbuf *out, const struct init_file *f, const char *schemas)
{
	if (f->schema && schemas)
		strbuf_addf(out, "# yaml-language-server: $schema=%s/%s\n", schemas, f->schema);
	strbuf_addstr(out, f->text);
}

/*
 * The directories the files need that are missing: made by writing them,
 * removed again when a write fails (nothing written means no directory
 * either).
 */
static void missing_dirs(const char *dir, struct strlist *made)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(init_files); i++) {
		char *p = path_join(dir, init_files[i].path), *parent = path_dirname(p);

		fs_missing_dirs(parent, made);
		free(parent);
		free(p);
	}
}

static int write_files(const char *dir, struct strbuf *err)
{
	struct strbuf text = STRBUF_INIT;
	struct strlist made = { 0 };
	char *schemas = schema_dir();
	size_t i;

	missing_dirs(dir, &made);

	for (i = 0; i < ARRAY_SIZE(init_files); i++) {
		char *p = path_join(dir, init_files[i].path), *parent = path_dirname(p);
		int r;

		strbuf_reset(&text);
		file_text(&text, &init_files[i], schemas);
		r = fs_mkdirs(parent, 0777, err) || fs_write_new(p, text.buf, text.len, 0666, err);
		free(parent);
		free(p);
		if (r) {
			unwrite(dir, i);
			fs_unmake(&made);
			break;
		}
	}
	strlist_release(&made);
	strbuf_release(&text);
	free(schemas);
	return i < ARRAY_SIZE(init_files) ? -1 : 0;
}

static void print_next_steps(const char *dir)
{
	const char *pre = strcmp(dir, ".") ? dir : NULL;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(init_files); i++)
		printf("wrote %s%s%s\n", pre ? pre : "", pre ? "/" : "", init_files[i].path);
	if (pre)
		printf("next: cd %s\n", pre);
	fputs("  toolsync keygen                  # toolsync.pub (commit it), toolsync.key (never)\n"
	      "  toolsync build --key toolsync.key\n"
	      "  toolsync verify\n", stdout);
}

int cmd_init(int argc, char **argv)
{
	struct init_cmd o = { "." };
	struct strbuf err = STRBUF_INIT;
	int r;

	if ((r = parse_options(&o, argc, argv)))
		return r > 0 ? cmd_help("init") : -r;
	if (!*o.dir)
		return usage_error("init", "the directory is an empty string");
	if (refuse_existing(o.dir))
		return EXIT_ERROR;
	if (write_files(o.dir, &err)) {
		fprintf(stderr, "toolsync: init: error: %s; nothing written\n", err.buf);
		strbuf_release(&err);
		return EXIT_ERROR;
	}
	if (!term_quiet())
		print_next_steps(o.dir);
	return EXIT_OK;
}
