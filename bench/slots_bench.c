/* slots_bench.c: kalem-bench-slots, the time to find the free slots of one day over a year of a busy agenda.
 *
 *   kalem-bench-slots [--db URL] [--items 10000] [--iterations 20000]
 *
 * Makes an agenda of --items engagements and appointments over the working days of one year (a busy one: about
 * 40 a working day, 10 minutes each, half of them appointments), then times, per call, in microseconds (mean,
 * p50, p99, max):
 *   1. slots_find (core, no I/O) for one day given every item of the year: the worst input the pure finder can
 *      get (items not touching the day cost a comparison each);
 *   2. slots_find given the day's own items, as the store hands them over;
 *   3. agenda_find_slots: the whole path of GET /api/v1/slots minus HTTP: loading the day (plan, exception,
 *      holiday, settings, busy items through the index) from the database, and finding its slots.
 * The days asked about are random working days of that year. Without --db the agenda is written to a fresh SQLite
 * file in /tmp (removed afterwards) through agenda_book, the write path of the application.
 */
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

#define YEAR 2031
#define PER_DAY_START (8 * 60 + 30)
#define ITEM_MIN 10
#define STEP_MIN 13 /* 10 minutes of item, 3 free: 41 items fit in 08:30-17:30 */

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

static void report(const char *what, int64_t *ns, size_t n)
{
	qsort(ns, n, sizeof *ns, cmp_i64);
	double sum = 0;
	for (size_t i = 0; i < n; i++)
		sum += (double)ns[i];
	printf("%-64s mean %8.2f us  p50 %8.2f  p99 %8.2f  max %8.2f  (%zu calls)\n", what, sum / (double)n / 1000.0,
	       (double)ns[n / 2] / 1000.0, (double)ns[n * 99 / 100] / 1000.0, (double)ns[n - 1] / 1000.0, n);
}

/* The working days (Monday to Friday) of YEAR. */
static size_t working_days(int *out, size_t max)
{
	size_t n = 0;
	for (int ymd = YEAR * 10000 + 101; ymd / 10000 == YEAR && n < max; ymd = ymd_add_days(ymd, 1))
		if (ymd_weekday(ymd) < 5)
			out[n++] = ymd;
	return n;
}

/* The n items of the synthetic agenda: per working day, from 08:30 every STEP_MIN minutes, ITEM_MIN long;
 * every other one an appointment. */
static struct slot_busy *make_busy(const int *days, size_t n_days, size_t n)
{
	struct slot_busy *b = xcalloc(n, sizeof *b);
	size_t per_day = (n + n_days - 1) / n_days;
	for (size_t i = 0; i < n; i++) {
		int ymd = days[(i / per_day) % n_days];
		int min = PER_DAY_START + (int)(i % per_day) * STEP_MIN;
		int64_t start = unix_from_ymd_min(ymd, min);
		b[i] = (struct slot_busy){start, start + ITEM_MIN * 60, (int64_t)i + 1, i % 2 == 1};
	}
	return b;
}

static const struct plan_period plan[] = {
	{0, false, 510, 1050, NULL}, {1, false, 510, 1050, NULL}, {2, false, 510, 1050, NULL},
	{3, false, 510, 1050, NULL}, {4, false, 510, 1050, NULL}, {0, true, 720, 810, "Öğle arası"},
	{1, true, 720, 810, "Öğle arası"}, {2, true, 720, 810, "Öğle arası"}, {3, true, 720, 810, "Öğle arası"},
	{4, true, 720, 810, "Öğle arası"},
};

static void bench_core(const int *days, size_t n_days, const struct slot_busy *busy, size_t n_busy, int iterations)
{
	struct slot *out = xmalloc(SLOTS_MAX_PER_DAY * sizeof *out);
	int64_t *ns = xmalloc((size_t)iterations * sizeof *ns);
	struct slot_query q = {.duration_min = 30, .buffer_before_min = 10, .buffer_after_min = 10,
			       .granularity_min = 15};
	size_t found = 0;
	for (int i = 0; i < iterations; i++) {
		int ymd = days[(size_t)rand() % n_days];
		struct slot_day d;
		slots_day_build(&d, ymd, plan, sizeof plan / sizeof plan[0], NULL, NULL);
		enum slot_reason why;
		int64_t t0 = now_ns();
		found += slots_find(&d, busy, n_busy, &q, out, SLOTS_MAX_PER_DAY, &why);
		ns[i] = now_ns() - t0;
	}
	char what[128];
	snprintf(what, sizeof what, "slots_find, one day, all %zu items of the year given", n_busy);
	report(what, ns, (size_t)iterations);

	/* The day's own items only, as agenda_day_load hands them over. */
	struct slot_busy *own = xmalloc(n_busy * sizeof *own);
	for (int i = 0; i < iterations; i++) {
		int ymd = days[(size_t)rand() % n_days];
		int64_t lo = unix_from_ymd_min(ymd, 0), hi = lo + 86400;
		size_t k = 0;
		for (size_t j = 0; j < n_busy; j++)
			if (busy[j].start < hi && busy[j].end > lo)
				own[k++] = busy[j];
		struct slot_day d;
		slots_day_build(&d, ymd, plan, sizeof plan / sizeof plan[0], NULL, NULL);
		enum slot_reason why;
		int64_t t0 = now_ns();
		found += slots_find(&d, own, k, &q, out, SLOTS_MAX_PER_DAY, &why);
		ns[i] = now_ns() - t0;
	}
	report("slots_find, one day, its own items", ns, (size_t)iterations);
	printf("(slots found in all: %zu)\n", found);
	free(own);
	free(out);
	free(ns);
}

/* Writes the agenda through agenda_book in one transaction. Returns 0 or -1. */
static int fill(struct db *db, const struct slot_busy *busy, size_t n)
{
	if (db_begin_write(db) != 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		struct agenda_item it = {
			.kind = busy[i].appointment ? AGENDA_APPOINTMENT : AGENDA_ENGAGEMENT,
			.category = busy[i].appointment ? (i % 4 == 1 ? AGENDA_CAT_CITIZEN : AGENDA_CAT_INSTITUTION)
							: AGENDA_CAT_MEETING,
			.title = busy[i].appointment ? "Randevu" : "Toplantı",
			.starts_at = busy[i].start,
			.ends_at = busy[i].end,
		};
		int64_t id = agenda_book(db, "bench", &it, true, NULL);
		if (id <= 0) {
			fprintf(stderr, "kalem-bench-slots: booking %zu failed (%lld)\n", i, (long long)id);
			db_rollback(db);
			return -1;
		}
	}
	return db_commit(db);
}

static int bench_store(struct db *db, const int *days, size_t n_days, int iterations)
{
	struct slot *out = xmalloc(SLOTS_MAX_PER_DAY * sizeof *out);
	int64_t *ns = xmalloc((size_t)iterations * sizeof *ns);
	struct agenda_slot_request req = {30, -1, 0, NULL, 0};
	int rc = 0;
	for (int i = 0; i < 50 && rc == 0; i++) { /* warm the statement cache and the page cache */
		enum slot_reason why;
		rc = agenda_find_slots(db, days[(size_t)rand() % n_days], &req, out, SLOTS_MAX_PER_DAY, &why, NULL) < 0;
	}
	for (int i = 0; i < iterations && rc == 0; i++) {
		int ymd = days[(size_t)rand() % n_days];
		enum slot_reason why;
		int64_t t0 = now_ns();
		if (agenda_find_slots(db, ymd, &req, out, SLOTS_MAX_PER_DAY, &why, NULL) < 0)
			rc = -1;
		ns[i] = now_ns() - t0;
	}
	if (rc == 0) {
		char what[128];
		snprintf(what, sizeof what, "agenda_find_slots (%s: day load + find)",
			 db_kind(db) == DB_SQLITE ? "SQLite" : "PostgreSQL");
		report(what, ns, (size_t)iterations);
		struct agenda_day d;
		for (int i = 0; i < iterations; i++) {
			int64_t t0 = now_ns();
			agenda_day_load(db, days[(size_t)rand() % n_days], 0, &d);
			ns[i] = now_ns() - t0;
			agenda_day_free(&d);
		}
		report("  of which agenda_day_load", ns, (size_t)iterations);
	}
	free(out);
	free(ns);
	return rc;
}

int main(int argc, char **argv)
{
	const char *url = NULL;
	size_t n_items = 10000;
	int iterations = 20000;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--db") == 0 && i + 1 < argc)
			url = argv[++i];
		else if (strcmp(argv[i], "--items") == 0 && i + 1 < argc)
			n_items = (size_t)strtoul(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--iterations") == 0 && i + 1 < argc)
			iterations = atoi(argv[++i]);
		else {
			fprintf(stderr, "usage: kalem-bench-slots [--db URL] [--items 10000] [--iterations 20000]\n");
			return 2;
		}
	}
	if (n_items == 0 || iterations <= 0)
		return 2;
	srand(42);
	int days[400];
	size_t n_days = working_days(days, sizeof days / sizeof days[0]);
	struct slot_busy *busy = make_busy(days, n_days, n_items);
	printf("agenda: %zu items over the %zu working days of %d (%.1f a day)\n", n_items, n_days, YEAR,
	       (double)n_items / (double)n_days);
	bench_core(days, n_days, busy, n_items, iterations);

	char dir[64] = "", own_url[128];
	if (!url) {
		snprintf(dir, sizeof dir, "/tmp/kalem-bench-slots-XXXXXX");
		if (!mkdtemp(dir))
			return 1;
		snprintf(own_url, sizeof own_url, "sqlite:%s/k.db", dir);
		url = own_url;
	}
	struct db *db = db_open(url);
	int rc = 1;
	if (db && setup_database(db) == 0) {
		int64_t t0 = now_ns();
		if (fill(db, busy, n_items) == 0) {
			printf("written through agenda_book in %.2f s\n", (double)(now_ns() - t0) / 1e9);
			rc = bench_store(db, days, n_days, iterations) == 0 ? 0 : 1;
		}
	}
	db_close(db);
	if (dir[0]) {
		static const char *const suffixes[] = {"", "-wal", "-shm"};
		for (size_t i = 0; i < 3; i++) {
			char path[160];
			snprintf(path, sizeof path, "%s/k.db%s", dir, suffixes[i]);
			unlink(path);
		}
		rmdir(dir);
	}
	free(busy);
	return rc;
}
