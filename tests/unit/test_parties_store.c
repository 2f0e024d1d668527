/* test_parties_store.c: the people and institutions store (store/parties.h) on a fresh SQLite database per case,
 * and on PostgreSQL too when KALEM_TEST_PG_URL is set. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "store/audit.h"
#include "store/db.h"
#include "db_fixture.h"
#include "store/parties.h"
#include "util/turkish.h"
#include "util/xalloc.h"

#define PG_SCHEMA "test_parties_store"
#define TCKN "10000000146"
#define TCKN_MASKED "100******46"
#define TCKN2 "12345678950"

static struct db_fixture sqlite_be = {.kind = DB_SQLITE, .name = PG_SCHEMA};
static struct db_fixture pg_be = {.kind = DB_POSTGRES, .name = PG_SCHEMA};

/* ---- fixtures: a fresh, migrated database per case (tests/unit/support/db_fixture.h), given to each case as its
 * state ---- */

static struct db *need(void **state)
{
	return db_fixture_need(*state);
}

/* ---- helpers ---- */

static json_t *citizen(const char *name, const char *tckn, const char *phone, const char *email)
{
	return json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:n,s:s,s:s,s:b,s:b}", "kind", "citizen", "institution_kind", "",
			 "name", name, "tckn", tckn, "phone", phone, "email", email, "address", "Cumhuriyet Cad. 1",
			 "neighbourhood_id", "preferred_channel", "phone", "contact_person", "", "kvkk_consent", 0,
			 "kvkk_notice", 1);
}

/* Saves in its own write transaction; returns what party_save returned. */
static int64_t save(struct db *db, int64_t id, json_t *values)
{
	assert_int_equal(db_begin_write(db), 0);
	int64_t rid = party_save(db, "tester", id, values);
	if (rid > 0)
		assert_int_equal(db_commit(db), 0);
	else
		db_rollback(db);
	json_decref(values);
	return rid;
}

static int64_t add(struct db *db, const char *name, const char *tckn, const char *phone, const char *email)
{
	int64_t id = save(db, 0, citizen(name, tckn, phone, email));
	assert_true(id > 0);
	return id;
}

static int64_t add_neighbourhood(struct db *db, const char *name)
{
	static const char sql[] = "INSERT INTO neighbourhoods (name, name_fold, sort_key, created_at, updated_at, "
				  "created_by, updated_by) VALUES (?, ?, ?, 0, 0, 't', 't') RETURNING id";
	struct db_stmt *st = db_prep(db, sql);
	assert_non_null(st);
	char *fold = tr_fold(name), *key = tr_sort_key(name);
	db_bind_text(st, 1, name);
	db_bind_text(st, 2, fold);
	db_bind_text(st, 3, key);
	free(fold);
	free(key);
	assert_int_equal(db_step(st), DB_ROW);
	int64_t id = db_col_int(st, 0);
	assert_int_equal(db_step(st), DB_OK);
	return id;
}

/* The ids of a search's first page (at most 50), in order, as a space-separated string like "3 1 2". */
static char *search_ids(struct db *db, const char *q)
{
	struct party_filter f = {.q = q};
	json_t *page = party_list(db, &f, NULL, 50);
	static char out[512];
	out[0] = '\0';
	size_t i;
	json_t *it;
	json_array_foreach(json_object_get(page, "items"), i, it)
	{
		size_t len = strlen(out);
		snprintf(out + len, sizeof out - len, "%s%lld", len ? " " : "",
			 (long long)json_integer_value(json_object_get(it, "id")));
	}
	json_decref(page);
	return out;
}

static char *id_str(int64_t id)
{
	static char s[24];
	snprintf(s, sizeof s, "%lld", (long long)id);
	return s;
}

/* ---- cases ---- */

static void test_save_get_mask(void **state)
{
	struct db *db = need(state);
	int64_t id = add(db, "Işık Yılmaz", TCKN, "0532 123 45 67", "Isik.Yilmaz@Example.COM");

	json_t *full = party_get(db, id, true);
	assert_non_null(full);
	assert_string_equal(json_string_value(json_object_get(full, "name")), "Işık Yılmaz");
	assert_string_equal(json_string_value(json_object_get(full, "tckn")), TCKN);
	assert_string_equal(json_string_value(json_object_get(full, "phone")), "+905321234567");
	assert_string_equal(json_string_value(json_object_get(full, "phone_display")), "+90 532 123 45 67");
	assert_string_equal(json_string_value(json_object_get(full, "email")), "isik.yilmaz@example.com");
	assert_string_equal(json_string_value(json_object_get(full, "kind")), "citizen");
	assert_string_equal(json_string_value(json_object_get(full, "institution_kind")), "");
	assert_string_equal(json_string_value(json_object_get(full, "created_by")), "tester");
	assert_true(json_is_null(json_object_get(full, "neighbourhood_id")));
	assert_true(json_is_integer(json_object_get(full, "kvkk_notice_at")));
	assert_true(json_is_null(json_object_get(full, "kvkk_consent_at")));
	json_decref(full);

	json_t *masked = party_get(db, id, false);
	assert_string_equal(json_string_value(json_object_get(masked, "tckn")), TCKN_MASKED);
	json_decref(masked);

	json_t *page = party_list(db, NULL, NULL, 10);
	json_t *item = json_array_get(json_object_get(page, "items"), 0);
	assert_non_null(item);
	assert_string_equal(json_string_value(json_object_get(item, "tckn")), TCKN_MASKED);
	char *dump = json_dumps(page, 0);
	assert_null(strstr(dump, TCKN));
	free(dump);
	assert_true(json_is_null(json_object_get(page, "next")));
	json_decref(page);

	assert_null(party_get(db, id + 100, true));

	/* an institution: no TCKN kept even if one is given, its kind stored */
	json_t *inst = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "kind", "institution", "institution_kind", "ngo", "name",
				 "Kızılay Derneği", "tckn", TCKN2, "contact_person", "Ayşe Kaya", "preferred_channel",
				 "email", "email", "info@kizilay.example");
	int64_t iid = save(db, 0, inst);
	assert_true(iid > 0);
	json_t *g = party_get(db, iid, true);
	assert_string_equal(json_string_value(json_object_get(g, "tckn")), "");
	assert_string_equal(json_string_value(json_object_get(g, "institution_kind")), "ngo");
	assert_string_equal(json_string_value(json_object_get(g, "contact_person")), "Ayşe Kaya");
	json_decref(g);
}

static void test_invalid_values_refused(void **state)
{
	struct db *db = need(state);
	assert_int_equal(save(db, 0, citizen("Ali Veli", "10000000147", "", "")), -1);      /* check digit */
	assert_int_equal(save(db, 0, citizen("Ali Veli", "", "12", "")), -1);               /* phone */
	assert_int_equal(save(db, 0, citizen("", "", "", "")), -1);                         /* name */
	json_t *v = citizen("Ali Veli", "", "", "");
	json_object_set_new(v, "neighbourhood_id", json_integer(999));
	assert_int_equal(save(db, 0, v), -1);                                              /* no such place */
	v = citizen("Ali Veli", "", "", "");
	json_object_set_new(v, "kind", json_string("institution"));
	json_object_set_new(v, "institution_kind", json_string("club"));
	assert_int_equal(save(db, 0, v), -1);
	v = citizen("Ali Veli", "", "", "");
	json_object_set_new(v, "preferred_channel", json_string("fax"));
	assert_int_equal(save(db, 0, v), -1);
	assert_int_equal(save(db, 42, citizen("Ali Veli", "", "", "")), -1); /* no such party */
	json_t *page = party_list(db, NULL, NULL, 10);
	assert_int_equal(json_array_size(json_object_get(page, "items")), 0);
	json_decref(page);
	/* a valid one still goes in */
	assert_true(save(db, 0, citizen("Ali Veli", "", "", "")) > 0);
}

static void test_duplicate_tckn(void **state)
{
	struct db *db = need(state);
	int64_t a = add(db, "Ayşe Demir", TCKN, "", "");
	assert_int_equal(save(db, 0, citizen("Başka Biri", TCKN, "", "")), DB_CONSTRAINT);
	int64_t b = add(db, "Başka Biri", TCKN2, "", "");
	assert_int_equal(save(db, b, citizen("Başka Biri", TCKN, "", "")), DB_CONSTRAINT);
	/* saving a record with its own TCKN is no duplicate; two without a TCKN are fine */
	assert_int_equal(save(db, a, citizen("Ayşe Demir", TCKN, "", "")), a);
	assert_true(add(db, "Üçüncü", "", "", "") > 0);
	assert_true(add(db, "Dördüncü", "", "", "") > 0);
}

static void test_duplicates_by_contact(void **state)
{
	struct db *db = need(state);
	int64_t a = add(db, "Ayşe Demir", TCKN, "+905321234567", "ayse@example.com");
	int64_t b = add(db, "Mehmet Demir", "", "+905321234567", "");
	add(db, "Zeynep Kara", "", "+905551112233", "zeynep@example.com");

	json_t *d = party_duplicates(db, 0, "", "+905321234567", "");
	assert_int_equal(json_array_size(d), 2);
	json_t *first = json_array_get(d, 0);
	assert_int_equal(json_integer_value(json_object_get(first, "id")), a); /* Ayşe before Mehmet */
	assert_string_equal(json_string_value(json_array_get(json_object_get(first, "matched"), 0)), "phone");
	assert_string_equal(json_string_value(json_object_get(first, "tckn")), TCKN_MASKED);
	json_decref(d);

	d = party_duplicates(db, a, TCKN, "+905321234567", "AYSE@EXAMPLE.COM"); /* itself excluded */
	assert_int_equal(json_array_size(d), 1);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(d, 0), "id")), b);
	json_decref(d);

	d = party_duplicates(db, 0, TCKN, "", "Ayse@Example.com");
	assert_int_equal(json_array_size(d), 1);
	json_t *m = json_object_get(json_array_get(d, 0), "matched");
	assert_int_equal(json_array_size(m), 2);
	assert_string_equal(json_string_value(json_array_get(m, 0)), "tckn");
	assert_string_equal(json_string_value(json_array_get(m, 1)), "email");
	json_decref(d);

	/* empty values match nothing, though many records have no e-mail */
	d = party_duplicates(db, 0, "", "", "");
	assert_int_equal(json_array_size(d), 0);
	json_decref(d);
	d = party_duplicates(db, 0, NULL, "+905000000000", "nobody@example.com");
	assert_int_equal(json_array_size(d), 0);
	json_decref(d);
}

static void test_search_folded_words(void **state)
{
	struct db *db = need(state);
	int64_t isik = add(db, "Işık Yılmaz", "", "", "");
	int64_t sukru = add(db, "Şükrü Öztürk", "", "", "");
	int64_t ist = add(db, "İstanbul Gönüllüleri", "", "", "");
	int64_t yilmazer = add(db, "Can Yılmazer", "", "", "");
	json_t *inst = json_pack("{s:s,s:s,s:s,s:s}", "kind", "institution", "institution_kind", "public", "name",
				 "Karayolları Bölge Müdürlüğü", "contact_person", "Hülya Çağlar");
	int64_t kgm = save(db, 0, inst);
	assert_true(kgm > 0);

	assert_string_equal(search_ids(db, "ISIK"), id_str(isik));
	assert_string_equal(search_ids(db, "ışık"), id_str(isik));
	assert_string_equal(search_ids(db, "yilmaz is"), id_str(isik));
	assert_string_equal(search_ids(db, "  Yılmaz,   IŞIK "), id_str(isik));
	assert_string_equal(search_ids(db, "sukru ozt"), id_str(sukru));
	assert_string_equal(search_ids(db, "istanbul"), id_str(ist));
	assert_string_equal(search_ids(db, "İSTANBUL"), id_str(ist));
	assert_string_equal(search_ids(db, "caglar"), id_str(kgm)); /* the contact person */
	char both[64];
	snprintf(both, sizeof both, "%lld %lld", (long long)yilmazer, (long long)isik);
	assert_string_equal(search_ids(db, "yil"), both); /* prefix, Turkish order: Can before Işık */
	/* must not match */
	assert_string_equal(search_ids(db, "yilmazer isik"), "");
	assert_string_equal(search_ids(db, "isik demir"), "");
	assert_string_equal(search_ids(db, "ilmaz"), ""); /* words match from their start */
	assert_string_equal(search_ids(db, "isiklar"), "");
	/* punctuation alone is no query: the whole list */
	json_t *all = party_list(db, &(struct party_filter){.q = " ,.- "}, NULL, 50);
	assert_int_equal(json_array_size(json_object_get(all, "items")), 5);
	json_decref(all);
	/* kind filter with a query */
	json_t *p = party_list(db, &(struct party_filter){.q = "bolge", .kind = "citizen"}, NULL, 50);
	assert_int_equal(json_array_size(json_object_get(p, "items")), 0);
	json_decref(p);
	p = party_list(db, &(struct party_filter){.q = "bolge", .kind = "institution"}, NULL, 50);
	assert_int_equal(json_array_size(json_object_get(p, "items")), 1);
	json_decref(p);

	/* renaming moves the words */
	assert_int_equal(save(db, isik, citizen("Işıl Demir", "", "", "")), isik);
	assert_string_equal(search_ids(db, "isik"), "");
	assert_string_equal(search_ids(db, "isil dem"), id_str(isik));
}

static void test_search_phone_email_tckn(void **state)
{
	struct db *db = need(state);
	int64_t a = add(db, "Ayşe Demir", TCKN, "+905321234567", "ayse@example.com");
	add(db, "Mehmet Kaya", TCKN2, "+905551112233", "mehmet@example.com");
	assert_string_equal(search_ids(db, "0532 123 45 67"), id_str(a));
	assert_string_equal(search_ids(db, "(0532) 123-45-67"), id_str(a));
	assert_string_equal(search_ids(db, "+90 532 1234567"), id_str(a));
	assert_string_equal(search_ids(db, "5321234567"), id_str(a));
	assert_string_equal(search_ids(db, "AYSE@example.com"), id_str(a));
	assert_string_equal(search_ids(db, TCKN), id_str(a));
	/* must not match */
	assert_string_equal(search_ids(db, "0532 123 45 68"), "");
	assert_string_equal(search_ids(db, "532 123"), "");    /* no partial numbers */
	assert_string_equal(search_ids(db, "ayse@example"), ""); /* e-mail is exact */
	assert_string_equal(search_ids(db, "10000000147"), "");
}

static void test_audit_masks_tckn(void **state)
{
	struct db *db = need(state);
	int64_t id = add(db, "Ayşe Demir", TCKN, "", "");
	json_t *v = citizen("Ayşe Demir", TCKN2, "+905321234567", "");
	assert_int_equal(save(db, id, v), id);
	json_t *events = audit_list(db, NULL, "party", id_str(id), NULL, 0, 10);
	assert_int_equal(json_array_size(events), 2);
	char *dump = json_dumps(events, 0);
	assert_null(strstr(dump, TCKN));
	assert_null(strstr(dump, TCKN2));
	assert_non_null(strstr(dump, TCKN_MASKED));
	assert_non_null(strstr(dump, "123******50"));
	free(dump);
	json_t *newest = json_array_get(events, 0);
	assert_string_equal(json_string_value(json_object_get(newest, "action")), "party.update");
	assert_string_equal(json_string_value(json_object_get(newest, "actor")), "tester");
	assert_string_equal(json_string_value(json_object_get(json_object_get(newest, "after"), "phone")),
			    "+905321234567");
	json_decref(events);
	/* and the raw rows, not only what audit_list parses */
	static const char sql[] = "SELECT COUNT(*) FROM audit_events WHERE before_json LIKE ? OR after_json LIKE ?";
	struct db_stmt *st = db_prep(db, sql);
	db_bind_text(st, 1, "%" TCKN "%");
	db_bind_text(st, 2, "%" TCKN2 "%");
	assert_int_equal(db_step(st), DB_ROW);
	assert_int_equal(db_col_int(st, 0), 0);
	db_reset(st);
}

static void test_kvkk_dates(void **state)
{
	struct db *db = need(state);
	json_t *v = citizen("Ayşe Demir", "", "", "");
	json_object_del(v, "kvkk_notice"); /* e.g. an import: no notice shown */
	int64_t id = save(db, 0, v);
	json_t *g = party_get(db, id, true);
	assert_true(json_is_null(json_object_get(g, "kvkk_notice_at")));
	assert_true(json_is_null(json_object_get(g, "kvkk_consent_at")));
	json_decref(g);

	v = citizen("Ayşe Demir", "", "", "");
	json_object_set_new(v, "kvkk_consent", json_true());
	assert_int_equal(save(db, id, v), id);
	g = party_get(db, id, true);
	json_int_t consent = json_integer_value(json_object_get(g, "kvkk_consent_at"));
	assert_true(consent > 1700000000);
	assert_true(json_integer_value(json_object_get(g, "kvkk_notice_at")) > 1700000000); /* consent implies it */
	json_decref(g);

	v = citizen("Ayşe Demir", "", "", "");
	json_object_del(v, "kvkk_consent"); /* absent: unchanged */
	assert_int_equal(save(db, id, v), id);
	g = party_get(db, id, true);
	assert_int_equal(json_integer_value(json_object_get(g, "kvkk_consent_at")), consent);
	json_decref(g);

	assert_int_equal(save(db, id, citizen("Ayşe Demir", "", "", "")), id); /* false: withdrawn */
	g = party_get(db, id, true);
	assert_true(json_is_null(json_object_get(g, "kvkk_consent_at")));
	assert_true(json_is_integer(json_object_get(g, "kvkk_notice_at"))); /* the notice stays */
	json_decref(g);
}

/* ---- pagination over every plan ---- */

#define N_MANY 1500
static const char *const firsts[] = {"Mehmet", "Ayşe", "Ali", "Fatma", "Mustafa", "Emine", "Ahmet", "Hatice"};
static const char *const lasts[] = {"Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Yıldız",
				    "Yıldırım", "Öztürk", "Aydın", "Özdemir", "Arslan", "Doğan"};

struct many {
	int64_t ids[N_MANY];
	char *names[N_MANY];
	int64_t neighbourhood[N_MANY];
};

/* Whether every word of the query starts some word of the folded name (the rule the store implements). */
static bool expect_match(const char *name, const char *q)
{
	char *fn = tr_fold(name), *fq = tr_fold(q);
	bool all = true;
	for (char *save_q = NULL, *w = strtok_r(fq, " ", &save_q); w && all; w = strtok_r(NULL, " ", &save_q)) {
		bool any = false;
		char *copy = xstrdup(fn);
		for (char *save_n = NULL, *x = strtok_r(copy, " ", &save_n); x && !any; x = strtok_r(NULL, " ", &save_n))
			any = strncmp(x, w, strlen(w)) == 0;
		free(copy);
		all = any;
	}
	free(fn);
	free(fq);
	return all;
}

/* Checks that the row (name, id) comes after the previous one in Turkish order (ties by id) and makes it the
 * previous one: *prev_key (a sort key, "" at first, freed and replaced) and *prev_id. */
static void assert_after(char **prev_key, int64_t *prev_id, const char *name, int64_t id)
{
	char *key = tr_sort_key(name);
	int c = strcmp(*prev_key, key);
	assert_true(c < 0 || (c == 0 && *prev_id < id));
	free(*prev_key);
	*prev_key = key;
	*prev_id = id;
}

/* Pages through with limit; checks each row comes once, in Turkish order, and exactly the expected ones. */
static void check_pages(struct db *db, struct many *m, const struct party_filter *f, int limit)
{
	int expected = 0;
	for (int i = 0; i < N_MANY; i++)
		if ((!f->q || expect_match(m->names[i], f->q)) &&
		    (!f->neighbourhood_id || m->neighbourhood[i] == f->neighbourhood_id))
			expected++;
	char *seen = xcalloc(N_MANY + 16, 1);
	char *prev_key = xstrdup("");
	int64_t prev_id = 0;
	int got = 0, pages = 0;
	char *after = NULL;
	for (;;) {
		json_t *page = party_list(db, f, after, limit);
		json_t *items = json_object_get(page, "items");
		size_t i;
		json_t *it;
		pages++;
		assert_true(json_array_size(items) <= (size_t)limit);
		json_array_foreach(items, i, it)
		{
			int64_t id = json_integer_value(json_object_get(it, "id"));
			const char *name = json_string_value(json_object_get(it, "name"));
			assert_true(id > 0 && id < N_MANY + 16);
			assert_false(seen[id]);
			seen[id] = 1;
			assert_after(&prev_key, &prev_id, name, id);
			if (f->q && !expect_match(name, f->q))
				fail_msg("'%s' does not match '%s'", name, f->q);
			got++;
		}
		free(after);
		json_t *next = json_object_get(page, "next");
		after = json_is_string(next) ? xstrdup(json_string_value(next)) : NULL;
		if (after && !json_is_true(json_object_get(page, "truncated")))
			assert_int_equal(json_array_size(items), limit); /* only full or cut pages promise more */
		json_decref(page);
		if (!after)
			break;
		assert_true(pages < N_MANY);
	}
	if (got != expected)
		fail_msg("query '%s': %d rows, expected %d", f->q ? f->q : "", got, expected);
	free(seen);
	free(prev_key);
}

static void test_pagination_every_plan(void **state)
{
	struct db *db = need(state);
	static struct many m;
	int64_t nb[2] = {add_neighbourhood(db, "Çamlık"), add_neighbourhood(db, "Yeşiltepe")};
	assert_int_equal(db_begin_write(db), 0);
	for (int i = 0; i < N_MANY; i++) {
		/* "Kalemci" on every other name and "Kalemcioğlu" on two of three (some have both): the prefix "kalemci"
		 * covers two common terms (plan merge, with duplicates to drop); "Kx<n>" gives "kx" 50 terms (plan
		 * scan); "Defne" on three of four, with "kalemci" or "ka" the pair index (plan merge of pairs); the
		 * first and last names are rarer (plan rare). Same names repeat: ties broken by id. */
		char name[160];
		snprintf(name, sizeof name, "%s %s%s%s Kx%d%s", firsts[i % 8], lasts[(i / 8) % 12],
			 i % 2 ? "" : " Kalemci", i % 3 ? " Kalemcioğlu" : "", i % 50, i % 4 ? " Defne" : "");
		json_t *v = citizen(name, "", "", "");
		m.neighbourhood[i] = i % 5 == 0 ? nb[i % 2] : 0;
		if (m.neighbourhood[i])
			json_object_set_new(v, "neighbourhood_id", json_integer(m.neighbourhood[i]));
		m.ids[i] = party_save(db, "tester", 0, v);
		assert_int_equal(m.ids[i], i + 1);
		m.names[i] = xstrdup(name);
		json_decref(v);
	}
	assert_int_equal(db_commit(db), 0);

	static const char *const queries[] = {NULL,	     "kalemci",		"kalemcioglu",	"kx",	      "kx1",
					      "kx 1",	     "ayse yil",	"yilmaz",	"kalemci kx4 meh", "k",
					      "zzz",	     "kalemci defne",	"defne kalemci kx", "de ka",	   "kalemcio de",
					      "defne kx"};
	for (size_t k = 0; k < sizeof queries / sizeof queries[0]; k++) {
		check_pages(db, &m, &(struct party_filter){.q = queries[k]}, 37);
		check_pages(db, &m, &(struct party_filter){.q = queries[k]}, 500);
	}
	check_pages(db, &m, &(struct party_filter){.q = "kalemci", .neighbourhood_id = nb[1]}, 13);
	check_pages(db, &m, &(struct party_filter){.neighbourhood_id = nb[0]}, 13);
	check_pages(db, &m, &(struct party_filter){.kind = "citizen"}, 101);
	check_pages(db, &m, &(struct party_filter){.q = "kx", .kind = "citizen", .neighbourhood_id = nb[0]}, 7);
	json_t *none = party_list(db, &(struct party_filter){.kind = "institution"}, NULL, 50);
	assert_int_equal(json_array_size(json_object_get(none, "items")), 0);
	json_decref(none);
	/* a malformed cursor starts again from the top */
	json_t *p = party_list(db, NULL, "garbage", 5);
	json_t *q = party_list(db, NULL, NULL, 5);
	assert_true(json_equal(p, q));
	json_decref(p);
	json_decref(q);
	for (int i = 0; i < N_MANY; i++)
		free(m.names[i]);
}

/* Pages through the query's results with limit 50 (checking each page is in Turkish order after the last, each
 * row comes once and has every word, and only full or cut pages promise more). Returns the rows found; *cut
 * (OUT) the pages cut short by the search's row budget, *first_cut (OUT) whether the first page was. */
static int walk_search(struct db *db, const char *q, int *cut, bool *first_cut)
{
	char *prev_key = xstrdup(""), *after = NULL;
	int64_t prev_id = 0;
	int got = 0, pages = 0;
	*cut = 0;
	for (;;) {
		json_t *page = party_list(db, &(struct party_filter){.q = q}, after, 50);
		json_t *items = json_object_get(page, "items"), *it;
		bool truncated = json_is_true(json_object_get(page, "truncated"));
		size_t i;
		json_array_foreach(items, i, it)
		{
			const char *name = json_string_value(json_object_get(it, "name"));
			int64_t id = json_integer_value(json_object_get(it, "id"));
			assert_after(&prev_key, &prev_id, name, id);
			if (!expect_match(name, q))
				fail_msg("'%s' does not match '%s'", name, q);
			got++;
		}
		if (pages++ == 0)
			*first_cut = truncated;
		*cut += truncated;
		free(after);
		json_t *next = json_object_get(page, "next");
		after = json_is_string(next) ? xstrdup(json_string_value(next)) : NULL;
		if (after && !truncated)
			assert_int_equal(json_array_size(items), 50);
		if (truncated)
			assert_non_null(after); /* a cut page always goes on */
		json_decref(page);
		if (!after)
			break;
		assert_true(pages < 1000);
	}
	free(prev_key);
	return got;
}

/* Searches whose words are rare among the rows a plan reads (short prefixes found together on few parties)
 * test a bounded number of rows per page: such a page shows what it found (maybe nothing), says it was cut
 * short and continues where it stopped, so paging on still finds every match exactly once, in order. */
static void test_search_bounded(void **state)
{
	struct db *db = need(state);
	enum { COMMON = 1100 }; /* more than a page tests (parties.c: PROBES_MAX, 1,000) */
	char name[64];
	assert_int_equal(db_begin_write(db), 0);
	for (int i = 0; i < COMMON; i++) {
		/* first in Turkish order: 1,100 with one of 14 words "ya".."yn" and no x-word */
		snprintf(name, sizeof name, "Bbb Y%c", 'a' + i % 14);
		json_t *v = citizen(name, "", "", "");
		assert_true(party_save(db, "tester", 0, v) > 0);
		json_decref(v);
		/* then 1,100 with one of 20 words "xa".."xt" and no y-word */
		snprintf(name, sizeof name, "Zeki X%c", 'a' + i % 20);
		v = citizen(name, "", "", "");
		assert_true(party_save(db, "tester", 0, v) > 0);
		json_decref(v);
	}
	/* last, the 280 parties having both: more distinct pairs than the pair index merges */
	for (int i = 0; i < 20 * 14; i++) {
		snprintf(name, sizeof name, "Zzz X%c Y%c", 'a' + i % 20, 'a' + i / 20);
		json_t *v = citizen(name, "", "", "");
		assert_true(party_save(db, "tester", 0, v) > 0);
		json_decref(v);
	}
	assert_int_equal(db_commit(db), 0);
	int cut = 0;
	bool first_cut = false;
	/* plan "scan" (20 terms): the first parties in order hold no x-word */
	assert_int_equal(walk_search(db, "x", &cut, &first_cut), COMMON + 280);
	assert_true(first_cut);
	assert_true(cut >= 1);
	json_t *page = party_list(db, &(struct party_filter){.q = "x"}, NULL, 50);
	assert_int_equal(json_array_size(json_object_get(page, "items")), 0);
	assert_true(json_is_string(json_object_get(page, "next")));
	json_decref(page);
	/* plan "merge" of the y-terms testing the x-word: every y-row before the matches is read first */
	assert_int_equal(walk_search(db, "x y", &cut, &first_cut), 280);
	assert_true(first_cut);
	assert_int_equal(walk_search(db, "y x", &cut, &first_cut), 280);
	/* words found together at once are not cut: a common word alone, a pair of whole words */
	assert_int_equal(walk_search(db, "zeki", &cut, &first_cut), COMMON);
	assert_int_equal(cut, 0);
	assert_int_equal(walk_search(db, "xa ya", &cut, &first_cut), 1);
	assert_int_equal(cut, 0);
	assert_int_equal(walk_search(db, "zzz", &cut, &first_cut), 280);
	assert_int_equal(cut, 0);
	/* no party has both words: nothing, at once */
	assert_int_equal(walk_search(db, "bbb zeki", &cut, &first_cut), 0);
	assert_int_equal(cut, 0);
}

#define CASE(f, fixture) \
	cmocka_unit_test_prestate_setup_teardown(f, db_fixture_case_setup, db_fixture_case_teardown, fixture)
#define CASES(fixture)                                                                                           \
	CASE(test_save_get_mask, fixture), CASE(test_invalid_values_refused, fixture),                             \
		CASE(test_duplicate_tckn, fixture), CASE(test_duplicates_by_contact, fixture),                     \
		CASE(test_search_folded_words, fixture), CASE(test_search_phone_email_tckn, fixture),              \
		CASE(test_audit_masks_tckn, fixture), CASE(test_kvkk_dates, fixture),                              \
		CASE(test_pagination_every_plan, fixture), CASE(test_search_bounded, fixture)

int main(void)
{
	const struct CMUnitTest sqlite_cases[] = {CASES(&sqlite_be)};
	const struct CMUnitTest pg_cases[] = {CASES(&pg_be)};
	int failed = cmocka_run_group_tests_name("parties store, SQLite", sqlite_cases, NULL, NULL);
	failed += cmocka_run_group_tests_name("parties store, PostgreSQL", pg_cases, NULL, NULL);
	return failed;
}
