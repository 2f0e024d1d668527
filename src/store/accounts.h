/* accounts.h: staff users, their sessions, login throttling and API keys in the database. */
#ifndef KALEM_STORE_ACCOUNTS_H
#define KALEM_STORE_ACCOUNTS_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include "http/req.h"
#include "store/db.h"

struct user_row {
	int64_t id;
	char username[64];
	char display_name[128];
	char email[256];
	char role[16];
	int64_t directorate_id;
	char password_hash[160];
	bool active;
	char lang[4];
};

/* Loads a user by username; 1 found, 0 not found, -1 error. */
int user_by_name(struct db *db, const char *username, struct user_row *out);
int user_by_id(struct db *db, int64_t id, struct user_row *out);
/* Inserts a user inside the caller's write transaction (audited). Returns the new id, DB_CONSTRAINT on a
 * duplicate username, or -1. */
int64_t user_insert(struct db *db, const char *actor, const char *username, const char *display_name,
		    const char *email, const char *role, int64_t directorate_id, const char *password_hash);
/* Sets the password hash and ends the user's sessions (audited, without the hash). Inside a write transaction. */
int user_set_password(struct db *db, const char *actor, int64_t id, const char *password_hash);
/* Activates or disables; disabling ends the user's sessions. Inside a write transaction. */
int user_set_active(struct db *db, const char *actor, int64_t id, bool active);
/* Updates role, directorate, name, e-mail (audited). Inside a write transaction. */
int user_update(struct db *db, const char *actor, int64_t id, const char *display_name, const char *email,
		const char *role, int64_t directorate_id);
/* Every user, by username, as JSON objects (no hashes). */
json_t *user_list(struct db *db);
json_t *user_to_json(const struct user_row *u);

/* Sessions: stored by the SHA-256 of the token. */
int session_insert(struct db *db, int64_t user_id, const char *token_hash, int64_t now, int64_t expires_at,
		   const char *address);
/* Finds a live session (not expired, not idle longer than idle_s, user active) and fills the actor.
 * *last_seen (OUT) lets the caller decide to touch it. 1 found, 0 not, -1 error. */
int session_lookup(struct db *db, const char *token_hash, int64_t now, int idle_s, struct actor *actor,
		   int64_t *last_seen);
int session_touch(struct db *db, const char *token_hash, int64_t now);
int session_delete(struct db *db, const char *token_hash);
int session_delete_user(struct db *db, int64_t user_id);

/* Login throttling: failures per subject ("user:NAME", "addr:IP") within window_s. */
int login_failure_count(struct db *db, const char *subject, int64_t since);
int login_failure_add(struct db *db, const char *subject, int64_t now);
int login_failure_clear(struct db *db, const char *subject);

/* API keys, stored hashed. */
int64_t apikey_insert(struct db *db, const char *actor, const char *name, const char *scope, const char *key_hash);
int apikey_revoke(struct db *db, const char *actor, const char *name);
/* Finds a live key by hash; fills actor (role ROLE_INTEGRATION, scope). 1 found, 0 not, -1 error. */
int apikey_lookup(struct db *db, const char *key_hash, struct actor *actor);
json_t *apikey_list(struct db *db);

#endif
