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
 * The people are invented: Turkish given names and surnames (common ones more often, as in life), valid TCKNs
 * (check-digit rule; a number already taken is drawn again), mobile numbers with a subscriber part starting
 * with 0 (unassigned in Turkey), e-mail addresses under the reserved example domains, addresses in the
 * database's neighbourhoods. About 3% are institutions (public, private, NGO) with a contact person.
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
#include "core/tckn.h"
#include "store/db.h"
#include "store/demo.h"
#include "store/parties.h"
#include "util/log.h"
#include "util/turkish.h"
#include "util/xalloc.h"

#define ACTOR "bench"
#define NEIGHBOURHOODS_MAX 1000

static const char *const male_names[] = {
	"Ahmet",   "Mehmet",  "Mustafa", "Ali",     "Hüseyin", "Hasan",   "İbrahim", "İsmail",  "Osman",   "Yusuf",
	"Murat",   "Ömer",    "Ramazan", "Halil",   "Süleyman", "Abdullah", "Mahmut", "Recep",  "Fatih",   "Kemal",
	"Emre",    "Burak",   "Serkan",  "Yasin",   "Kadir",   "Erkan",   "Şükrü",   "Gökhan",  "Çağlar",  "Oğuz",
	"Uğur",    "Doğan",   "Tuncay",  "Cengiz",  "Sinan",   "Levent",  "İlhan",   "Şaban",   "Nurettin", "Sedat",
	"Enes",    "Furkan",  "Berkay",  "Yiğit",   "Eren",    "Emirhan", "Kaan",    "Barış",   "Tolga",   "Onur",
	"Volkan",  "Hakan",   "Erdal",   "Bülent",  "Cem",     "Cihan",   "Selçuk",  "Ferhat",  "Tarık",   "Orhan",
	"Necati",  "Zeki",    "Metin",   "Rıza",    "Şenol",   "Ünal",    "Özgür",   "Aydın",   "Güven",   "Taner",
	"Kürşat",  "Alparslan", "Mücahit", "Muhammed", "Abdurrahman", "Hamza", "Bilal", "İlker",  "Erol",    "Nihat",
};
static const char *const female_names[] = {
	"Fatma",   "Ayşe",    "Emine",   "Hatice",  "Zeynep",  "Elif",    "Meryem",  "Şerife",  "Zehra",   "Sultan",
	"Hanife",  "Merve",   "Özlem",   "Yasemin", "Hülya",   "Esra",    "Büşra",   "Gülsüm",  "Havva",   "Kübra",
	"Songül",  "Sevgi",   "Derya",   "Tuğba",   "Nurcan",  "Şule",    "Gülşen",  "Çiğdem",  "Ebru",    "İlknur",
	"Döndü",   "Filiz",   "Saadet",  "Nermin",  "Aslı",    "Öznur",   "Ecrin",   "Eylül",   "Defne",   "Azra",
	"Nisa",    "Ela",     "Asya",    "Irmak",   "Işıl",    "Gökçe",   "Dilek",   "Sibel",   "Pınar",   "Gül",
	"Sevda",   "Şeyma",   "Rabia",   "Betül",   "Sümeyye", "Hacer",   "Ümmühan", "Nuray",   "Gülay",   "Türkan",
	"Müzeyyen", "Hayriye", "Naciye", "Şükran",  "Nazlı",   "Özge",    "Duygu",   "Ceren",   "Buse",    "İrem",
	"Gizem",   "Tülay",   "Aynur",   "Reyhan",  "Selma",   "Melek",   "Nesrin",  "Cansu",   "Çağla",   "Hilal",
};
/* Roughly in order of frequency: earlier ones are drawn more often. */
static const char *const surnames[] = {
	"Yılmaz",   "Kaya",     "Demir",    "Şahin",   "Çelik",   "Yıldız",  "Yıldırım", "Öztürk",  "Aydın",   "Özdemir",
	"Arslan",   "Doğan",    "Kılıç",    "Aslan",   "Çetin",   "Kara",    "Koç",      "Kurt",    "Özkan",   "Şimşek",
	"Polat",    "Özcan",    "Korkmaz",  "Çakır",   "Erdoğan", "Yavuz",   "Can",      "Acar",    "Aktaş",   "Güler",
	"Bozkurt",  "Uçar",     "Tekin",    "Ünal",    "Kalkan",  "Güneş",   "Sarı",     "Ateş",    "Tosun",   "Keskin",
	"Akbulut",  "Gündoğdu", "Altun",    "Erdem",   "Bulut",   "Akın",    "Işık",     "Toprak",  "Uysal",   "Ekinci",
	"Sevim",    "Karakaya", "Konuk",    "Sağlam",  "Duman",   "Özer",    "Baş",      "Ilgaz",   "Çiftçi",  "Karaca",
	"Türk",     "Aksoy",    "Kaplan",   "Avcı",    "Öz",      "Yücel",   "Şen",      "Çınar",   "Yalçın",  "Taş",
	"Gök",      "Bayram",   "Turan",    "Kocabaş", "Durmaz",  "Soylu",   "Güven",    "Ergün",   "Uzun",    "Tunç",
	"Karataş",  "Özkaya",   "Başaran",  "Gürbüz",  "Kahraman", "Akgül",  "Önal",     "Süzen",   "Dinç",    "Sezer",
	"Ayhan",    "Balcı",    "Demirci",  "Yüksel",  "Bilgin",  "Çoban",   "Kılınç",   "Ağca",    "Ertürk",  "Tatlı",
	"Cömert",   "Eroğlu",   "Gümüş",    "Oğuz",    "Şeker",   "Bakır",   "Kurtuluş", "Menteşe", "Yazıcı",  "Akçay",
	"Ulusoy",   "Günay",    "Kandemir", "Sönmez",  "Aydemir", "Çakmak",  "Köse",     "Temel",   "Orhan",   "Sayın",
	"Küçük",    "Büyük",    "Yüce",     "İnce",    "Öğüt",    "Düzgün",  "Çağlayan", "Ağaoğlu", "Hacıoğlu", "Selvi",
	"Bektaş",   "Ilıcak",   "Ülker",    "Değirmenci", "Gençtürk", "Karadağ", "Akdağ", "Yurt",   "Ölmez",   "Şanlı",
};
static const char *const streets[] = {
	"Gülistan", "Lale",    "Menekşe", "Çınar",    "Akasya", "Fıstık",  "Karanfil", "Papatya", "Ihlamur",
	"Söğüt",    "Zeytin",  "Nergis",  "Sümbül",   "Yasemin", "Erguvan", "Manolya", "Ardıç",   "Servi",
	"Çamlık",   "Bağlar",  "Pınar",   "Değirmen", "Çeşme",  "Kuyu",    "Harman",   "Dut",     "Ceviz",
	"Atatürk",  "İstiklal", "Cumhuriyet", "Şehitler", "Gazi", "Mevlana", "Hocacihan", "Ilgın", "Başak",
};
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
static const char *const mail_domains[] = {"example.com", "example.org", "example.net"};

/* splitmix64: small, fast, the same sequence everywhere. */
struct rng {
	uint64_t state;
};

static uint64_t next(struct rng *r)
{
	uint64_t z = (r->state += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

static unsigned below(struct rng *r, unsigned n)
{
	return (unsigned)(next(r) % n);
}

/* Index in [0, n) with the small ones more likely (density 1/(2 sqrt(x))): a few names are very common. */
static unsigned skewed(struct rng *r, unsigned n)
{
	double u = (double)(next(r) >> 11) / (double)(1ull << 53);
	unsigned i = (unsigned)(u * u * n);
	return i < n ? i : n - 1;
}

#define COUNT(array) (sizeof(array) / sizeof((array)[0]))
#define PICK(r, array) ((array)[below((r), COUNT(array))])
#define PICK_SKEWED(r, array) ((array)[skewed((r), COUNT(array))])

/* A valid TCKN (shared/domain/legal.md): nine digits, the first not 0, and the two check digits. */
static void make_tckn(struct rng *r, char out[12])
{
	int d[11];
	d[0] = 1 + (int)below(r, 9);
	for (int i = 1; i < 9; i++)
		d[i] = (int)below(r, 10);
	int odd = d[0] + d[2] + d[4] + d[6] + d[8], even = d[1] + d[3] + d[5] + d[7];
	d[9] = ((odd * 7 - even) % 10 + 10) % 10;
	int sum = 0;
	for (int i = 0; i < 10; i++)
		sum += d[i];
	d[10] = sum % 10;
	for (int i = 0; i < 11; i++)
		out[i] = (char)('0' + d[i]);
	out[11] = '\0';
}

/* A mobile number no one has: +90 5XX 0YY ZZ ZZ. */
static void make_mobile(struct rng *r, char out[16])
{
	static const int operators[] = {530, 531, 532, 533, 535, 536, 537, 538, 539, 541, 542, 543,
					544, 545, 546, 505, 506, 507, 551, 552, 553, 554, 555};
	snprintf(out, 16, "+90%d0%02u%04u", PICK(r, operators), below(r, 100), below(r, 10000));
}

static char *person_name(struct rng *r)
{
	bool female = below(r, 2);
	const char *first = female ? PICK_SKEWED(r, female_names) : PICK_SKEWED(r, male_names);
	const char *second = below(r, 6) == 0 ? (female ? PICK(r, female_names) : PICK(r, male_names)) : NULL;
	const char *last = PICK_SKEWED(r, surnames);
	return second && strcmp(second, first) ? xasprintf("%s %s %s", first, second, last)
					       : xasprintf("%s %s", first, last);
}

/* "ayse.yilmaz84@example.com" from "Ayşe Yılmaz". */
static char *email_for(struct rng *r, const char *name)
{
	char *f = tr_fold(name);
	for (char *p = f; *p; p++)
		if (*p == ' ')
			*p = '.';
	char *e = xasprintf("%s%u@%s", f, below(r, 100), PICK(r, mail_domains));
	free(f);
	return e;
}

struct neighbourhood {
	int64_t id;
	char *name;
};

struct generator {
	struct db *db;
	struct rng rng;
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
	struct rng *r = &g->rng;
	const struct neighbourhood *nb = &g->nbs[below(r, (unsigned)g->n_nbs)];
	const char *kind_street = below(r, 3) == 0 ? "Cd." : "Sk.";
	char *address = below(r, 3) == 0
				? xasprintf("%s Mah. %s %s No: %u, Meram/Konya", nb->name, PICK(r, streets), kind_street,
					    1 + below(r, 120))
				: xasprintf("%s Mah. %s %s No: %u Daire: %u, Meram/Konya", nb->name, PICK(r, streets),
					    kind_street, 1 + below(r, 120), 1 + below(r, 16));
	char phone[16];
	make_mobile(r, phone);
	json_t *v;
	unsigned what = below(r, 100);
	if (what < 97) {
		static const char *const channels[] = {"phone", "phone", "phone", "phone", "sms",
						       "sms",   "sms",   "email", "email", "letter"};
		char *name = person_name(r), tckn[12] = "";
		if (below(r, 10) < 9)
			make_tckn(r, tckn);
		char *email = below(r, 10) < 4 ? email_for(r, name) : xstrdup("");
		const char *channel = PICK(r, channels);
		if (strcmp(channel, "email") == 0 && !*email)
			channel = "sms";
		v = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:I,s:s,s:s,s:b,s:b}", "kind", "citizen", "institution_kind",
			      "", "name", name, "tckn", tckn, "phone", below(r, 20) ? phone : "", "email", email,
			      "address", address, "neighbourhood_id", (json_int_t)nb->id, "preferred_channel", channel,
			      "contact_person", "", "kvkk_notice", 1, "kvkk_consent", below(r, 10) < 7);
		free(name);
		free(email);
	} else {
		char *name;
		const char *ikind;
		if (what == 97) {
			ikind = "public";
			name = xasprintf("%s %s", nb->name, PICK(r, public_kinds));
		} else if (what == 98) {
			ikind = "private";
			name = xasprintf("%s %s %s", nb->name, PICK(r, private_trades), PICK(r, private_forms));
		} else {
			ikind = "ngo";
			name = xasprintf("%s %s", nb->name, PICK(r, ngo_kinds));
		}
		char *contact = person_name(r), *email = email_for(r, contact);
		v = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:I,s:s,s:s,s:b}", "kind", "institution", "institution_kind",
			      ikind, "name", name, "tckn", "", "phone", phone, "email", email, "address", address,
			      "neighbourhood_id", (json_int_t)nb->id, "preferred_channel", "email", "contact_person",
			      contact, "kvkk_notice", 1);
		free(name);
		free(contact);
		free(email);
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
		make_tckn(&g->rng, tckn);
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
