/* cmd_diff.c: placeholder until the command lands. */
#include "toolsync/cmd.h"

int cmd_diff(int argc, char **argv)
{
	(void)argc;
	fprintf(stderr, "toolsync: %s: not implemented yet\n", argv[0]);
	return EXIT_ERROR;
}
