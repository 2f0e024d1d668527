/* gen_applications.c: kalem-gen-applications fills a database with many fictional applications (workflow 3), for
 * the list and search benchmarks.
 *
 *   kalem-gen-applications --db URL --count 1000000 [--seed N] [--batch 20000] [--days 730]
 *
 * The database is migrated and seeded (categories of data/app_categories.csv), and the demo office (directorates,
 * Meram's neighbourhoods, users: src/store/demo.h) is loaded as the reference data. Then --count applications are
 * written directly in SQL, --batch per write transaction (fast: about a minute for a million on SQLite), received
 * one after the other over the last --days days up to now, oldest first; 3% are letters entered up to ten days
 * after they were received. Each gets a Turkish applicant (store/demo_people.h), a category (the commoner ones more
 * often), a neighbourhood (most), an address, a subject and a description made of typical phrases (a few in a
 * thousand mention a rare word, "zeytinlik"), the folded search text and, on SQLite, its full-text index row
 * (store/app_search.h, as app_create writes them), a state (old ones mostly closed, recent ones spread over the
 * chart), the clock columns (due dates, stopped once answered; some old open ones are overdue) and a route to the
 * category's directorate for every application past the assessment (a second one for 5%). No audit events, clock
 * events or notifications are written: the lists do not read them. The demo office's few applications are removed
 * first, so that ids follow entry time as in a real database. Prints the rate in rows per second.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "cli/cli.h"
#include "store/app_search.h"
#include "store/applications.h"
#include "store/appointments.h"
#include "store/db.h"
#include "store/demo.h"
#include "store/demo_people.h"
#include "util/i18n.h"
#include "util/log.h"
#include "util/xalloc.h"

#define ACTOR "bench"
#define MAX_REF 1000
#define DAY 86400
#define COUNT(array) (sizeof(array) / sizeof((array)[0]))
#define PICK(r, array) ((array)[demo_rng_below((r), COUNT(array))])

static const char SQL_CATEGORIES[] = "SELECT id, name_tr, directorate_id, legal_clock FROM app_categories WHERE "
				     "active = 1 ORDER BY id";
static const char SQL_DIRECTORATES[] = "SELECT id FROM directorates ORDER BY id";
static const char SQL_NEIGHBOURHOODS[] = "SELECT id, name FROM neighbourhoods ORDER BY id";
static const char SQL_INSERT[] =
	"INSERT INTO applications (tracking_code, kind, channel, applicant_name, phone, email, preferred_channel, "
	"category_id, subject, description, neighbourhood_id, address, state, answer, answered_at, feedback_via, "
	"feedback_at, search_fold, received_at, office_due_at, office_warn_at, legal_due_at, legal_warn_at, "
	"office_stopped_at, legal_stopped_at, office_next_at, legal_next_at, created_at, created_by, updated_at, "
	"updated_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
	"RETURNING id";
static const char SQL_ROUTE[] =
	"INSERT INTO application_routes (application_id, directorate_id, state, due_at, answer, answered_at, "
	"answered_by, created_at, created_by, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

/* What people write about, by the words they use (the category is drawn apart: people misfile). */
static const char *const subjects[] = {
	"Sokakta çukur var", "Çöpler alınmıyor", "Sokak lambası yanmıyor", "Kaldırım işgali", "Gürültü şikayeti",
	"Su kesintisi hakkında", "Park bakımsız", "Başıboş köpekler", "Otobüs durağı talebi", "Kaçak yapı ihbarı",
	"Ağaç budama talebi", "Asfalt yapılması talebi", "Yol çizgileri silinmiş", "Trafik levhası devrilmiş",
	"Pazar yeri temizliği", "İmar durumu bilgi talebi", "Kanalizasyon taşıyor", "Yağmur suyu ızgarası tıkalı",
	"Çocuk parkındaki oyuncak kırık", "Kaldırım taşları kırık", "Konteyner taşıyor", "Moloz dökülmüş",
	"Seyyar satıcılar", "Rögar kapağı açık", "Bank ve oturma yeri talebi", "Teşekkür",
};
static const char *const openings[] = {
	"Merhaba,", "Sayın yetkili,", "İyi günler.", "Sayın Başkanım,", "", "Mahallemizde uzun süredir",
};
static const char *const phrases[] = {
	"sokağımızda büyük bir çukur oluştu ve araçlar zarar görüyor.",
	"çöpler üç gündür toplanmadı, kötü koku var.",
	"akşamları sokak lambaları yanmadığı için karanlıkta kalıyoruz.",
	"kaldırımı esnaf işgal ediyor, yayalar yoldan yürümek zorunda kalıyor.",
	"gece geç saatlere kadar yüksek sesle müzik çalınıyor.",
	"sabahtan beri sular kesik, ne zaman geleceği hakkında bilgi alamadık.",
	"parktaki çimler sararmış, çöp kutuları dolu.",
	"okul yolunda başıboş köpekler çocukları korkutuyor.",
	"durakta bekleme yeri yok, yaşlılar ayakta bekliyor.",
	"komşu parselde ruhsatsız inşaat yapılıyor.",
	"ağaç dalları elektrik tellerine değiyor.",
	"yolumuz toprak, yağmurda çamur oluyor; asfalt istiyoruz.",
	"yağmur yağınca cadde göle dönüyor.",
	"rögar kapağı açık kaldı, tehlike oluşturuyor.",
	"ilgilendiğiniz için çok teşekkür ederiz.",
	"konuyla ilgili gereğinin yapılmasını arz ederim.",
	"daha önce de başvurmuştuk fakat sonuç alamadık.",
	"fotoğrafları ekte gönderiyorum.",
};
static const char *const answers[] = {
	"Ekiplerimiz yerinde inceleme yaparak gerekli çalışmayı tamamlamıştır.",
	"Talebiniz iş programına alınmıştır.",
	"Konu ilgili kuruma iletilmiştir.",
};

struct category {
	int64_t id, directorate_id;
	char *name;
	bool legal;
};
struct neighbourhood {
	int64_t id;
	char *name;
};
struct generator {
	struct db *db;
	struct demo_rng rng;
	struct category cats[MAX_REF];
	size_t n_cats;
	int64_t dirs[MAX_REF];
	size_t n_dirs;
	struct neighbourhood nbs[MAX_REF];
	size_t n_nbs;
};

static int load_reference(struct generator *g)
{
	struct db_stmt *st = db_prep(g->db, SQL_CATEGORIES);
	while (st && db_step(st) == DB_ROW && g->n_cats < MAX_REF) {
		struct category *c = &g->cats[g->n_cats++];
		c->id = db_col_int(st, 0);
		c->name = xstrdup(db_col_text(st, 1));
		c->directorate_id = db_col_int(st, 2);
		c->legal = strcmp(db_col_text(st, 3), "none") != 0;
	}
	st = db_prep(g->db, SQL_DIRECTORATES);
	while (st && db_step(st) == DB_ROW && g->n_dirs < MAX_REF)
		g->dirs[g->n_dirs++] = db_col_int(st, 0);
	st = db_prep(g->db, SQL_NEIGHBOURHOODS);
	while (st && db_step(st) == DB_ROW && g->n_nbs < MAX_REF) {
		g->nbs[g->n_nbs].id = db_col_int(st, 0);
		g->nbs[g->n_nbs++].name = xstrdup(db_col_text(st, 1));
	}
	if (!g->n_cats || !g->n_dirs || !g->n_nbs)
		return error("gen-applications: no categories, directorates or neighbourhoods to use");
	for (size_t i = 0; i < g->n_cats; i++)
		if (!g->cats[i].directorate_id)
			g->cats[i].directorate_id = g->dirs[i % g->n_dirs];
	return 0;
}

/* A tracking code unique to the sequence number k (a bijection of k into 9 letters of the code alphabet). */
static void tracking_code(uint64_t k, char out[APP_CODE_LEN + 1])
{
	uint64_t n = strlen(appt_code_alphabet), x = k * 1000003u + 7777777u; /* below 32^9: distinct for distinct k */
	out[0] = 'B';
	for (int i = APP_CODE_LEN - 1; i >= 1; i--) {
		out[i] = appt_code_alphabet[x % n];
		x /= n;
	}
	out[APP_CODE_LEN] = '\0';
}

/* The state of an application received age seconds ago. */
static const char *draw_state(struct demo_rng *r, int64_t age)
{
	unsigned p = demo_rng_below(r, 100);
	if (age > 60 * DAY)
		return p < 70 ? "archived" : p < 85 ? "feedback_given" : p < 90 ? "rejected" : p < 95 ? "forwarded"
									     : p < 98 ? "answered" : "routed";
	if (age > 10 * DAY)
		return p < 40 ? "feedback_given" : p < 60 ? "answered" : p < 85 ? "routed" : p < 90 ? "waiting"
									: p < 95 ? "rejected" : "archived";
	return p < 25 ? "received" : p < 65 ? "routed" : p < 75 ? "waiting" : p < 90 ? "answered" : "feedback_given";
}

static bool routed_state(const char *s)
{
	return strcmp(s, "received") != 0 && strcmp(s, "rejected") != 0 && strcmp(s, "forwarded") != 0;
}

static bool closed_state(const char *s)
{
	return strcmp(s, "answered") == 0 || strcmp(s, "feedback_given") == 0 || strcmp(s, "archived") == 0 ||
	       strcmp(s, "rejected") == 0 || strcmp(s, "forwarded") == 0;
}

static int one(struct generator *g, uint64_t k, int64_t received, int64_t created)
{
	struct demo_rng *r = &g->rng;
	struct demo_person p;
	demo_person(demo_rng_next(r), (unsigned)g->n_nbs, &p);
	/* the first categories of the seed are the common troubles: drawn more often */
	size_t ci = demo_rng_below(r, 2) ? demo_rng_below(r, (unsigned)(g->n_cats < 8 ? g->n_cats : 8))
					 : demo_rng_below(r, (unsigned)g->n_cats);
	const struct category *cat = &g->cats[ci];
	const struct neighbourhood *nb = &g->nbs[p.neighbourhood];
	bool has_nb = demo_rng_below(r, 10) != 0;
	char *address = has_nb ? demo_address(&p, nb->name) : xstrdup("");
	const char *subject = PICK(r, subjects);
	char description[1024];
	int len = snprintf(description, sizeof description, "%s %s %s", PICK(r, openings), PICK(r, phrases),
			   PICK(r, phrases));
	if (demo_rng_below(r, 1000) < 2)
		snprintf(description + len, sizeof description - (size_t)len, " Zeytinlik yolunda.");
	char code[APP_CODE_LEN + 1];
	tracking_code(k, code);
	static const char *const channels[] = {"in_person", "phone", "web", "web", "web", "bizim_meram", "cimer",
					       "open311", "email"};
	const char *channel = received < created - 3600 ? "letter" : PICK(r, channels);
	static const char *const kinds[] = {"complaint", "complaint", "complaint", "request", "request", "suggestion",
					    "information"};
	const char *kind = PICK(r, kinds);
	const char *state = draw_state(r, time(NULL) - received);
	bool closed = closed_state(state), answered = strcmp(state, "answered") == 0 ||
						     strcmp(state, "feedback_given") == 0 ||
						     strcmp(state, "archived") == 0;
	int64_t office_due = received + 7 * DAY, legal_due = received + 30 * DAY;
	int64_t answered_at = answered ? received + (int64_t)demo_rng_below(r, 20 * DAY) + 3600 : 0;
	int64_t stopped = closed ? (answered ? answered_at : received + DAY) : 0;
	char *fold = app_search_text(p.name, subject, description, address, code, cat->name);
	struct db_stmt *st = db_prep(g->db, SQL_INSERT);
	if (!st)
		goto fail;
	int i = 1;
	db_bind_text(st, i++, code);
	db_bind_text(st, i++, kind);
	db_bind_text(st, i++, channel);
	db_bind_text(st, i++, p.name);
	db_bind_text(st, i++, p.phone);
	db_bind_text(st, i++, demo_rng_below(r, 3) ? "" : p.email);
	db_bind_text(st, i++, "sms");
	db_bind_int(st, i++, cat->id);
	db_bind_text(st, i++, subject);
	db_bind_text(st, i++, description);
	db_bind_id_or_null(st, i++, has_nb ? nb->id : 0);
	db_bind_text(st, i++, address);
	db_bind_text(st, i++, state);
	db_bind_text(st, i++, answered ? PICK(r, answers) : "");
	db_bind_id_or_null(st, i++, answered_at);
	db_bind_text(st, i++, strcmp(state, "feedback_given") == 0 || strcmp(state, "archived") == 0 ? "sms" : "");
	db_bind_id_or_null(st, i++, strcmp(state, "feedback_given") == 0 || strcmp(state, "archived") == 0
					    ? answered_at + DAY
					    : 0);
	db_bind_text(st, i++, fold);
	db_bind_int(st, i++, received);
	db_bind_int(st, i++, office_due);
	db_bind_int(st, i++, office_due - 2 * DAY);
	if (cat->legal) {
		db_bind_int(st, i++, legal_due);
		db_bind_int(st, i++, legal_due - 7 * DAY);
	} else {
		db_bind_null(st, i++);
		db_bind_null(st, i++);
	}
	db_bind_id_or_null(st, i++, stopped);
	db_bind_id_or_null(st, i++, cat->legal ? stopped : 0);
	db_bind_id_or_null(st, i++, closed ? 0 : office_due); /* the sweep's next instant: recorded already */
	db_bind_null(st, i++);
	db_bind_int(st, i++, created);
	db_bind_text(st, i++, ACTOR);
	db_bind_int(st, i++, stopped ? stopped : created);
	db_bind_text(st, i++, ACTOR);
	if (db_step(st) != DB_ROW)
		goto fail;
	int64_t id = db_col_int(st, 0);
	db_reset(st);
	if (app_search_index(g->db, id, fold) != 0)
		goto fail;
	if (routed_state(state)) {
		int routes = demo_rng_below(r, 20) == 0 ? 2 : 1;
		for (int k2 = 0; k2 < routes; k2++) {
			int64_t dir = k2 ? g->dirs[demo_rng_below(r, (unsigned)g->n_dirs)] : cat->directorate_id;
			if (k2 && dir == cat->directorate_id)
				break;
			const char *rstate = answered ? "answered" : strcmp(state, "waiting") == 0 ? "info_requested"
								 : demo_rng_below(r, 2)		   ? "accepted"
												   : "pending";
			st = db_prep(g->db, SQL_ROUTE);
			if (!st)
				goto fail;
			i = 1;
			db_bind_int(st, i++, id);
			db_bind_int(st, i++, dir);
			db_bind_text(st, i++, rstate);
			db_bind_int(st, i++, received + 5 * DAY);
			db_bind_text(st, i++, answered ? PICK(r, answers) : "");
			db_bind_id_or_null(st, i++, answered_at);
			db_bind_text(st, i++, answered ? ACTOR : "");
			db_bind_int(st, i++, created);
			db_bind_text(st, i++, ACTOR);
			db_bind_int(st, i++, created);
			db_bind_text(st, i++, ACTOR);
			if (db_step(st) != DB_OK)
				goto fail;
		}
	}
	free(address);
	free(fold);
	return 0;
fail:
	free(address);
	free(fold);
	return -1;
}

/* The demo office's own applications (made "now" through app_create) go: the generated history is entered in time
 * order after them, and ids must follow created_at as they do in a real database (the SQLite search relies on it:
 * src/store/applications_read.c, search_page). */
static const char SQL_FTS_FORGET[] = "INSERT INTO applications_fts (applications_fts, rowid, search_fold) SELECT "
				     "'delete', id, search_fold FROM applications";
static const char *const SQL_CLEAR[] = {
	"DELETE FROM clock_events", "DELETE FROM clock_pauses", "DELETE FROM application_contacts",
	"DELETE FROM application_routes", "DELETE FROM applications",
};

static int clear_demo_applications(struct generator *g)
{
	if (db_begin_write(g->db) != 0)
		return -1;
	int rc = 0;
	if (db_kind(g->db) == DB_SQLITE) {
		struct db_stmt *st = db_prep(g->db, SQL_FTS_FORGET);
		rc = st && db_step(st) == DB_OK ? 0 : -1;
	}
	for (size_t i = 0; rc == 0 && i < COUNT(SQL_CLEAR); i++) {
		struct db_stmt *st = db_prep(g->db, SQL_CLEAR[i]);
		rc = st && db_step(st) == DB_OK ? 0 : -1;
	}
	if (rc != 0) {
		db_rollback(g->db);
		return error("gen-applications: cannot remove the demo applications: %s", db_errmsg(g->db));
	}
	return db_commit(g->db);
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int generate(struct generator *g, long count, long batch, long days)
{
	int64_t now = (int64_t)time(NULL), span = (int64_t)days * DAY;
	double t0 = now_s();
	for (long done = 0; done < count;) {
		if (db_begin_write(g->db) != 0)
			return -1;
		long end = done + batch < count ? done + batch : count;
		for (; done < end; done++) {
			/* entered in order over the span; a letter was received up to ten days before */
			int64_t created = now - span + (int64_t)((double)done * (double)span / (double)count);
			int64_t received = created;
			if (demo_rng_below(&g->rng, 100) < 3)
				received -= 3600 + (int64_t)demo_rng_below(&g->rng, 10 * DAY);
			if (one(g, (uint64_t)done, received, created) != 0) {
				db_rollback(g->db);
				return error("gen-applications: cannot write application %ld: %s", done, db_errmsg(g->db));
			}
		}
		if (db_commit(g->db) != 0)
			return -1;
		fprintf(stderr, "\r%ld applications, %.0f rows/s   ", done, (double)done / (now_s() - t0));
	}
	double t = now_s() - t0;
	fprintf(stderr, "\n");
	printf("%ld applications in %.1f s: %.0f rows/s\n", count, t, t > 0 ? (double)count / t : 0.0);
	return 0;
}

static void usage(void)
{
	fputs("usage: kalem-gen-applications --db URL --count N [--seed N] [--batch N] [--days N]\n", stderr);
}

int main(int argc, char **argv)
{
	struct cli cli;
	cli_defaults(&cli);
	long count = -1, batch = 20000, days = 730;
	uint64_t seed = 1;
	for (int i = 1; i < argc; i += 2) {
		const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
		if (!val) {
			usage();
			return CLI_USAGE;
		}
		if (strcmp(a, "--db") == 0)
			snprintf(cli.cfg.db_url, sizeof cli.cfg.db_url, "%s", val);
		else if (strcmp(a, "--count") == 0)
			count = strtol(val, NULL, 10);
		else if (strcmp(a, "--seed") == 0)
			seed = strtoull(val, NULL, 10);
		else if (strcmp(a, "--batch") == 0)
			batch = strtol(val, NULL, 10);
		else if (strcmp(a, "--days") == 0)
			days = strtol(val, NULL, 10);
		else {
			usage();
			return CLI_USAGE;
		}
	}
	if (count < 0 || batch < 1 || days < 1) {
		usage();
		return CLI_USAGE;
	}
	if (i18n_load() != 0) /* the demo office's requests and applications render their messages */
		return CLI_FAIL;
	struct db *db = cli_open_db(&cli);
	if (!db)
		return CLI_FAIL;
	int rc = CLI_FAIL;
	char var_dir[512] = "";
	const char *url = cli.cfg.db_url;
	if (strncmp(url, "postgres", 8) != 0) {
		const char *path = strncmp(url, "sqlite:", 7) == 0 ? url + 7 : url;
		const char *slash = strrchr(path, '/');
		snprintf(var_dir, sizeof var_dir, "%.*s", slash ? (int)(slash - path) : 1, slash ? path : ".");
	}
	struct demo_summary sum;
	struct generator *g = xcalloc(1, sizeof *g);
	g->db = db;
	g->rng.state = seed * 0x100000001B3ull + 0x4150504C49ull;
	if (demo_load_with(db, *var_dir ? var_dir : NULL, &sum) < 0 || load_reference(g) != 0 ||
	    clear_demo_applications(g) != 0)
		goto out;
	if (generate(g, count, batch, days) == 0)
		rc = CLI_OK;
out:
	for (size_t i = 0; i < g->n_cats; i++)
		free(g->cats[i].name);
	for (size_t i = 0; i < g->n_nbs; i++)
		free(g->nbs[i].name);
	free(g);
	db_close(db);
	return rc;
}
