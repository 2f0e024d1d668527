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
#include "core/isotime.h"
#include "core/workflow.h"
#include "store/accounts.h"
#include "store/agenda.h"
#include "store/app_reference.h"
#include "store/applications.h"
#include "store/appointments.h"
#include "store/demo.h"
#include "store/demo_people.h"
#include "store/directorates.h"
#include "store/neighbourhoods.h"
#include "store/outbox.h"
#include "store/parties.h"
#include "store/settings.h"
#include "store/setup.h"
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

/* Categories seeded before the demo's directorates existed get the directorate their seed row names; archiving
 * needs a DETSİS unit number, so an unset one gets a demo value (an administrator sets the real one on
 * /admin/settings). */
#define DEMO_DETSIS_UNIT "12345678"

static int load_settings(struct loader *ld)
{
	if (app_category_resolve_directorates(ld->db, ACTOR) < 0)
		return -1;
	char detsis[64] = "";
	int had = setting_get(ld->db, SETTING_DETSIS_UNIT, detsis, sizeof detsis);
	if (had < 0)
		return -1;
	if (had == 1 && detsis[0])
		return 0;
	if (setting_set(ld->db, ACTOR, SETTING_DETSIS_UNIT, DEMO_DETSIS_UNIT, false) != 0)
		return error("demo: cannot set '%s'", SETTING_DETSIS_UNIT);
	log_info("demo: %s set to the demo value %s; set the office's own on /admin/settings", SETTING_DETSIS_UNIT,
		 DEMO_DETSIS_UNIT);
	return 0;
}

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

/* ---- appointment requests and applications (after the main transaction: their stores open their own) ---- */

/* Working day k from today (k < 0: before today), skipping weekends. */
static int working_day(int k)
{
	int ymd = ymd_from_unix((int64_t)time(NULL));
	int step = k < 0 ? -1 : 1;
	for (int left = k < 0 ? -k : k; left > 0;) {
		ymd = ymd_add_days(ymd, step);
		if (ymd_weekday(ymd) < 5)
			left--;
	}
	while (ymd_weekday(ymd) >= 5) /* today is a weekend day and k is 0: the next Monday */
		ymd = ymd_add_days(ymd, 1);
	return ymd;
}

/* The party of the demo citizen of row index, 0 when absent, -1 on error. */
static int64_t citizen_id(struct db *db, int index)
{
	struct demo_person p;
	person_of(SEED_CITIZENS, (size_t)index, &p);
	return find(db, SQL_PARTY_BY_TCKN, p.tckn);
}

/* Cancels the notifications still queued for a record the demo created: the demo's people have example
 * addresses and numbers no one has, so they would only fail. Its own write transaction. Returns 0 or -1. */
static int cancel_messages(struct db *db, const char *record_type, int64_t id)
{
	if (db_begin_write(db) != 0)
		return -1;
	if (outbox_cancel_for_record(db, ACTOR, record_type, id, NULL) < 0 || db_commit(db) != 0) {
		db_rollback(db);
		return error("demo: cannot cancel the messages of %s %lld", record_type, (long long)id);
	}
	return 0;
}

enum demo_appt_fate {
	APPT_FATE_REQUESTED,
	APPT_FATE_FORWARDED,
	APPT_FATE_ACCEPTED,
	APPT_FATE_SCHEDULED, /* accepted, then scheduled (not yet told) */
	APPT_FATE_DELEGATED, /* delegated to a deputy, then scheduled */
	APPT_FATE_INFORMED,  /* scheduled and told by phone */
	APPT_FATE_HELD,      /* in the past, with notes, participants, outcome and follow-ups */
	APPT_FATE_DECLINED,
};

static const struct demo_appointment {
	int institution; /* index in institutions[], or -1 for the citizen below */
	int citizen;     /* index of the demo citizen */
	const char *channel, *subject, *preferred;
	int attendees;
	enum demo_appt_fate fate;
	int day, start_min; /* working day from today and minute of the meeting (scheduled and later) */
	const char *detail;  /* declined: the reason; delegated: the deputy; held: the notes */
	const char *outcome; /* held */
	const char *followup, *followup_owner; /* held */
} demo_appointments[] = {
	{30, 0, "letter", "Muhtarların kış hazırlıkları görüşmesi", "Önümüzdeki hafta, öğleden sonra", 6,
	 APPT_FATE_REQUESTED, 0, 0, NULL, NULL, NULL, NULL},
	{-1, 41, "phone", "Mahalle yolunun durumu hakkında görüşme", "Salı veya perşembe sabah", 2, APPT_FATE_REQUESTED,
	 0, 0, NULL, NULL, NULL, NULL},
	{10, 0, "email", "Öğrenci gönüllülüğü iş birliği protokolü", "Bu ay içinde", 3, APPT_FATE_FORWARDED, 0, 0, NULL,
	 NULL, NULL, NULL},
	{-1, 58, "front_desk", "Engelli kızım için iş başvurusu desteği", "Herhangi bir gün", 1, APPT_FATE_FORWARDED, 0, 0,
	 NULL, NULL, NULL, NULL},
	{28, 0, "email", "Kan bağışı kampanyası için belediye desteği", "İki hafta içinde", 2, APPT_FATE_ACCEPTED, 0, 0,
	 NULL, NULL, NULL, NULL},
	{2, 0, "email", "Meram'daki ortak altyapı projelerinin koordinasyonu", "Hafta içi", 4, APPT_FATE_SCHEDULED, 3,
	 12 * 60, NULL, NULL, NULL, NULL},
	{34, 0, "letter", "Pazar yeri düzenlemesi hakkında esnafın talepleri", "Hafta içi sabah", 5,
	 APPT_FATE_DELEGATED, 2, 13 * 60 + 30, "Başkan Yardımcısı Murat Çelik", NULL, NULL, NULL},
	{-1, 77, "phone", "Kentsel dönüşüm sürecindeki evimiz hakkında", "Sabah saatleri", 2, APPT_FATE_INFORMED, 1,
	 9 * 60 + 30, NULL, NULL, NULL, NULL},
	{3, 0, "letter", "Okul bahçelerinin onarımı için iş birliği", "Öğleden önce", 3, APPT_FATE_INFORMED, 6, 12 * 60,
	 NULL, NULL, NULL, NULL},
	{31, 0, "email", "Kent Konseyi çalışma gruplarının yıllık programı", "Hafta içi", 5, APPT_FATE_HELD, -2,
	 9 * 60 + 30,
	 "Kent Konseyinin gençlik, kadın ve engelli meclislerinin yıllık çalışma programı görüşüldü; Gençlik Meclisi yaz "
	 "etkinlikleri için belediyeden mekân ve ulaşım desteği istedi.",
	 "Gençlik Meclisinin yaz etkinlikleri için Kültür ve Sosyal İşler Müdürlüğü ile ortak program hazırlanmasına "
	 "karar verildi.",
	 "Kültür ve Sosyal İşler Müdürlüğüne ortak program için talimat yazısı", "Hülya Karaca"},
	{-1, 102, "front_desk", "Şehit yakını olarak istihdam talebi", "En kısa zamanda", 1, APPT_FATE_HELD, -4,
	 13 * 60 + 30,
	 "Başvuru sahibi şehit yakını olarak istihdam hakkını kullanmak istediğini, kamu kurumlarına yaptığı başvuruların "
	 "sonuçsuz kaldığını anlattı.",
	 "İnsan Kaynakları ve Eğitim Müdürlüğünün başvuru sahibini arayıp Aile ve Sosyal Hizmetler İl Müdürlüğüne "
	 "yönlendirmesi istendi.",
	 "İnsan Kaynakları ve Eğitim Müdürlüğü başvuru sahibiyle görüşecek", "Emre Aksoy"},
	{-1, 150, "web", "Özel bir işim için aracılık talebi", "Herhangi bir gün", 1, APPT_FATE_DECLINED, 0, 0,
	 "Talep belediyenin görev alanı dışında; ilgili kuruma başvurmanız önerildi.", NULL, NULL, NULL},
};
#define N_DEMO_APPOINTMENTS (sizeof demo_appointments / sizeof demo_appointments[0])

static const char SQL_DEMO_APPOINTMENT[] =
	"SELECT COUNT(*) FROM appointment_requests WHERE created_by = '" ACTOR "' AND subject = ?";

/* Moves request id through action; logs and returns -1 when the store refuses. */
static int appt_step(struct db *db, int64_t id, unsigned role, const char *action, json_t *fields)
{
	const char *error_key = NULL, *field = NULL;
	int rc = appt_transition(db, ACTOR, role, id, action, fields, LANG_TR, &error_key, &field, NULL);
	json_decref(fields);
	if (rc != APPT_OK)
		return error("demo: appointment %lld: cannot %s (%d, %s)", (long long)id, action, rc,
			     field ? field : error_key ? error_key : "");
	return 0;
}

static int load_appointment(struct loader *ld, const struct demo_appointment *a)
{
	struct db *db = ld->db;
	struct db_stmt *st = db_prep(db, SQL_DEMO_APPOINTMENT);
	if (!st)
		return -1;
	db_bind_text(st, 1, a->subject);
	enum db_rc found = db_step(st);
	int64_t present = found == DB_ROW ? db_col_int(st, 0) : -1;
	db_reset(st);
	if (present != 0)
		return present > 0 ? 0 : -1;
	int64_t party = a->institution >= 0 ? find(db, SQL_INSTITUTION_BY_NAME, institutions[a->institution].name)
					    : citizen_id(db, a->citizen);
	if (party <= 0)
		return error("demo: no requester for the appointment '%s'", a->subject);
	json_t *v = json_pack("{s:s,s:I,s:s,s:s,s:s,s:i}", "kind", a->institution >= 0 ? "institution" : "citizen",
			      "party_id", (json_int_t)party, "subject", a->subject, "channel", a->channel, "preferred",
			      a->preferred, "attendees", a->attendees);
	const char *field = NULL;
	int64_t id = appt_create(db, ACTOR, v, LANG_TR, &field);
	json_decref(v);
	if (id <= 0)
		return error("demo: cannot create the appointment '%s' (%s)", a->subject, field ? field : "");
	ld->sum->appointments++;
	const unsigned office = WF_ROLE_SECRETARIAT, mayor = WF_ROLE_MAYOR;
	int rc = 0;
	if (a->fate != APPT_FATE_REQUESTED)
		rc = appt_step(db, id, office, "forward", NULL);
	if (rc == 0 && a->fate == APPT_FATE_DECLINED)
		rc = appt_step(db, id, mayor, "decline", json_pack("{s:s}", "reason", a->detail));
	else if (rc == 0 && a->fate == APPT_FATE_DELEGATED)
		rc = appt_step(db, id, mayor, "delegate", json_pack("{s:s}", "deputy", a->detail));
	else if (rc == 0 && a->fate >= APPT_FATE_ACCEPTED)
		rc = appt_step(db, id, mayor, "accept", json_pack("{s:i}", "priority", a->institution >= 0 ? 2 : 3));
	if (rc == 0 && a->fate >= APPT_FATE_SCHEDULED && a->fate != APPT_FATE_DECLINED) {
		int64_t start = unix_from_ymd_min(working_day(a->day), a->start_min);
		rc = appt_step(db, id, office, "schedule",
			       json_pack("{s:I,s:i,s:s,s:b}", "starts_at", (json_int_t)start, "duration_min",
					 a->institution >= 0 ? 30 : 20, "location", "Başkanlık Makamı", "allow_conflict", 1));
	}
	if (rc == 0 && (a->fate == APPT_FATE_INFORMED || a->fate == APPT_FATE_HELD))
		rc = appt_step(db, id, office, "inform", json_pack("{s:s}", "via", "phone"));
	if (rc == 0 && a->fate == APPT_FATE_HELD) {
		char due[ISO_DATE_SIZE];
		iso_date_format(working_day(5), due);
		rc = appt_step(db, id, office, "held",
			       json_pack("{s:s,s:[s,s],s:s,s:[{s:s,s:s,s:s}]}", "notes", a->detail, "participants",
					 "Kemal Özdağ (Belediye Başkanı)", "Hülya Karaca (Özel Kalem Müdürü)", "outcome",
					 a->outcome, "followups", "text", a->followup, "owner", a->followup_owner, "due",
					 due));
	}
	if (cancel_messages(db, "appointment", id) != 0)
		rc = -1;
	return rc;
}

static int load_appointments(struct loader *ld)
{
	for (size_t i = 0; i < N_DEMO_APPOINTMENTS; i++)
		if (load_appointment(ld, &demo_appointments[i]) != 0)
			return -1;
	return 0;
}

/* Where a demo application ends up: the states of the chart, and a few ways there. */
enum demo_app_fate {
	FATE_RECEIVED,
	FATE_REJECTED,          /* detail: the legal reason */
	FATE_REJECTED_ARCHIVED, /* the same, archived */
	FATE_FORWARDED,         /* detail: the competent authority */
	FATE_FORWARDED_ARCHIVED,
	FATE_ROUTED,    /* a route waits in the directorate's inbox */
	FATE_ACCEPTED,  /* the directorate accepted it */
	FATE_PLANNED,   /* accepted with a work date */
	FATE_WAITING,   /* the directorate asked the applicant (detail: the question) */
	FATE_INTERIM,   /* routed, the applicant told the stage reached (detail) */
	FATE_REROUTED,  /* the first directorate returned it (detail: why), the office gave it to the second */
	FATE_ANSWERED,  /* the directorate answered */
	FATE_OFFICE_ANSWERED, /* the office answered it itself */
	FATE_FEEDBACK,  /* answered, and the applicant was told */
	FATE_ARCHIVED,  /* told, and archived */
};

static const struct demo_application {
	const char *category, *kind, *channel;
	int days_ago;
	enum demo_app_fate fate;
	const char *directorates; /* route targets by code, ","-separated; NULL: the category's directorate */
	const char *attributes;   /* JSON, or NULL */
	const char *subject, *description;
	const char *detail; /* by fate, see above */
	const char *answer; /* answered and after */
} demo_applications[] = {
	{"road_damage", "complaint", "web", 0, FATE_RECEIVED, NULL, "{\"size\":\"medium\",\"surface\":\"road\"}",
	 "Evimizin önündeki yol çöktü",
	 "Evimizin önündeki yolda yaklaşık bir metre çapında çökme oluştu. Akşamları araçlar fark etmeden içine giriyor; "
	 "bir kaza olmadan bakılmasını rica ediyorum.",
	 NULL, NULL},
	{"waste_cleaning", "complaint", "phone", 0, FATE_RECEIVED, NULL, "{\"container_full\":\"yes\"}",
	 "Konteyner üç gündür boşaltılmadı",
	 "Sokağımızdaki çöp konteyneri üç gündür boşaltılmadı, çevreye koku yayılıyor ve kediler çöpleri etrafa saçıyor.",
	 NULL, NULL},
	{"suggestion", "suggestion", "bizim_meram", 1, FATE_RECEIVED, NULL, NULL, "Parka yaşlılar için oturma alanı",
	 "Mahallemizdeki parkta çocuk oyun alanı var ama yaşlılar için gölgelik ve oturma alanı yok. Birkaç bank ve bir "
	 "kamelya konulabilir mi?",
	 NULL, NULL},
	{"noise", "complaint", "cimer", 1, FATE_RECEIVED, NULL, "{\"time_of_day\":\"night\"}",
	 "Gece geç saatlere kadar süren düğün müziği",
	 "Sokağımızdaki düğün salonundan her hafta sonu gece ikiye kadar yüksek sesle müzik geliyor. Çocuklarımız "
	 "uyuyamıyor.",
	 NULL, NULL},
	{"culture_events", "request", "email", 2, FATE_RECEIVED, NULL, NULL, "Mahalle kütüphanesinde çocuk atölyesi",
	 "Yaz tatilinde mahalle kütüphanesinde çocuklar için okuma ve resim atölyesi düzenlenmesini talep ediyoruz.",
	 NULL, NULL},
	{"other", "complaint", "letter", 9, FATE_REJECTED, NULL, NULL, "Belediye hizmetleri hakkında",
	 "Belediyenin hiçbir işi düzgün yapmadığını düşünüyorum, gereğinin yapılmasını istiyorum.",
	 "no_specific_subject", NULL},
	{"zoning_illegal", "complaint", "cimer", 14, FATE_REJECTED, NULL, "{\"parcel\":\"1234 ada 5 parsel\"}",
	 "Komşu parseldeki kaçak kat (tekrar)",
	 "Geçen ay bildirdiğim ve cevap verilen, komşu parseldeki kaçak kat hakkında yeniden başvuruyorum.",
	 "already_answered", NULL},
	{"other", "request", "letter", 27, FATE_REJECTED_ARCHIVED, NULL, NULL, "Kamulaştırma bedeline itiraz",
	 "Arsamın kamulaştırma bedeline itiraz ediyorum; dava sürüyor ama belediyenin bedeli yeniden değerlendirmesini "
	 "istiyorum.",
	 "before_courts", NULL},
	{"street_lighting", "complaint", "phone", 5, FATE_FORWARDED, NULL, "{\"pole_number\":\"MR-4471\"}",
	 "Sokak lambaları bir haftadır yanmıyor",
	 "Okul yolundaki üç sokak lambası bir haftadır yanmıyor. Akşam karanlıkta çocuklar eve dönerken tedirgin "
	 "oluyoruz.",
	 "MEDAŞ Meram Elektrik Dağıtım A.Ş.", NULL},
	{"water_sewer", "complaint", "bizim_meram", 3, FATE_FORWARDED, NULL, NULL, "Kanalizasyon taşması",
	 "Caddenin başındaki rögar her yağmurdan sonra taşıyor, pis su bodrum katlara giriyor.", "KOSKİ Genel Müdürlüğü",
	 NULL},
	{"information_request", "information", "email", 24, FATE_FORWARDED_ARCHIVED, NULL, NULL,
	 "Tramvay hattı uzatma projesi",
	 "Meram'a uzatılacak tramvay hattının güzergâhı ve ihale tarihi hakkında bilgi edinmek istiyorum.",
	 "Konya Büyükşehir Belediyesi", NULL},
	{"road_damage", "complaint", "web", 2, FATE_ROUTED, NULL, "{\"size\":\"large\",\"surface\":\"road\"}",
	 "Ana cadde üzerinde derin çukur",
	 "Okul önündeki ana caddede derin bir çukur var; yağmurda su doluyor ve görünmüyor, iki aracın lastiği patladı.",
	 NULL, NULL},
	{"road_damage", "complaint", "in_person", 13, FATE_ROUTED, NULL, "{\"size\":\"small\",\"surface\":\"pavement\"}",
	 "Kırık kaldırım taşları",
	 "Eczane önündeki kaldırımın parke taşları kırık ve yerinden oynamış; yaşlılar ve bebek arabaları için tehlikeli.",
	 NULL, NULL},
	{"police_occupation", "complaint", "phone", 1, FATE_ROUTED, NULL, NULL, "Manav kasaları kaldırımı kapatıyor",
	 "Manav dükkânı kasalarını kaldırıma diziyor, yayalar yola inmek zorunda kalıyor.", NULL, NULL},
	{"noise", "complaint", "cimer", 12, FATE_ROUTED, NULL, "{\"time_of_day\":\"night\"}", "Gece çalışan inşaat",
	 "Yan parseldeki inşaatta gece yarısına kadar beton dökülüyor ve kompresör çalışıyor.", NULL, NULL},
	{"waste_cleaning", "complaint", "bizim_meram", 4, FATE_ROUTED, NULL, "{\"container_full\":\"no\"}",
	 "Pazar yerinden sonra temizlik yapılmıyor",
	 "Cuma pazarından sonra sokaklar ertesi güne kadar çöp ve kasa dolu kalıyor.", NULL, NULL},
	{"parks_green", "request", "web", 11, FATE_ROUTED, NULL, NULL, "Parktaki kırık salıncak",
	 "Mahalle parkındaki salıncaklardan birinin zinciri koptu, oturağı yerde duruyor. Çocuklar için tehlikeli.", NULL,
	 NULL},
	{"police_occupation", "complaint", "cimer", 3, FATE_ROUTED, "ZAB,FEN", NULL, "İnşaat molozu yolu kapatıyor",
	 "Köşedeki inşaatın molozu ve malzemesi yolun yarısını kapatıyor; kaldırım da inşaat sırasında kırıldı.", NULL,
	 NULL},
	{"road_damage", "request", "letter", 6, FATE_ACCEPTED, NULL, "{\"size\":\"medium\",\"surface\":\"road\"}",
	 "Mahalle yoluna asfalt talebi",
	 "Mahallemizden ana yola çıkan iki kilometrelik stabilize yol kış aylarında çamurdan geçilmez oluyor; "
	 "asfaltlanmasını talep ediyoruz.",
	 NULL, NULL},
	{"police_occupation", "complaint", "web", 16, FATE_ACCEPTED, NULL, NULL, "Okul önünde seyyar satıcılar",
	 "Ortaokulun önünde her gün seyyar satıcılar tezgâh açıyor, öğrenciler yola taşıyor.", NULL, NULL},
	{"stray_animals", "complaint", "phone", 5, FATE_ACCEPTED, NULL, "{\"animal\":\"dog\",\"injured\":\"yes\"}",
	 "Yaralı sokak köpeği", "Mahalle parkının yanında arka bacağı yaralı bir köpek var, yürüyemiyor.", NULL, NULL},
	{"road_damage", "complaint", "bizim_meram", 8, FATE_PLANNED, NULL, "{\"size\":\"medium\",\"surface\":\"road\"}",
	 "Kapatılmayan kazı çukuru",
	 "Doğalgaz çalışmasından sonra sokağımızdaki kazı alanı bir aydır açık bekliyor, üzerine yalnızca mıcır "
	 "dökülmüş.",
	 NULL, NULL},
	{"parks_green", "request", "in_person", 7, FATE_PLANNED, NULL, NULL, "Ağaç budama talebi",
	 "Evimizin önündeki çınar ağacının dalları elektrik tellerine ve pencerelere değiyor, budanmasını istiyoruz.",
	 NULL, NULL},
	{"zoning_illegal", "complaint", "letter", 10, FATE_WAITING, NULL, NULL, "Bahçeye izinsiz yapılan yapı",
	 "Karşı komşumuz bahçesine ruhsatsız bir depo yapıyor; yapı yola taşıyor.",
	 "Şikâyet ettiğiniz yapının ada ve parsel numarasını ya da tam adresini bildirir misiniz?", NULL},
	{"road_damage", "complaint", "phone", 9, FATE_WAITING, NULL, "{\"size\":\"small\"}", "Bozuk kaldırım",
	 "Caminin yanındaki kaldırım bozuk.",
	 "Bozuk kaldırımın hangi sokakta ve hangi kapı numarasının önünde olduğunu tarif eder misiniz?", NULL},
	{"transport_stops", "request", "email", 18, FATE_INTERIM, NULL, NULL, "Otobüs durağına kapalı bekleme alanı",
	 "Hastane yolundaki otobüs durağında oturak ve üst örtü yok; yağmurda ve güneşte hastalar ayakta bekliyor.",
	 "Talebiniz Ulaşım Hizmetleri Müdürlüğünce incelenmektedir; durak yeri için Büyükşehir Belediyesinin görüşü "
	 "beklenmektedir.",
	 NULL},
	{"other", "request", "in_person", 8, FATE_REROUTED, "FEN,PBM", NULL, "Parktaki çeşmenin onarımı",
	 "Parkın içindeki çeşmenin musluğu kırık, gece gündüz su akıyor.",
	 "Parklardaki çeşmeler Park ve Bahçeler Müdürlüğünün görev alanındadır.", NULL},
	{"waste_cleaning", "request", "web", 6, FATE_ANSWERED, NULL, "{\"container_full\":\"yes\"}",
	 "Sık dolan konteyner",
	 "Sokağımızdaki tek konteyner iki günde bir doluyor; ikinci bir konteyner konulmasını istiyoruz.", NULL,
	 "Bildiriminiz üzerine sokağınıza ikinci bir konteyner konulmuş, boşaltma sıklığı günde bire çıkarılmıştır."},
	{"road_damage", "complaint", "bizim_meram", 10, FATE_ANSWERED, NULL, "{\"size\":\"small\"}",
	 "Sokak başındaki çukur", "Sokağımızın girişindeki çukur her yağmurda biraz daha büyüyor.", NULL,
	 "Ekiplerimizce yerinde inceleme yapılmış, belirttiğiniz noktadaki çukur sıcak asfaltla kapatılmıştır."},
	{"noise", "complaint", "phone", 7, FATE_ANSWERED, NULL, "{\"time_of_day\":\"day\"}",
	 "Oto yıkamacının kompresör gürültüsü", "Evimizin altındaki oto yıkamacı sabah yedide kompresör çalıştırıyor.",
	 NULL,
	 "Zabıta ekiplerimiz işyerine gitmiş, tutanak tutulmuş ve işletme çalışma saatlerine uyması konusunda "
	 "uyarılmıştır."},
	{"stray_animals", "request", "web", 4, FATE_ANSWERED, NULL, "{\"animal\":\"cat\",\"injured\":\"no\"}",
	 "Bahçedeki kedilerin kısırlaştırılması",
	 "Apartman bahçesinde sayısı yirmiyi bulan kediler var; kısırlaştırılmalarını talep ediyoruz.", NULL,
	 "Veteriner ekibimiz bölgeye gitmiş, kediler kısırlaştırma programına alınmıştır."},
	{"information_request", "information", "web", 5, FATE_OFFICE_ANSWERED, NULL, NULL, "Belediye faaliyet raporu",
	 "Belediyenin son faaliyet raporuna ve Meclisin park alanlarıyla ilgili kararlarına nereden ulaşabilirim?", NULL,
	 "Son faaliyet raporu belediyemizin internet sitesinde yayımlanmıştır; Meclis kararları Yazı İşleri "
	 "Müdürlüğünde incelemeye açıktır."},
	{"parks_green", "complaint", "bizim_meram", 15, FATE_FEEDBACK, NULL, NULL, "Parktaki çimler kuruyor",
	 "Sulama yapılmadığı için mahalle parkındaki çim alanlar tamamen sarardı.", NULL,
	 "Parkınızdaki sulama sistemi onarılmış, kuruyan çim alanlar yeniden ekilmiştir."},
	{"social_aid", "request", "in_person", 20, FATE_FEEDBACK, NULL, NULL, "Gıda yardımı talebi",
	 "Eşim işsiz, beş kişilik ailemle geçinmekte zorlanıyorum; gıda yardımı talep ediyorum.", NULL,
	 "Sosyal inceleme sonucunda haneniz gıda yardımı programına alınmış, ilk koli teslim edilmiştir."},
	{"transport_stops", "complaint", "web", 17, FATE_FEEDBACK, NULL, NULL, "Durak tabelası yok",
	 "Mahalle durağının tabelası sökülmüş, hangi otobüslerin geçtiği belli değil.", NULL,
	 "Durak tabelası yenilenmiş, hatların sefer saatleri durağa asılmıştır."},
	{"road_damage", "request", "letter", 19, FATE_FEEDBACK, NULL, "{\"size\":\"large\",\"surface\":\"road\"}",
	 "Sokağın asfaltlanması", "Sokağımızın asfaltı tamamen bozuldu, yama ile kurtarılamayacak durumda.", NULL,
	 "Sokağınız bu yılın asfalt programına alınmış ve serimi tamamlanmıştır."},
	{"waste_cleaning", "complaint", "cimer", 29, FATE_ARCHIVED, NULL, NULL, "Boş arsaya moloz dökülüyor",
	 "Mahallemizdeki boş arsaya geceleri kamyonlarla inşaat molozu dökülüyor.", NULL,
	 "Moloz ekiplerimizce kaldırılmış, alan temizlenmiş ve gece denetimleri sıklaştırılmıştır."},
	{"police_occupation", "complaint", "web", 26, FATE_ARCHIVED, NULL, NULL, "Kafe masaları kaldırımı kapatıyor",
	 "Köşedeki kafe masa ve sandalyelerini kaldırıma taşırmış, yürüyecek yer kalmadı.", NULL,
	 "Kaldırımı işgal eden masa ve sandalyeler kaldırılmış, işletmeye idari para cezası uygulanmıştır."},
	{"culture_events", "suggestion", "bizim_meram", 28, FATE_ARCHIVED, NULL, NULL, "Mahallede açık hava sineması",
	 "Yaz akşamlarında mahalle meydanında çocuklar için film gösterimi yapılmasını öneriyoruz.", NULL,
	 "Öneriniz doğrultusunda mahallenizde çocuklar için iki açık hava sinema gecesi düzenlenmiştir."},
	{"parks_green", "request", "phone", 25, FATE_ARCHIVED, NULL, NULL, "Parka bank ve çöp kutusu",
	 "Parkta oturacak yer ve çöp kutusu çok az.", NULL, "Parka iki çöp kutusu ve dört bank eklenmiştir."},
	{"stray_animals", "complaint", "phone", 22, FATE_ARCHIVED, NULL, "{\"animal\":\"dog\",\"injured\":\"no\"}",
	 "Okul yolundaki sokak köpekleri", "Sabahları okul yolunda beş altı köpeklik bir grup öğrencileri korkutuyor.",
	 NULL,
	 "Köpekler ekibimizce toplanıp aşılanmış, kısırlaştırılmış ve küpelenerek yaşam alanına bırakılmıştır."},
};
#define N_DEMO_APPLICATIONS (sizeof demo_applications / sizeof demo_applications[0])

/* The demo citizen who made application i: spread over the 300, the same on every database. */
#define DEMO_APPLICANT(i) ((int)((i) * 7 + 3) % N_CITIZENS)

/* Applies action to application id as the office; logs and returns -1 when the store refuses. */
static int app_step(struct db *db, int64_t id, const char *action, json_t *fields)
{
	const char *error_key = NULL, *field = NULL;
	int rc = app_transition(db, ACTOR, WF_ROLE_SECRETARIAT, 0, id, action, fields, NULL, &error_key, &field);
	json_decref(fields);
	if (rc != APP_OK)
		return error("demo: application %lld: cannot %s (%d, %s)", (long long)id, action, rc,
			     field ? field : error_key ? error_key : "");
	return 0;
}

/* Applies action to the route'th route (0 = the first) of application id. */
static int route_step(struct db *db, int64_t id, size_t route, const char *action, json_t *fields)
{
	json_t *app = app_get(db, id, 0, (int64_t)time(NULL));
	int64_t route_id = json_integer_value(json_object_get(json_array_get(json_object_get(app, "routes"), route), "id"));
	json_decref(app);
	const char *error_key = NULL, *field = NULL;
	int rc = route_id > 0 ? app_route_transition(db, ACTOR, WF_ROLE_SECRETARIAT, 0, route_id, action, fields, NULL,
						      &error_key, &field)
			      : APP_NOT_FOUND;
	json_decref(fields);
	if (rc != APP_OK)
		return error("demo: application %lld: route %zu cannot %s (%d, %s)", (long long)id, route, action, rc,
			     field ? field : error_key ? error_key : "");
	return 0;
}

/* The ids of count directorates of codes ("FEN,ZAB") from the from'th on, as a JSON array; NULL when one is
 * absent. */
static json_t *directorate_ids(struct db *db, const char *codes, size_t from, size_t count)
{
	json_t *ids = json_array();
	char code[8];
	size_t index = 0;
	for (const char *p = codes; *p; index++) {
		size_t len = strcspn(p, ",");
		snprintf(code, sizeof code, "%.*s", (int)len, p);
		p += len + (p[len] == ',');
		if (index < from || index >= from + count)
			continue;
		int64_t id = find(db, SQL_DIRECTORATE_BY_CODE, code);
		if (id <= 0) {
			json_decref(ids);
			error("demo: no directorate '%s'", code);
			return NULL;
		}
		json_array_append_new(ids, json_integer(id));
	}
	return ids;
}

/* The office tells the applicant: by phone when there is a number, else by letter. */
static json_t *told(struct db *db, int64_t id, const char *text)
{
	json_t *app = app_get(db, id, 0, (int64_t)time(NULL));
	const char *number = json_string_value(json_object_get(app, "phone"));
	bool phone = number && *number;
	json_t *f = json_pack("{s:s,s:s,s:s}", "via", phone ? "phone" : "letter", "text", text, "summary", text);
	if (phone)
		json_object_set(f, "spoke_with", json_object_get(app, "applicant_name"));
	json_decref(app);
	return f;
}

static int run_fate(struct db *db, int64_t id, const struct demo_application *a)
{
	enum demo_app_fate f = a->fate;
	if (f == FATE_RECEIVED)
		return 0;
	if (f == FATE_REJECTED || f == FATE_REJECTED_ARCHIVED) {
		if (app_step(db, id, "reject", json_pack("{s:s}", "legal_reason", a->detail)) != 0)
			return -1;
		return f == FATE_REJECTED_ARCHIVED ? app_step(db, id, "archive", NULL) : 0;
	}
	if (f == FATE_FORWARDED || f == FATE_FORWARDED_ARCHIVED) {
		const char *reason = strcmp(a->kind, "information") == 0 ? "info_not_competent" : "not_competent";
		if (app_step(db, id, "forward_external", json_pack("{s:s,s:s}", "legal_reason", reason, "authority",
								   a->detail)) != 0)
			return -1;
		return f == FATE_FORWARDED_ARCHIVED ? app_step(db, id, "archive", NULL) : 0;
	}
	if (f == FATE_OFFICE_ANSWERED) {
		if (app_step(db, id, "answer", json_pack("{s:s}", "answer", a->answer)) != 0)
			return -1;
		return 0;
	}
	/* Routed: to the entry's first directorate(s), else the category's. */
	json_t *route = json_object();
	if (a->directorates) {
		json_t *ids = directorate_ids(db, a->directorates, 0, f == FATE_REROUTED ? 1 : SIZE_MAX);
		if (!ids) {
			json_decref(route);
			return -1;
		}
		json_object_set_new(route, "directorates", ids);
	}
	if (app_step(db, id, "route", route) != 0)
		return -1;
	char work_date[ISO_DATE_SIZE];
	iso_date_format(working_day(3), work_date);
	switch (f) {
	case FATE_ACCEPTED:
		return route_step(db, id, 0, "accept", NULL);
	case FATE_PLANNED:
		if (route_step(db, id, 0, "accept", NULL) != 0)
			return -1;
		return route_step(db, id, 0, "plan", json_pack("{s:s}", "work_date", work_date));
	case FATE_WAITING:
		return route_step(db, id, 0, "ask_info", json_pack("{s:s}", "question", a->detail));
	case FATE_INTERIM:
		if (route_step(db, id, 0, "accept", NULL) != 0)
			return -1;
		return app_step(db, id, "interim", told(db, id, a->detail));
	case FATE_REROUTED: {
		if (route_step(db, id, 0, "return", json_pack("{s:s}", "reason", a->detail)) != 0)
			return -1;
		json_t *ids = directorate_ids(db, a->directorates, 1, 1);
		if (!ids)
			return -1;
		return app_step(db, id, "reroute", json_pack("{s:o}", "directorates", ids));
	}
	case FATE_ANSWERED:
	case FATE_FEEDBACK:
	case FATE_ARCHIVED:
		if (route_step(db, id, 0, "accept", NULL) != 0 ||
		    route_step(db, id, 0, "answer", json_pack("{s:s}", "answer", a->answer)) != 0)
			return -1;
		if (f == FATE_ANSWERED)
			return 0;
		if (app_step(db, id, "give_feedback", told(db, id, a->answer)) != 0)
			return -1;
		return f == FATE_ARCHIVED ? app_step(db, id, "archive", NULL) : 0;
	default:
		return 0;
	}
}

static int load_application(struct loader *ld, size_t i)
{
	const struct demo_application *a = &demo_applications[i];
	struct db *db = ld->db;
	int64_t party = citizen_id(db, DEMO_APPLICANT(i));
	if (party <= 0)
		return error("demo: no applicant for the application '%s'", a->subject);
	char key[32];
	snprintf(key, sizeof key, "demo-application-%02zu", i + 1);
	/* Received days_ago days back, in the working day's morning or afternoon. */
	int64_t now = (int64_t)time(NULL);
	int64_t received = now - (int64_t)a->days_ago * 86400 - (int64_t)(1 + i % 5) * 3600;
	json_error_t err;
	json_t *attributes = a->attributes ? json_loads(a->attributes, 0, &err) : json_object();
	json_t *v = json_pack("{s:s,s:s,s:s,s:I,s:s,s:s,s:s,s:I,s:o}", "kind", a->kind, "channel", a->channel,
			      "idempotency_key", key, "party_id", (json_int_t)party, "category_code", a->category,
			      "subject", a->subject, "description", a->description, "received_at", (json_int_t)received,
			      "attributes", attributes ? attributes : json_object());
	bool existing = false;
	const char *field = NULL;
	int64_t id = app_create(db, ACTOR, v, NULL, &existing, &field, NULL);
	json_decref(v);
	if (id <= 0)
		return error("demo: cannot create the application '%s' (%s)", a->subject, field ? field : "");
	if (existing)
		return 0;
	ld->sum->applications++;
	int rc = run_fate(db, id, a);
	if (cancel_messages(db, "application", id) != 0)
		rc = -1;
	return rc;
}

static const char SQL_DEMO_APPLICATIONS[] = "SELECT COUNT(*) FROM applications WHERE created_by = '" ACTOR "'";
static const char SQL_DEMO_APPLICATION_IDS[] = "SELECT id FROM applications WHERE created_by = '" ACTOR "'";

/* The clock sweep the server runs every minute, now: it escalates the overdue demo applications to the head of
 * the secretariat by e-mail (an example address), so those messages are cancelled here as well. */
static int sweep_demo_clocks(struct db *db)
{
	if (app_clock_sweep(db, (int64_t)time(NULL)) < 0)
		return error("demo: the clock sweep failed");
	json_t *ids = json_array();
	struct db_stmt *st = db_prep(db, SQL_DEMO_APPLICATION_IDS);
	if (!st) {
		json_decref(ids);
		return -1;
	}
	while (db_step(st) == DB_ROW)
		json_array_append_new(ids, json_integer(db_col_int(st, 0)));
	int rc = 0;
	size_t i;
	json_t *id;
	json_array_foreach(ids, i, id)
	{
		if (rc == 0)
			rc = cancel_messages(db, "application", json_integer_value(id));
	}
	json_decref(ids);
	return rc;
}

static int load_applications(struct loader *ld)
{
	int64_t present = db_query_int(ld->db, SQL_DEMO_APPLICATIONS, -1);
	if (present < 0)
		return -1;
	if (present >= (int64_t)N_DEMO_APPLICATIONS)
		return 0;
	for (size_t i = 0; i < N_DEMO_APPLICATIONS; i++)
		if (load_application(ld, i) != 0)
			return -1;
	return sweep_demo_clocks(ld->db);
}

/* Writes the created users and their password to var_dir/demo-users.txt, readable by the owner only. */
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
	    load_citizens(&ld) != 0 || load_institutions(&ld) != 0 || load_engagements(&ld) != 0 ||
	    load_settings(&ld) != 0) {
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
	/* The requests and applications go through their stores, each change in its own transaction. */
	if (load_appointments(&ld) != 0 || load_applications(&ld) != 0)
		return error("demo: the appointment requests and applications are incomplete; run it again");
	return sum->directorates + sum->neighbourhoods + sum->users + sum->citizens + sum->institutions +
	       sum->engagements + sum->appointments + sum->applications;
}

int demo_load(struct db *db, const char *var_dir)
{
	return demo_load_with(db, var_dir, NULL);
}
