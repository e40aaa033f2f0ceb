/* SPDX-License-Identifier: Apache-2.0 */
/*
 * completion.c: toolsync completion bash|zsh.
 *
 * The scripts are written from main's command table and each command's
 * getopt_long table, so an option added to a command is completed without
 * editing a script.  Options that take a value complete file names, except
 * those whose values are a fixed list (the table below).
 */
#include <getopt.h>

#include "toolsync/cmd.h"
#include "toolsync/diag.h"

/* Options whose value is one of a fixed list (cmd NULL: in every command). */
static const struct {
	const char *cmd, *option, *values;
} value_lists[] = {
	{ "matrix", "format", "markdown csv json" },
	{ NULL, "format", "text markdown json sarif github" },
	{ NULL, "fail-on", "change breaking security compliance config note warning error any none" },
	{ NULL, "color", "auto always never" },
};

static const char *fixed_values(const char *cmd, const char *option)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(value_lists); i++)
		if ((!value_lists[i].cmd || !strcmp(value_lists[i].cmd, cmd)) &&
		    !strcmp(value_lists[i].option, option))
			return value_lists[i].values;
	return NULL;
}

/* The short option letter of o ("-x"), or 0 when it has none. */
static int short_letter(const struct option *o)
{
	return o->val > ' ' && o->val < 0x7f && o->val != '?' && o->val != ':' ? o->val : 0;
}

/* Every "--long" (and "-x" for a printable short letter) of a table. */
static void put_option_words(const struct option *o, FILE *out)
{
	const char *sep = "";

	for (; o && o->name; o++) {
		fprintf(out, "%s--%s", sep, o->name);
		sep = " ";
		if (short_letter(o))
			fprintf(out, " -%c", o->val);
	}
}

/* The options of a table that take a value (they complete a value, not an option). */
static void put_value_options(const struct option *o, FILE *out)
{
	const char *sep = "";

	for (; o && o->name; o++) {
		if (o->has_arg != required_argument)
			continue;
		fprintf(out, "%s--%s", sep, o->name);
		sep = "|";
		if (short_letter(o))
			fprintf(out, "|-%c", o->val);
	}
	if (!*sep)
		fputs("--no-value-options", out);
}

static void bash_script(FILE *out)
{
	const struct cmd *cmds;
	size_t n, i;

	cmds = cmd_table(&n);
	fputs("# bash completion for toolsync (written by 'toolsync completion bash')\n"
	      "_toolsync() {\n"
	      "\tlocal cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}\n"
	      "\tlocal cmd=${COMP_WORDS[1]} opts= valopts=--no-value-options\n"
	      "\tif [ \"$COMP_CWORD\" -eq 1 ]; then\n"
	      "\t\tCOMPREPLY=($(compgen -W 'help --help --version", out);
	for (i = 0; i < n; i++)
		fprintf(out, " %s", cmds[i].name);
	fputs("' -- \"$cur\"))\n\t\treturn\n\tfi\n\tcase $cmd:$prev in\n", out);
	for (i = 0; i < ARRAY_SIZE(value_lists); i++)
		fprintf(out, "\t%s:--%s) COMPREPLY=($(compgen -W '%s' -- \"$cur\")); return ;;\n",
			value_lists[i].cmd ? value_lists[i].cmd : "*", value_lists[i].option,
			value_lists[i].values);
	fputs("\tesac\n\tcase $cmd in\n", out);
	for (i = 0; i < n; i++) {
		fprintf(out, "\t%s) opts='", cmds[i].name);
		put_option_words(cmds[i].opts, out);
		fputs("'; valopts='", out);
		put_value_options(cmds[i].opts, out);
		fputs("' ;;\n", out);
	}
	fputs("\thelp) COMPREPLY=($(compgen -W '", out);
	for (i = 0; i < n; i++)
		fprintf(out, "%s%s", i ? " " : "", cmds[i].name);
	fputs("' -- \"$cur\")); return ;;\n"
	      "\tesac\n"
	      "\tif [[ $cur == -* ]] && ! [[ $prev =~ ^($valopts)$ ]]; then\n"
	      "\t\tCOMPREPLY=($(compgen -W \"$opts\" -- \"$cur\"))\n"
	      "\telse\n"
	      "\t\tCOMPREPLY=($(compgen -f -- \"$cur\"))\n"
	      "\tfi\n"
	      "}\n"
	      "complete -o filenames -F _toolsync toolsync\n", out);
}

/* One _arguments spec per option: '--name' or '--name:value:_files'. */
static void zsh_option_spec(const char *cmd, const struct option *o, FILE *out)
{
	const char *values = fixed_values(cmd, o->name);

	fprintf(out, " \\\n\t\t\t'--%s", o->name);
	if (o->has_arg == required_argument) {
		if (values)
			fprintf(out, ":value:(%s)", values);
		else
			fputs(":value:_files", out);
	}
	fputs("'", out);
	if (short_letter(o))
		fprintf(out, " '-%c%s'", o->val,
			o->has_arg == required_argument ? ":value:_files" : "");
}

static void zsh_script(FILE *out)
{
	const struct cmd *cmds;
	const struct option *o;
	size_t n, i;

	cmds = cmd_table(&n);
	fputs("#compdef toolsync\n"
	      "# zsh completion for toolsync (written by 'toolsync completion zsh')\n"
	      "_toolsync() {\n"
	      "\tlocal -a cmds\n"
	      "\tcmds=(\n", out);
	for (i = 0; i < n; i++)
		fprintf(out, "\t\t'%s:%s'\n", cmds[i].name, cmds[i].summary);
	fputs("\t\t'help:show the options of a command'\n"
	      "\t)\n"
	      "\tif (( CURRENT == 2 )); then\n"
	      "\t\t_describe -t commands 'toolsync command' cmds\n"
	      "\t\treturn\n"
	      "\tfi\n"
	      "\tcase $words[2] in\n", out);
	for (i = 0; i < n; i++) {
		fprintf(out, "\t%s)\n\t\t_arguments -s", cmds[i].name);
		for (o = cmds[i].opts; o && o->name; o++)
			zsh_option_spec(cmds[i].name, o, out);
		fputs(" \\\n\t\t\t'*:file:_files' ;;\n", out);
	}
	fputs("\thelp) _describe -t commands 'toolsync command' cmds ;;\n"
	      "\tesac\n"
	      "}\n"
	      "_toolsync \"$@\"\n", out);
}

int cmd_completion(int argc, char **argv)
{
	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")))
		return cmd_help("completion");
	if (argc != 2)
		return usage_error("completion", "give one shell: bash or zsh");
	if (!strcmp(argv[1], "bash"))
		bash_script(stdout);
	else if (!strcmp(argv[1], "zsh"))
		zsh_script(stdout);
	else
		return usage_error("completion", "unknown shell '%s' (bash or zsh)", argv[1]);
	return EXIT_OK;
}
