/* cmd_keygen.c: placeholder until the command lands. */
#include "toolsync/cmd.h"

int cmd_keygen(int argc, char **argv)
{
	(void)argc;
	fprintf(stderr, "toolsync: %s: not implemented yet\n", argv[0]);
	return EXIT_ERROR;
}
