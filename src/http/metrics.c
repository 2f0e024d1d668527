/* metrics.c: lock-free counters rendered in the Prometheus text format. */
#include <stdlib.h>
#include "http/metrics.h"
#include "http/router.h"
#include "util/xalloc.h"

static const double bucket_seconds[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0};
#define N_BUCKETS (sizeof bucket_seconds / sizeof bucket_seconds[0])
#define N_CLASSES 5 /* 1xx..5xx */

struct metrics {
	size_t n_routes;
	uint64_t *requests; /* [route][class] */
	uint64_t buckets[N_BUCKETS + 1];
	uint64_t count;
	uint64_t sum_ns;
	uint64_t db_ns;
};

struct metrics *metrics_new(size_t n_routes)
{
	struct metrics *m = xcalloc(1, sizeof *m);
	m->n_routes = n_routes;
	m->requests = xcalloc((n_routes + 1) * N_CLASSES, sizeof *m->requests);
	return m;
}

void metrics_free(struct metrics *m)
{
	if (!m)
		return;
	free(m->requests);
	free(m);
}

void metrics_record(struct metrics *m, size_t route, unsigned status, int64_t elapsed_ns, int64_t db_ns)
{
	if (!m)
		return;
	unsigned cls = status / 100;
	if (cls < 1 || cls > 5)
		cls = 5;
	if (route > m->n_routes)
		route = m->n_routes;
	__atomic_add_fetch(&m->requests[route * N_CLASSES + (cls - 1)], 1, __ATOMIC_RELAXED);
	double s = (double)elapsed_ns / 1e9;
	size_t b = 0;
	while (b < N_BUCKETS && s > bucket_seconds[b])
		b++;
	__atomic_add_fetch(&m->buckets[b], 1, __ATOMIC_RELAXED);
	__atomic_add_fetch(&m->count, 1, __ATOMIC_RELAXED);
	__atomic_add_fetch(&m->sum_ns, (uint64_t)elapsed_ns, __ATOMIC_RELAXED);
	__atomic_add_fetch(&m->db_ns, (uint64_t)(db_ns > 0 ? db_ns : 0), __ATOMIC_RELAXED);
}

void metrics_render(struct metrics *m, struct buf *out)
{
	buf_adds(out, "# HELP kalem_http_requests_total HTTP requests by route and status class.\n"
		      "# TYPE kalem_http_requests_total counter\n");
	for (size_t r = 0; r <= m->n_routes; r++) {
		const char *name = r < m->n_routes ? routes[r].name : "unmatched";
		for (unsigned c = 0; c < N_CLASSES; c++) {
			uint64_t v = __atomic_load_n(&m->requests[r * N_CLASSES + c], __ATOMIC_RELAXED);
			if (v)
				buf_addf(out, "kalem_http_requests_total{route=\"%s\",status=\"%uxx\"} %llu\n", name,
					 c + 1, (unsigned long long)v);
		}
	}
	buf_adds(out, "# HELP kalem_http_request_duration_seconds Time to handle a request.\n"
		      "# TYPE kalem_http_request_duration_seconds histogram\n");
	uint64_t cum = 0;
	for (size_t b = 0; b < N_BUCKETS; b++) {
		cum += __atomic_load_n(&m->buckets[b], __ATOMIC_RELAXED);
		buf_addf(out, "kalem_http_request_duration_seconds_bucket{le=\"%g\"} %llu\n", bucket_seconds[b],
			 (unsigned long long)cum);
	}
	cum += __atomic_load_n(&m->buckets[N_BUCKETS], __ATOMIC_RELAXED);
	buf_addf(out, "kalem_http_request_duration_seconds_bucket{le=\"+Inf\"} %llu\n", (unsigned long long)cum);
	buf_addf(out, "kalem_http_request_duration_seconds_sum %.6f\n",
		 (double)__atomic_load_n(&m->sum_ns, __ATOMIC_RELAXED) / 1e9);
	buf_addf(out, "kalem_http_request_duration_seconds_count %llu\n",
		 (unsigned long long)__atomic_load_n(&m->count, __ATOMIC_RELAXED));
	buf_adds(out, "# HELP kalem_db_seconds_total Time spent in the database.\n"
		      "# TYPE kalem_db_seconds_total counter\n");
	buf_addf(out, "kalem_db_seconds_total %.6f\n", (double)__atomic_load_n(&m->db_ns, __ATOMIC_RELAXED) / 1e9);
}
