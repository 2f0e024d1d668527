/* server.h: the application state shared by every request, and the HTTP server's life cycle. */
#ifndef KALEM_HTTP_SERVER_H
#define KALEM_HTTP_SERVER_H
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct db_pool;
struct metrics;

struct config {
	char listen_addr[64];  /* default 127.0.0.1 */
	int port;              /* default 8080 */
	char db_url[512];      /* default sqlite:./var/kalem.db */
	char var_dir[256];     /* default ./var */
	int threads;           /* worker threads, default: the number of cores */
	size_t max_body;       /* bytes, default 1 MiB */
	size_t max_upload;     /* bytes, default 20 MiB (multipart) */
	int conn_timeout_s;    /* idle/slow client timeout, default 30 */
	int session_idle_s;    /* default 2 h */
	int session_absolute_s; /* default 12 h */
	bool secure_cookies;   /* set when served behind TLS */
	bool access_log;       /* default on */
};

struct app {
	struct config cfg;
	struct db_pool *pool;
	unsigned char csrf_key[32]; /* shared by every server on the database (settings table) */
	struct metrics *metrics;
	volatile sig_atomic_t stopping;
	int active_requests;        /* in-flight handlers, for graceful shutdown */
};

/* Fills defaults, then overrides from KALEM_* environment variables
 * (KALEM_LISTEN "addr:port", KALEM_DB, KALEM_VAR, KALEM_THREADS, KALEM_SECURE_COOKIES, ...). */
void config_defaults(struct config *cfg);
void config_from_env(struct config *cfg);
/* Parses "127.0.0.1:8080", ":8080" or "8080" into cfg; -1 if malformed. */
int config_set_listen(struct config *cfg, const char *value);

/* Opens the pool, migrates, loads keys, starts libmicrohttpd, and serves until SIGTERM or SIGINT;
 * then stops accepting, lets in-flight requests finish (up to 10 s) and returns 0. */
int server_run(struct app *app);

#endif
