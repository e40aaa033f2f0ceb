/*
 * cmd_matrix.c: toolsync matrix.
 *
 * The traceability matrix from the registry rows alone: no template is
 * read, so an auditor can run it against the database without the
 * templates.  build writes the same matrix (markdown and CSV) into the
 * output, where index.json lists it and the signature covers it.
 */
#include <getopt.h>

#include "toolsync/cmd.h"
#include "toolsync/matrix.h"
#include "toolsync/report.h"

struct matrix_cmd {
	const char *config_path, *registry, *output;
	enum matrix_format fmt;
};

static int parse_options(struct matrix_cmd *o, int argc, char **argv)
{
	enum { O_REGISTRY = 256, O_FORMAT, O_OUTPUT };
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "registry", required_argument, NULL, O_REGISTRY },
		{ "format", required_argument, NULL, O_FORMAT },
		{ "output", required_argument, NULL, O_OUTPUT },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":c:h", opts, NULL)) != -1) {
		switch (c) {
		case 'c': o->config_path = optarg; break;
		case O_REGISTRY: o->registry = optarg; break;
		case O_FORMAT:
			if (matrix_format_parse(optarg, &o->fmt))
				return -usage_error("matrix", "unknown format '%s' (markdown, csv, json)",
						    optarg);
			break;
		case O_OUTPUT: o->output = optarg; break;
		case 'h': return 1;
		default: return cmd_option_error("matrix", c, argv);
		}
	}
	if (optind < argc)
		return -usage_error("matrix", "unexpected argument '%s'", argv[optind]);
	return 0;
}

/* Every checked row into m; a key seen twice is an error, as build says. */
static int read_rows(const struct ts_config *cfg, const char *registry, struct matrix *m,
		     struct diag *d)
{
	struct source *src = source_open(cfg, registry, d);
	struct row row;
	int r;

	if (!src)
		return -1;
	while ((r = source_next(src, &row, d)) != 0) {
		if (r > 0 && !row_check(&row, cfg, d))
			matrix_add(m, &row);
		if (r > 0)
			row_release(&row);
	}
	source_close(src);
	if (!d->errors && matrix_check_unique(m, d))
		return -1;
	return d->errors ? -1 : 0;
}

int cmd_matrix(int argc, char **argv)
{
	struct matrix_cmd o = { NULL, NULL, NULL, MATRIX_MARKDOWN };
	struct diag d = DIAG_INIT;
	struct ts_config cfg;
	struct matrix m;
	struct strbuf out = STRBUF_INIT;
	int r, rc = EXIT_ERROR;

	if ((r = parse_options(&o, argc, argv)))
		return r > 0 ? cmd_help("matrix") : -r;
	if (config_load(&cfg, o.config_path ? o.config_path : "toolsync.yaml", 1, &d)) {
		config_release(&cfg);
		return EXIT_ERROR;
	}
	matrix_init(&m, &cfg);
	if (!read_rows(&cfg, o.registry, &m, &d)) {
		matrix_write(&m, o.fmt, &out);
		if (!report_emit(&out, o.output, &d))
			rc = EXIT_OK;
	}
	strbuf_release(&out);
	matrix_release(&m);
	config_release(&cfg);
	return rc;
}
