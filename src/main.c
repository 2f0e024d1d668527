/* main.c: the kalem command line: serve, init, user, apikey, import, demo, backup, check. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "cli/cli.h"
#include "util/log.h"

static void usage(FILE *f)
{
	fputs("usage: kalem [--db URL] COMMAND [ARGS]\n"
	      "\n"
	      "Commands:\n"
	      "  serve [--listen ADDR:PORT] [--threads N]   serve the web pages and the API\n"
	      "  init                                       create the schema and the first admin\n"
	      "  user add NAME --role ROLE [--directorate CODE] [--name TEXT] [--email ADDR]\n"
	      "  user list | user disable NAME | user enable NAME | user reset-password NAME\n"
	      "  apikey create --name NAME --scope SCOPE   print a new API key once\n"
	      "  apikey revoke NAME | apikey list\n"
	      "  import KIND FILE.csv                       KIND: directorates, neighbourhoods, parties\n"
	      "  export KIND FILE.csv\n"
	      "  demo                                       load a realistic demo office\n"
	      "  backup FILE                                consistent copy of a running SQLite database\n"
	      "  check                                      database integrity and the audit chain\n"
	      "\n"
	      "Database: --db sqlite:PATH (default sqlite:./var/kalem.db) or --db postgresql://...,\n"
	      "or KALEM_DB. Passwords for new users come from KALEM_PASSWORD (KALEM_ADMIN_PASSWORD for\n"
	      "init), else one is generated and printed once.\n"
	      "Exit codes: 0 success, 1 failure, 2 usage error, 3 check found a problem.\n",
	      f);
}

int main(int argc, char **argv)
{
	struct cli cli;
	cli_defaults(&cli);
	int i = 1;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--db") == 0 && i + 1 < argc) {
			snprintf(cli.cfg.db_url, sizeof cli.cfg.db_url, "%s", argv[++i]);
		} else if (strncmp(argv[i], "--db=", 5) == 0) {
			snprintf(cli.cfg.db_url, sizeof cli.cfg.db_url, "%s", argv[i] + 5);
		} else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			usage(stdout);
			return 0;
		} else {
			fprintf(stderr, "kalem: unknown option '%s'\n", argv[i]);
			usage(stderr);
			return CLI_USAGE;
		}
	}
	if (i >= argc) {
		usage(stderr);
		return CLI_USAGE;
	}
	const char *cmd = argv[i];
	int sub_argc = argc - i;
	char **sub_argv = argv + i;
	static const struct {
		const char *name;
		int (*run)(struct cli *, int, char **);
	} commands[] = {
		{"serve", cli_serve},   {"init", cli_init},   {"user", cli_user},     {"apikey", cli_apikey},
		{"import", cli_import}, {"export", cli_export}, {"demo", cli_demo}, {"backup", cli_backup},
		{"check", cli_check},
	};
	for (size_t c = 0; c < sizeof commands / sizeof commands[0]; c++)
		if (strcmp(cmd, commands[c].name) == 0)
			return commands[c].run(&cli, sub_argc, sub_argv);
	fprintf(stderr, "kalem: unknown command '%s'\n", cmd);
	usage(stderr);
	return CLI_USAGE;
}
