/* SPDX-License-Identifier: Apache-2.0 */
/* main.c: argv -> the subcommand table. */
#include <errno.h>
#include <getopt.h>
#include <locale.h>
#include <time.h>

#include "toolsync/cmd.h"
#include "toolsync/diag.h"
#include "toolsync/digest.h"
#include "toolsync/quote.h"
#include "toolsync/suggest.h"
#include "toolsync/term.h"

static const struct cmd commands[] = {
	{ "build", cmd_build, cmd_build_options, "compile the registry into signed manifests",
	  "usage: toolsync build [-c FILE] [--registry SRC] [--out DIR] [--key FILE]\n"
	  "                      [--sign-each] [--canonical]\n"
	  "\n"
	  "Compile every registry row through its template into manifests/: one\n"
	  "manifest per tool, one bundle per role and target, and index.json with\n"
	  "every file's size and BLAKE2b-256.  With a secret key, index.json is\n"
	  "signed (index.json.minisig).  Nothing is written unless every row\n"
	  "compiles; then the new tree replaces the output in one step (readers see\n"
	  "the old or the new one), and a build that changes nothing writes nothing.\n"
	  "Only files the old index.json lists are removed: a directory toolsync did\n"
	  "not build, or with other files in it, is refused (docs/output.md).\n"
	  "\n"
	  "  -c, --config FILE   configuration (default: toolsync.yaml)\n"
	  "  --registry SRC      registry file or PostgreSQL URI/conninfo (overrides config;\n"
	  "                      the table and columns still come from the config;\n"
	  "                      'postgresql://' alone: $DATABASE_URL, else the PG* variables)\n"
	  "  --out DIR           output directory (default: config 'out', manifests)\n"
	  "  --key FILE          minisign secret key (default: $TOOLSYNC_SECRET_KEY, the\n"
	  "                      key file's contents; no key: index left unsigned); an\n"
	  "                      encrypted key's password comes from $TOOLSYNC_PASSWORD,\n"
	  "                      else it is asked on the terminal\n"
	  "  --sign-each         also sign every tools/<key>.json\n"
	  "  --canonical         write RFC 8785 (JCS) JSON instead of the indented form\n"
	  "                      (keys sorted, so schema properties lose the template's order)\n"
	  "\n"
	  "Exit: 0 built, 2 bad input or error (nothing written).\n" },
	{ "verify", cmd_verify, cmd_verify_options, "check the signature and digests of a manifests directory",
	  "usage: toolsync verify [-c FILE] [-p PUBKEY] [DIR]\n"
	  "\n"
	  "Check DIR/index.json.minisig with the public key, then every file the\n"
	  "index lists (size and BLAKE2b-256), and that tools/ and roles/ hold no\n"
	  "file the index does not list.\n"
	  "\n"
	  "  -c, --config FILE   configuration (default: toolsync.yaml, if present)\n"
	  "  -p, --pubkey FILE   minisign public key (default: config signing.public_key)\n"
	  "  DIR                 manifests directory (default: config 'out', manifests)\n"
	  "\n"
	  "Exit: 0 verified, 1 verification failed, 2 malformed input or error.\n" },
	{ "diff", cmd_diff, cmd_diff_options, "report changes against the committed manifests",
	  "usage: toolsync diff [-c FILE] [--registry SRC] [--against DIR|git:REV]\n"
	  "                     [--format F] [--fail-on LIST] [--output FILE]\n"
	  "                     [--report F:FILE]... [--accept FILE]\n"
	  "\n"
	  "Compile the registry in memory and compare it, tool by tool, with the\n"
	  "manifests in DIR, or in the output directory as committed at git revision\n"
	  "REV.  Each change is a finding with a rule id, category, severity, JSON\n"
	  "pointer, old and new values, and the source that caused it; findings with\n"
	  "one cause are reported as one entry naming the tools it affects.\n"
	  "\n"
	  "  -c, --config FILE   configuration (default: toolsync.yaml)\n"
	  "  --registry SRC      registry file or PostgreSQL URI/conninfo (see build)\n"
	  "  --against DIR       committed manifests (default: config 'out')\n"
	  "  --against git:REV   config 'out' as committed at REV (branch, tag, SHA,\n"
	  "                      HEAD~1) in the repository holding the configuration\n"
	  "  --format F          text, markdown, json, sarif, github, gitlab or junit\n"
	  "                      (default: text)\n"
	  "  --fail-on LIST      categories (change, breaking, security, compliance,\n"
	  "                      config) or severities (note, warning, error), any, none\n"
	  "                      (default: error)\n"
	  "  --output FILE       write the report to FILE instead of stdout\n"
	  "  --report F:FILE     write a report in format F to FILE ('-': stdout);\n"
	  "                      repeatable, one run for several reports; with it,\n"
	  "                      --format/--output is one more report only if given\n"
	  "  --accept FILE       accepted findings (default: .toolsync-accept.yaml, if present)\n"
	  "\n"
	  "Exit: 0 nothing at the threshold, 1 findings at the threshold, 2 error.\n" },
	{ "check-config", cmd_check_config, cmd_check_config_options, "validate the OpenAI debug-logging configuration",
	  "usage: toolsync check-config [-c FILE] [--env-file FILE]... [--environment NAME]\n"
	  "                             [--db CONNINFO] [--format F] [--fail-on LIST]\n"
	  "                             [--output FILE] [--report F:FILE]... [--accept FILE]\n"
	  "\n"
	  "Validate OPENAI_DEBUG_LOGGING, OPENAI_DEBUG_FETCH_DETAILS,\n"
	  "OPENAI_REQUEST_TAGS and OPENAI_REQUEST_QUOTA_TAG from the environment and\n"
	  "env files, and the debug: section of the configuration.\n"
	  "\n"
	  "  -c, --config FILE     configuration (default: toolsync.yaml, if present)\n"
	  "  --env-file FILE       dotenv file; repeatable; the process environment wins\n"
	  "  --environment NAME    the env: tag must equal NAME\n"
	  "  --db CONNINFO         also audit openai_debug_events in this database\n"
	  "  --format F            text, markdown, json, sarif, github, gitlab or junit\n"
	  "                        (default: text)\n"
	  "  --fail-on LIST        as for diff (default: error)\n"
	  "  --output FILE         write the report to FILE instead of stdout\n"
	  "  --report F:FILE       a report in format F to FILE ('-': stdout); repeatable\n"
	  "                        (as for diff)\n"
	  "  --accept FILE         accepted findings (default: .toolsync-accept.yaml, if present)\n"
	  "\n"
	  "Exit: 0 nothing at the threshold, 1 findings at the threshold, 2 error.\n" },
	{ "ci", cmd_ci, cmd_ci_options, "build in memory, verify, diff and check-config: one report",
	  "usage: toolsync ci [-c FILE] [--registry SRC] [--against DIR|git:REV]\n"
	  "                   [--require-signature] [--db CONNINFO] [--format F]\n"
	  "                   [--fail-on LIST] [--output FILE] [--report F:FILE]...\n"
	  "                   [--accept FILE] [--env-file FILE]... [--environment NAME]\n"
	  "\n"
	  "Build the catalogue in memory, verify the committed manifests with the\n"
	  "configured public key, diff against them or against --against (a pull\n"
	  "request's base: git:origin/main), report committed bytes a build would\n"
	  "not produce (manifest-stale), and check the debug-logging configuration.\n"
	  "One exit code; nothing is written but the reports (--report: several).\n"
	  "\n"
	  "  -c, --config FILE     configuration (default: toolsync.yaml)\n"
	  "  --registry SRC        registry file or PostgreSQL URI/conninfo\n"
	  "  --against DIR|git:REV review against these manifests (default: the\n"
	  "                        committed ones); git:REV reads config 'out' at REV\n"
	  "  --require-signature   an unsigned index is signature-missing (an error);\n"
	  "                        without it an unsigned index passes (docs/ci.md)\n"
	  "  --db CONNINFO         also audit openai_debug_events (as check-config --db)\n"
	  "  --format F            text, markdown, json, sarif, github, gitlab or junit\n"
	  "                        (default: text)\n"
	  "  --fail-on LIST        as for diff (default: error)\n"
	  "  --output FILE         write the report to FILE instead of stdout\n"
	  "  --report F:FILE       a report in format F to FILE ('-': stdout); repeatable\n"
	  "                        (as for diff)\n"
	  "  --accept FILE         accepted findings (default: .toolsync-accept.yaml, if present)\n"
	  "  --env-file FILE       dotenv file for the check-config step; repeatable\n"
	  "  --environment NAME    the env: tag must equal NAME\n"
	  "\n"
	  "Exit: 0 nothing at the threshold, 1 findings at the threshold or a failed\n"
	  "verification, 2 error.\n" },
	{ "keygen", cmd_keygen, cmd_keygen_options, "make a minisign-compatible key pair",
	  "usage: toolsync keygen [-p PUBFILE] [-s SECFILE] [-W] [-f]\n"
	  "\n"
	  "Write an Ed25519 key pair in minisign's formats.  The secret key is\n"
	  "encrypted with scrypt; the password comes from TOOLSYNC_PASSWORD or is\n"
	  "asked on the terminal.\n"
	  "\n"
	  "  -p, --pubkey FILE   public key (default: toolsync.pub)\n"
	  "  -s, --seckey FILE   secret key (default: toolsync.key), written with mode 0600;\n"
	  "                      a missing directory for it is made with mode 0700\n"
	  "  -W, --unencrypted   do not encrypt the secret key\n"
	  "  -f, --force         overwrite existing files\n"
	  "\n"
	  "Both files are written, or neither.\n"
	  "Exit: 0 written, 2 error.\n" },
	{ "matrix", cmd_matrix, cmd_matrix_options, "print the standards traceability matrix",
	  "usage: toolsync matrix [-c FILE] [--registry SRC] [--format F] [--output FILE]\n"
	  "\n"
	  "Print which tools support evidence for each standard and the lowest role\n"
	  "that may call each tool: one row per standard in the allow-list order,\n"
	  "then the tools that claim no standard.  Only the registry is read (no\n"
	  "template).  build writes the same matrix into the output as\n"
	  "traceability.md and traceability.csv, listed in index.json.\n"
	  "\n"
	  "  -c, --config FILE   configuration (default: toolsync.yaml)\n"
	  "  --registry SRC      registry file or PostgreSQL URI/conninfo (see build)\n"
	  "  --format F          markdown (default), csv (one line per standard and\n"
	  "                      tool) or json\n"
	  "  --output FILE       write to FILE instead of stdout\n"
	  "\n"
	  "Exit: 0 written, 2 bad input or error.\n" },
	{ "init", cmd_init, cmd_init_options, "write a new catalogue that builds at once",
	  "usage: toolsync init [DIR]\n"
	  "\n"
	  "Write a small catalogue into DIR (default: the current directory; made\n"
	  "if missing): toolsync.yaml, registry.yaml, templates/docs.yaml with a\n"
	  "shared definition in templates/_defs/common.yaml, a .gitignore that\n"
	  "keeps secret keys out of the repository, and a CI workflow in\n"
	  ".github/workflows/toolsync.yml (ci on every push; a pull request is\n"
	  "reviewed against its base branch).  `toolsync build` works on it at once.\n"
	  "Nothing is overwritten: if any of these files exists, or a directory on\n"
	  "the way to one is a symbolic link, nothing is written; a failed write\n"
	  "removes what was written and the directories made for it.\n"
	  "\n"
	  "Exit: 0 written, 2 a file exists or an error (nothing written).\n" },
	{ "import", cmd_import, cmd_import_options, "turn OpenAI or MCP tool definitions into templates",
	  "usage: toolsync import [-c FILE] [--templates DIR] [--registry FILE] [--role ROLE]\n"
	  "                       [--standards LIST] [--name NAME] [--fix] FILE...\n"
	  "\n"
	  "Read each FILE: an OpenAI tools array (Chat Completions or Responses\n"
	  "shape), an MCP tools/list result, or a bare JSON Schema (JSON, or YAML).\n"
	  "Every tool becomes a template <key>.yaml (the key: its function name in\n"
	  "lower case) and a registry row.  Nothing is written when a template or\n"
	  "a key exists already, or build would refuse a template: a schema that\n"
	  "breaks strict mode or a rule of an enabled target, a tool with no\n"
	  "description (reported as build reports it).\n"
	  "\n"
	  "  -c, --config FILE   configuration (default: toolsync.yaml, if present)\n"
	  "  --templates DIR     where templates go (default: config 'templates')\n"
	  "  --registry FILE     the registry file the rows are appended to (default:\n"
	  "                      config 'registry'; made if missing)\n"
	  "  --role ROLE         minRole of the rows (default: the highest role, marked\n"
	  "                      as a placeholder)\n"
	  "  --standards LIST    standards of the rows, comma-separated (default: [],\n"
	  "                      marked as a placeholder)\n"
	  "  --name NAME         the tool name of a bare JSON Schema (default: its\n"
	  "                      title, else the file name)\n"
	  "  --fix               make each schema strict as OpenAI's Agents SDK does:\n"
	  "                      additionalProperties false, every property required\n"
	  "                      (optional ones nullable), refused keywords (minLength,\n"
	  "                      default, ...) moved into the description or dropped;\n"
	  "                      each change is printed with its place\n"
	  "\n"
	  "Exit: 0 imported, 2 bad input or error (nothing written).\n" },
	{ "completion", cmd_completion, NULL, "print a bash or zsh completion script",
	  "usage: toolsync completion bash|zsh\n"
	  "\n"
	  "Print a completion script for the shell, made from every command's\n"
	  "options.  `make install` installs both; by hand:\n"
	  "\n"
	  "  source <(toolsync completion bash)                 # in ~/.bashrc\n"
	  "  toolsync completion zsh > ~/.zfunc/_toolsync       # a directory in $fpath\n"
	  "\n"
	  "Exit: 0 written, 2 usage error.\n" },
};

const struct cmd *cmd_table(size_t *n)
{
	*n = ARRAY_SIZE(commands);
	return commands;
}

static const struct cmd *find_cmd(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

/* The command name is a near miss of, or NULL. */
static const struct cmd *near_command(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(commands); i++)
		if (suggest_near(name, commands[i].name))
			return &commands[i];
	return NULL;
}

/* The long option of cmd that "--typed[=value]" is a near miss of, or NULL. */
static const char *near_option(const char *cmd, const char *typed)
{
	const struct cmd *c = find_cmd(cmd);
	const struct option *o;
	char *name;
	const char *near = NULL;

	if (!c || !c->opts || strncmp(typed, "--", 2) || !typed[2])
		return NULL;
	name = xstrdup(typed + 2);
	name[strcspn(name, "=")] = '\0';
	for (o = c->opts; o->name && !near; o++)
		if (suggest_near(name, o->name))
			near = o->name;
	free(name);
	return near;
}

int cmd_option_error(const char *cmd, int c, char **argv)
{
	const char *near;

	if (c == TERM_OPT_BAD_COLOR)
		return -usage_error(cmd, "--color must be auto, always or never, not '%s'", optarg);
	if (c == ':')
		return -usage_error(cmd, "option '%s' needs a value", argv[optind - 1]);
	if ((near = near_option(cmd, argv[optind - 1])))
		return -usage_error(cmd, "unknown option '%s'; did you mean '--%s'?",
				    quote_show(argv[optind - 1]), near);
	return -usage_error(cmd, "unknown option '%s'", quote_show(argv[optind - 1]));
}

/* A command's usage, then the options every command takes (term.h). */
static void print_usage(const struct cmd *c, FILE *out)
{
	fputs(c->usage, out);
	if (c->opts)
		fputs("\n"
		      "Every command also takes:\n"
		      "  -q, --quiet         print nothing on success (errors, warnings and\n"
		      "                      findings at --fail-on still)\n"
		      "  -v, --verbose       say what is done, and how long it took, on stderr\n"
		      "  --color=WHEN        auto (a terminal, unless NO_COLOR), always, never;\n"
		      "                      FORCE_COLOR=1 is always\n", out);
}

int cmd_help(const char *name)
{
	print_usage(find_cmd(name), stdout);
	return EXIT_OK;
}

static void print_main_usage(FILE *out)
{
	size_t i;

	fputs("usage: toolsync COMMAND [OPTIONS]\n"
	      "       toolsync --help | --version | help COMMAND\n"
	      "\n"
	      "Compile the tool_registry into signed OpenAI function-tool manifests.\n"
	      "\n"
	      "Commands:\n", out);
	for (i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(out, "  %-13s %s\n", commands[i].name, commands[i].summary);
	fputs("\n"
	      "Exit codes: 0 success; 1 findings at --fail-on or a failed verification;\n"
	      "2 bad usage, bad input or an operational error (nothing written).\n"
	      "See 'toolsync help COMMAND' and toolsync(1).\n", out);
}

static int help(int argc, char **argv)
{
	const struct cmd *c;

	if (argc < 2 || !strcmp(argv[1], "help")) {
		print_main_usage(stdout);
		return EXIT_OK;
	}
	c = find_cmd(argv[1]);
	if (!c) {
		c = near_command(argv[1]);
		fprintf(stderr, "toolsync: help: unknown command '%s'%s%s%s\n", quote_show(argv[1]),
			c ? "; did you mean '" : "", c ? c->name : "", c ? "'?" : "");
		return EXIT_ERROR;
	}
	print_usage(c, stdout);
	return EXIT_OK;
}

/* Run the command; with --verbose, say how long it took. */
static int run_timed(const struct cmd *c, int argc, char **argv)
{
	struct timespec t0, t1;
	int rc;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = c->fn(argc, argv);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	term_verbose("%s: exit %d after %.2f s", c->name, rc,
		     (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	return rc;
}

/* A failure to write stdout (full disk, closed pipe) must not exit 0. */
static int finish_stdout(int rc)
{
	if (fflush(stdout) || ferror(stdout) || fclose(stdout)) {
		if (errno != EPIPE)
			fprintf(stderr, "toolsync: error: cannot write standard output: %s\n",
				strerror(errno));
		return EXIT_ERROR;
	}
	return rc;
}

int main(int argc, char **argv)
{
	const struct cmd *c;

	xalloc_init();
	setlocale(LC_ALL, "C");
	if (argc < 2) {
		print_main_usage(stderr);
		return EXIT_ERROR;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		return finish_stdout(help(1, argv));
	if (!strcmp(argv[1], "help"))
		return finish_stdout(help(argc - 1, argv + 1));
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
		printf("toolsync %s\n", TOOLSYNC_VERSION);
		return finish_stdout(EXIT_OK);
	}
	c = find_cmd(argv[1]);
	if (!c && argv[1][0] == '-') {
		fprintf(stderr, "toolsync: unknown option '%s': options go after the command "
			"(toolsync COMMAND [OPTIONS]); see 'toolsync --help'\n", quote_show(argv[1]));
		return EXIT_ERROR;
	}
	if (!c) {
		if ((c = near_command(argv[1])))
			fprintf(stderr, "toolsync: '%s' is not a command; did you mean '%s'?\n",
				quote_show(argv[1]), c->name);
		else
			fprintf(stderr, "toolsync: '%s' is not a command; see 'toolsync --help'\n",
				quote_show(argv[1]));
		return EXIT_ERROR;
	}
	crypto_init();
	return finish_stdout(run_timed(c, argc - 1, argv + 1));
}
