/* users.c: kalem user ... and kalem apikey ... */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
#include "core/password.h"
#include "core/token.h"
#include "store/accounts.h"
#include "store/db.h"
#include "util/log.h"

static const char SQL_DIRECTORATE_BY_CODE[] = "SELECT id FROM directorates WHERE code = ?";

static const char *opt(int argc, char **argv, const char *name)
{
	for (int i = 0; i + 1 < argc; i++)
		if (strcmp(argv[i], name) == 0)
			return argv[i + 1];
	return NULL;
}

/* The password for a new or reset account: KALEM_PASSWORD, else generated (and *generated set). */
static const char *new_password(char buf[TOKEN_CHARS + 1], bool *generated)
{
	const char *pw = getenv("KALEM_PASSWORD");
	*generated = !pw || !*pw;
	if (*generated) {
		token_new(buf);
		buf[20] = '\0';
		pw = buf;
	}
	return pw;
}

static int user_add(struct db *db, int argc, char **argv)
{
	if (argc < 3 || argv[2][0] == '-') {
		fprintf(stderr, "usage: kalem user add NAME --role ROLE [--directorate CODE] [--name TEXT] [--email ADDR]\n");
		return CLI_USAGE;
	}
	const char *username = argv[2];
	const char *role = opt(argc, argv, "--role");
	const char *dir_code = opt(argc, argv, "--directorate");
	const char *display = opt(argc, argv, "--name");
	const char *email = opt(argc, argv, "--email");
	if (!role || !role_from_name(role) || !strcmp(role, "integration")) {
		fprintf(stderr, "kalem user add: --role must be admin, chief, secretariat, mayor, directorate or viewer\n");
		return CLI_USAGE;
	}
	int64_t dir_id = 0;
	if (!strcmp(role, "directorate")) {
		if (!dir_code) {
			fprintf(stderr, "kalem user add: a directorate user needs --directorate CODE\n");
			return CLI_USAGE;
		}
		struct db_stmt *st = db_prep(db, SQL_DIRECTORATE_BY_CODE);
		db_bind_text(st, 1, dir_code);
		if (db_step(st) != DB_ROW) {
			fprintf(stderr, "kalem user add: no directorate with code '%s'\n", dir_code);
			return CLI_FAIL;
		}
		dir_id = db_col_int(st, 0);
	}
	char buf[TOKEN_CHARS + 1], hash[PASSWORD_HASH_BYTES];
	bool generated;
	const char *pw = new_password(buf, &generated);
	const char *policy = password_policy_error(pw, username);
	if (policy) {
		fprintf(stderr, "kalem user add: the password is not acceptable (%s)\n", policy);
		return CLI_FAIL;
	}
	if (password_hash(pw, hash) != 0 || db_begin_write(db) != 0)
		return CLI_FAIL;
	int64_t id = user_insert(db, "cli", username, display ? display : username, email ? email : "", role, dir_id,
				 hash);
	if (id <= 0 || db_commit(db) != 0) {
		db_rollback(db);
		fprintf(stderr, "kalem user add: %s\n",
			id == DB_CONSTRAINT ? "that user name is taken" : "cannot create the user");
		return CLI_FAIL;
	}
	printf("kalem: created user '%s' (%s)", username, role);
	if (generated)
		printf(" with password: %s\n", pw);
	else
		printf("\n");
	return CLI_OK;
}

static int user_list_cmd(struct db *db)
{
	json_t *list = user_list(db);
	size_t i;
	json_t *u;
	printf("%-20s %-12s %-6s %s\n", "USERNAME", "ROLE", "ACTIVE", "NAME");
	json_array_foreach(list, i, u)
	{
		printf("%-20s %-12s %-6s %s\n", json_string_value(json_object_get(u, "username")),
		       json_string_value(json_object_get(u, "role")),
		       json_is_true(json_object_get(u, "active")) ? "yes" : "no",
		       json_string_value(json_object_get(u, "display_name")));
	}
	json_decref(list);
	return CLI_OK;
}

static int user_change(struct db *db, const char *what, const char *username)
{
	struct user_row u;
	if (user_by_name(db, username, &u) != 1) {
		fprintf(stderr, "kalem user %s: no user '%s'\n", what, username);
		return CLI_FAIL;
	}
	char buf[TOKEN_CHARS + 1], hash[PASSWORD_HASH_BYTES];
	bool generated = false;
	const char *pw = NULL;
	if (!strcmp(what, "reset-password")) {
		pw = new_password(buf, &generated);
		const char *policy = password_policy_error(pw, username);
		if (policy || password_hash(pw, hash) != 0) {
			fprintf(stderr, "kalem user reset-password: the password is not acceptable (%s)\n",
				policy ? policy : "hash failed");
			return CLI_FAIL;
		}
	}
	if (db_begin_write(db) != 0)
		return CLI_FAIL;
	int rc = pw ? user_set_password(db, "cli", u.id, hash) : user_set_active(db, "cli", u.id, !strcmp(what, "enable"));
	if (rc != 0 || db_commit(db) != 0) {
		db_rollback(db);
		return CLI_FAIL;
	}
	if (pw && generated)
		printf("kalem: new password for '%s': %s\n", username, pw);
	else
		printf("kalem: user '%s': %s done\n", username, what);
	return CLI_OK;
}

int cli_user(struct cli *cli, int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: kalem user add|list|disable|enable|reset-password ...\n");
		return CLI_USAGE;
	}
	const char *sub = argv[1];
	bool known = !strcmp(sub, "add") || !strcmp(sub, "list") || !strcmp(sub, "disable") ||
		     !strcmp(sub, "enable") || !strcmp(sub, "reset-password");
	if (!known || (strcmp(sub, "add") && strcmp(sub, "list") && argc != 3)) {
		fprintf(stderr, "usage: kalem user add|list|disable|enable|reset-password ...\n");
		return CLI_USAGE;
	}
	struct db *db = cli_open_db(cli);
	if (!db)
		return CLI_FAIL;
	int rc;
	if (!strcmp(sub, "add"))
		rc = user_add(db, argc, argv);
	else if (!strcmp(sub, "list"))
		rc = user_list_cmd(db);
	else
		rc = user_change(db, sub, argv[2]);
	db_close(db);
	return rc;
}

static const char *const scopes[] = {"read", "write", "open311", "admin", NULL};

int cli_apikey(struct cli *cli, int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : "";
	if (strcmp(sub, "create") && strcmp(sub, "revoke") && strcmp(sub, "list")) {
		fprintf(stderr, "usage: kalem apikey create --name NAME --scope SCOPE | revoke NAME | list\n");
		return CLI_USAGE;
	}
	const char *name = opt(argc, argv, "--name"), *scope = opt(argc, argv, "--scope");
	if (!strcmp(sub, "create")) {
		bool ok = false;
		for (size_t i = 0; scope && scopes[i]; i++)
			ok |= !strcmp(scope, scopes[i]);
		if (!name || !*name || !ok) {
			fprintf(stderr, "kalem apikey create: --name and --scope (read, write, open311, admin) are needed\n");
			return CLI_USAGE;
		}
	} else if (!strcmp(sub, "revoke") && argc != 3) {
		fprintf(stderr, "usage: kalem apikey revoke NAME\n");
		return CLI_USAGE;
	}
	struct db *db = cli_open_db(cli);
	if (!db)
		return CLI_FAIL;
	int rc = CLI_FAIL;
	if (!strcmp(sub, "list")) {
		json_t *list = apikey_list(db);
		size_t i;
		json_t *k;
		json_array_foreach(list, i, k)
		{
			printf("%-24s %-10s %s\n", json_string_value(json_object_get(k, "name")),
			       json_string_value(json_object_get(k, "scope")),
			       json_integer_value(json_object_get(k, "revoked_at")) ? "revoked" : "active");
		}
		json_decref(list);
		rc = CLI_OK;
	} else if (db_begin_write(db) == 0) {
		if (!strcmp(sub, "create")) {
			char key[TOKEN_CHARS + 8], hash[65];
			memcpy(key, "klm_", 4);
			token_new(key + 4);
			token_hash_hex(key, hash);
			int64_t id = apikey_insert(db, "cli", name, scope, hash);
			if (id > 0 && db_commit(db) == 0) {
				printf("%s\n", key);
				fprintf(stderr, "kalem: API key '%s' (%s) created; it is shown only this once\n", name,
					scope);
				rc = CLI_OK;
			} else {
				db_rollback(db);
				fprintf(stderr, "kalem apikey create: %s\n",
					id == DB_CONSTRAINT ? "that name is taken" : "failed");
			}
		} else {
			int r = apikey_revoke(db, "cli", argv[2]);
			if (r >= 0 && db_commit(db) == 0) {
				printf(r == 1 ? "kalem: API key '%s' revoked\n" : "kalem: no active API key '%s'\n",
				       argv[2]);
				rc = r == 1 ? CLI_OK : CLI_FAIL;
			} else {
				db_rollback(db);
			}
		}
	}
	db_close(db);
	return rc;
}
