/* metrics.h: request counters by route and status, a latency histogram and database time, as Prometheus text. */
#ifndef KALEM_HTTP_METRICS_H
#define KALEM_HTTP_METRICS_H
#include <stddef.h>
#include <stdint.h>
#include "util/buf.h"

struct metrics;

/* n_routes: the size of the route table; index n_routes counts unmatched requests. */
struct metrics *metrics_new(size_t n_routes);
void metrics_free(struct metrics *m);
/* Thread-safe (atomic counters). */
void metrics_record(struct metrics *m, size_t route, unsigned status, int64_t elapsed_ns, int64_t db_ns);
/* Appends the Prometheus text exposition (format 0.0.4). */
void metrics_render(struct metrics *m, struct buf *out);

#endif
