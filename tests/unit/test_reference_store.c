/* test_reference_store.c: neighbourhoods, holidays and the business calendar, settings secrets in the audit, and
 * directorate scoping, against a fresh SQLite database per test. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "core/bizcal.h"
#include "http/req.h"
#include "store/accounts.h"
#include "store/audit.h"
#include "store/db.h"
#include "store/directorates.h"
#include "store/holidays.h"
#include "store/neighbourhoods.h"
#include "store/setup.h"

struct fixture {
	char dir[64];
	char path[128];
	struct db *db;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	snprintf(f->dir, sizeof f->dir, "/tmp/kalem-refstore-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof f->path, "sqlite:%s/k.db", f->dir);
	f->db = db_open(f->path);
	if (!f->db || setup_database(f->db) != 0)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	db_close(f->db);
	char p[160];
	static const char *const suffixes[] = {"", "-wal", "-shm"};
	for (size_t i = 0; i < 3; i++) {
		snprintf(p, sizeof p, "%s/k.db%s", f->dir, suffixes[i]);
		unlink(p);
	}
	rmdir(f->dir);
	free(f);
	return 0;
}

/* Saves a neighbourhood in its own transaction; returns what neighbourhood_save returned. */
static int64_t save_nb(struct db *db, int64_t id, const char *name, bool active)
{
	json_t *v = json_pack("{s:s,s:s,s:s,s:s,s:n,s:n,s:n,s:b}", "name", name, "muhtar_name", "", "muhtar_phone", "",
			      "muhtar_email", "", "population", "lat_e6", "lon_e6", "active", active);
	assert_int_equal(db_begin_write(db), 0);
	int64_t rc = neighbourhood_save(db, "tester", id, v);
	if (rc > 0)
		assert_int_equal(db_commit(db), 0);
	else
		db_rollback(db);
	json_decref(v);
	return rc;
}

static const char *str(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "(missing)";
}

static void test_neighbourhood_save_and_get(void **state)
{
	struct fixture *f = *state;
	json_t *v = json_pack("{s:s,s:s,s:s,s:s,s:i,s:i,s:i,s:b}", "name", "Yaka", "muhtar_name", "Ayşe Yıldız",
			      "muhtar_phone", "+905321234567", "muhtar_email", "yaka@example.org", "population", 12345,
			      "lat_e6", 37874600, "lon_e6", -32451200, "active", 1);
	assert_int_equal(db_begin_write(f->db), 0);
	int64_t id = neighbourhood_save(f->db, "tester", 0, v);
	assert_true(id > 0);
	assert_int_equal(db_commit(f->db), 0);
	json_decref(v);

	json_t *n = neighbourhood_get(f->db, id);
	assert_non_null(n);
	assert_string_equal(str(n, "name"), "Yaka");
	assert_string_equal(str(n, "muhtar_name"), "Ayşe Yıldız");
	assert_string_equal(str(n, "muhtar_phone"), "+905321234567");
	assert_string_equal(str(n, "muhtar_email"), "yaka@example.org");
	assert_int_equal(json_integer_value(json_object_get(n, "population")), 12345);
	assert_int_equal(json_integer_value(json_object_get(n, "lat_e6")), 37874600);
	assert_int_equal(json_integer_value(json_object_get(n, "lon_e6")), -32451200);
	assert_true(json_is_true(json_object_get(n, "active")));
	json_decref(n);

	/* Update: unknown population and no location come back as null. */
	assert_int_equal(save_nb(f->db, id, "Yaka", false), id);
	n = neighbourhood_get(f->db, id);
	assert_true(json_is_null(json_object_get(n, "population")));
	assert_true(json_is_null(json_object_get(n, "lat_e6")));
	assert_true(json_is_null(json_object_get(n, "lon_e6")));
	assert_true(json_is_false(json_object_get(n, "active")));
	assert_string_equal(str(n, "muhtar_name"), "");
	json_decref(n);

	/* Both changes are in the audit, newest first, with before and after. */
	char key[24];
	snprintf(key, sizeof key, "%lld", (long long)id);
	json_t *events = audit_list(f->db, NULL, "neighbourhood", key, NULL, 0, 10);
	assert_int_equal(json_array_size(events), 2);
	json_t *upd = json_array_get(events, 0), *cre = json_array_get(events, 1);
	assert_string_equal(str(upd, "action"), "neighbourhood.update");
	assert_string_equal(str(upd, "actor"), "tester");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(upd, "before"), "population")), 12345);
	assert_true(json_is_null(json_object_get(json_object_get(upd, "after"), "population")));
	assert_string_equal(str(cre, "action"), "neighbourhood.create");
	assert_true(json_is_null(json_object_get(cre, "before")));
	json_decref(events);

	/* A missing id is refused and leaves nothing behind. */
	assert_int_equal(save_nb(f->db, id + 100, "Hiçyer", true), -1);
	assert_null(neighbourhood_get(f->db, id + 100));
}

static void test_neighbourhood_duplicates(void **state)
{
	struct fixture *f = *state;
	int64_t a = save_nb(f->db, 0, "Alavardı", true);
	int64_t b = save_nb(f->db, 0, "Şehitler", true);
	assert_true(a > 0 && b > 0 && a != b);
	assert_int_equal(save_nb(f->db, 0, "Alavardı", true), DB_CONSTRAINT);
	/* The same name in other letters is the same place. */
	assert_int_equal(save_nb(f->db, 0, "ALAVARDI", true), DB_CONSTRAINT);
	assert_int_equal(save_nb(f->db, 0, "SEHITLER", true), DB_CONSTRAINT);
	/* Renaming onto another's name is refused; keeping one's own name (or recasing it) is not. */
	assert_int_equal(save_nb(f->db, b, "alavardı", true), DB_CONSTRAINT);
	assert_int_equal(save_nb(f->db, a, "Alavardı", false), a);
	assert_int_equal(save_nb(f->db, a, "ALAVARDI", true), a);
	json_t *list = neighbourhood_list(f->db, "", false, NULL, 50);
	assert_int_equal(json_array_size(json_object_get(list, "items")), 2);
	json_decref(list);
}

/* The names of a list page, joined with ",". */
static void names_of(const json_t *list, char *out, size_t outsz)
{
	size_t i, o = 0;
	json_t *item;
	out[0] = '\0';
	json_array_foreach(json_object_get(list, "items"), i, item)
	{
		o += (size_t)snprintf(out + o, outsz - o, "%s%s", i ? "," : "", str(item, "name"));
	}
}

static void test_neighbourhood_search_and_order(void **state)
{
	struct fixture *f = *state;
	const char *names[] = {"Yaka", "Şehitler", "KARAASLAN", "Çayırbağı", "Cumhuriyet", "Alavardı", "Sahibiata"};
	int64_t yaka = 0;
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		int64_t id = save_nb(f->db, 0, names[i], true);
		assert_true(id > 0);
		if (i == 0)
			yaka = id;
	}
	char got[256];
	struct {
		const char *q, *want;
	} searches[] = {
		{"karaaslan", "KARAASLAN"}, {"KaraAslan", "KARAASLAN"}, {"sehit", "Şehitler"},  {"ŞEHİT", "Şehitler"},
		{"ALAVARDI", "Alavardı"},   {"cayirbagi", "Çayırbağı"}, {"ırba", "Çayırbağı"}, {"zzz", ""},
		{"MHUR", "Cumhuriyet"},     {"", "Alavardı,Cumhuriyet,Çayırbağı,KARAASLAN,Sahibiata,Şehitler,Yaka"},
	};
	for (size_t i = 0; i < sizeof searches / sizeof searches[0]; i++) {
		json_t *list = neighbourhood_list(f->db, searches[i].q, false, NULL, 50);
		names_of(list, got, sizeof got);
		if (strcmp(got, searches[i].want) != 0)
			fail_msg("search '%s': got '%s', want '%s'", searches[i].q, got, searches[i].want);
		json_decref(list);
	}

	/* Turkish order (c < ç, s < ş), in pages of three joined by the keyset cursor. */
	char all[512] = "";
	const char *after = NULL;
	char cursor[600] = "";
	int pages = 0;
	for (;;) {
		json_t *list = neighbourhood_list(f->db, "", false, after, 3);
		names_of(list, got, sizeof got);
		snprintf(all + strlen(all), sizeof all - strlen(all), "%s%s", all[0] ? "," : "", got);
		pages++;
		json_t *next = json_object_get(list, "next");
		if (json_is_null(next)) {
			json_decref(list);
			break;
		}
		snprintf(cursor, sizeof cursor, "%s", json_string_value(next));
		after = cursor;
		json_decref(list);
		assert_true(pages < 10);
	}
	assert_int_equal(pages, 3);
	assert_string_equal(all, "Alavardı,Cumhuriyet,Çayırbağı,KARAASLAN,Sahibiata,Şehitler,Yaka");

	/* Inactive ones drop out of the active list and of the select options. */
	assert_int_equal(save_nb(f->db, yaka, "Yaka", false), yaka);
	json_t *list = neighbourhood_list(f->db, "", true, NULL, 50);
	names_of(list, got, sizeof got);
	assert_string_equal(got, "Alavardı,Cumhuriyet,Çayırbağı,KARAASLAN,Sahibiata,Şehitler");
	json_decref(list);
	json_t *opts = neighbourhood_options(f->db);
	assert_int_equal(json_array_size(opts), 6);
	assert_string_equal(str(json_array_get(opts, 1), "name"), "Cumhuriyet");
	assert_string_equal(str(json_array_get(opts, 2), "name"), "Çayırbağı");
	assert_true(json_integer_value(json_object_get(json_array_get(opts, 0), "id")) > 0);
	json_decref(opts);
}

static int64_t save_holiday(struct db *db, int64_t id, int ymd, bool half, const char *name)
{
	json_t *v = json_pack("{s:i,s:b,s:s}", "ymd", ymd, "half_day", half, "name", name);
	assert_int_equal(db_begin_write(db), 0);
	int64_t rc = holiday_save(db, "tester", id, v);
	if (rc > 0)
		assert_int_equal(db_commit(db), 0);
	else
		db_rollback(db);
	json_decref(v);
	return rc;
}

static void test_holidays_into_bizcal(void **state)
{
	struct fixture *f = *state;
	/* A Monday far from the seeded years. */
	int monday = 20990105;
	while (ymd_weekday(monday) != 0)
		monday = ymd_add_days(monday, 1);
	int friday = ymd_add_days(monday, -3), tuesday = ymd_add_days(monday, 1);

	struct bizcal cal;
	struct holiday *owned = NULL;
	assert_int_equal(bizcal_load(f->db, &cal, &owned), 0);
	/* The seed of this year is there: Republic Day, and its eve as a half day. */
	int year = ymd_from_unix((int64_t)time(NULL)) / 10000;
	const struct holiday *h = bizcal_holiday(&cal, year * 10000 + 1029);
	assert_non_null(h);
	assert_string_equal(h->name, "Cumhuriyet Bayramı");
	assert_false(h->half_day);
	h = bizcal_holiday(&cal, year * 10000 + 1028);
	assert_non_null(h);
	assert_true(h->half_day);
	assert_true(bizcal_is_working_day(&cal, monday));
	size_t seeded = cal.n_holidays;
	free(owned);

	int64_t mon_id = save_holiday(f->db, 0, monday, false, "Deneme Bayramı");
	int64_t tue_id = save_holiday(f->db, 0, tuesday, true, "Deneme Arifesi");
	assert_true(mon_id > 0 && tue_id > 0);
	assert_int_equal(save_holiday(f->db, 0, monday, true, "Aynı gün"), DB_CONSTRAINT);
	assert_int_equal(save_holiday(f->db, tue_id, monday, true, "Aynı gün"), DB_CONSTRAINT);

	json_t *list = holiday_list(f->db, 2099);
	assert_int_equal(json_array_size(list), 2);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(list, 0), "ymd")), monday);
	char date[16];
	snprintf(date, sizeof date, "%04d-%02d-%02d", monday / 10000, monday / 100 % 100, monday % 100);
	assert_string_equal(str(json_array_get(list, 0), "date"), date);
	assert_true(json_is_true(json_object_get(json_array_get(list, 1), "half_day")));
	json_decref(list);

	assert_int_equal(bizcal_load(f->db, &cal, &owned), 0);
	assert_int_equal(cal.n_holidays, seeded + 2);
	for (size_t i = 1; i < cal.n_holidays; i++)
		assert_true(cal.holidays[i - 1].ymd < cal.holidays[i].ymd);
	assert_false(bizcal_is_working_day(&cal, monday));
	assert_true(bizcal_is_working_day(&cal, tuesday));
	assert_int_equal(bizcal_day_end_min(&cal, tuesday), 13 * 60);
	/* One working day after a Friday: Monday is a holiday, so the half-day Tuesday, ending at 13:00. */
	assert_int_equal(bizcal_add_working_days(&cal, unix_from_ymd_min(friday, 10 * 60), 1),
			 unix_from_ymd_min(tuesday, 13 * 60));
	free(owned);

	/* Deleted: audited, and the Monday works again. */
	assert_int_equal(db_begin_write(f->db), 0);
	assert_int_equal(holiday_delete(f->db, "tester", mon_id), 0);
	assert_int_equal(db_commit(f->db), 0);
	assert_int_equal(db_begin_write(f->db), 0);
	assert_int_equal(holiday_delete(f->db, "tester", mon_id), -1);
	db_rollback(f->db);
	assert_null(holiday_get(f->db, mon_id));
	char key[24];
	snprintf(key, sizeof key, "%lld", (long long)mon_id);
	json_t *events = audit_list(f->db, NULL, "holiday", key, "holiday.delete", 0, 5);
	assert_int_equal(json_array_size(events), 1);
	assert_string_equal(str(json_object_get(json_array_get(events, 0), "before"), "name"), "Deneme Bayramı");
	assert_true(json_is_null(json_object_get(json_array_get(events, 0), "after")));
	json_decref(events);
	assert_int_equal(bizcal_load(f->db, &cal, &owned), 0);
	assert_true(bizcal_is_working_day(&cal, monday));
	assert_int_equal(bizcal_add_working_days(&cal, unix_from_ymd_min(friday, 10 * 60), 1),
			 unix_from_ymd_min(monday, 17 * 60 + 30));
	free(owned);
}

static const char SQL_AUDIT_TEXT[] = "SELECT COUNT(*) FROM audit_events WHERE before_json LIKE '%s3cret%' "
				     "OR after_json LIKE '%s3cret%' OR before_json LIKE '%n3w-pass%' "
				     "OR after_json LIKE '%n3w-pass%'";

static void test_settings_secret_masked(void **state)
{
	struct fixture *f = *state;
	char v[64];
	assert_int_equal(db_begin_write(f->db), 0);
	assert_int_equal(setting_set(f->db, "admin", "smtp.password", "s3cret-pass", true), 0);
	assert_int_equal(setting_set(f->db, "admin", "smtp.host", "smtp.meram.bel.tr", false), 0);
	assert_int_equal(db_commit(f->db), 0);
	assert_int_equal(db_begin_write(f->db), 0);
	assert_int_equal(setting_set(f->db, "admin", "smtp.password", "n3w-pass", true), 0);
	assert_int_equal(db_commit(f->db), 0);

	/* The value itself is stored... */
	assert_int_equal(setting_get(f->db, "smtp.password", v, sizeof v), 1);
	assert_string_equal(v, "n3w-pass");
	assert_int_equal(setting_get(f->db, "smtp.nothing", v, sizeof v), 0);
	/* ...but the audit shows only that it changed. */
	json_t *events = audit_list(f->db, NULL, "setting", "smtp.password", NULL, 0, 10);
	assert_int_equal(json_array_size(events), 2);
	json_t *latest = json_array_get(events, 0);
	assert_string_equal(str(json_object_get(latest, "before"), "value"), "***");
	assert_string_equal(str(json_object_get(latest, "after"), "value"), "***");
	assert_true(json_is_null(json_object_get(json_array_get(events, 1), "before")));
	json_decref(events);
	assert_int_equal(db_query_int(f->db, SQL_AUDIT_TEXT, -1), 0);
	/* A plain setting is audited with its value. */
	events = audit_list(f->db, "admin", "setting", "smtp.host", "setting.set", 0, 10);
	assert_int_equal(json_array_size(events), 1);
	assert_string_equal(str(json_object_get(json_array_get(events, 0), "after"), "value"), "smtp.meram.bel.tr");
	json_decref(events);
}

static int64_t add_directorate(struct db *db, const char *code, const char *name)
{
	json_t *v = json_pack("{s:s,s:s,s:s,s:s,s:s,s:b}", "code", code, "name", name, "email", "", "phone", "",
			      "manager", "", "active", 1);
	assert_int_equal(db_begin_write(db), 0);
	int64_t id = directorate_save(db, "tester", 0, v);
	assert_true(id > 0);
	assert_int_equal(db_commit(db), 0);
	json_decref(v);
	return id;
}

static void add_user(struct db *db, const char *username, const char *name, const char *role, int64_t dir)
{
	assert_int_equal(db_begin_write(db), 0);
	assert_true(user_insert(db, "tester", username, name, "", role, dir, "not-a-real-hash") > 0);
	assert_int_equal(db_commit(db), 0);
}

static void test_directorate_scoping(void **state)
{
	struct fixture *f = *state;
	int64_t fen = add_directorate(f->db, "FEN", "Fen İşleri Müdürlüğü");
	int64_t zab = add_directorate(f->db, "ZAB", "Zabıta Müdürlüğü");
	add_user(f->db, "zeynep", "Zeynep Kaya", "directorate", fen);
	add_user(f->db, "cagri", "Çağrı Demir", "directorate", fen);
	add_user(f->db, "ahmet", "Ahmet Öz", "directorate", fen);
	add_user(f->db, "cem", "Cem Ak", "directorate", fen);
	add_user(f->db, "veli", "Veli Şahin", "directorate", zab);
	add_user(f->db, "sekreter", "Selin Er", "secretariat", 0);

	json_t *d = NULL;
	assert_int_equal(directorate_get_scoped(f->db, fen, ROLE_DIRECTORATE, fen, &d), DIRECTORATE_FOUND);
	assert_string_equal(str(d, "code"), "FEN");
	json_decref(d);
	d = (json_t *)1;
	assert_int_equal(directorate_get_scoped(f->db, zab, ROLE_DIRECTORATE, fen, &d), DIRECTORATE_FORBIDDEN);
	assert_null(d);
	assert_int_equal(directorate_get_scoped(f->db, zab + 100, ROLE_DIRECTORATE, fen, &d), DIRECTORATE_ABSENT);
	/* A directorate account without a directorate sees none. */
	assert_int_equal(directorate_get_scoped(f->db, fen, ROLE_DIRECTORATE, 0, &d), DIRECTORATE_FORBIDDEN);
	/* Office roles see every directorate, whatever directorate id they carry. */
	assert_int_equal(directorate_get_scoped(f->db, zab, ROLE_SECRETARIAT, 0, &d), DIRECTORATE_FOUND);
	json_decref(d);
	assert_int_equal(directorate_get_scoped(f->db, zab, ROLE_ADMIN, fen, &d), DIRECTORATE_FOUND);
	json_decref(d);
	assert_int_equal(directorate_get_scoped(f->db, zab + 100, ROLE_ADMIN, 0, &d), DIRECTORATE_ABSENT);

	/* Own staff, in Turkish order (C < Ç), without other roles or other directorates. */
	json_t *staff = directorate_staff(f->db, fen, ROLE_DIRECTORATE, fen);
	assert_int_equal(json_array_size(staff), 4);
	assert_string_equal(str(json_array_get(staff, 0), "display_name"), "Ahmet Öz");
	assert_string_equal(str(json_array_get(staff, 1), "display_name"), "Cem Ak");
	assert_string_equal(str(json_array_get(staff, 2), "display_name"), "Çağrı Demir");
	assert_string_equal(str(json_array_get(staff, 3), "display_name"), "Zeynep Kaya");
	assert_null(json_object_get(json_array_get(staff, 0), "password_hash"));
	json_decref(staff);
	staff = directorate_staff(f->db, zab, ROLE_DIRECTORATE, fen);
	assert_int_equal(json_array_size(staff), 0);
	json_decref(staff);
	staff = directorate_staff(f->db, zab, ROLE_CHIEF, 0);
	assert_int_equal(json_array_size(staff), 1);
	assert_string_equal(str(json_array_get(staff, 0), "username"), "veli");
	json_decref(staff);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_neighbourhood_save_and_get, setup, teardown),
		cmocka_unit_test_setup_teardown(test_neighbourhood_duplicates, setup, teardown),
		cmocka_unit_test_setup_teardown(test_neighbourhood_search_and_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_holidays_into_bizcal, setup, teardown),
		cmocka_unit_test_setup_teardown(test_settings_secret_masked, setup, teardown),
		cmocka_unit_test_setup_teardown(test_directorate_scoping, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
