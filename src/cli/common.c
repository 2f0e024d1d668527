/* common.c: opening the database for a command; serve, init, backup and check. */
#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "cli/cli.h"
#include "core/password.h"
#include "core/token.h"
#include "http/metrics.h"
#include "http/router.h"
#include "notify/worker.h"
#include "store/accounts.h"
#include "store/audit.h"
#include "store/db.h"
#include "store/setup.h"
#include "util/i18n.h"
#include "util/log.h"
#include "web/template.h"

void cli_defaults(struct cli *cli)
{
	config_defaults(&cli->cfg);
	config_from_env(&cli->cfg);
}

/* For the default ./var/kalem.db, make sure the directory exists. */
static void ensure_sqlite_dir(const char *url)
{
	if (strncmp(url, "postgres", 8) == 0)
		return;
	const char *path = strncmp(url, "sqlite:", 7) == 0 ? url + 7 : url;
	const char *slash = strrchr(path, '/');
	if (!slash)
		return;
	char dir[512];
	snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
	if (mkdir(dir, 0750) != 0 && errno != EEXIST)
		log_warn("cannot create '%s': %s", dir, strerror(errno));
}

struct db *cli_open_db(struct cli *cli)
{
	if (crypto_init() != 0) {
		error("cannot initialise libsodium");
		return NULL;
	}
	ensure_sqlite_dir(cli->cfg.db_url);
	struct db *db = db_open(cli->cfg.db_url);
	if (!db)
		return NULL;
	if (setup_database(db) != 0) {
		db_close(db);
		return NULL;
	}
	return db;
}

int cli_serve(struct cli *cli, int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--listen") == 0 && i + 1 < argc) {
			if (config_set_listen(&cli->cfg, argv[++i]) != 0) {
				fprintf(stderr, "kalem serve: bad --listen '%s'\n", argv[i]);
				return CLI_USAGE;
			}
		} else if (strcmp(argv[i], "--db") == 0 && i + 1 < argc) {
			snprintf(cli->cfg.db_url, sizeof cli->cfg.db_url, "%s", argv[++i]);
		} else if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc && atoi(argv[i + 1]) > 0) {
			cli->cfg.threads = atoi(argv[++i]);
		} else {
			fprintf(stderr, "kalem serve: unknown argument '%s'\n", argv[i]);
			return CLI_USAGE;
		}
	}
	if (i18n_load() != 0 || tmpl_init() != 0)
		return CLI_FAIL;
	struct db *db = cli_open_db(cli);
	if (!db)
		return CLI_FAIL;
	struct app app = {.cfg = cli->cfg};
	int rc = setup_csrf_key(db, app.csrf_key);
	db_close(db);
	if (rc != 0)
		return CLI_FAIL;
	/* One connection per worker thread, plus one for the session touch outside a request's own. */
	app.pool = db_pool_open(cli->cfg.db_url, cli->cfg.threads + 1);
	if (!app.pool)
		return CLI_FAIL;
	app.metrics = metrics_new(routes_count);
	struct notify_worker *notify = notify_worker_start(cli->cfg.db_url);
	rc = server_run(&app);
	notify_worker_stop(notify);
	db_pool_close(app.pool);
	metrics_free(app.metrics);
	tmpl_shutdown();
	i18n_unload();
	return rc == 0 ? CLI_OK : CLI_FAIL;
}

int cli_init(struct cli *cli, int argc, char **argv)
{
	struct db *db = cli_open_db(cli);
	if (!db)
		return CLI_FAIL;
	struct user_row u;
	int found = user_by_name(db, "admin", &u);
	if (found != 0) {
		db_close(db);
		if (found == 1)
			printf("kalem: the database is ready; user 'admin' already exists.\n");
		return found == 1 ? CLI_OK : CLI_FAIL;
	}
	const char *pw = getenv("KALEM_ADMIN_PASSWORD");
	char generated[TOKEN_CHARS + 1];
	if (!pw || !*pw) {
		token_new(generated);
		generated[20] = '\0';
		pw = generated;
	}
	const char *policy = password_policy_error(pw, "admin");
	if (policy) {
		fprintf(stderr, "kalem init: KALEM_ADMIN_PASSWORD is not acceptable (%s)\n", policy);
		db_close(db);
		return CLI_FAIL;
	}
	char hash[PASSWORD_HASH_BYTES];
	int rc = CLI_FAIL;
	if (password_hash(pw, hash) == 0 && db_begin_write(db) == 0) {
		if (user_insert(db, "system", "admin", "Sistem Yöneticisi", "", "admin", 0, hash) > 0 &&
		    db_commit(db) == 0) {
			rc = CLI_OK;
			printf("kalem: created user 'admin'");
			if (pw == generated)
				printf(" with password: %s\n(shown once; change it after signing in)\n", pw);
			else
				printf(" with the password from KALEM_ADMIN_PASSWORD\n");
		} else {
			db_rollback(db);
		}
	}
	db_close(db);
	return rc;
}

int cli_backup(struct cli *cli, int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: kalem backup FILE\n");
		return CLI_USAGE;
	}
	struct db *db = cli_open_db(cli);
	if (!db)
		return CLI_FAIL;
	int rc = db_backup(db, argv[1]);
	db_close(db);
	if (rc != 0)
		return CLI_FAIL;
	printf("kalem: backup written to %s\n", argv[1]);
	return CLI_OK;
}

int cli_check(struct cli *cli, int argc, char **argv)
{
	struct db *db = cli_open_db(cli);
	if (!db)
		return CLI_FAIL;
	int rc = CLI_OK;
	char msg[256];
	if (db_integrity_check(db, msg, sizeof msg) != 0) {
		printf("database integrity: FAILED (%s)\n", msg);
		rc = CLI_CHECK_FAILED;
	} else {
		printf("database integrity: ok\n");
	}
	int64_t bad = 0, count = 0;
	if (db_begin_read(db) == 0) {
		if (audit_verify(db, &bad, &count) != 0) {
			printf("audit chain: BROKEN at event %lld (%lld events verified before it)\n", (long long)bad,
			       (long long)count);
			rc = CLI_CHECK_FAILED;
		} else {
			printf("audit chain: ok (%lld events)\n", (long long)count);
		}
		db_rollback(db);
	} else {
		rc = CLI_FAIL;
	}
	db_close(db);
	return rc;
}
