/* data.c: kalem import, export and demo. */
#include <stdio.h>
#include "cli/cli.h"

int cli_import(struct cli *cli, int argc, char **argv)
{
	fprintf(stderr, "kalem import: not available in this build yet\n");
	return CLI_FAIL;
}

int cli_export(struct cli *cli, int argc, char **argv)
{
	fprintf(stderr, "kalem export: not available in this build yet\n");
	return CLI_FAIL;
}

int cli_demo(struct cli *cli, int argc, char **argv)
{
	fprintf(stderr, "kalem demo: not available in this build yet\n");
	return CLI_FAIL;
}
