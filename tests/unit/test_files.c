/* test_files.c: uploaded files (store/files.h): stored by their bytes' type, named by SHA-256, read back and checked,
 * shared when the bytes repeat, refused when empty, too large or of the wrong type, hostile names sanitised, damage on
 * disk detected, links to records; on SQLite and, with KALEM_TEST_PG_URL, PostgreSQL. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "db_fixture.h"
#include "json_fields.h"
#include "store/audit.h"
#include "store/db.h"
#include "store/files.h"

#define PG_SCHEMA "test_files"

/* A valid 1x1 PNG. */
static const unsigned char png[] = "\x89\x50\x4e\x47\x0d\x0a\x1a\x0a\x00\x00\x00\x0d\x49\x48\x44\x52\x00\x00\x00\x01\x00"
				   "\x00\x00\x01\x08\x02\x00\x00\x00\x90\x77\x53\xde\x00\x00\x00\x0c\x49\x44\x41\x54"
				   "\x78\x9c\x63\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef\x00\x00\x00\x00"
				   "\x49\x45\x4e\x44\xae\x42\x60\x82";
#define PNG_LEN (sizeof png - 1)
static const char pdf[] = "%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages "
			  "/Kids [] /Count 0 >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n";
static const unsigned char jpeg[] = "\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
				    "\xff\xdb\x00\x43\x00\x08\x06\x06\x07\x06\x05\x08\x07\x07\x07\x09\x09";
static const char text[] = "Sayın Başkanım, mahallemizdeki sokak lambaları yanmıyor.\n";

struct env {
	struct db_fixture fx;
	char tmp[64];
	char files_dir[96];
};

static struct env sqlite_env = {.fx = {.kind = DB_SQLITE, .name = PG_SCHEMA}};
static struct env pg_env = {.fx = {.kind = DB_POSTGRES, .name = PG_SCHEMA}};

static int env_setup(struct env *e)
{
	snprintf(e->tmp, sizeof e->tmp, "/tmp/kalem-files-XXXXXX");
	if (!mkdtemp(e->tmp))
		return -1;
	/* Not created beforehand: file_store makes it. */
	snprintf(e->files_dir, sizeof e->files_dir, "%s/files", e->tmp);
	return db_fixture_setup(&e->fx);
}

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int env_teardown(void **state)
{
	struct env *e = *state;
	db_fixture_teardown(&e->fx);
	nftw(e->tmp, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	return 0;
}

static int sqlite_setup(void **state)
{
	*state = &sqlite_env;
	return env_setup(&sqlite_env);
}

static int pg_setup(void **state)
{
	*state = &pg_env;
	return env_setup(&pg_env);
}

static struct db *need(void **state)
{
	return db_fixture_need(&((struct env *)*state)->fx);
}

static const char *dir_of(void **state)
{
	return ((struct env *)*state)->files_dir;
}

/* Stores in its own committed transaction; returns file_store's result. */
static int64_t store(void **state, const char *name, const void *data, size_t len, size_t max,
		     const char *const *allowed)
{
	struct db *db = need(state);
	assert_int_equal(db_begin_write(db), 0);
	int64_t id = file_store(db, dir_of(state), "sec1", name, data, len, max, allowed);
	if (id > 0)
		assert_int_equal(db_commit(db), 0);
	else
		db_rollback(db);
	return id;
}

static int64_t count_rows(struct db *db, const char *sql)
{
	return db_query_int(db, sql, -1);
}

static const char SQL_COUNT_FILES[] = "SELECT COUNT(*) FROM files";

/* Regular files under dir/xx/, temporary ones included. */
static int files_on_disk(const char *dir)
{
	int n = 0;
	DIR *top = opendir(dir);
	if (!top)
		return 0;
	struct dirent *d;
	while ((d = readdir(top))) {
		if (d->d_name[0] == '.')
			continue;
		char sub[512];
		snprintf(sub, sizeof sub, "%s/%s", dir, d->d_name);
		DIR *s = opendir(sub);
		assert_non_null(s);
		struct dirent *f;
		while ((f = readdir(s)))
			if (strcmp(f->d_name, ".") != 0 && strcmp(f->d_name, "..") != 0)
				n++;
		closedir(s);
	}
	closedir(top);
	return n;
}

static void sha_hex(const void *data, size_t len, char out[65])
{
	unsigned char d[32];
	crypto_hash_sha256(d, data, len);
	sodium_bin2hex(out, 65, d, sizeof d);
}

/* ---- cases ---- */

static void test_sniff_judges_bytes(void **state)
{
	(void)state;
	char mime[64];
	assert_int_equal(files_sniff(png, PNG_LEN, mime), 0);
	assert_string_equal(mime, "image/png");
	assert_int_equal(files_sniff(pdf, strlen(pdf), mime), 0);
	assert_string_equal(mime, "application/pdf");
	assert_int_equal(files_sniff(jpeg, sizeof jpeg - 1, mime), 0);
	assert_string_equal(mime, "image/jpeg");
	assert_int_equal(files_sniff(text, strlen(text), mime), 0);
	assert_string_equal(mime, "text/plain");
}

static void test_store_and_read_back(void **state)
{
	struct db *db = need(state);
	int64_t id = store(state, "dilekçe.png", png, PNG_LEN, 0, NULL);
	assert_true(id > 0);
	char sha[65];
	sha_hex(png, PNG_LEN, sha);
	json_t *f = file_get(db, id);
	assert_non_null(f);
	assert_int_equal(field_int(f, "id"), id);
	assert_string_equal(field_str(f, "sha256"), sha);
	assert_string_equal(field_str(f, "mime"), "image/png");
	assert_int_equal(field_int(f, "size"), PNG_LEN);
	assert_string_equal(field_str(f, "name"), "dilekçe.png");
	assert_string_equal(field_str(f, "created_by"), "sec1");
	assert_true(field_int(f, "created_at") > 1700000000);
	json_decref(f);

	/* Named by the digest, in the directory of its first two hex digits, not readable by others. */
	char path[256];
	snprintf(path, sizeof path, "%s/%.2s/%s", dir_of(state), sha, sha);
	struct stat sb;
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_size, (off_t)PNG_LEN);
	assert_int_equal(sb.st_mode & 0777, 0640);

	void *data = NULL;
	size_t len = 0;
	assert_int_equal(file_read(db, dir_of(state), id, &data, &len), 0);
	assert_int_equal(len, PNG_LEN);
	assert_memory_equal(data, png, PNG_LEN);
	free(data);

	assert_null(file_get(db, id + 1000));
	assert_int_equal(file_read(db, dir_of(state), id + 1000, &data, &len), -1);
	assert_null(data);

	json_t *events = audit_list(db, NULL, "file", NULL, "file.store", 0, 10);
	assert_int_equal(json_array_size(events), 1);
	json_decref(events);
}

static void test_same_bytes_share_a_file(void **state)
{
	struct db *db = need(state);
	int64_t a = store(state, "first.pdf", pdf, strlen(pdf), 0, NULL);
	int64_t b = store(state, "second.pdf", pdf, strlen(pdf), 0, NULL);
	assert_true(a > 0 && b > 0 && a != b);
	json_t *fa = file_get(db, a), *fb = file_get(db, b);
	assert_string_equal(field_str(fa, "sha256"), field_str(fb, "sha256"));
	assert_string_equal(field_str(fa, "mime"), "application/pdf");
	assert_string_equal(field_str(fb, "name"), "second.pdf");
	json_decref(fa);
	json_decref(fb);
	assert_int_equal(files_on_disk(dir_of(state)), 1); /* one file, no temporary left behind */
	assert_int_equal(store(state, "x.png", png, PNG_LEN, 0, NULL) > 0, 1);
	assert_int_equal(files_on_disk(dir_of(state)), 2);

	/* A damaged copy of the same length would be caught by file_read; a torn one of the wrong size is rewritten
	 * on the next store of the same bytes. */
	char sha[65], path[256];
	sha_hex(pdf, strlen(pdf), sha);
	snprintf(path, sizeof path, "%s/%.2s/%s", dir_of(state), sha, sha);
	assert_int_equal(truncate(path, 10), 0);
	void *data = NULL;
	size_t len;
	assert_int_equal(file_read(db, dir_of(state), a, &data, &len), FILE_ERROR);
	assert_true(store(state, "third.pdf", pdf, strlen(pdf), 0, NULL) > 0);
	assert_int_equal(file_read(db, dir_of(state), a, &data, &len), 0);
	assert_int_equal(len, strlen(pdf));
	free(data);
}

static void test_type_comes_from_the_bytes(void **state)
{
	struct db *db = need(state);
	int64_t id = store(state, "scan.pdf", png, PNG_LEN, 0, NULL);
	assert_true(id > 0);
	json_t *f = file_get(db, id);
	assert_string_equal(field_str(f, "mime"), "image/png");
	json_decref(f);

	int64_t before = count_rows(db, SQL_COUNT_FILES);
	int disk = files_on_disk(dir_of(state));
	assert_int_equal(store(state, "petition.pdf", text, strlen(text), 0, NULL), FILE_BAD_TYPE);
	/* Allowed types are the caller's to choose: a PNG is refused where only PDF is allowed. */
	static const char *const only_pdf[] = {"application/pdf", NULL};
	assert_int_equal(store(state, "scan.png", png, PNG_LEN, 0, only_pdf), FILE_BAD_TYPE);
	assert_true(store(state, "scan.pdf", pdf, strlen(pdf), 0, only_pdf) > 0);
	static const char *const with_text[] = {"text/plain", NULL};
	assert_true(store(state, "note.pdf", text, strlen(text), 0, with_text) > 0);
	assert_int_equal(count_rows(db, SQL_COUNT_FILES), before + 2);
	assert_int_equal(files_on_disk(dir_of(state)), disk + 2);
}

static void test_size_limits(void **state)
{
	struct db *db = need(state);
	assert_int_equal(store(state, "a.png", png, 0, 0, NULL), FILE_EMPTY);
	assert_int_equal(store(state, "a.png", NULL, 0, 0, NULL), FILE_EMPTY);
	assert_int_equal(store(state, "a.png", png, PNG_LEN, PNG_LEN - 1, NULL), FILE_TOO_LARGE);
	assert_int_equal(count_rows(db, SQL_COUNT_FILES), 0);
	assert_int_equal(files_on_disk(dir_of(state)), 0);
	assert_true(store(state, "a.png", png, PNG_LEN, PNG_LEN, NULL) > 0); /* exactly the limit */

	/* The default limit. */
	size_t big = FILES_MAX_DEFAULT + 1;
	unsigned char *data = calloc(1, big);
	memcpy(data, pdf, strlen(pdf));
	assert_int_equal(store(state, "big.pdf", data, big, 0, NULL), FILE_TOO_LARGE);
	free(data);
}

static void check_name(void **state, const char *given, const char *kept)
{
	struct db *db = need(state);
	int64_t id = store(state, given, png, PNG_LEN, 0, NULL);
	assert_true(id > 0);
	json_t *f = file_get(db, id);
	if (strcmp(field_str(f, "name"), kept) != 0)
		fail_msg("name '%s' kept as '%s', want '%s'", given ? given : "(null)", field_str(f, "name"), kept);
	json_decref(f);
}

static void test_hostile_names(void **state)
{
	check_name(state, "../../etc/passwd", "passwd");
	check_name(state, "..\\..\\windows\\win.ini", "win.ini");
	check_name(state, "C:\\Belgeler\\şikâyet dilekçesi.pdf", "şikâyet dilekçesi.pdf");
	check_name(state, "a\x01" "b\nc\r\td\x7f.pdf", "abcd.pdf");
	check_name(state, "x\xc2\x85y.pdf", "xy.pdf");     /* C1 control (NEL) */
	check_name(state, "bad\xff\xfeutf8.pdf", "badutf8.pdf"); /* invalid UTF-8 bytes */
	check_name(state, "", "file");
	check_name(state, NULL, "file");
	check_name(state, "../", "file");
	check_name(state, "..", "file");
	check_name(state, "  spaced.png  ", "spaced.png");
	char longname[400];
	memset(longname, 'a', sizeof longname);
	memcpy(longname + 250, ".png", 5);
	struct db *db = need(state);
	int64_t id = store(state, longname, png, PNG_LEN, 0, NULL);
	json_t *f = file_get(db, id);
	assert_int_equal(strlen(field_str(f, "name")), 200);
	json_decref(f);
	/* Never cuts a character in two: 150 two-byte letters keep 100 of them. */
	char turkish[301] = "";
	for (int i = 0; i < 150; i++)
		strcat(turkish, "ş");
	id = store(state, turkish, png, PNG_LEN, 0, NULL);
	f = file_get(db, id);
	assert_int_equal(strlen(field_str(f, "name")), 200);
	assert_memory_equal(field_str(f, "name"), turkish, 200);
	json_decref(f);
	/* Whatever the name, the bytes live only under files_dir. */
	assert_int_equal(access("/tmp/etc/passwd", F_OK), -1);
	assert_int_equal(files_on_disk(dir_of(state)), 1);
}

static void test_damage_is_detected(void **state)
{
	struct db *db = need(state);
	int64_t id = store(state, "scan.png", png, PNG_LEN, 0, NULL);
	char sha[65], path[256];
	sha_hex(png, PNG_LEN, sha);
	snprintf(path, sizeof path, "%s/%.2s/%s", dir_of(state), sha, sha);
	int fd = open(path, O_WRONLY);
	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, "X", 1, 40), 1); /* same size, one byte changed */
	close(fd);
	void *data = (void *)1;
	size_t len = 99;
	assert_int_equal(file_read(db, dir_of(state), id, &data, &len), FILE_ERROR);
	assert_null(data);
	assert_int_equal(len, 0);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(file_read(db, dir_of(state), id, &data, &len), FILE_ERROR);
}

static void test_links(void **state)
{
	struct db *db = need(state);
	int64_t petition = store(state, "petition.pdf", pdf, strlen(pdf), 0, NULL);
	int64_t photo = store(state, "photo.png", png, PNG_LEN, 0, NULL);
	assert_int_equal(db_begin_write(db), 0);
	int64_t l1 = file_link(db, "sec1", petition, "application", 7, "petition");
	int64_t l2 = file_link(db, "sec1", photo, "application", 7, "attachment");
	int64_t l3 = file_link(db, "dir1", photo, "application_route", 3, "answer");
	assert_true(l1 > 0 && l2 > l1 && l3 > l2);
	/* Refused without harming the transaction (PostgreSQL would abort it on a failed constraint). */
	assert_int_equal(file_link(db, "sec1", photo, "application", 7, "selfie"), -1);
	assert_int_equal(file_link(db, "sec1", photo + 1000, "application", 7, "petition"), -1);
	assert_int_equal(file_link(db, "sec1", photo, "", 7, "petition"), -1);
	int64_t l4 = file_link(db, "sec1", petition, "application", 8, "receipt");
	assert_true(l4 > l3);
	assert_int_equal(db_commit(db), 0);

	json_t *list = files_for_record(db, "application", 7);
	assert_int_equal(json_array_size(list), 2);
	json_t *a = json_array_get(list, 0), *b = json_array_get(list, 1);
	assert_int_equal(field_int(a, "id"), petition);
	assert_string_equal(field_str(a, "role"), "petition");
	assert_int_equal(field_int(a, "link_id"), l1);
	assert_string_equal(field_str(a, "name"), "petition.pdf");
	assert_string_equal(field_str(a, "mime"), "application/pdf");
	assert_int_equal(field_int(b, "id"), photo);
	assert_string_equal(field_str(b, "role"), "attachment");
	json_decref(list);
	list = files_for_record(db, "application", 99);
	assert_non_null(list);
	assert_int_equal(json_array_size(list), 0);
	json_decref(list);

	assert_true(file_linked_to(db, petition, "application", 7));
	assert_true(file_linked_to(db, photo, "application_route", 3));
	assert_false(file_linked_to(db, petition, "application_route", 3));
	assert_false(file_linked_to(db, petition, "application", 9));
	assert_false(file_linked_to(db, photo, "application", 8));

	/* From the file's side: every record it is linked to, oldest link first. */
	json_t *links = file_links(db, photo);
	assert_int_equal(json_array_size(links), 2);
	a = json_array_get(links, 0);
	b = json_array_get(links, 1);
	assert_string_equal(field_str(a, "record_type"), "application");
	assert_int_equal(field_int(a, "record_id"), 7);
	assert_string_equal(field_str(a, "role"), "attachment");
	assert_string_equal(field_str(b, "record_type"), "application_route");
	assert_int_equal(field_int(b, "record_id"), 3);
	assert_string_equal(field_str(b, "role"), "answer");
	json_decref(links);
	links = file_links(db, petition);
	assert_int_equal(json_array_size(links), 2);
	assert_int_equal(field_int(json_array_get(links, 1), "record_id"), 8);
	assert_string_equal(field_str(json_array_get(links, 1), "role"), "receipt");
	json_decref(links);
	/* A file linked to nothing (a row of its own, though its bytes are the photo's), and no file at all. */
	int64_t loose = store(state, "loose.png", png, PNG_LEN, 0, NULL);
	assert_true(loose > photo);
	links = file_links(db, loose);
	assert_non_null(links);
	assert_int_equal(json_array_size(links), 0);
	json_decref(links);
	links = file_links(db, loose + 1000);
	assert_non_null(links);
	assert_int_equal(json_array_size(links), 0);
	json_decref(links);

	json_t *events = audit_list(db, NULL, "application", "7", "file.link", 0, 10);
	assert_int_equal(json_array_size(events), 2);
	json_decref(events);
}

static void test_store_follows_the_transaction(void **state)
{
	struct db *db = need(state);
	assert_true(file_store(db, dir_of(state), "sec1", "a.png", png, PNG_LEN, 0, NULL) < 0); /* no transaction */
	assert_int_equal(db_begin_write(db), 0);
	int64_t id = file_store(db, dir_of(state), "sec1", "a.png", png, PNG_LEN, 0, NULL);
	assert_true(id > 0);
	db_rollback(db);
	assert_null(file_get(db, id));
	assert_int_equal(count_rows(db, SQL_COUNT_FILES), 0);
}

#define CASES(setup)                                                                                              \
	cmocka_unit_test_setup_teardown(test_store_and_read_back, setup, env_teardown),                            \
		cmocka_unit_test_setup_teardown(test_same_bytes_share_a_file, setup, env_teardown),                \
		cmocka_unit_test_setup_teardown(test_type_comes_from_the_bytes, setup, env_teardown),              \
		cmocka_unit_test_setup_teardown(test_size_limits, setup, env_teardown),                            \
		cmocka_unit_test_setup_teardown(test_hostile_names, setup, env_teardown),                          \
		cmocka_unit_test_setup_teardown(test_damage_is_detected, setup, env_teardown),                     \
		cmocka_unit_test_setup_teardown(test_links, setup, env_teardown),                                  \
		cmocka_unit_test_setup_teardown(test_store_follows_the_transaction, setup, env_teardown)

int main(void)
{
	const struct CMUnitTest common[] = {cmocka_unit_test(test_sniff_judges_bytes)};
	const struct CMUnitTest sqlite_cases[] = {CASES(sqlite_setup)};
	const struct CMUnitTest pg_cases[] = {CASES(pg_setup)};
	int failed = cmocka_run_group_tests_name("files, sniffing", common, NULL, NULL);
	failed += cmocka_run_group_tests_name("files, SQLite", sqlite_cases, NULL, NULL);
	failed += cmocka_run_group_tests_name("files, PostgreSQL", pg_cases, NULL, NULL);
	return failed;
}
