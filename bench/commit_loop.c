/* commit_loop.c: kalem-bench-commit-loop, the bare SQLite commit rate of a disk: one INSERT and COMMIT per
 * transaction in WAL mode with synchronous=FULL (what the server uses), for a fixed time; the ceiling any write
 * request can reach on that disk, for the Open311 POST figure's ratio (docs/PERFORMANCE.md).
 *
 *   kalem-bench-commit-loop --db PATH [--seconds S] [--synchronous FULL|NORMAL] [--bytes N]
 *
 * PATH is created (with -wal and -shm beside it) and removed at the end; it must not exist. Each row carries N
 * bytes of text (default 600, about an application's row). Prints "commits/s" and a machine-readable RESULT line.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int exec(sqlite3 *db, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		fprintf(stderr, "kalem-bench-commit-loop: %s: %s\n", sql, msg ? msg : "failed");
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *path = NULL, *sync = "FULL";
	double seconds = 10;
	int bytes = 600;
	for (int i = 1; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--db") == 0)
			path = argv[i + 1];
		else if (strcmp(argv[i], "--seconds") == 0)
			seconds = atof(argv[i + 1]);
		else if (strcmp(argv[i], "--synchronous") == 0)
			sync = argv[i + 1];
		else if (strcmp(argv[i], "--bytes") == 0)
			bytes = atoi(argv[i + 1]);
	}
	if (!path || argc % 2 == 0 || seconds <= 0 || seconds > 600 || bytes < 0 || bytes > 100000 ||
	    (strcmp(sync, "FULL") != 0 && strcmp(sync, "NORMAL") != 0)) {
		fputs("usage: kalem-bench-commit-loop --db PATH [--seconds S] [--synchronous FULL|NORMAL] [--bytes N]\n",
		      stderr);
		return 2;
	}
	if (access(path, F_OK) == 0) {
		fprintf(stderr, "kalem-bench-commit-loop: '%s' exists; give a new file\n", path);
		return 2;
	}
	sqlite3 *db = NULL;
	if (sqlite3_open(path, &db) != SQLITE_OK) {
		fprintf(stderr, "kalem-bench-commit-loop: cannot open '%s'\n", path);
		return 1;
	}
	char pragmas[128];
	snprintf(pragmas, sizeof pragmas, "PRAGMA journal_mode=WAL; PRAGMA synchronous=%s;", sync);
	int rc = 1;
	sqlite3_stmt *ins = NULL;
	char *text = malloc((size_t)bytes + 1);
	if (!text)
		goto out;
	memset(text, 'x', (size_t)bytes);
	text[bytes] = '\0';
	if (exec(db, pragmas) != 0 ||
	    exec(db, "CREATE TABLE t (id INTEGER PRIMARY KEY, at INTEGER NOT NULL, body TEXT NOT NULL)") != 0)
		goto out;
	if (sqlite3_prepare_v2(db, "INSERT INTO t (at, body) VALUES (?, ?)", -1, &ins, NULL) != SQLITE_OK)
		goto out;
	long commits = 0;
	double t0 = now_s(), t = t0;
	while (t - t0 < seconds) {
		if (exec(db, "BEGIN IMMEDIATE") != 0)
			goto out;
		sqlite3_bind_int64(ins, 1, (sqlite3_int64)time(NULL));
		sqlite3_bind_text(ins, 2, text, bytes, SQLITE_STATIC);
		if (sqlite3_step(ins) != SQLITE_DONE || sqlite3_reset(ins) != SQLITE_OK || exec(db, "COMMIT") != 0)
			goto out;
		commits++;
		t = now_s();
	}
	double rate = (double)commits / (t - t0);
	printf("%ld commits in %.1f s: %.0f commits/s (WAL, synchronous=%s, %d-byte rows)\n", commits, t - t0, rate,
	       sync, bytes);
	printf("RESULT commits_per_s=%.0f\n", rate);
	rc = 0;
out:
	sqlite3_finalize(ins);
	sqlite3_close(db);
	free(text);
	char side[4096];
	unlink(path);
	snprintf(side, sizeof side, "%s-wal", path);
	unlink(side);
	snprintf(side, sizeof side, "%s-shm", path);
	unlink(side);
	return rc;
}
