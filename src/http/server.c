/* server.c: libmicrohttpd set-up, request body accumulation within limits, graceful shutdown. */
#include <errno.h>
#include <microhttpd.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include "http/dispatch.h"
#include "http/server.h"
#include "store/applications.h"
#include "store/db.h"
#include "util/log.h"
#include "util/xalloc.h"

static pthread_mutex_t active_lock = PTHREAD_MUTEX_INITIALIZER;

void config_defaults(struct config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	snprintf(cfg->listen_addr, sizeof cfg->listen_addr, "127.0.0.1");
	cfg->port = 8080;
	snprintf(cfg->db_url, sizeof cfg->db_url, "sqlite:./var/kalem.db");
	snprintf(cfg->var_dir, sizeof cfg->var_dir, "./var");
	/* libmicrohttpd keeps a connection on the thread that accepted it, so with one thread per core a busy
	 * thread queues requests while another core idles (docs/PERFORMANCE.md): 4 per core, at least 8. */
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	cfg->threads = n > 0 ? (int)(4 * n) : 8;
	if (cfg->threads < 8)
		cfg->threads = 8;
	cfg->max_body = 1u << 20;
	cfg->max_upload = 20u << 20;
	cfg->conn_timeout_s = 30;
	cfg->session_idle_s = 2 * 3600;
	cfg->session_absolute_s = 12 * 3600;
	cfg->access_log = true;
}

int config_set_listen(struct config *cfg, const char *value)
{
	const char *colon = strrchr(value, ':');
	const char *port = colon ? colon + 1 : value;
	char *end;
	long p = strtol(port, &end, 10);
	if (*port == '\0' || *end != '\0' || p <= 0 || p > 65535)
		return -1;
	if (colon && colon != value) {
		size_t n = (size_t)(colon - value);
		if (n >= sizeof cfg->listen_addr)
			return -1;
		memcpy(cfg->listen_addr, value, n);
		cfg->listen_addr[n] = '\0';
	}
	cfg->port = (int)p;
	return 0;
}

static bool env_bool(const char *v)
{
	return v && (strcmp(v, "1") == 0 || strcmp(v, "true") == 0 || strcmp(v, "yes") == 0);
}

void config_from_env(struct config *cfg)
{
	const char *v;
	if ((v = getenv("KALEM_LISTEN")) && config_set_listen(cfg, v) != 0)
		log_warn("ignoring malformed KALEM_LISTEN '%s'", v);
	if ((v = getenv("KALEM_DB")))
		snprintf(cfg->db_url, sizeof cfg->db_url, "%s", v);
	if ((v = getenv("KALEM_VAR")))
		snprintf(cfg->var_dir, sizeof cfg->var_dir, "%s", v);
	if ((v = getenv("KALEM_THREADS")) && atoi(v) > 0)
		cfg->threads = atoi(v);
	if ((v = getenv("KALEM_SECURE_COOKIES")))
		cfg->secure_cookies = env_bool(v);
	if ((v = getenv("KALEM_ACCESS_LOG")))
		cfg->access_log = env_bool(v);
	if ((v = getenv("KALEM_SESSION_IDLE")) && atoi(v) > 0)
		cfg->session_idle_s = atoi(v);
	if ((v = getenv("KALEM_SESSION_ABSOLUTE")) && atoi(v) > 0)
		cfg->session_absolute_s = atoi(v);
}

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

static void request_completed(void *cls, struct MHD_Connection *conn, void **req_cls,
			      enum MHD_RequestTerminationCode toe)
{
	struct req *r = *req_cls;
	if (r)
		dispatch_free(r);
	*req_cls = NULL;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
				  const char *version, const char *upload_data, size_t *upload_data_size,
				  void **req_cls)
{
	struct app *app = cls;
	struct req *r = *req_cls;
	if (!r) {
		r = dispatch_new(app, conn, url, method);
		*req_cls = r;
		const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");
		if (cl && strtoull(cl, NULL, 10) > dispatch_body_limit(r))
			r->body_too_large = true;
		return MHD_YES;
	}
	if (*upload_data_size) {
		if (!r->body_too_large && r->body.len + *upload_data_size <= dispatch_body_limit(r))
			buf_add(&r->body, upload_data, *upload_data_size);
		else
			r->body_too_large = true;
		*upload_data_size = 0;
		return MHD_YES;
	}
	pthread_mutex_lock(&active_lock);
	app->active_requests++;
	pthread_mutex_unlock(&active_lock);

	dispatch_handle(r);

	size_t len;
	char *body = buf_detach(&r->resp, &len);
	struct MHD_Response *resp = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	dispatch_add_headers(r, resp);
	enum MHD_Result rc = MHD_queue_response(conn, r->status, resp);
	MHD_destroy_response(resp);

	pthread_mutex_lock(&active_lock);
	app->active_requests--;
	pthread_mutex_unlock(&active_lock);
	return rc;
}

static int active_count(struct app *app)
{
	pthread_mutex_lock(&active_lock);
	int n = app->active_requests;
	pthread_mutex_unlock(&active_lock);
	return n;
}

/* The clock sweep of applications (store/applications.h app_clock_sweep), run from server_run's loop every
 * KALEM_SWEEP_INTERVAL seconds (default 60, 0 = never) on a connection of its own, opened when first needed and
 * again after an error. Each event is recorded once; on PostgreSQL, where a write transaction reads at READ
 * COMMITTED, the server whose sweep connection holds this session advisory lock is the one that sweeps (the lock
 * goes with the connection when that server stops or dies, and another takes over at its next interval). On
 * SQLite every write transaction is serialised (BEGIN IMMEDIATE), so every server may sweep. */
static const char SQL_SWEEP_LOCK[] = "SELECT CASE WHEN pg_try_advisory_lock(4703110011) THEN 1 ELSE 0 END";

static void sweep_tick(const struct app *app, struct db **db, bool *leader, int64_t now)
{
	if (!*db) {
		*db = db_open(app->cfg.db_url);
		*leader = *db && db_kind(*db) == DB_SQLITE;
	}
	if (*db && !*leader) {
		*leader = db_query_int(*db, SQL_SWEEP_LOCK, -1) == 1;
		if (!*leader)
			return; /* another server sweeps */
		log_info("clock sweep: this server sweeps the applications' clocks");
	}
	int n = *db ? app_clock_sweep(*db, now) : -1;
	if (n < 0) {
		log_warn("clock sweep failed; trying again at the next interval");
		db_close(*db);
		*db = NULL;
	} else if (n > 0) {
		log_info("clock sweep: %d events recorded", n);
	}
}

int server_run(struct app *app)
{
	struct config *cfg = &app->cfg;
	struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)cfg->port)};
	if (inet_pton(AF_INET, cfg->listen_addr, &addr.sin_addr) != 1)
		return error("cannot use listen address '%s' (an IPv4 address is expected)", cfg->listen_addr);

	struct sigaction sa = {.sa_handler = on_signal};
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	struct MHD_Daemon *d = MHD_start_daemon(
		MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_TURBO | MHD_ALLOW_SUSPEND_RESUME,
		(uint16_t)cfg->port, NULL, NULL, on_request, app,
		MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
		MHD_OPTION_THREAD_POOL_SIZE, (unsigned)cfg->threads,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)cfg->conn_timeout_s,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)64 * 1024,
		MHD_OPTION_CONNECTION_LIMIT, 1000u,
		MHD_OPTION_PER_IP_CONNECTION_LIMIT, 0u,
		MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024u,
		MHD_OPTION_NOTIFY_COMPLETED, request_completed, app,
		MHD_OPTION_END);
	if (!d)
		return error("cannot listen on %s:%d: %s", cfg->listen_addr, cfg->port, strerror(errno));
	log_info("kalem serving on http://%s:%d/ (database %s, %d threads)", cfg->listen_addr, cfg->port,
		 strncmp(cfg->db_url, "postgres", 8) == 0 ? "postgresql" : cfg->db_url, cfg->threads);

	const char *sweep_env = getenv("KALEM_SWEEP_INTERVAL");
	int sweep_s = sweep_env && *sweep_env ? atoi(sweep_env) : 60;
	int64_t next_sweep = (int64_t)time(NULL) + (sweep_s > 0 ? 1 : 0);
	struct db *sweep_db = NULL;
	bool sweep_leader = false;
	while (!stop_signal) {
		struct timespec ts = {0, 100 * 1000 * 1000};
		nanosleep(&ts, NULL);
		int64_t now = (int64_t)time(NULL);
		if (sweep_s > 0 && now >= next_sweep && !stop_signal) {
			sweep_tick(app, &sweep_db, &sweep_leader, now);
			next_sweep = now + sweep_s;
		}
	}
	db_close(sweep_db);
	log_info("received signal %d: finishing in-flight requests", (int)stop_signal);
	app->stopping = 1;
	MHD_socket fd = MHD_quiesce_daemon(d);
	if (fd != MHD_INVALID_SOCKET)
		close(fd);
	for (int i = 0; i < 100; i++) {
		const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
		if (active_count(app) == 0 && (!info || info->num_connections == 0))
			break;
		struct timespec ts = {0, 100 * 1000 * 1000};
		nanosleep(&ts, NULL);
		if (i > 10 && active_count(app) == 0)
			break; /* only idle keep-alive connections remain */
	}
	MHD_stop_daemon(d);
	log_info("stopped");
	return 0;
}
