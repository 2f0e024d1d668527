/* render.c: kalem-bench-render, the time to render a page in-process: route, handler, store and template, no HTTP.
 *
 *   kalem-bench-render --db URL [--user admin] [--iterations 2000] [--seconds 10] --path '/parties?q=yilmaz' ...
 *   kalem-bench-render --db URL --cursor-at N      prints the keyset cursor ("id.sortkey") of the N-th party in
 *                                                  list order, for a deep-page URL
 *
 * For each path, the request is built as the server builds it for a signed-in user (the user's role, a session,
 * its CSRF token; query parameters parsed like a query string), the route is looked up in the route table and
 * its handler runs against the database, exactly as in a request, minus the socket, the session look-up and the
 * headers. Each path runs until --iterations renders or --seconds have passed, whichever comes first, after 20
 * unmeasured renders to warm the caches. Prints the status, the page size and the render time per call (mean,
 * p50, p99, max, in microseconds). For /parties paths it also times party_list alone (the store's share).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "cli/cli.h"
#include "core/token.h"
#include "http/router.h"
#include "http/urlencoded.h"
#include "store/accounts.h"
#include "store/db.h"
#include "store/parties.h"
#include "util/i18n.h"
#include "util/xalloc.h"
#include "web/template.h"

#define WARMUP 20
#define MAX_ITERATIONS 1000000
#define MAX_SECONDS 300

static const char SQL_CURSOR_AT[] = "SELECT id, sort_key FROM parties ORDER BY sort_key, id LIMIT 1 OFFSET ?";

static int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

struct timing {
	int64_t *ns;
	size_t n;
};

static void print_timing(const char *what, struct timing *t)
{
	if (!t->n)
		return;
	qsort(t->ns, t->n, sizeof *t->ns, cmp_i64);
	double sum = 0;
	for (size_t i = 0; i < t->n; i++)
		sum += (double)t->ns[i];
	printf("  %-9s %6zu calls  mean %8.1f us  p50 %8.1f us  p99 %8.1f us  max %8.1f us\n", what, t->n,
	       sum / (double)t->n / 1e3, (double)t->ns[t->n / 2] / 1e3, (double)t->ns[(t->n - 1) * 99 / 100] / 1e3,
	       (double)t->ns[t->n - 1] / 1e3);
}

/* One in-process request to path (with its query string) as actor. Returns the elapsed ns of the handler,
 * or -1 when no GET route matches. *status and *bytes (OUT) describe the response. */
static int64_t render_once(struct app *app, struct db *db, const struct actor *actor, const char *url,
			   unsigned *status, size_t *bytes)
{
	struct req r;
	memset(&r, 0, sizeof r);
	const char *qmark = strchr(url, '?');
	r.app = app;
	r.method = HTTP_GET;
	r.method_name = "GET";
	r.path = qmark ? xasprintf("%.*s", (int)(qmark - url), url) : xstrdup(url);
	params_init(&r.query);
	params_init(&r.form);
	params_init(&r.resp_headers);
	buf_init(&r.body);
	buf_init(&r.resp);
	r.status = 200;
	r.resp_type = "text/html; charset=utf-8";
	r.lang = LANG_TR;
	r.route_name = "bench";
	snprintf(r.address, sizeof r.address, "127.0.0.1");
	r.db = db;
	r.authenticated = true;
	r.actor = *actor;
	int64_t elapsed = -1;
	bool mismatch = false;
	int64_t t0 = now_ns();
	if (qmark && urlencoded_parse(qmark + 1, strlen(qmark + 1), &r.query) != 0)
		goto out;
	const struct route *route = route_find(r.path, HTTP_GET, &r, &mismatch);
	if (!route)
		goto out;
	route->handler(&r);
	elapsed = now_ns() - t0;
	*status = r.status;
	*bytes = r.resp.len;
out:
	free(r.path);
	params_free(&r.query);
	params_free(&r.form);
	params_free(&r.resp_headers);
	buf_free(&r.body);
	buf_free(&r.resp);
	if (r.json)
		json_decref(r.json);
	return elapsed;
}

/* The store's share of a /parties page: party_list with the page's q and after, 50 rows. */
static int64_t list_once(struct db *db, const char *url)
{
	const char *qmark = strchr(url, '?');
	struct params p;
	params_init(&p);
	if (qmark)
		urlencoded_parse(qmark + 1, strlen(qmark + 1), &p);
	struct party_filter f = {.q = params_get(&p, "q"), .kind = params_get(&p, "kind")};
	const char *nb = params_get(&p, "neighbourhood_id");
	f.neighbourhood_id = nb ? atoll(nb) : 0;
	int64_t t0 = now_ns();
	json_t *page = party_list(db, &f, params_get(&p, "after"), 50);
	int64_t elapsed = now_ns() - t0;
	json_decref(page);
	params_free(&p);
	return elapsed;
}

static int run_path(struct app *app, struct db *db, const struct actor *actor, const char *url, long iterations,
		    double seconds)
{
	unsigned status = 0;
	size_t bytes = 0;
	bool routed = true, is_parties = strncmp(url, "/parties", 8) == 0 && (url[8] == '\0' || url[8] == '?');
	for (int i = 0; i < WARMUP && routed; i++)
		routed = render_once(app, db, actor, url, &status, &bytes) >= 0;
	if (!routed && !is_parties) {
		printf("%s: no GET route matches this path\n", url);
		return -1;
	}
	struct timing page = {xcalloc((size_t)iterations, sizeof(int64_t)), 0};
	struct timing store = {xcalloc((size_t)iterations, sizeof(int64_t)), 0};
	int64_t deadline = now_ns() + (int64_t)(seconds * 1e9);
	while (store.n < (size_t)iterations && page.n < (size_t)iterations && now_ns() < deadline) {
		if (routed)
			page.ns[page.n++] = render_once(app, db, actor, url, &status, &bytes);
		if (is_parties)
			store.ns[store.n++] = list_once(db, url);
	}
	if (routed)
		printf("%s: status %u, %zu bytes\n", url, status, bytes);
	else
		printf("%s: no GET route matches this path yet; the store's share only\n", url);
	print_timing("page", &page);
	print_timing("party_list", &store);
	free(page.ns);
	free(store.ns);
	return routed && status != 200 ? -1 : 0;
}

static int print_cursor_at(struct db *db, long n)
{
	struct db_stmt *st = db_prep(db, SQL_CURSOR_AT);
	if (!st)
		return -1;
	db_bind_int(st, 1, n);
	if (db_step(st) != DB_ROW)
		return -1;
	printf("%lld.%s\n", (long long)db_col_int(st, 0), db_col_text(st, 1));
	db_reset(st);
	return 0;
}

static void usage(void)
{
	fputs("usage: kalem-bench-render --db URL [--user NAME] [--iterations N] [--seconds S] --path URL ...\n"
	      "       kalem-bench-render --db URL --cursor-at N\n",
	      stderr);
}

int main(int argc, char **argv)
{
	struct cli cli;
	cli_defaults(&cli);
	const char *user = "admin", *paths[32];
	int n_paths = 0;
	long iterations = 2000, cursor_at = -1;
	double seconds = 10;
	for (int i = 1; i < argc; i += 2) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!v) {
			usage();
			return CLI_USAGE;
		}
		if (strcmp(a, "--db") == 0)
			snprintf(cli.cfg.db_url, sizeof cli.cfg.db_url, "%s", v);
		else if (strcmp(a, "--user") == 0)
			user = v;
		else if (strcmp(a, "--iterations") == 0)
			iterations = atol(v);
		else if (strcmp(a, "--seconds") == 0)
			seconds = atof(v);
		else if (strcmp(a, "--cursor-at") == 0)
			cursor_at = atol(v);
		else if (strcmp(a, "--path") == 0 && n_paths < 32 && v[0] == '/')
			paths[n_paths++] = v;
		else {
			usage();
			return CLI_USAGE;
		}
	}
	if ((cursor_at < 0 && n_paths == 0) || iterations < 1 || iterations > MAX_ITERATIONS || seconds <= 0 ||
	    seconds > MAX_SECONDS) {
		usage();
		return CLI_USAGE;
	}
	if (i18n_load() != 0 || tmpl_init() != 0)
		return CLI_FAIL;
	struct db *db = cli_open_db(&cli);
	if (!db)
		return CLI_FAIL;
	int rc = CLI_FAIL;
	if (cursor_at >= 0) {
		rc = print_cursor_at(db, cursor_at) == 0 ? CLI_OK : CLI_FAIL;
		goto out;
	}
	struct user_row u;
	if (user_by_name(db, user, &u) != 1) {
		fprintf(stderr, "kalem-bench-render: no user '%s'\n", user);
		goto out;
	}
	struct app app = {.cfg = cli.cfg};
	for (int k = 0; k < 32; k++)
		app.csrf_key[k] = (unsigned char)k;
	struct actor actor = {.user_id = u.id, .role = role_from_name(u.role), .directorate_id = u.directorate_id};
	snprintf(actor.username, sizeof actor.username, "%s", u.username);
	snprintf(actor.display_name, sizeof actor.display_name, "%s", u.display_name);
	char token[TOKEN_CHARS + 1];
	token_new(token);
	token_hash_hex(token, actor.session_hash);
	csrf_token(app.csrf_key, actor.session_hash, actor.csrf);
	rc = CLI_OK;
	for (int i = 0; i < n_paths; i++)
		if (run_path(&app, db, &actor, paths[i], iterations, seconds) != 0)
			rc = CLI_FAIL;
out:
	db_close(db);
	tmpl_shutdown();
	i18n_unload();
	return rc;
}
