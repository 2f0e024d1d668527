/* test_csvio.c: CSV import and export of the reference data against a real SQLite database. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "core/token.h"
#include "store/csvio.h"
#include "store/db.h"
#include "store/setup.h"
#include "store/audit.h"
#include "store/demo.h"
#include "core/tckn.h"
#include <sys/stat.h>
#include "util/i18n.h"
#include "util/xalloc.h"

static char dir[] = "/tmp/kalem-test-csvio-XXXXXX";

/* A fresh database per test. */
static int setup(void **state)
{
	char url[128];
	static int n;
	snprintf(url, sizeof url, "sqlite:%s/t%d.db", dir, ++n);
	struct db *db = db_open(url);
	if (!db || setup_database(db) != 0)
		return -1;
	*state = db;
	return 0;
}

static int teardown(void **state)
{
	db_close(*state);
	return 0;
}

static int64_t count(struct db *db, const char *sql)
{
	return db_query_int(db, sql, -1);
}

static void assert_starts_with(const char *s, const char *prefix)
{
	assert_memory_equal(s, prefix, strlen(prefix));
}

static const char SQL_N_EVENTS[] = "SELECT COUNT(*) FROM audit_events";

static const char SQL_N_DIRECTORATES[] = "SELECT COUNT(*) FROM directorates";
static const char SQL_N_NEIGHBOURHOODS[] = "SELECT COUNT(*) FROM neighbourhoods";
static const char SQL_N_PARTIES[] = "SELECT COUNT(*) FROM parties";
static const char SQL_DIRECTORATE[] = "SELECT name, email, phone, manager, active FROM directorates WHERE code = ?";
static const char SQL_NEIGHBOURHOOD[] = "SELECT muhtar_name, muhtar_phone, population, lat_e6, lon_e6 FROM "
					"neighbourhoods WHERE name = ?";
static const char SQL_PARTY[] = "SELECT kind, name, phone, email, neighbourhood_id, preferred_channel, "
				"kvkk_consent_at, institution_kind FROM parties WHERE name = ?";

/* Runs an import of text as kind in Turkish; returns csvio_import's result, with *res kept for inspection. */
static int import(struct db *db, enum csvio_kind kind, const char *text, struct csvio_result *res)
{
	return csvio_import(db, "test", kind, text, strlen(text), LANG_TR, res);
}

/* Asserts an import succeeded, showing its problems when it did not. */
static void assert_imported(int rc, const struct csvio_result *res)
{
	if (rc != 0) {
		char *dump = json_dumps(res->problems, JSON_INDENT(1));
		fail_msg("import returned %d: %s", rc, dump);
		free(dump);
	}
}

/* Asserts that res lists a problem on line with key (and column, when not NULL). */
static void assert_problem(const struct csvio_result *res, int line, const char *column, const char *key)
{
	size_t i;
	json_t *p;
	json_array_foreach(res->problems, i, p)
	{
		if (json_integer_value(json_object_get(p, "line")) == line &&
		    strcmp(json_string_value(json_object_get(p, "key")), key) == 0 &&
		    (!column || strcmp(json_string_value(json_object_get(p, "column")), column) == 0)) {
			/* The message is translated, not the bare key. */
			assert_string_not_equal(json_string_value(json_object_get(p, "message")), key);
			return;
		}
	}
	char *dump = json_dumps(res->problems, JSON_INDENT(1));
	fail_msg("no problem %s on line %d (column %s) in %s", key, line, column ? column : "*", dump);
	free(dump);
}

static const char DIRECTORATES[] = "kod,ad,e-posta,telefon,müdür,etkin\n"
				   "FEN,Fen İşleri Müdürlüğü,fen@meram.example,0332 111 22 33,Ahmet Yılmaz,evet\n"
				   "ZAB,Zabıta Müdürlüğü,zabita@meram.example,,Mehmet Öztürk,1\n"
				   "ARSIV,Arşiv,,,,hayır\n";

static void test_import_directorates(void **state)
{
	struct db *db = *state;
	struct csvio_result res;
	assert_imported(import(db, CSVIO_DIRECTORATES, DIRECTORATES, &res), &res);
	assert_int_equal(res.rows, 3);
	assert_int_equal(res.inserted, 3);
	assert_int_equal(res.updated, 0);
	assert_int_equal(json_array_size(res.problems), 0);
	csvio_result_free(&res);
	assert_int_equal(count(db, SQL_N_DIRECTORATES), 3);

	struct db_stmt *st = db_prep(db, SQL_DIRECTORATE);
	db_bind_text(st, 1, "FEN");
	assert_int_equal(db_step(st), DB_ROW);
	assert_string_equal(db_col_text(st, 0), "Fen İşleri Müdürlüğü");
	assert_string_equal(db_col_text(st, 2), "+903321112233"); /* normalised like the form does */
	assert_int_equal(db_col_int(st, 4), 1);
	db_reset(st);
	db_bind_text(st, 1, "ARSIV");
	assert_int_equal(db_step(st), DB_ROW);
	assert_int_equal(db_col_int(st, 4), 0);
	db_reset(st);
	/* The import is one audit event beside the per-record ones. */
	json_t *events = audit_list(db, "test", "csv", "directorates", "import", 0, 10);
	assert_int_equal(json_array_size(events), 1);
	json_decref(events);
}

static void test_one_bad_row_writes_nothing(void **state)
{
	struct db *db = *state;
	struct csvio_result res;
	int64_t events_before = count(db, SQL_N_EVENTS);
	const char *text = "kod,ad,e-posta,telefon\n"
			   "FEN,Fen İşleri,fen@meram.example,0332 111 22 33\n"
			   "ZAB,Zabıta,zabita@@meram,0332 111 22 34\n"
			   "IMAR,İmar,,12\n"
			   ",Adsız,,\n";
	assert_int_equal(import(db, CSVIO_DIRECTORATES, text, &res), 1);
	assert_int_equal(res.inserted, 0);
	assert_int_equal(res.problems_total, 3);
	assert_problem(&res, 3, "e-posta", "error.email");
	assert_problem(&res, 4, "telefon", "error.phone");
	assert_problem(&res, 5, "kod", "error.required");
	/* The message names the column in the reader's language. */
	json_t *p = json_array_get(res.problems, 2);
	assert_non_null(strstr(json_string_value(json_object_get(p, "message")), "kod zorunludur"));
	csvio_result_free(&res);
	assert_int_equal(count(db, SQL_N_DIRECTORATES), 0);
	assert_int_equal(count(db, SQL_N_EVENTS), events_before);

	/* English messages on request. */
	assert_int_equal(csvio_import(db, "test", CSVIO_DIRECTORATES, text, strlen(text), LANG_EN, &res), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(res.problems, 0), "message")),
			    "Invalid e-mail address");
	csvio_result_free(&res);
}

static void test_reimport_updates(void **state)
{
	struct db *db = *state;
	struct csvio_result res;
	assert_imported(import(db, CSVIO_DIRECTORATES, DIRECTORATES, &res), &res);
	csvio_result_free(&res);
	/* English headers in another order, no manager column: names change, managers stay; one new code. */
	const char *again = "name,code,email\n"
			    "Fen İşleri Müdürlüğü (yeni),FEN,fen2@meram.example\n"
			    "Zabıta Müdürlüğü,ZAB,\n"
			    "Bilgi İşlem Müdürlüğü,BIM,bilgi@meram.example\n";
	assert_imported(import(db, CSVIO_DIRECTORATES, again, &res), &res);
	assert_int_equal(res.inserted, 1);
	assert_int_equal(res.updated, 2);
	csvio_result_free(&res);
	assert_int_equal(count(db, SQL_N_DIRECTORATES), 4);
	struct db_stmt *st = db_prep(db, SQL_DIRECTORATE);
	db_bind_text(st, 1, "FEN");
	assert_int_equal(db_step(st), DB_ROW);
	assert_string_equal(db_col_text(st, 0), "Fen İşleri Müdürlüğü (yeni)");
	assert_string_equal(db_col_text(st, 1), "fen2@meram.example");
	assert_string_equal(db_col_text(st, 2), "+903321112233"); /* not in the file: kept */
	assert_string_equal(db_col_text(st, 3), "Ahmet Yılmaz");
	db_reset(st);
	db_bind_text(st, 1, "ZAB");
	assert_int_equal(db_step(st), DB_ROW);
	assert_string_equal(db_col_text(st, 1), ""); /* in the file, empty: cleared */
	db_reset(st);

	/* The same code twice in one file is refused. */
	assert_int_equal(import(db, CSVIO_DIRECTORATES, "kod,ad\nFEN,A\nFEN,B\n", &res), 1);
	assert_problem(&res, 3, "kod", "csv.error.duplicate_row");
	csvio_result_free(&res);
}

static void test_semicolon_and_encodings(void **state)
{
	struct db *db = *state;
	struct csvio_result res;
	/* What Excel with Turkish settings writes as "CSV UTF-8": a BOM, ';' separators, quoted ';'. */
	const char *excel = "\xEF\xBB\xBF"
			    "Kod;Adı;E-Posta;Müdür Adı\r\n"
			    "KUL;\"Kültür; Sosyal İşler\";kultur@meram.example;Ayşe Çelik\r\n";
	assert_imported(import(db, CSVIO_DIRECTORATES, excel, &res), &res);
	assert_int_equal(res.inserted, 1);
	assert_false(res.converted);
	csvio_result_free(&res);
	/* Plain "CSV" from Turkish Excel: Windows-1254 bytes (ş = FE, ı = FD, İ = DD, ğ = F0, Ç = C7). */
	const char *cp1254 = "kod;ad;m\xFC" "d\xFC" "r\r\n"
			     "TEM;Temizlik \xDD\xFEleri;\xC7" "a\xF0" "da\xFE Ayd\xFDn\r\n";
	assert_imported(import(db, CSVIO_DIRECTORATES, cp1254, &res), &res);
	assert_true(res.converted);
	csvio_result_free(&res);
	struct db_stmt *st = db_prep(db, SQL_DIRECTORATE);
	db_bind_text(st, 1, "KUL");
	assert_int_equal(db_step(st), DB_ROW);
	assert_string_equal(db_col_text(st, 0), "Kültür; Sosyal İşler");
	assert_string_equal(db_col_text(st, 3), "Ayşe Çelik");
	db_reset(st);
	db_bind_text(st, 1, "TEM");
	assert_int_equal(db_step(st), DB_ROW);
	assert_string_equal(db_col_text(st, 0), "Temizlik İşleri");
	assert_string_equal(db_col_text(st, 3), "Çağdaş Aydın");
	db_reset(st);
}

static void test_header_problems(void **state)
{
	struct db *db = *state;
	struct csvio_result res;
	assert_int_equal(import(db, CSVIO_DIRECTORATES, "kod,adres,telefon,Telefon\nFEN,x,,\n", &res), 1);
	assert_problem(&res, 1, "adres", "csv.error.unknown_column");
	assert_problem(&res, 1, "Telefon", "csv.error.duplicate_column");
	assert_problem(&res, 1, "ad", "csv.error.missing_column");
	csvio_result_free(&res);

	assert_int_equal(import(db, CSVIO_DIRECTORATES, "kod,ad\nFEN,\"Fen\nİşleri\nZAB,Zabıta\n", &res), 1);
	assert_problem(&res, 2, NULL, "csv.error.quote");
	csvio_result_free(&res);

	assert_int_equal(import(db, CSVIO_DIRECTORATES, "kod,ad\nFEN,Fen,fazla\n", &res), 1);
	assert_problem(&res, 2, "", "csv.error.extra_fields");
	csvio_result_free(&res);

	assert_int_equal(import(db, CSVIO_DIRECTORATES, "\xEF\xBB\xBF\r\n", &res), 1);
	assert_problem(&res, 0, "", "csv.error.empty");
	csvio_result_free(&res);
	assert_int_equal(count(db, SQL_N_DIRECTORATES), 0);
}

static const char NEIGHBOURHOODS[] = "ad,muhtar,muhtar telefonu,nüfus,enlem,boylam\n"
				     "Çayırbağı,Şükrü Güneş,0532 111 22 33,12500,\"37,8512\",32.4401\n"
				     "Alavardı,\"Öztürk, İsmail\",,,,\n"
				     "Uluırmak,Gülşen Işık,+90 (533) 444 55 66,8000,37.86,32.47\n";

static void test_neighbourhoods_round_trip(void **state)
{
	struct db *db = *state;
	struct csvio_result res;
	assert_imported(import(db, CSVIO_NEIGHBOURHOODS, NEIGHBOURHOODS, &res), &res);
	assert_int_equal(res.inserted, 3);
	csvio_result_free(&res);
	struct db_stmt *st = db_prep(db, SQL_NEIGHBOURHOOD);
	db_bind_text(st, 1, "Çayırbağı");
	assert_int_equal(db_step(st), DB_ROW);
	assert_string_equal(db_col_text(st, 0), "Şükrü Güneş");
	assert_string_equal(db_col_text(st, 1), "+905321112233");
	assert_int_equal(db_col_int(st, 2), 12500);
	assert_int_equal(db_col_int(st, 3), 37851200);
	assert_int_equal(db_col_int(st, 4), 32440100);
	db_reset(st);

	/* Export as Excel wants it, and import the export: nothing changes, nothing is added. */
	struct buf out = BUF_INIT;
	buf_init(&out);
	struct csvio_export_options opt = {.lang = LANG_TR, .sep = ';', .bom = true};
	assert_int_equal(csvio_export(db, "test", CSVIO_NEIGHBOURHOODS, &opt, &out), 3);
	assert_starts_with(out.data, "\xEF\xBB\xBF"
				     "ad;muhtar;muhtar telefonu;muhtar e-postası;nüfus;enlem;boylam;etkin\r\n");
	assert_non_null(strstr(out.data, "Çayırbağı;Şükrü Güneş;'+905321112233;;12500;37.851200;32.440100;evet\r\n"));
	assert_non_null(strstr(out.data, "Alavardı;\"Öztürk, İsmail\";;;;;;evet\r\n"));
	/* Turkish order: Alavardı < Çayırbağı < Uluırmak. */
	assert_true(strstr(out.data, "Alavardı") < strstr(out.data, "Çayırbağı"));
	assert_true(strstr(out.data, "Çayırbağı") < strstr(out.data, "Uluırmak"));
	json_t *events = audit_list(db, "test", "csv", "neighbourhoods", "export", 0, 10);
	assert_int_equal(json_array_size(events), 1);
	json_decref(events);

	/* Nothing changes, so nothing is written but the import's own audit event. */
	int64_t before = count(db, SQL_N_EVENTS);
	assert_imported(csvio_import(db, "test", CSVIO_NEIGHBOURHOODS, out.data, out.len, LANG_TR, &res), &res);
	assert_int_equal(res.inserted, 0);
	assert_int_equal(res.updated, 0);
	assert_int_equal(res.unchanged, 3);
	csvio_result_free(&res);
	assert_int_equal(count(db, SQL_N_NEIGHBOURHOODS), 3);
	db_bind_text(st = db_prep(db, SQL_NEIGHBOURHOOD), 1, "Alavardı");
	assert_int_equal(db_step(st), DB_ROW);
	assert_string_equal(db_col_text(st, 0), "Öztürk, İsmail");
	assert_true(db_col_is_null(st, 3));
	db_reset(st);
	assert_int_equal(count(db, SQL_N_EVENTS), before + 1);

	/* Re-export in English: same rows, English header, round trip again. */
	buf_reset(&out);
	opt = (struct csvio_export_options){.lang = LANG_EN, .sep = ','};
	assert_int_equal(csvio_export(db, "test", CSVIO_NEIGHBOURHOODS, &opt, &out), 3);
	assert_starts_with(out.data, "name,muhtar,muhtar phone,muhtar email,population,latitude,longitude,active\r\n");
	assert_imported(csvio_import(db, "test", CSVIO_NEIGHBOURHOODS, out.data, out.len, LANG_EN, &res), &res);
	assert_int_equal(res.unchanged, 3);
	csvio_result_free(&res);
	buf_free(&out);

	/* A folded name finds the stored one; a lone latitude is refused. */
	assert_imported(import(db, CSVIO_NEIGHBOURHOODS, "mahalle,nüfus\nULUIRMAK,9000\n", &res), &res);
	assert_int_equal(res.updated, 1);
	csvio_result_free(&res);
	assert_int_equal(count(db, SQL_N_NEIGHBOURHOODS), 3);
	db_bind_text(st = db_prep(db, SQL_NEIGHBOURHOOD), 1, "Uluırmak"); /* the spelling is kept */
	assert_int_equal(db_step(st), DB_ROW);
	assert_int_equal(db_col_int(st, 2), 9000);
	db_reset(st);
	assert_int_equal(import(db, CSVIO_NEIGHBOURHOODS, "ad,enlem\nYeni Mahalle,37.9\n", &res), 1);
	assert_problem(&res, 2, "boylam", "csv.error.coordinates_pair"); /* the missing one */
	csvio_result_free(&res);
	assert_int_equal(import(db, CSVIO_NEIGHBOURHOODS, "ad,enlem,boylam\nYeni,95,32\n", &res), 1);
	assert_problem(&res, 2, "enlem", "csv.error.degrees");
	csvio_result_free(&res);
}

/* A valid TCKN from its first nine digits. */
static void make_tckn(const char *nine, char out[12])
{
	int d[11];
	for (int i = 0; i < 9; i++)
		d[i] = nine[i] - '0';
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

static void test_parties(void **state)
{
	struct db *db = *state;
	struct csvio_result res;
	assert_imported(import(db, CSVIO_NEIGHBOURHOODS, NEIGHBOURHOODS, &res), &res);
	csvio_result_free(&res);
	char t1[12], t2[12];
	make_tckn("123456789", t1);
	make_tckn("234567891", t2);
	char *text = xasprintf("tür,kurum türü,ad soyad,tc kimlik no,telefon,e-posta,adres,mahalle,"
			       "tercih edilen kanal,yetkili kişi,kvkk onayı\n"
			       "vatandaş,,Ayşe Yılmaz,%s,0532 123 45 67,,\"Yaka Cd. No: 5\nDaire 3\",çayırbağı,sms,,evet\n"
			       "kişi,,Ali Kaya,%s,,ali@example.com,,,,,hayır\n"
			       "kurum,kamu,Meram Kaymakamlığı,,0332 320 00 00,,,,,Hasan Demir,\n"
			       ",STK,Meram Gönüllüleri Derneği,,,info@gonullu.example,,,e-posta,,\n",
			       t1, t2);
	assert_imported(import(db, CSVIO_PARTIES, text, &res), &res);
	assert_int_equal(res.inserted, 4);
	csvio_result_free(&res);
	assert_int_equal(count(db, SQL_N_PARTIES), 4);
	struct db_stmt *st = db_prep(db, SQL_PARTY);
	db_bind_text(st, 1, "Ayşe Yılmaz");
	assert_int_equal(db_step(st), DB_ROW);
	assert_string_equal(db_col_text(st, 0), "citizen");
	assert_string_equal(db_col_text(st, 2), "+905321234567");
	assert_true(db_col_int(st, 4) > 0);
	assert_string_equal(db_col_text(st, 5), "sms");
	assert_false(db_col_is_null(st, 6)); /* consent recorded */
	db_reset(st);
	db_bind_text(st, 1, "Ali Kaya");
	assert_int_equal(db_step(st), DB_ROW);
	assert_string_equal(db_col_text(st, 5), "email"); /* no channel given: the first way to reach him */
	assert_true(db_col_is_null(st, 6));
	db_reset(st);
	db_bind_text(st, 1, "Meram Gönüllüleri Derneği");
	assert_int_equal(db_step(st), DB_ROW);
	assert_string_equal(db_col_text(st, 0), "institution"); /* implied by the institution kind */
	assert_string_equal(db_col_text(st, 7), "ngo");
	db_reset(st);

	/* Export masks TCKNs unless asked; a masked file cannot be imported back. */
	struct buf out = BUF_INIT;
	buf_init(&out);
	struct csvio_export_options opt = {.lang = LANG_TR, .sep = ','};
	assert_int_equal(csvio_export(db, "test", CSVIO_PARTIES, &opt, &out), 4);
	assert_null(strstr(out.data, t1));
	char masked[12];
	memcpy(masked, t1, 3);
	memcpy(masked + 3, "******", 6);
	memcpy(masked + 9, t1 + 9, 3);
	assert_non_null(strstr(out.data, masked));
	assert_non_null(strstr(out.data, "vatandaş,,Ayşe Yılmaz"));
	assert_int_equal(csvio_import(db, "test", CSVIO_PARTIES, out.data, out.len, LANG_TR, &res), 1);
	assert_problem(&res, 2, "tc kimlik no", "csv.error.tckn_masked");
	csvio_result_free(&res);

	/* In full, the export imports back onto the same records (by TCKN, institution name, citizen name and
	 * phone), changing nothing. */
	buf_reset(&out);
	opt.full_tckn = true;
	assert_int_equal(csvio_export(db, "test", CSVIO_PARTIES, &opt, &out), 4);
	assert_non_null(strstr(out.data, t1));
	assert_imported(csvio_import(db, "test", CSVIO_PARTIES, out.data, out.len, LANG_TR, &res), &res);
	assert_int_equal(res.inserted, 0);
	assert_int_equal(res.updated, 0);
	assert_int_equal(res.unchanged, 4);
	csvio_result_free(&res);
	assert_int_equal(count(db, SQL_N_PARTIES), 4);
	buf_free(&out);
	json_t *events = audit_list(db, "test", "csv", "parties", "export", 0, 10);
	assert_int_equal(json_array_size(events), 2);
	assert_true(json_is_true(json_object_get(json_object_get(json_array_get(events, 0), "after"), "full_tckn")));
	json_decref(events);

	/* An update by TCKN changes only the columns given: the consent, absent here, stays recorded. */
	free(text);
	text = xasprintf("tc kimlik no,ad soyad,e-posta\n%s,Ayşe Yılmaz,ayse@example.org\n", t1);
	assert_imported(import(db, CSVIO_PARTIES, text, &res), &res);
	assert_int_equal(res.updated, 1);
	csvio_result_free(&res);
	db_bind_text(st = db_prep(db, SQL_PARTY), 1, "Ayşe Yılmaz");
	assert_int_equal(db_step(st), DB_ROW);
	assert_string_equal(db_col_text(st, 3), "ayse@example.org");
	assert_string_equal(db_col_text(st, 2), "+905321234567");
	assert_false(db_col_is_null(st, 6));
	db_reset(st);
	assert_int_equal(count(db, SQL_N_PARTIES), 4);

	/* Row rules, each reported on its line and column. */
	char bad_tckn[12];
	memcpy(bad_tckn, t2, 12);
	bad_tckn[10] = bad_tckn[10] == '9' ? '0' : (char)(bad_tckn[10] + 1);
	free(text);
	text = xasprintf("tür,kurum türü,ad,tc kimlik no,telefon,mahalle,kanal\n"
			 "vatandaş,,Veli,%s,,,\n"
			 "kurum,,Bir Şirket,,,,\n"
			 "vatandaş,özel,Can,,,,\n"
			 "vatandaş,,Deniz,,,Atlantis,\n"
			 "vatandaş,,Ece,,,,sms\n"
			 "uzaylı,,Fikret,,,,\n"
			 "kurum,kamu,Bir Kurum,%s,,,\n",
			 bad_tckn, t1);
	assert_int_equal(import(db, CSVIO_PARTIES, text, &res), 1);
	assert_problem(&res, 2, "tc kimlik no", "error.tckn");
	assert_problem(&res, 3, "kurum türü", "csv.error.institution_kind_missing");
	assert_problem(&res, 4, "kurum türü", "csv.error.institution_kind_citizen");
	assert_problem(&res, 5, "mahalle", "csv.error.unknown_neighbourhood");
	assert_problem(&res, 6, "kanal", "csv.error.channel_phone");
	assert_problem(&res, 7, "tür", "csv.error.choice");
	assert_problem(&res, 8, "tc kimlik no", "csv.error.tckn_institution");
	csvio_result_free(&res);
	assert_int_equal(count(db, SQL_N_PARTIES), 4);
	free(text);
}

/* Counts the rows of a CSV export whose column col (0-based, ',' separated, no quoted commas before it) is a
 * valid TCKN. */
static int valid_tckns(const char *csv, int col)
{
	int n = 0;
	for (const char *line = strchr(csv, '\n'); line && line[1]; line = strchr(line + 1, '\n')) {
		const char *p = line + 1;
		for (int c = 0; c < col && p; c++)
			p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL;
		char t[12] = "";
		if (p && strlen(p) >= 11) {
			memcpy(t, p, 11);
			n += tckn_valid(t);
		}
	}
	return n;
}

/* The demo office: the promised counts, valid TCKNs, the users file, idempotence, and its export imports back
 * onto itself unchanged. */
static void test_demo(void **state)
{
	struct db *db = *state;
	struct demo_summary s;
	int n = demo_load_with(db, dir, &s);
	assert_int_equal(s.directorates, 25);
	assert_int_equal(s.neighbourhoods, 69);
	assert_int_equal(s.users, 8);
	assert_int_equal(s.citizens, 300);
	assert_int_equal(s.institutions, 40);
	/* a fortnight of programme: 10 working days, each with the morning meeting and that weekday's engagement */
	assert_int_equal(s.engagements, 20);
	assert_int_equal(n, 25 + 69 + 8 + 300 + 40 + 20 + s.appointments + s.applications);
	assert_int_equal(strlen(s.password), 20);
	struct stat st;
	assert_int_equal(stat(s.users_file, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM users WHERE username = 'fen.personel' AND role = "
				   "'directorate' AND directorate_id = (SELECT id FROM directorates WHERE code = 'FEN')"),
			 1);
	assert_int_equal(count(db, "SELECT COUNT(DISTINCT institution_kind) FROM parties WHERE kind = 'institution'"),
			 3);

	int64_t events = count(db, SQL_N_EVENTS);
	assert_int_equal(demo_load_with(db, dir, &s), 0);
	assert_string_equal(s.password, "");
	assert_int_equal(count(db, SQL_N_EVENTS), events);

	struct buf out = BUF_INIT;
	buf_init(&out);
	struct csvio_export_options opt = {.lang = LANG_TR, .sep = ',', .full_tckn = true};
	assert_int_equal(csvio_export(db, "test", CSVIO_PARTIES, &opt, &out), 340);
	assert_int_equal(valid_tckns(out.data, 3), 300);
	struct csvio_result res;
	assert_imported(csvio_import(db, "test", CSVIO_PARTIES, out.data, out.len, LANG_TR, &res), &res);
	assert_int_equal(res.unchanged, 340);
	csvio_result_free(&res);
	buf_free(&out);
}

static void test_kind_names(void **state)
{
	enum csvio_kind k;
	assert_int_equal(csvio_kind_from_name("parties", &k), 0);
	assert_int_equal(k, CSVIO_PARTIES);
	assert_int_equal(csvio_kind_from_name("mahalleler", &k), 0);
	assert_int_equal(k, CSVIO_NEIGHBOURHOODS);
	assert_int_equal(csvio_kind_from_name("users", &k), -1);
	assert_int_equal(csvio_kind_from_name(NULL, &k), -1);
	assert_string_equal(csvio_kind_name(CSVIO_DIRECTORATES), "directorates");
}

int main(void)
{
	if (!mkdtemp(dir) || crypto_init() != 0 || i18n_load() != 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_import_directorates, setup, teardown),
		cmocka_unit_test_setup_teardown(test_one_bad_row_writes_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reimport_updates, setup, teardown),
		cmocka_unit_test_setup_teardown(test_semicolon_and_encodings, setup, teardown),
		cmocka_unit_test_setup_teardown(test_header_problems, setup, teardown),
		cmocka_unit_test_setup_teardown(test_neighbourhoods_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_parties, setup, teardown),
		cmocka_unit_test_setup_teardown(test_demo, setup, teardown),
		cmocka_unit_test(test_kind_names),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		rc = rc ? rc : 1;
	return rc;
}
