/* accounts.c: SQL for users, sessions, login failures and API keys. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "store/accounts.h"
#include "store/audit.h"
#include "util/log.h"

#define USER_COLS "id, username, display_name, email, role, COALESCE(directorate_id, 0), password_hash, active, lang"
static const char SQL_USER_BY_NAME[] = "SELECT " USER_COLS " FROM users WHERE username = ?";
static const char SQL_USER_BY_ID[] = "SELECT " USER_COLS " FROM users WHERE id = ?";
static const char SQL_USER_LIST[] = "SELECT " USER_COLS " FROM users ORDER BY username";
static const char SQL_USER_INSERT[] =
	"INSERT INTO users (username, display_name, email, role, directorate_id, password_hash, active, "
	"password_changed_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?) RETURNING id";
static const char SQL_USER_SET_PW[] =
	"UPDATE users SET password_hash = ?, password_changed_at = ?, updated_at = ? WHERE id = ?";
static const char SQL_USER_SET_ACTIVE[] = "UPDATE users SET active = ?, updated_at = ? WHERE id = ?";
static const char SQL_USER_UPDATE[] = "UPDATE users SET display_name = ?, email = ?, role = ?, directorate_id = ?, "
				      "updated_at = ? WHERE id = ?";

#define COPY(dst, src) snprintf((dst), sizeof(dst), "%s", (src))

static void read_user(struct db_stmt *st, struct user_row *u)
{
	u->id = db_col_int(st, 0);
	COPY(u->username, db_col_text(st, 1));
	COPY(u->display_name, db_col_text(st, 2));
	COPY(u->email, db_col_text(st, 3));
	COPY(u->role, db_col_text(st, 4));
	u->directorate_id = db_col_int(st, 5);
	COPY(u->password_hash, db_col_text(st, 6));
	u->active = db_col_int(st, 7) != 0;
	COPY(u->lang, db_col_text(st, 8));
}

static int user_one(struct db *db, const char *sql, const char *name, int64_t id, struct user_row *out)
{
	struct db_stmt *st = db_prep(db, sql);
	if (!st)
		return -1;
	if (name)
		db_bind_text(st, 1, name);
	else
		db_bind_int(st, 1, id);
	enum db_rc rc = db_step(st);
	if (rc == DB_ROW) {
		read_user(st, out);
		return 1;
	}
	return rc == DB_OK ? 0 : -1;
}

int user_by_name(struct db *db, const char *username, struct user_row *out)
{
	return user_one(db, SQL_USER_BY_NAME, username, 0, out);
}

int user_by_id(struct db *db, int64_t id, struct user_row *out)
{
	return user_one(db, SQL_USER_BY_ID, NULL, id, out);
}

json_t *user_to_json(const struct user_row *u)
{
	json_t *o = json_pack("{s:I,s:s,s:s,s:s,s:s,s:b,s:s}", "id", u->id, "username", u->username, "display_name",
			      u->display_name, "email", u->email, "role", u->role, "active", u->active, "lang",
			      u->lang);
	if (u->directorate_id)
		json_object_set_new(o, "directorate_id", json_integer(u->directorate_id));
	else
		json_object_set_new(o, "directorate_id", json_null());
	return o;
}

int64_t user_insert(struct db *db, const char *actor, const char *username, const char *display_name,
		    const char *email, const char *role, int64_t directorate_id, const char *password_hash)
{
	int64_t now = (int64_t)time(NULL);
	struct db_stmt *st = db_prep(db, SQL_USER_INSERT);
	if (!st)
		return -1;
	db_bind_text(st, 1, username);
	db_bind_text(st, 2, display_name);
	db_bind_text(st, 3, email);
	db_bind_text(st, 4, role);
	db_bind_id_or_null(st, 5, directorate_id);
	db_bind_text(st, 6, password_hash);
	db_bind_int(st, 7, now);
	db_bind_int(st, 8, now);
	db_bind_int(st, 9, now);
	enum db_rc rc = db_step(st);
	if (rc != DB_ROW)
		return rc == DB_CONSTRAINT ? DB_CONSTRAINT : -1;
	int64_t id = db_col_int(st, 0);
	while (db_step(st) == DB_ROW)
		;
	struct user_row u = {.id = id, .directorate_id = directorate_id, .active = true};
	COPY(u.username, username);
	COPY(u.display_name, display_name);
	COPY(u.email, email);
	COPY(u.role, role);
	COPY(u.lang, "tr");
	json_t *after = user_to_json(&u);
	int arc = audit_append(db, actor, "user.create", "user", id, NULL, after);
	json_decref(after);
	return arc == 0 ? id : -1;
}

int user_set_password(struct db *db, const char *actor, int64_t id, const char *password_hash)
{
	int64_t now = (int64_t)time(NULL);
	struct db_stmt *st = db_prep(db, SQL_USER_SET_PW);
	if (!st)
		return -1;
	db_bind_text(st, 1, password_hash);
	db_bind_int(st, 2, now);
	db_bind_int(st, 3, now);
	db_bind_int(st, 4, id);
	if (db_step(st) != DB_OK || db_changes(st) != 1)
		return -1;
	if (session_delete_user(db, id) != 0)
		return -1;
	json_t *after = json_pack("{s:s}", "password", "changed");
	int rc = audit_append(db, actor, "user.password", "user", id, NULL, after);
	json_decref(after);
	return rc;
}

int user_set_active(struct db *db, const char *actor, int64_t id, bool active)
{
	struct db_stmt *st = db_prep(db, SQL_USER_SET_ACTIVE);
	if (!st)
		return -1;
	db_bind_int(st, 1, active);
	db_bind_int(st, 2, (int64_t)time(NULL));
	db_bind_int(st, 3, id);
	if (db_step(st) != DB_OK || db_changes(st) != 1)
		return -1;
	if (!active && session_delete_user(db, id) != 0)
		return -1;
	json_t *before = json_pack("{s:b}", "active", !active), *after = json_pack("{s:b}", "active", active);
	int rc = audit_append(db, actor, active ? "user.enable" : "user.disable", "user", id, before, after);
	json_decref(before);
	json_decref(after);
	return rc;
}

int user_update(struct db *db, const char *actor, int64_t id, const char *display_name, const char *email,
		const char *role, int64_t directorate_id)
{
	struct user_row old;
	if (user_by_id(db, id, &old) != 1)
		return -1;
	struct db_stmt *st = db_prep(db, SQL_USER_UPDATE);
	if (!st)
		return -1;
	db_bind_text(st, 1, display_name);
	db_bind_text(st, 2, email);
	db_bind_text(st, 3, role);
	db_bind_id_or_null(st, 4, directorate_id);
	db_bind_int(st, 5, (int64_t)time(NULL));
	db_bind_int(st, 6, id);
	enum db_rc rc = db_step(st);
	if (rc != DB_OK)
		return rc == DB_CONSTRAINT ? DB_CONSTRAINT : -1;
	struct user_row nu = old;
	COPY(nu.display_name, display_name);
	COPY(nu.email, email);
	COPY(nu.role, role);
	nu.directorate_id = directorate_id;
	json_t *before = user_to_json(&old), *after = user_to_json(&nu);
	int arc = audit_append(db, actor, "user.update", "user", id, before, after);
	json_decref(before);
	json_decref(after);
	if (arc == 0 && strcmp(old.role, role) != 0)
		arc = session_delete_user(db, id);
	return arc;
}

json_t *user_list(struct db *db)
{
	json_t *list = json_array();
	struct db_stmt *st = db_prep(db, SQL_USER_LIST);
	if (!st)
		return list;
	struct user_row u;
	while (db_step(st) == DB_ROW) {
		read_user(st, &u);
		json_array_append_new(list, user_to_json(&u));
	}
	return list;
}

/* ---- sessions ---- */

static const char SQL_SESSION_INSERT[] = "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, "
					 "expires_at, address) VALUES (?, ?, ?, ?, ?, ?)";
static const char SQL_SESSION_LOOKUP[] =
	"SELECT u.id, u.username, u.display_name, u.role, COALESCE(u.directorate_id, 0), s.last_seen_at "
	"FROM sessions s JOIN users u ON u.id = s.user_id "
	"WHERE s.token_hash = ? AND s.expires_at > ? AND s.last_seen_at > ? AND u.active = 1";
static const char SQL_SESSION_TOUCH[] = "UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?";
static const char SQL_SESSION_DELETE[] = "DELETE FROM sessions WHERE token_hash = ?";
static const char SQL_SESSION_DELETE_USER[] = "DELETE FROM sessions WHERE user_id = ?";

int session_insert(struct db *db, int64_t user_id, const char *token_hash, int64_t now, int64_t expires_at,
		   const char *address)
{
	struct db_stmt *st = db_prep(db, SQL_SESSION_INSERT);
	if (!st)
		return -1;
	db_bind_text(st, 1, token_hash);
	db_bind_int(st, 2, user_id);
	db_bind_int(st, 3, now);
	db_bind_int(st, 4, now);
	db_bind_int(st, 5, expires_at);
	db_bind_text(st, 6, address);
	return db_step(st) == DB_OK ? 0 : -1;
}

int session_lookup(struct db *db, const char *token_hash, int64_t now, int idle_s, struct actor *actor,
		   int64_t *last_seen)
{
	struct db_stmt *st = db_prep(db, SQL_SESSION_LOOKUP);
	if (!st)
		return -1;
	db_bind_text(st, 1, token_hash);
	db_bind_int(st, 2, now);
	db_bind_int(st, 3, now - idle_s);
	enum db_rc rc = db_step(st);
	if (rc != DB_ROW)
		return rc == DB_OK ? 0 : -1;
	actor->user_id = db_col_int(st, 0);
	COPY(actor->username, db_col_text(st, 1));
	COPY(actor->display_name, db_col_text(st, 2));
	actor->role = role_from_name(db_col_text(st, 3));
	actor->directorate_id = db_col_int(st, 4);
	*last_seen = db_col_int(st, 5);
	COPY(actor->session_hash, token_hash);
	return actor->role ? 1 : 0;
}

static int exec_text(struct db *db, const char *sql, const char *a)
{
	struct db_stmt *st = db_prep(db, sql);
	if (!st)
		return -1;
	db_bind_text(st, 1, a);
	return db_step(st) == DB_OK ? 0 : -1;
}

int session_touch(struct db *db, const char *token_hash, int64_t now)
{
	struct db_stmt *st = db_prep(db, SQL_SESSION_TOUCH);
	if (!st)
		return -1;
	db_bind_int(st, 1, now);
	db_bind_text(st, 2, token_hash);
	return db_step(st) == DB_OK ? 0 : -1;
}

int session_delete(struct db *db, const char *token_hash)
{
	return exec_text(db, SQL_SESSION_DELETE, token_hash);
}

int session_delete_user(struct db *db, int64_t user_id)
{
	struct db_stmt *st = db_prep(db, SQL_SESSION_DELETE_USER);
	if (!st)
		return -1;
	db_bind_int(st, 1, user_id);
	return db_step(st) == DB_OK ? 0 : -1;
}

/* ---- login throttling ---- */

static const char SQL_FAIL_COUNT[] = "SELECT COUNT(*) FROM login_failures WHERE subject = ? AND at > ?";
static const char SQL_FAIL_ADD[] = "INSERT INTO login_failures (subject, at) VALUES (?, ?)";
static const char SQL_FAIL_CLEAR[] = "DELETE FROM login_failures WHERE subject = ?";

int login_failure_count(struct db *db, const char *subject, int64_t since)
{
	struct db_stmt *st = db_prep(db, SQL_FAIL_COUNT);
	if (!st)
		return -1;
	db_bind_text(st, 1, subject);
	db_bind_int(st, 2, since);
	return db_step(st) == DB_ROW ? (int)db_col_int(st, 0) : -1;
}

int login_failure_add(struct db *db, const char *subject, int64_t now)
{
	struct db_stmt *st = db_prep(db, SQL_FAIL_ADD);
	if (!st)
		return -1;
	db_bind_text(st, 1, subject);
	db_bind_int(st, 2, now);
	return db_step(st) == DB_OK ? 0 : -1;
}

int login_failure_clear(struct db *db, const char *subject)
{
	return exec_text(db, SQL_FAIL_CLEAR, subject);
}

/* ---- API keys ---- */

static const char SQL_KEY_INSERT[] = "INSERT INTO api_keys (name, scope, key_hash, created_at, created_by) "
				     "VALUES (?, ?, ?, ?, ?) RETURNING id";
static const char SQL_KEY_REVOKE[] = "UPDATE api_keys SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL";
static const char SQL_KEY_LOOKUP[] = "SELECT id, name, scope FROM api_keys WHERE key_hash = ? AND revoked_at IS NULL";
static const char SQL_KEY_LIST[] = "SELECT id, name, scope, created_at, created_by, COALESCE(revoked_at, 0) "
				   "FROM api_keys ORDER BY name";

int64_t apikey_insert(struct db *db, const char *actor, const char *name, const char *scope, const char *key_hash)
{
	struct db_stmt *st = db_prep(db, SQL_KEY_INSERT);
	if (!st)
		return -1;
	db_bind_text(st, 1, name);
	db_bind_text(st, 2, scope);
	db_bind_text(st, 3, key_hash);
	db_bind_int(st, 4, (int64_t)time(NULL));
	db_bind_text(st, 5, actor);
	enum db_rc rc = db_step(st);
	if (rc != DB_ROW)
		return rc == DB_CONSTRAINT ? DB_CONSTRAINT : -1;
	int64_t id = db_col_int(st, 0);
	while (db_step(st) == DB_ROW)
		;
	json_t *after = json_pack("{s:s,s:s}", "name", name, "scope", scope);
	int arc = audit_append(db, actor, "apikey.create", "api_key", id, NULL, after);
	json_decref(after);
	return arc == 0 ? id : -1;
}

int apikey_revoke(struct db *db, const char *actor, const char *name)
{
	struct db_stmt *st = db_prep(db, SQL_KEY_REVOKE);
	if (!st)
		return -1;
	db_bind_int(st, 1, (int64_t)time(NULL));
	db_bind_text(st, 2, name);
	if (db_step(st) != DB_OK)
		return -1;
	if (db_changes(st) != 1)
		return 0;
	json_t *after = json_pack("{s:s}", "revoked", name);
	int rc = audit_append_key(db, actor, "apikey.revoke", "api_key", name, NULL, after);
	json_decref(after);
	return rc == 0 ? 1 : -1;
}

int apikey_lookup(struct db *db, const char *key_hash, struct actor *actor)
{
	struct db_stmt *st = db_prep(db, SQL_KEY_LOOKUP);
	if (!st)
		return -1;
	db_bind_text(st, 1, key_hash);
	enum db_rc rc = db_step(st);
	if (rc != DB_ROW)
		return rc == DB_OK ? 0 : -1;
	actor->user_id = 0;
	snprintf(actor->username, sizeof actor->username, "apikey:%s", db_col_text(st, 1));
	COPY(actor->display_name, db_col_text(st, 1));
	COPY(actor->scope, db_col_text(st, 2));
	actor->role = ROLE_INTEGRATION;
	actor->session_hash[0] = '\0';
	return 1;
}

json_t *apikey_list(struct db *db)
{
	json_t *list = json_array();
	struct db_stmt *st = db_prep(db, SQL_KEY_LIST);
	if (!st)
		return list;
	while (db_step(st) == DB_ROW)
		json_array_append_new(list, json_pack("{s:I,s:s,s:s,s:I,s:s,s:I}", "id", db_col_int(st, 0), "name",
						      db_col_text(st, 1), "scope", db_col_text(st, 2), "created_at",
						      db_col_int(st, 3), "created_by", db_col_text(st, 4),
						      "revoked_at", db_col_int(st, 5)));
	return list;
}
