/* cli.h: the subcommands of the kalem program; each returns the process exit code. */
#ifndef KALEM_CLI_CLI_H
#define KALEM_CLI_CLI_H
#include "http/server.h"

enum cli_exit { CLI_OK = 0, CLI_FAIL = 1, CLI_USAGE = 2, CLI_CHECK_FAILED = 3 };

struct cli {
	struct config cfg;
};

/* Defaults, then KALEM_* environment variables. */
void cli_defaults(struct cli *cli);
/* Opens the configured database with the schema migrated and seed data present (creating ./var for the default
 * SQLite path). NULL on failure (reported). */
struct db *cli_open_db(struct cli *cli);

int cli_serve(struct cli *cli, int argc, char **argv);
int cli_init(struct cli *cli, int argc, char **argv);
int cli_user(struct cli *cli, int argc, char **argv);
int cli_apikey(struct cli *cli, int argc, char **argv);
int cli_import(struct cli *cli, int argc, char **argv);
int cli_export(struct cli *cli, int argc, char **argv);
int cli_demo(struct cli *cli, int argc, char **argv);
int cli_backup(struct cli *cli, int argc, char **argv);
int cli_check(struct cli *cli, int argc, char **argv);

#endif
