/* demo.c: the data of the demo office (Meram, Konya) and its idempotent loader (see demo.h).
 *
 * Sources: the directorate names are those of Meram Municipality's organisation; the 69 neighbourhood names are
 * Meram's mahalleler (the mayor speaks of 69 muhtars). People, phone numbers, e-mail addresses, populations
 * and coordinates are invented. Phone numbers use subscriber numbers starting with 0, which Turkish numbering
 * does not assign, and e-mail addresses use the reserved example domains.
 */
#include <errno.h>
#include <time.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "core/password.h"
#include "core/token.h"
#include "core/bizcal.h"
#include "store/accounts.h"
#include "store/agenda.h"
#include "store/demo.h"
#include "store/demo_people.h"
#include "store/directorates.h"
#include "store/neighbourhoods.h"
#include "store/parties.h"
#include "util/buf.h"
#include "util/log.h"
#include "util/turkish.h"
#include "util/xalloc.h"

#define ACTOR "demo"

/* ---- data ---- */

struct demo_directorate {
	const char *code, *name, *mailbox;
};

static const struct demo_directorate directorates[] = {
	{"OZK", "Özel Kalem Müdürlüğü", "ozelkalem"},
	{"FEN", "Fen İşleri Müdürlüğü", "fen"},
	{"ZAB", "Zabıta Müdürlüğü", "zabita"},
	{"IMR", "İmar ve Şehircilik Müdürlüğü", "imar"},
	{"TEM", "Temizlik İşleri Müdürlüğü", "temizlik"},
	{"PBM", "Park ve Bahçeler Müdürlüğü", "parkbahce"},
	{"KSI", "Kültür ve Sosyal İşler Müdürlüğü", "kultur"},
	{"DHM", "Destek Hizmetleri Müdürlüğü", "destek"},
	{"EIM", "Emlak ve İstimlak Müdürlüğü", "emlak"},
	{"MHM", "Mali Hizmetler Müdürlüğü", "mali"},
	{"SGM", "Strateji Geliştirme Müdürlüğü", "strateji"},
	{"YIM", "Yazı İşleri Müdürlüğü", "yaziisleri"},
	{"IKE", "İnsan Kaynakları ve Eğitim Müdürlüğü", "ik"},
	{"BIM", "Bilgi İşlem Müdürlüğü", "bilgiislem"},
	{"HIM", "Hukuk İşleri Müdürlüğü", "hukuk"},
	{"CKK", "Çevre Koruma ve Kontrol Müdürlüğü", "cevre"},
	{"VIM", "Veteriner İşleri Müdürlüğü", "veteriner"},
	{"SIM", "Sağlık İşleri Müdürlüğü", "saglik"},
	{"UHM", "Ulaşım Hizmetleri Müdürlüğü", "ulasim"},
	{"BHI", "Basın Yayın ve Halkla İlişkiler Müdürlüğü", "basin"},
	{"PPM", "Plan ve Proje Müdürlüğü", "planproje"},
	{"RDM", "Ruhsat ve Denetim Müdürlüğü", "ruhsat"},
	{"MIM", "Muhtarlık İşleri Müdürlüğü", "muhtarlik"},
	{"KDM", "Kentsel Dönüşüm Müdürlüğü", "kentseldonusum"},
	{"ISA", "İklim Değişikliği ve Sıfır Atık Müdürlüğü", "sifiratik"},
};
#define N_DIRECTORATES (sizeof directorates / sizeof directorates[0])

struct demo_neighbourhood {
	const char *name;
	bool urban; /* in the city: more people, near the centre */
};

static const struct demo_neighbourhood neighbourhoods[] = {
	{"Alakova", true},      {"Alavardı", true},    {"Ali Ulvi Kurucu", true}, {"Alpaslan", true},
	{"Aşkan", true},        {"Ateşbaz Veli", true}, {"Ayanbey", true},        {"Aydoğdu", true},
	{"Aymanas", false},     {"Bahçeşehir", true},  {"Bayat", false},          {"Boruktolu", false},
	{"Botsa", false},       {"Boyalı", false},     {"Çarıklar", false},       {"Çaybaşı", true},
	{"Çayırbağı", true},    {"Çomaklar", false},   {"Çomaklı", false},        {"Çukurçimen", false},
	{"Dere", true},         {"Durunday", false},   {"Erenkaya", false},       {"Evliyatekke", true},
	{"Gödene", false},      {"Hadimi", true},      {"Harmancık", false},      {"Hasanşeyh", false},
	{"Hatıp", false},       {"Hatunsaray", false}, {"Havzan", true},          {"İkipınar", false},
	{"İnlice", false},      {"Karaağaç", false},   {"Karadiğin", false},      {"Karadiğinderesi", false},
	{"Karahüyük", true},    {"Kaşınhanı", false},  {"Kavak", false},          {"Kayadibi", false},
	{"Kayalı", false},      {"Kayıhüyük", false},  {"Kızılören", false},      {"Kilistra", false},
	{"Konevi", true},       {"Kovanağzı", true},   {"Kozağaç", true},         {"Köyceğiz", true},
	{"Kumralı", false},     {"Lalebahçe", true},   {"Melikşah", true},        {"Osmangazi", true},
	{"Pamukçu", false},     {"Pirebi", true},      {"Sadıklar", false},       {"Sağlık", false},
	{"Sahibiata", true},    {"Sarıkız", false},    {"Sefaköy", false},        {"Uluğbey", true},
	{"Uluırmak", true},     {"Uzunharmanlar", true}, {"Yaka", true},          {"Yatağan", false},
	{"Yaylapınar", false},  {"Yenibahçe", true},   {"Yenişehir", true},       {"Yeşildere", false},
	{"Yeşiltekke", true},
};
#define N_NEIGHBOURHOODS (sizeof neighbourhoods / sizeof neighbourhoods[0])

struct demo_user {
	const char *username, *display_name, *role, *directorate_code;
};

static const struct demo_user users[] = {
	{"yonetici", "Sistem Yöneticisi (demo)", "admin", NULL},
	{"mudur", "Hülya Karaca", "chief", NULL},
	{"sekreter1", "Emre Aksoy", "secretariat", NULL},
	{"sekreter2", "Büşra Yıldırım", "secretariat", NULL},
	{"baskan", "Kemal Özdağ", "mayor", NULL},
	{"fen.personel", "Oğuz Tekin", "directorate", "FEN"},
	{"zabita.personel", "Songül Erdem", "directorate", "ZAB"},
	{"izleyici", "Nermin Uysal", "viewer", NULL},
};
#define N_USERS (sizeof users / sizeof users[0])

const char *const demo_usernames[] = {"yonetici",     "mudur",           "sekreter1", "sekreter2", "baskan",
				      "fen.personel", "zabita.personel", "izleyici",  NULL};

struct demo_institution {
	const char *kind; /* public, private, ngo */
	const char *name, *mailbox_domain;
};

static const struct demo_institution institutions[] = {
	{"public", "Konya Valiliği", "valilik.example.org"},
	{"public", "Meram Kaymakamlığı", "kaymakamlik.example.org"},
	{"public", "Konya Büyükşehir Belediyesi", "buyuksehir.example.org"},
	{"public", "Meram İlçe Milli Eğitim Müdürlüğü", "meb.example.org"},
	{"public", "Meram İlçe Sağlık Müdürlüğü", "saglik.example.org"},
	{"public", "Meram İlçe Emniyet Müdürlüğü", "emniyet.example.org"},
	{"public", "Meram İlçe Müftülüğü", "muftuluk.example.org"},
	{"public", "Meram İlçe Tarım ve Orman Müdürlüğü", "tarim.example.org"},
	{"public", "Konya İl Afet ve Acil Durum Müdürlüğü", "afad.example.org"},
	{"public", "Meram Eğitim ve Araştırma Hastanesi", "hastane.example.org"},
	{"public", "Necmettin Erbakan Üniversitesi", "universite.example.org"},
	{"public", "KOSKİ Genel Müdürlüğü", "koski.example.org"},
	{"public", "Meram Halk Eğitimi Merkezi", "hem.example.org"},
	{"public", "Meram Sosyal Yardımlaşma ve Dayanışma Vakfı", "sydv.example.org"},
	{"public", "Meram Cumhuriyet Başsavcılığı", "adalet.example.org"},
	{"private", "Alavardı Yapı İnşaat Ltd. Şti.", "alavardiyapi.example.com"},
	{"private", "Meram Gıda San. ve Tic. A.Ş.", "meramgida.example.com"},
	{"private", "Havzan Otomotiv Ltd. Şti.", "havzanoto.example.com"},
	{"private", "Yaka Mimarlık ve Mühendislik", "yakamimarlik.example.com"},
	{"private", "Çayırbağı Nakliyat", "cayirbagi.example.com"},
	{"private", "Konevi Kitabevi", "konevikitap.example.com"},
	{"private", "Lalebahçe Eczanesi", "lalebahce.example.com"},
	{"private", "Uluırmak Market Zinciri A.Ş.", "uluirmak.example.com"},
	{"private", "Sahibiata Kuyumculuk", "sahibiata.example.com"},
	{"private", "Kozağaç Tekstil San. Ltd. Şti.", "kozagac.example.com"},
	{"private", "Melikşah Özel Eğitim Kursu", "meliksah.example.com"},
	{"private", "Pirebi Mobilya", "pirebi.example.com"},
	{"private", "Karahüyük Peyzaj ve Bahçecilik", "karahuyuk.example.com"},
	{"ngo", "Türk Kızılay Meram Şubesi", "kizilay.example.org"},
	{"ngo", "Yeşilay Meram Şubesi", "yesilay.example.org"},
	{"ngo", "Meram Muhtarlar Derneği", "muhtarlar.example.org"},
	{"ngo", "Meram Kent Konseyi", "kentkonseyi.example.org"},
	{"ngo", "Meram Gönüllüleri Derneği", "gonulluler.example.org"},
	{"ngo", "Konya Engelliler Dayanışma Derneği", "engelliler.example.org"},
	{"ngo", "Meram Esnaf ve Sanatkârlar Odası", "esnaf.example.org"},
	{"ngo", "Meram Gençlik ve Spor Kulübü Derneği", "gencspor.example.org"},
	{"ngo", "Meram Kadın Kooperatifi", "kadinkoop.example.org"},
	{"ngo", "Konya Tarihi Mirası Koruma Vakfı", "tarihimiras.example.org"},
	{"ngo", "Meram Bağları Dostları Derneği", "baglar.example.org"},
	{"ngo", "Şehit Aileleri ve Gaziler Derneği Meram Şubesi", "gaziler.example.org"},
};
#define N_INSTITUTIONS (sizeof institutions / sizeof institutions[0])

#define N_CITIZENS 300

/* ---- the generator (people come from store/demo_people.h) ---- */

/* The seeds of the people of each table: its own range, so that the tables do not shift one another. */
#define SEED_DIRECTORATES 0x4B414C454D00001ull
#define SEED_NEIGHBOURHOODS 0x4B414C454D00002ull
#define SEED_CITIZENS 0x4B414C454D00003ull
#define SEED_INSTITUTIONS 0x4B414C454D00004ull
#define PEOPLE_PER_TABLE 0x100000ull /* seeds of a table's people: its seed * PEOPLE_PER_TABLE + row */

#define PICK(r, array) ((array)[demo_rng_below((r), sizeof(array) / sizeof((array)[0]))])

static void person_of(uint64_t table, size_t row, struct demo_person *out)
{
	demo_person(table * PEOPLE_PER_TABLE + row, N_NEIGHBOURHOODS, out);
}

/* A Konya landline no one has: +90 332 0XX XX XX. */
static void make_landline(struct demo_rng *r, char out[16])
{
	snprintf(out, 16, "+903320%02u%04u", demo_rng_below(r, 100), demo_rng_below(r, 10000));
}

/* "meram.baglari" from "Meram Bağları": folded, words joined by dots. */
static char *mailbox(const char *name)
{
	char *f = tr_fold(name);
	for (char *p = f; *p; p++)
		if (*p == ' ')
			*p = '.';
	return f;
}

/* ---- loading ---- */

static const char SQL_DIRECTORATE_BY_CODE[] = "SELECT id FROM directorates WHERE code = ?";
static const char SQL_NEIGHBOURHOOD_BY_FOLD[] = "SELECT id FROM neighbourhoods WHERE name_fold = ? ORDER BY id LIMIT 1";
static const char SQL_PARTY_BY_TCKN[] = "SELECT id FROM parties WHERE tckn = ?";
static const char SQL_INSTITUTION_BY_NAME[] = "SELECT id FROM parties WHERE kind = 'institution' AND name = ? "
					      "ORDER BY id LIMIT 1";

/* The id the query finds for text, 0 for none, -1 on error. */
static int64_t find(struct db *db, const char *sql, const char *text)
{
	struct db_stmt *st = db_prep(db, sql);
	if (!st)
		return -1;
	db_bind_text(st, 1, text);
	enum db_rc rc = db_step(st);
	int64_t id = rc == DB_ROW ? db_col_int(st, 0) : rc == DB_OK ? 0 : -1;
	db_reset(st);
	return id;
}

static int64_t find_neighbourhood(struct db *db, const char *name)
{
	char *fold = tr_fold(name);
	int64_t id = find(db, SQL_NEIGHBOURHOOD_BY_FOLD, fold);
	free(fold);
	return id;
}

struct loader {
	struct db *db;
	int64_t neighbourhood_ids[N_NEIGHBOURHOODS];
	struct demo_summary *sum;
};

static int load_directorates(struct loader *ld)
{
	for (size_t i = 0; i < N_DIRECTORATES; i++) {
		const struct demo_directorate *d = &directorates[i];
		struct demo_person manager;
		person_of(SEED_DIRECTORATES, i, &manager);
		char phone[16], email[64];
		snprintf(phone, sizeof phone, "+90332000%02zu%02u", i, manager.door % 100);
		snprintf(email, sizeof email, "%s@meram.example", d->mailbox);
		int64_t id = find(ld->db, SQL_DIRECTORATE_BY_CODE, d->code);
		int64_t rc = 0;
		if (id == 0) {
			json_t *v = json_pack("{s:s,s:s,s:s,s:s,s:s,s:b}", "code", d->code, "name", d->name, "email", email,
					      "phone", phone, "manager", manager.name, "active", 1);
			rc = directorate_save(ld->db, ACTOR, 0, v);
			json_decref(v);
			if (rc > 0)
				ld->sum->directorates++;
		}
		if (id < 0 || rc < 0)
			return error("demo: cannot load directorate '%s'", d->code);
	}
	return 0;
}

static int load_neighbourhoods(struct loader *ld)
{
	struct demo_rng r = {SEED_NEIGHBOURHOODS};
	for (size_t i = 0; i < N_NEIGHBOURHOODS; i++) {
		const struct demo_neighbourhood *n = &neighbourhoods[i];
		struct demo_person muhtar;
		person_of(SEED_NEIGHBOURHOODS, i, &muhtar);
		/* Meram's centre is near 37.84 N, 32.45 E; the villages lie up to ~25 km west and south. */
		int64_t lat = 37840000 + (n->urban ? (int64_t)demo_rng_below(&r, 50000) - 25000
						   : -(int64_t)demo_rng_below(&r, 220000));
		int64_t lon = 32450000 + (n->urban ? (int64_t)demo_rng_below(&r, 60000) - 30000
						   : -(int64_t)demo_rng_below(&r, 300000));
		int population =
			n->urban ? 6000 + (int)demo_rng_below(&r, 24000) : 250 + (int)demo_rng_below(&r, 2500);
		char *mail = mailbox(n->name);
		char *email = xasprintf("muhtar.%s@meram.example", mail);
		int64_t id = find_neighbourhood(ld->db, n->name);
		int64_t rc = id;
		if (id == 0) {
			json_t *v = json_pack("{s:s,s:s,s:s,s:s,s:i,s:I,s:I,s:b}", "name", n->name, "muhtar_name",
					      muhtar.name, "muhtar_phone", muhtar.phone, "muhtar_email", email,
					      "population", population, "lat_e6", (json_int_t)lat, "lon_e6",
					      (json_int_t)lon, "active", 1);
			rc = neighbourhood_save(ld->db, ACTOR, 0, v);
			json_decref(v);
			if (rc > 0)
				ld->sum->neighbourhoods++;
		}
		free(mail);
		free(email);
		if (rc <= 0)
			return error("demo: cannot load neighbourhood '%s'", n->name);
		ld->neighbourhood_ids[i] = rc;
	}
	return 0;
}

/* hashes[i] is set for the users to create (and "" for those that exist). */
static int load_users(struct loader *ld, char hashes[N_USERS][PASSWORD_HASH_BYTES])
{
	for (size_t i = 0; i < N_USERS; i++) {
		const struct demo_user *u = &users[i];
		if (!hashes[i][0])
			continue;
		int64_t directorate_id = 0;
		if (u->directorate_code) {
			directorate_id = find(ld->db, SQL_DIRECTORATE_BY_CODE, u->directorate_code);
			if (directorate_id <= 0)
				return error("demo: no directorate '%s' for user '%s'", u->directorate_code, u->username);
		}
		char email[96];
		snprintf(email, sizeof email, "%s@meram.example", u->username);
		if (user_insert(ld->db, ACTOR, u->username, u->display_name, email, u->role, directorate_id,
				hashes[i]) <= 0)
			return error("demo: cannot create user '%s'", u->username);
		ld->sum->users++;
	}
	return 0;
}

static int load_citizens(struct loader *ld)
{
	struct demo_rng r = {SEED_CITIZENS};
	static const char *const channels[] = {"phone", "phone", "phone", "phone", "sms",
					       "sms",   "sms",   "email", "email", "letter"};
	for (int i = 0; i < N_CITIZENS; i++) {
		struct demo_person p;
		person_of(SEED_CITIZENS, (size_t)i, &p);
		char *addr = demo_address(&p, neighbourhoods[p.neighbourhood].name);
		bool has_email = demo_rng_below(&r, 10) < 4;
		const char *channel = PICK(&r, channels);
		if (!strcmp(channel, "email") && !has_email)
			channel = "sms";
		bool consent = demo_rng_below(&r, 10) < 8;
		bool no_phone = demo_rng_below(&r, 20) == 0; /* a few reach the office only by letter */
		if (no_phone && strcmp(channel, "email"))
			channel = "letter";

		int64_t id = find(ld->db, SQL_PARTY_BY_TCKN, p.tckn);
		int64_t rc = id;
		if (id == 0) {
			json_t *v = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:I,s:s,s:s,s:b,s:b}", "kind", "citizen",
					      "institution_kind", "", "name", p.name, "tckn", p.tckn, "phone",
					      no_phone ? "" : p.phone, "email", has_email ? p.email : "", "address", addr,
					      "neighbourhood_id", (json_int_t)ld->neighbourhood_ids[p.neighbourhood],
					      "preferred_channel", channel, "contact_person", "", "kvkk_consent", consent,
					      "kvkk_notice", 1);
			rc = party_save(ld->db, ACTOR, 0, v);
			json_decref(v);
			if (rc > 0)
				ld->sum->citizens++;
		}
		free(addr);
		if (rc < 0)
			return error("demo: cannot load citizen %d", i);
	}
	return 0;
}

static int load_institutions(struct loader *ld)
{
	struct demo_rng r = {SEED_INSTITUTIONS};
	for (size_t i = 0; i < N_INSTITUTIONS; i++) {
		const struct demo_institution *in = &institutions[i];
		struct demo_person contact;
		person_of(SEED_INSTITUTIONS, i, &contact);
		char phone[16];
		make_landline(&r, phone);
		char *addr = demo_address(&contact, neighbourhoods[contact.neighbourhood].name);
		char *email = xasprintf("info@%s", in->mailbox_domain);
		const char *channel = demo_rng_below(&r, 2) ? "email" : demo_rng_below(&r, 2) ? "phone" : "letter";
		int64_t id = find(ld->db, SQL_INSTITUTION_BY_NAME, in->name);
		int64_t rc = id;
		if (id == 0) {
			json_t *v = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:I,s:s,s:s,s:b}", "kind", "institution",
					      "institution_kind", in->kind, "name", in->name, "tckn", "", "phone", phone,
					      "email", email, "address", addr, "neighbourhood_id",
					      (json_int_t)ld->neighbourhood_ids[contact.neighbourhood], "preferred_channel",
					      channel, "contact_person", contact.name, "kvkk_notice", 1);
			rc = party_save(ld->db, ACTOR, 0, v);
			json_decref(v);
			if (rc > 0)
				ld->sum->institutions++;
		}
		free(addr);
		free(email);
		if (rc < 0)
			return error("demo: cannot load institution '%s'", in->name);
	}
	return 0;
}

/* Writes the created users and their password to var_dir/demo-users.txt, readable by the owner only. */
/* A fortnight of the Mayor's programme from today, so a newcomer's agenda is not empty: only when the agenda has
 * no items at all (idempotent). Times are relative to the day the demo is loaded. */
static const char SQL_AGENDA_COUNT[] = "SELECT COUNT(*) FROM agenda_items";

static const struct demo_engagement {
	int weekday; /* 0 = Monday; -1 = every working day */
	int start_min, minutes;
	enum agenda_category category;
	bool is_public;
	const char *title, *location;
} demo_engagements[] = {
	{-1, 8 * 60 + 45, 30, AGENDA_CAT_MEETING, false, "Makam toplantısı: günün programı", "Başkanlık Makamı"},
	{0, 10 * 60, 90, AGENDA_CAT_MEETING, false, "Müdürler koordinasyon toplantısı", "Toplantı Salonu"},
	{1, 14 * 60, 180, AGENDA_CAT_COUNCIL, true, "Belediye Meclisi olağan toplantısı", "Meclis Salonu"},
	{2, 10 * 60 + 30, 90, AGENDA_CAT_SITE_VISIT, true, "Yaka Mahallesi park alanı yerinde inceleme", "Yaka Mahallesi"},
	{3, 15 * 60, 60, AGENDA_CAT_CEREMONY, true, "Kütüphane açılış töreni", "Hatunsaray Kültür Merkezi"},
	{4, 14 * 60, 210, AGENDA_CAT_TRAVEL, false, "Konya Valiliği ziyareti", "Konya Valiliği"},
};

static int load_engagements(struct loader *ld)
{
	if (db_query_int(ld->db, SQL_AGENDA_COUNT, 1) != 0)
		return 0;
	int today = ymd_from_unix((int64_t)time(NULL));
	for (int d = 0; d < 14; d++) {
		int ymd = ymd_add_days(today, d), wd = ymd_weekday(ymd);
		if (wd >= 5)
			continue;
		for (size_t i = 0; i < sizeof demo_engagements / sizeof demo_engagements[0]; i++) {
			const struct demo_engagement *e = &demo_engagements[i];
			if (e->weekday != -1 && e->weekday != wd)
				continue;
			struct agenda_item item = {
				.kind = AGENDA_ENGAGEMENT,
				.category = e->category,
				.title = e->title,
				.location = e->location,
				.notes = "",
				.starts_at = unix_from_ymd_min(ymd, e->start_min),
				.ends_at = unix_from_ymd_min(ymd, e->start_min + e->minutes),
				.is_public = e->is_public,
				.source_type = "",
			};
			json_t *conflicts = NULL;
			int64_t id = agenda_book(ld->db, "demo", &item, true, &conflicts);
			json_decref(conflicts);
			if (id <= 0)
				return error("demo: cannot book '%s'", e->title);
			ld->sum->engagements++;
		}
	}
	return 0;
}

static int write_users_file(const char *var_dir, char hashes[N_USERS][PASSWORD_HASH_BYTES], const char *password,
			    struct demo_summary *sum)
{
	char path[512];
	if (snprintf(path, sizeof path, "%s/demo-users.txt", var_dir) >= (int)sizeof path)
		return error("demo: path too long '%s'", var_dir);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return error("cannot write '%s': %s", path, strerror(errno));
	struct buf b = BUF_INIT;
	buf_init(&b);
	buf_addf(&b, "# Kalem demo users. They all share this password (change it, or disable them, before real use):\n"
		     "password: %s\n\n",
		 password);
	for (size_t i = 0; i < N_USERS; i++)
		if (hashes[i][0])
			buf_addf(&b, "%-16s %-12s %-4s %s\n", users[i].username, users[i].role,
				 users[i].directorate_code ? users[i].directorate_code : "", users[i].display_name);
	int rc = 0;
	if (fchmod(fd, 0600) != 0 || write(fd, b.data, b.len) != (ssize_t)b.len)
		rc = error("cannot write '%s': %s", path, strerror(errno));
	if (close(fd) != 0 && rc == 0)
		rc = error("cannot write '%s': %s", path, strerror(errno));
	buf_free(&b);
	if (rc == 0)
		snprintf(sum->users_file, sizeof sum->users_file, "%s", path);
	return rc;
}

int demo_load_with(struct db *db, const char *var_dir, struct demo_summary *summary)
{
	struct demo_summary local;
	struct demo_summary *sum = summary ? summary : &local;
	memset(sum, 0, sizeof *sum);
	struct loader ld = {.db = db, .sum = sum};

	/* Users first, outside the transaction: hashing passwords is slow, and only the missing ones need one. */
	char hashes[N_USERS][PASSWORD_HASH_BYTES];
	char token[TOKEN_CHARS + 1] = "";
	bool any_user = false;
	for (size_t i = 0; i < N_USERS; i++) {
		struct user_row u;
		int found = user_by_name(db, users[i].username, &u);
		if (found < 0)
			return -1;
		hashes[i][0] = '\0';
		if (found == 1)
			continue;
		if (!any_user) {
			token_new(token);
			token[20] = '\0';
			any_user = true;
		}
		if (password_hash(token, hashes[i]) != 0)
			return error("demo: cannot hash the password");
	}

	if (db_begin_write(db) != 0)
		return -1;
	if (load_directorates(&ld) != 0 || load_neighbourhoods(&ld) != 0 || load_users(&ld, hashes) != 0 ||
	    load_citizens(&ld) != 0 || load_institutions(&ld) != 0 || load_engagements(&ld) != 0) {
		db_rollback(db);
		memset(sum, 0, sizeof *sum);
		return -1;
	}
	if (db_commit(db) != 0) {
		memset(sum, 0, sizeof *sum);
		return error("demo: cannot commit");
	}
	if (sum->users > 0) {
		snprintf(sum->password, sizeof sum->password, "%.20s", token);
		if (var_dir)
			write_users_file(var_dir, hashes, token, sum);
	}
	return sum->directorates + sum->neighbourhoods + sum->users + sum->citizens + sum->institutions +
	       sum->engagements;
}

int demo_load(struct db *db, const char *var_dir)
{
	return demo_load_with(db, var_dir, NULL);
}
