/* gen_people.c: kalem-gen-people fills a database with many fictional people and institutions, for benchmarks.
 *
 *   kalem-gen-people --db URL --count 1000000 [--seed N] [--batch 5000]
 *
 * The database is migrated first; the demo office (directorates, Meram's neighbourhoods, one user of each role,
 * a few hundred parties: src/store/demo.h) is loaded as the supporting reference data, then --count parties are
 * added through the real write path, party_save (validation, TCKN uniqueness, sort key, search words, audit
 * event), --batch rows per write transaction. So the rows, their derived columns and the word index are exactly
 * what the application itself writes. Works on SQLite and PostgreSQL.
 *
 * The people are invented by store/demo_people.h, as the demo office's are: Turkish given names and surnames
 * (common ones more often, as in life), valid TCKNs (check-digit rule; a number already taken is drawn again),
 * mobile numbers with a subscriber part starting with 0 (unassigned in Turkey), e-mail addresses under the
 * reserved example domains, addresses in the database's neighbourhoods. About 3% are institutions (public,
 * private, NGO) with a contact person.
 * The same seed gives the same people on an empty database. Prints the rate in rows per second.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <jansson.h>
#include "cli/cli.h"
#include "store/db.h"
#include "store/demo.h"
#include "store/demo_people.h"
#include "store/parties.h"
#include "util/log.h"
#include "util/xalloc.h"

#define ACTOR "bench"
#define NEIGHBOURHOODS_MAX 1000

static const char *const private_trades[] = {
	"Yapı İnşaat", "Gıda",   "Otomotiv", "Tekstil", "Nakliyat", "Mobilya", "Kırtasiye", "Elektrik",
	"Tarım Ürünleri", "Mimarlık", "Peyzaj", "Kuyumculuk", "Emlak", "Turizm", "Bilişim", "Temizlik Hizmetleri",
};
static const char *const private_forms[] = {"Ltd. Şti.", "A.Ş.", "San. ve Tic. Ltd. Şti.", "Ticaret", "ve Ortakları"};
static const char *const public_kinds[] = {
	"Mahallesi Muhtarlığı", "İlkokulu", "Ortaokulu", "Anadolu Lisesi", "Aile Sağlığı Merkezi", "Halk Kütüphanesi",
	"Polis Merkezi Amirliği", "Taziye Evi",
};
static const char *const ngo_kinds[] = {
	"Camii Yaptırma ve Yaşatma Derneği", "Güzelleştirme Derneği", "Spor Kulübü Derneği", "Kadınlar Derneği",
	"Gençlik Derneği", "Yardımlaşma Vakfı",
};
#define COUNT(array) (sizeof(array) / sizeof((array)[0]))
#define PICK(r, array) ((array)[demo_rng_below((r), COUNT(array))])

struct neighbourhood {
	int64_t id;
	char *name;
};

struct generator {
	struct db *db;
	struct demo_rng rng; /* the draws of the parties (each person from a seed of its own) and their details */
	struct neighbourhood *nbs;
	size_t n_nbs;
};

static const char SQL_NEIGHBOURHOODS[] = "SELECT id, name FROM neighbourhoods WHERE active = 1 ORDER BY id";

static int load_neighbourhoods(struct generator *g)
{
	struct db_stmt *st = db_prep(g->db, SQL_NEIGHBOURHOODS);
	if (!st)
		return -1;
	g->nbs = xcalloc(NEIGHBOURHOODS_MAX, sizeof *g->nbs);
	enum db_rc rc;
	while ((rc = db_step(st)) == DB_ROW && g->n_nbs < NEIGHBOURHOODS_MAX) {
		g->nbs[g->n_nbs].id = db_col_int(st, 0);
		g->nbs[g->n_nbs].name = xstrdup(db_col_text(st, 1));
		g->n_nbs++;
	}
	db_reset(st);
	if (rc != DB_OK && rc != DB_ROW)
		return -1;
	return g->n_nbs ? 0 : error("gen-people: the database has no neighbourhoods");
}

/* The values of one new party for party_save. */
static json_t *make_party(struct generator *g)
{
	struct demo_rng *r = &g->rng;
	struct demo_person p; /* the citizen, or the institution's contact person */
	demo_person(demo_rng_next(r), (unsigned)g->n_nbs, &p);
	const struct neighbourhood *nb = &g->nbs[p.neighbourhood];
	char *address = demo_address(&p, nb->name);
	json_t *v;
	unsigned what = demo_rng_below(r, 100);
	if (what < 97) {
		static const char *const channels[] = {"phone", "phone", "phone", "phone", "sms",
						       "sms",   "sms",   "email", "email", "letter"};
		/* drawn one by one: the order of a call's arguments is not fixed, the sequence must be */
		bool has_tckn = demo_rng_below(r, 10) < 9;
		bool has_email = demo_rng_below(r, 10) < 4;
		bool has_phone = demo_rng_below(r, 20) != 0;
		bool consent = demo_rng_below(r, 10) < 7;
		const char *channel = PICK(r, channels);
		if (strcmp(channel, "email") == 0 && !has_email)
			channel = "sms";
		v = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:I,s:s,s:s,s:b,s:b}", "kind", "citizen", "institution_kind",
			      "", "name", p.name, "tckn", has_tckn ? p.tckn : "", "phone",
			      has_phone ? p.phone : "", "email", has_email ? p.email : "", "address", address,
			      "neighbourhood_id", (json_int_t)nb->id, "preferred_channel", channel, "contact_person", "",
			      "kvkk_notice", 1, "kvkk_consent", consent);
	} else {
		char *name;
		const char *ikind;
		if (what == 97) {
			ikind = "public";
			name = xasprintf("%s %s", nb->name, PICK(r, public_kinds));
		} else if (what == 98) {
			ikind = "private";
			const char *trade = PICK(r, private_trades);
			name = xasprintf("%s %s %s", nb->name, trade, PICK(r, private_forms));
		} else {
			ikind = "ngo";
			name = xasprintf("%s %s", nb->name, PICK(r, ngo_kinds));
		}
		v = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:I,s:s,s:s,s:b}", "kind", "institution", "institution_kind",
			      ikind, "name", name, "tckn", "", "phone", p.phone, "email", p.email, "address", address,
			      "neighbourhood_id", (json_int_t)nb->id, "preferred_channel", "email", "contact_person",
			      p.name, "kvkk_notice", 1);
		free(name);
	}
	free(address);
	return v;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Saves one party, drawing the TCKN again while it is taken. Returns 0 or -1. */
static int save_one(struct generator *g, json_t *v)
{
	for (int attempt = 0; attempt < 20; attempt++) {
		int64_t id = party_save(g->db, ACTOR, 0, v);
		if (id > 0)
			return 0;
		if (id != DB_CONSTRAINT)
			return -1;
		char tckn[12];
		demo_tckn(demo_rng_next(&g->rng), tckn);
		json_object_set_new(v, "tckn", json_string(tckn));
	}
	return error("gen-people: no free TCKN after 20 draws");
}

static int generate(struct generator *g, long count, long batch)
{
	double t0 = now_s(), last_report = t0;
	long done = 0;
	while (done < count) {
		long n = count - done < batch ? count - done : batch;
		if (db_begin_write(g->db) != 0)
			return -1;
		for (long i = 0; i < n; i++) {
			json_t *v = make_party(g);
			int rc = save_one(g, v);
			json_decref(v);
			if (rc != 0) {
				db_rollback(g->db);
				return error("gen-people: cannot save party %ld", done + i + 1);
			}
		}
		if (db_commit(g->db) != 0)
			return error("gen-people: cannot commit after %ld parties", done);
		done += n;
		double t = now_s();
		if (t - last_report >= 5 || done == count) {
			fprintf(stderr, "gen-people: %ld/%ld parties, %.0f rows/s\n", done, count, done / (t - t0));
			last_report = t;
		}
	}
	double secs = now_s() - t0;
	printf("gen-people: %ld parties in %.1f s: %.0f rows/s (party_save, %ld per transaction)\n", count, secs,
	       secs > 0 ? count / secs : 0.0, batch);
	return 0;
}

static void usage(void)
{
	fputs("usage: kalem-gen-people --db URL --count N [--seed N] [--batch N]\n", stderr);
}

int main(int argc, char **argv)
{
	struct cli cli;
	cli_defaults(&cli);
	long count = -1, batch = 5000;
	uint64_t seed = 1;
	for (int i = 1; i < argc; i++) {
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
		else {
			usage();
			return CLI_USAGE;
		}
		i++;
	}
	if (count < 0 || batch < 1) {
		usage();
		return CLI_USAGE;
	}
	struct db *db = cli_open_db(&cli);
	if (!db)
		return CLI_FAIL;
	int rc = CLI_FAIL;
	/* The reference data: the demo office's directorates, neighbourhoods and users. Its users' password goes
	 * beside a SQLite database (demo-users.txt); the benchmark signs in as the admin of `kalem init`. */
	char var_dir[512] = "";
	const char *url = cli.cfg.db_url;
	if (strncmp(url, "postgres", 8) != 0) {
		const char *path = strncmp(url, "sqlite:", 7) == 0 ? url + 7 : url;
		const char *slash = strrchr(path, '/');
		snprintf(var_dir, sizeof var_dir, "%.*s", slash ? (int)(slash - path) : 1, slash ? path : ".");
	}
	struct demo_summary sum;
	struct generator g = {db, {seed * 0x100000001B3ull + 0x4B414C454D42ull}, NULL, 0};
	if (demo_load_with(db, *var_dir ? var_dir : NULL, &sum) < 0 || load_neighbourhoods(&g) != 0)
		goto out;
	if (generate(&g, count, batch) == 0)
		rc = CLI_OK;
out:
	for (size_t i = 0; i < g.n_nbs; i++)
		free(g.nbs[i].name);
	free(g.nbs);
	db_close(db);
	return rc;
}
