/* booking_bench.c: kalem-bench-booking, the booking throughput of the agenda on SQLite (issue #3 Performance).
 *
 *   kalem-bench-booking [--dir DIR] [--bookings 2000] [--sync full|normal|both]
 *
 * For each synchronous setting (FULL, the server's default, set in src/store/db_sqlite.c, and NORMAL for
 * comparison) and for 1, 2 and 4 threads, a fresh SQLite database is made in DIR (default /var/tmp: the same disk
 * as the application's data) through db_open + setup_database, and --bookings appointments are booked on free
 * slots over many working days, each in its own write transaction as the server books one: db_begin_write (the
 * process's writer lock, BEGIN IMMEDIATE), agenda_book (the day's conflict check, the insert, the audit event),
 * db_commit (the fsync that synchronous asks for). Each thread has its own connection and its own days, so no
 * booking conflicts; writers are serialised by the lock, so more threads show the cost of contention, not more
 * throughput. Printed: bookings/s, and the time per booking (mean, p50, p99, max) from db_begin_write's call,
 * waiting for the lock included, to db_commit's return.
 * Last, a bare loop of BEGIN IMMEDIATE + one INSERT of a small row + COMMIT through the same db.h calls, on a
 * fresh database in the same directory with the same settings: the floor a single durable write costs on this
 * disk, for the ratio.
 * The free slots are found beforehand (agenda_find_slots on the empty agenda, not timed), 30-minute institution
 * appointments (no daily cap) spaced 20 minutes apart so that the 10-minute buffer never conflicts.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "core/bizcal.h"
#include "core/slots.h"
#include "store/agenda.h"
#include "store/db.h"
#include "store/setup.h"
#include "util/xalloc.h"

#define FIRST_DAY 20320105 /* a Monday; the agenda of 2032 onwards is empty, and never "past" */
#define DURATION_MIN 30
#define GAP_MIN 20 /* twice the default buffer: a booking never comes too close to the one before */
#define MAX_THREADS 4

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

static int cmp_slot(const void *a, const void *b)
{
	const struct slot *x = a, *y = b;
	return (x->start > y->start) - (x->start < y->start);
}

/* Prints throughput over wall_ns and the per-operation times of ns (n values, sorted here). */
static void report(const char *what, int64_t *ns, size_t n, int64_t wall_ns)
{
	qsort(ns, n, sizeof *ns, cmp_i64);
	double sum = 0;
	for (size_t i = 0; i < n; i++)
		sum += (double)ns[i];
	printf("%-40s %8.0f /s   mean %7.3f ms  p50 %7.3f  p99 %7.3f  max %7.3f  (%zu in %.2f s)\n", what,
	       (double)n / ((double)wall_ns / 1e9), sum / (double)n / 1e6, (double)ns[n / 2] / 1e6,
	       (double)ns[n * 99 / 100] / 1e6, (double)ns[n - 1] / 1e6, n, (double)wall_ns / 1e9);
	fflush(stdout);
}

/* Opens url and applies synchronous (FULL or NORMAL), checking SQLite took it. Returns NULL on failure. */
static struct db *open_with(const char *url, const char *sync)
{
	struct db *db = db_open(url);
	if (!db)
		return NULL;
	char sql[64];
	snprintf(sql, sizeof sql, "PRAGMA synchronous=%s", sync);
	int64_t want = strcmp(sync, "FULL") == 0 ? 2 : 1;
	if (db_exec_script(db, sql) != 0 || db_query_int(db, "PRAGMA synchronous", -1) != want) {
		fprintf(stderr, "kalem-bench-booking: cannot set synchronous=%s\n", sync);
		db_close(db);
		return NULL;
	}
	return db;
}

/* A fresh database file name in dir (the old one of that name and its WAL removed). */
static void fresh_path(const char *dir, const char *name, char *url, size_t urlsz)
{
	static const char *const suffixes[] = {"", "-wal", "-shm"};
	for (size_t i = 0; i < 3; i++) {
		char path[640];
		snprintf(path, sizeof path, "%s/%s%s", dir, name, suffixes[i]);
		unlink(path);
	}
	snprintf(url, urlsz, "sqlite:%s/%s", dir, name);
}

static void remove_db(const char *url)
{
	static const char *const suffixes[] = {"", "-wal", "-shm"};
	for (size_t i = 0; i < 3; i++) {
		char path[640];
		snprintf(path, sizeof path, "%s%s", url + strlen("sqlite:"), suffixes[i]);
		unlink(path);
	}
}

/* Free starts of 30-minute bookings, GAP_MIN apart, over the working days from FIRST_DAY; day by day, each day's
 * slots together. Fills starts (at most max) and day_of (the index of the day of each). Returns how many. */
static size_t plan_slots(struct db *db, int64_t *starts, int *day_of, size_t max)
{
	struct agenda_slot_request req = {DURATION_MIN, AGENDA_CAT_INSTITUTION, 0, NULL, 0};
	struct slot *found = xmalloc(SLOTS_MAX_PER_DAY * sizeof *found);
	size_t n = 0;
	int day_index = 0;
	for (int ymd = FIRST_DAY; n < max && ymd < FIRST_DAY + 200000; ymd = ymd_add_days(ymd, 1)) {
		enum slot_reason why;
		int k = agenda_find_slots(db, ymd, &req, found, SLOTS_MAX_PER_DAY, &why, NULL);
		if (k <= 0)
			continue; /* a weekend, a holiday, or an error (then the bookings fail loudly) */
		qsort(found, (size_t)k, sizeof *found, cmp_slot);
		int64_t next = 0;
		for (int i = 0; i < k && n < max; i++) {
			if (found[i].start < next)
				continue;
			starts[n] = found[i].start;
			day_of[n++] = day_index;
			next = found[i].start + (DURATION_MIN + GAP_MIN) * 60;
		}
		day_index++;
	}
	free(found);
	return n;
}

struct worker {
	struct db *db;
	const int64_t *starts; /* this worker's slots */
	size_t n;
	int64_t *ns;           /* OUT: time of each booking */
	int failed;            /* OUT: bookings that did not commit */
};

static void *book_all(void *arg)
{
	struct worker *w = arg;
	for (size_t i = 0; i < w->n; i++) {
		struct agenda_item it = {
			.kind = AGENDA_APPOINTMENT,
			.category = AGENDA_CAT_INSTITUTION,
			.title = "Kurum randevusu: Meram Esnaf Odası",
			.location = "Başkanlık makamı",
			.starts_at = w->starts[i],
			.ends_at = w->starts[i] + DURATION_MIN * 60,
			.source_type = "bench",
		};
		int64_t t0 = now_ns();
		int64_t id = -1;
		if (db_begin_write(w->db) == 0) {
			id = agenda_book(w->db, "bench", &it, false, NULL);
			if (id > 0) {
				if (db_commit(w->db) != 0)
					id = -1;
			} else {
				db_rollback(w->db);
			}
		}
		w->ns[i] = now_ns() - t0;
		if (id <= 0 && w->failed++ == 0)
			fprintf(stderr, "kalem-bench-booking: booking at %lld failed (%lld)\n", (long long)it.starts_at,
				(long long)id);
	}
	return NULL;
}

/* Books n appointments with threads workers on a fresh database. Returns 0, or -1 when any booking failed. */
static int bench_bookings(const char *dir, const char *sync, int threads, size_t n)
{
	char url[512];
	fresh_path(dir, "booking.db", url, sizeof url);
	int rc = -1;
	struct db *conns[MAX_THREADS] = {NULL};
	int64_t *starts = xmalloc(n * sizeof *starts), *ns = xmalloc(n * sizeof *ns);
	int *day_of = xmalloc(n * sizeof *day_of);
	int64_t *mine = xmalloc(n * sizeof *mine);
	struct worker w[MAX_THREADS];
	memset(w, 0, sizeof w);

	conns[0] = open_with(url, sync);
	if (!conns[0] || setup_database(conns[0]) != 0)
		goto out;
	size_t have = plan_slots(conns[0], starts, day_of, n);
	if (have < n) {
		fprintf(stderr, "kalem-bench-booking: only %zu free slots found\n", have);
		goto out;
	}
	for (int t = 1; t < threads; t++)
		if (!(conns[t] = open_with(url, sync)))
			goto out;
	/* Worker t gets whole days t, t + threads, ...: its bookings never meet another worker's. */
	size_t at = 0;
	for (int t = 0; t < threads; t++) {
		w[t] = (struct worker){conns[t], mine + at, 0, ns + at, 0};
		for (size_t i = 0; i < n; i++)
			if (day_of[i] % threads == t)
				mine[at + w[t].n++] = starts[i];
		at += w[t].n;
	}
	pthread_t tid[MAX_THREADS];
	int64_t t0 = now_ns();
	for (int t = 0; t < threads; t++)
		pthread_create(&tid[t], NULL, book_all, &w[t]);
	int failed = 0;
	for (int t = 0; t < threads; t++) {
		pthread_join(tid[t], NULL);
		failed += w[t].failed;
	}
	int64_t wall = now_ns() - t0;
	int64_t booked = db_query_int(conns[0], "SELECT COUNT(*) FROM agenda_items WHERE kind = 'appointment'", -1);
	char what[96];
	snprintf(what, sizeof what, "agenda_book, synchronous=%s, %d thread%s", sync, threads, threads > 1 ? "s" : "");
	report(what, ns, n, wall);
	if (failed || booked != (int64_t)n)
		fprintf(stderr, "kalem-bench-booking: %d bookings failed; %lld stored of %zu\n", failed, (long long)booked,
			n);
	else
		rc = 0;
out:
	for (int t = 0; t < MAX_THREADS; t++)
		db_close(conns[t]);
	remove_db(url);
	free(starts);
	free(ns);
	free(day_of);
	free(mine);
	return rc;
}

/* n transactions of one small INSERT each, on a fresh database with the same settings. Returns 0 or -1. */
static int bench_bare(const char *dir, const char *sync, size_t n)
{
	static const char sql_insert[] = "INSERT INTO bare (at, note) VALUES (?, ?)";
	char url[512];
	fresh_path(dir, "bare.db", url, sizeof url);
	int rc = -1;
	int64_t *ns = xmalloc(n * sizeof *ns);
	struct db *db = open_with(url, sync);
	if (!db || db_exec_script(db, "CREATE TABLE bare (id INTEGER PRIMARY KEY, at BIGINT NOT NULL, note TEXT)") != 0)
		goto out;
	int64_t t0 = now_ns();
	for (size_t i = 0; i < n; i++) {
		int64_t s = now_ns();
		if (db_begin_write(db) != 0)
			goto out;
		struct db_stmt *st = db_prep(db, sql_insert);
		if (!st) {
			db_rollback(db);
			goto out;
		}
		db_bind_int(st, 1, (int64_t)i);
		db_bind_text(st, 2, "Kurum randevusu: Meram Esnaf Odası");
		if (db_step(st) != DB_OK) {
			db_rollback(db);
			goto out;
		}
		if (db_commit(db) != 0)
			goto out;
		ns[i] = now_ns() - s;
	}
	int64_t wall = now_ns() - t0;
	char what[96];
	snprintf(what, sizeof what, "bare INSERT + COMMIT, synchronous=%s", sync);
	report(what, ns, n, wall);
	rc = 0;
out:
	db_close(db);
	remove_db(url);
	free(ns);
	return rc;
}

int main(int argc, char **argv)
{
	const char *dir_arg = "/var/tmp", *sync_arg = "both";
	size_t n = 2000;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--dir") == 0 && i + 1 < argc)
			dir_arg = argv[++i];
		else if (strcmp(argv[i], "--bookings") == 0 && i + 1 < argc)
			n = (size_t)strtoul(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--sync") == 0 && i + 1 < argc)
			sync_arg = argv[++i];
		else {
			fprintf(stderr, "usage: kalem-bench-booking [--dir DIR] [--bookings 2000] [--sync full|normal|both]\n");
			return 2;
		}
	}
	if (n < 100 || n > 1000000 || (strcmp(sync_arg, "full") != 0 && strcmp(sync_arg, "normal") != 0 &&
					strcmp(sync_arg, "both") != 0)) {
		fprintf(stderr, "kalem-bench-booking: --bookings 100..1000000, --sync full, normal or both\n");
		return 2;
	}
	char dir[256];
	if ((size_t)snprintf(dir, sizeof dir, "%s/kalem-bench-booking-XXXXXX", dir_arg) >= sizeof dir) {
		fprintf(stderr, "kalem-bench-booking: --dir is too long\n");
		return 2;
	}
	if (!mkdtemp(dir)) {
		perror("kalem-bench-booking: mkdtemp");
		return 1;
	}
	printf("booking %zu appointments per run into fresh SQLite databases in %s (%s)\n", n, dir_arg,
	       "one write transaction each: lock, conflict check, insert, audit, commit");
	int rc = 0;
	static const char *const syncs[] = {"FULL", "NORMAL"};
	static const int thread_counts[] = {1, 2, 4};
	for (size_t s = 0; s < 2 && rc == 0; s++) {
		if ((s == 0 && strcmp(sync_arg, "normal") == 0) || (s == 1 && strcmp(sync_arg, "full") == 0))
			continue;
		for (size_t t = 0; t < 3 && rc == 0; t++)
			rc = bench_bookings(dir, syncs[s], thread_counts[t], n);
		if (rc == 0)
			rc = bench_bare(dir, syncs[s], n);
	}
	rmdir(dir);
	return rc == 0 ? 0 : 1;
}
