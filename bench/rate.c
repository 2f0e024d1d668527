/* rate.c: kalem-bench-rate, a constant-rate HTTP/1.1 load generator for loopback servers, with latency percentiles.
 *
 *   kalem-bench-rate --port P --rate R --duration S [--connections N] [--warmup S] [--cookie "k=v"]
 *                    [--host 127.0.0.1] [--post BODY] --path /a [--path /b ...]
 *
 * Requests are scheduled at fixed times, t0 + k / R, whatever the server does (open loop). Each of the N
 * keep-alive connections carries one request at a time; a request whose time has come while every connection is
 * busy waits for one, and its latency still counts from its scheduled time, so a stalled server shows in the
 * figures instead of slowing the load down (the "coordinated omission" that a closed-loop tool like wrk hides).
 * The paths are requested in turn, with GET, or with --post as POSTs of BODY (application/x-www-form-urlencoded,
 * the same body every time). Prints the requests, errors (no answer, or a status outside 200..399),
 * the achieved rate and the latency at p50, p90, p99, p99.9 and the maximum, in milliseconds; the last line is
 * machine-readable ("RESULT key=value ...").
 *
 *   kalem-bench-rate --port P --ready-timeout S [--path /healthz]
 *
 * polls the path every millisecond (a new connection each time) until it answers 200, or S seconds pass; prints
 * "ready_ns=N", the CLOCK_REALTIME nanoseconds of that answer (for a start-up time), and exits 0, or exits 1.
 *
 * Only loopback addresses (127.0.0.0/8) are accepted. Duration, rate and connections are bounded, and the run
 * stops by itself after the duration plus 5 s for the last answers.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_CONNECTIONS 1000
#define MAX_RATE 200000
#define MAX_DURATION 600
#define MAX_PATHS 32
#define DRAIN_SECONDS 5
#define RESP_MAX (8 << 20)

enum conn_state { CONN_IDLE, CONN_BUSY, CONN_DEAD };

struct conn {
	int fd;
	enum conn_state state;
	int64_t scheduled_ns; /* of the request in flight */
	bool record;          /* false during the warm-up */
	char *in;             /* response bytes read so far */
	size_t in_len, in_cap;
	char *out;            /* request bytes not yet written */
	size_t out_len, out_off;
};

struct options {
	struct in_addr host;
	int port;
	double rate;
	double duration, warmup;
	double ready_timeout; /* > 0: the readiness probe instead of a load */
	int connections;
	const char *cookie;
	const char *post; /* the form body of POST requests, or NULL: GET */
	const char *paths[MAX_PATHS];
	int n_paths;
};

struct results {
	int64_t *lat_ns;
	size_t n, cap;
	long sent, errors, status_errors, reconnects;
	int64_t bytes;
};

static int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void *xrealloc_or_die(void *p, size_t n)
{
	p = realloc(p, n);
	if (!p) {
		fputs("kalem-bench-rate: out of memory\n", stderr);
		exit(1);
	}
	return p;
}

static int conn_open(const struct options *o, struct conn *c, int ep)
{
	c->fd = socket(AF_INET, SOCK_STREAM, 0);
	if (c->fd < 0)
		return -1;
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)o->port), .sin_addr = o->host};
	if (connect(c->fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
		close(c->fd);
		c->fd = -1;
		return -1;
	}
	int one = 1;
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
	epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev);
	c->state = CONN_IDLE;
	c->in_len = 0;
	return 0;
}

static void conn_close(struct conn *c, int ep)
{
	if (c->fd >= 0) {
		epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
		close(c->fd);
	}
	c->fd = -1;
	c->state = CONN_DEAD;
}

/* Length of a complete response at the start of buf (headers and body), 0 if more bytes are needed, -1 if it
 * cannot be parsed. Handles Content-Length and chunked bodies. */
static long response_length(const char *buf, size_t len, int *status)
{
	const char *end = memmem(buf, len, "\r\n\r\n", 4);
	if (!end)
		return len > 65536 ? -1 : 0;
	size_t head = (size_t)(end - buf) + 4;
	if (len < 12 || strncmp(buf, "HTTP/1.", 7) != 0)
		return -1;
	*status = atoi(buf + 9);
	long content_length = -1;
	bool chunked = false;
	for (const char *p = memchr(buf, '\n', head); p && p < end; p = memchr(p, '\n', (size_t)(end - p))) {
		p++;
		if (strncasecmp(p, "Content-Length:", 15) == 0)
			content_length = strtol(p + 15, NULL, 10);
		else if (strncasecmp(p, "Transfer-Encoding:", 18) == 0 && strstr(p, "chunked") &&
			 strstr(p, "chunked") < strchr(p, '\n'))
			chunked = true;
	}
	if (!chunked) {
		if (content_length < 0)
			content_length = 0; /* our server always sends a length; a body to close is not expected */
		return len >= head + (size_t)content_length ? (long)(head + (size_t)content_length) : 0;
	}
	size_t at = head;
	for (;;) {
		const char *eol = memmem(buf + at, len - at, "\r\n", 2);
		if (!eol)
			return 0;
		long size = strtol(buf + at, NULL, 16);
		if (size < 0)
			return -1;
		at = (size_t)(eol - buf) + 2;
		if (size == 0) {
			const char *fin = memmem(buf + at, len - at, "\r\n", 2); /* no trailers from our server */
			return fin ? (long)((size_t)(fin - buf) + 2) : 0;
		}
		if (len < at + (size_t)size + 2)
			return 0;
		at += (size_t)size + 2;
	}
}

static void record(struct results *res, int64_t lat)
{
	if (res->n == res->cap) {
		res->cap = res->cap ? res->cap * 2 : 65536;
		res->lat_ns = xrealloc_or_die(res->lat_ns, res->cap * sizeof *res->lat_ns);
	}
	res->lat_ns[res->n++] = lat;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

static double pct(const struct results *res, double p)
{
	if (!res->n)
		return 0;
	size_t i = (size_t)(p / 100.0 * (double)(res->n - 1) + 0.5);
	return (double)res->lat_ns[i] / 1e6;
}

/* Writes what is left of the request; returns 0, or -1 when the connection failed. */
static int conn_flush(struct conn *c, int ep)
{
	while (c->out_off < c->out_len) {
		ssize_t w = send(c->fd, c->out + c->out_off, c->out_len - c->out_off, MSG_NOSIGNAL);
		if (w < 0 && errno == EAGAIN) {
			struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT, .data.ptr = c};
			epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
			return 0;
		}
		if (w <= 0)
			return -1;
		c->out_off += (size_t)w;
	}
	struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
	epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
	return 0;
}

static int conn_send(const struct options *o, struct conn *c, int ep, long k, int64_t scheduled, bool rec)
{
	free(c->out);
	const char *path = o->paths[k % o->n_paths];
	char host[INET_ADDRSTRLEN];
	inet_ntop(AF_INET, &o->host, host, sizeof host);
	int n;
	if (o->post && o->ready_timeout <= 0)
		n = asprintf(&c->out,
			     "POST %s HTTP/1.1\r\nHost: %s:%d\r\nUser-Agent: kalem-bench-rate\r\n%s%s%s"
			     "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: %zu\r\n\r\n%s",
			     path, host, o->port, o->cookie ? "Cookie: " : "", o->cookie ? o->cookie : "",
			     o->cookie ? "\r\n" : "", strlen(o->post), o->post);
	else
		n = asprintf(&c->out, "GET %s HTTP/1.1\r\nHost: %s:%d\r\nUser-Agent: kalem-bench-rate\r\n%s%s%s\r\n",
			     path, host, o->port, o->cookie ? "Cookie: " : "", o->cookie ? o->cookie : "",
			     o->cookie ? "\r\n" : "");
	if (n < 0) {
		c->out = NULL;
		return -1;
	}
	c->out_len = (size_t)n;
	c->out_off = 0;
	c->state = CONN_BUSY;
	c->scheduled_ns = scheduled;
	c->record = rec;
	c->in_len = 0;
	return conn_flush(c, ep);
}

/* Reads what arrived; on a complete response records it and makes the connection idle. Returns 0 or -1. */
static int conn_read(struct conn *c, struct results *res)
{
	for (;;) {
		if (c->in_cap - c->in_len < 65536) {
			c->in_cap = c->in_cap ? c->in_cap * 2 : 131072;
			if (c->in_cap > RESP_MAX)
				return -1;
			c->in = xrealloc_or_die(c->in, c->in_cap);
		}
		ssize_t r = recv(c->fd, c->in + c->in_len, c->in_cap - c->in_len, MSG_DONTWAIT);
		if (r < 0 && errno == EAGAIN)
			break;
		if (r <= 0)
			return -1;
		c->in_len += (size_t)r;
	}
	if (c->state != CONN_BUSY)
		return -1; /* bytes nobody asked for */
	int status = 0;
	long len = response_length(c->in, c->in_len, &status);
	if (len < 0)
		return -1;
	if (len == 0)
		return 0;
	if (c->record) {
		record(res, now_ns() - c->scheduled_ns);
		if (status < 200 || status > 399)
			res->status_errors++;
		res->bytes += len;
	}
	c->state = CONN_IDLE;
	c->in_len = 0;
	return 0;
}

static void usage(void)
{
	fputs("usage: kalem-bench-rate --port P --rate R --duration S [--connections N] [--warmup S]\n"
	      "                        [--cookie 'k=v'] [--host 127.0.0.1] [--post BODY] --path /a [--path /b ...]\n"
	      "       kalem-bench-rate --port P --ready-timeout S [--path /healthz]\n",
	      stderr);
}

static int parse_options(int argc, char **argv, struct options *o)
{
	*o = (struct options){.port = 0, .rate = 0, .duration = 0, .warmup = 0, .connections = 16};
	inet_pton(AF_INET, "127.0.0.1", &o->host);
	for (int i = 1; i + 1 < argc; i += 2) {
		const char *a = argv[i], *v = argv[i + 1];
		if (strcmp(a, "--port") == 0)
			o->port = atoi(v);
		else if (strcmp(a, "--rate") == 0)
			o->rate = atof(v);
		else if (strcmp(a, "--duration") == 0)
			o->duration = atof(v);
		else if (strcmp(a, "--ready-timeout") == 0)
			o->ready_timeout = atof(v);
		else if (strcmp(a, "--warmup") == 0)
			o->warmup = atof(v);
		else if (strcmp(a, "--connections") == 0)
			o->connections = atoi(v);
		else if (strcmp(a, "--cookie") == 0)
			o->cookie = v;
		else if (strcmp(a, "--post") == 0)
			o->post = v;
		else if (strcmp(a, "--host") == 0) {
			if (inet_pton(AF_INET, v, &o->host) != 1)
				return -1;
		} else if (strcmp(a, "--path") == 0 && o->n_paths < MAX_PATHS && v[0] == '/')
			o->paths[o->n_paths++] = v;
		else
			return -1;
	}
	if ((ntohl(o->host.s_addr) >> 24) != 127) {
		fputs("kalem-bench-rate: only loopback addresses (127.0.0.0/8) are load-tested\n", stderr);
		return -1;
	}
	if (o->ready_timeout > 0) {
		if (o->n_paths == 0)
			o->paths[o->n_paths++] = "/healthz";
		return o->port > 0 && o->port <= 65535 && o->ready_timeout <= MAX_DURATION ? 0 : -1;
	}
	if (o->port <= 0 || o->port > 65535 || o->rate <= 0 || o->rate > MAX_RATE || o->duration <= 0 ||
	    o->duration > MAX_DURATION || o->warmup < 0 || o->warmup >= o->duration || o->connections < 1 ||
	    o->connections > MAX_CONNECTIONS || o->n_paths == 0)
		return -1;
	return 0;
}

/* One GET on a fresh connection; true when it answers 200 within a second. */
static bool probe_once(const struct options *o, int ep)
{
	struct conn c = {.fd = -1};
	bool ok = false;
	if (conn_open(o, &c, ep) != 0)
		return false;
	struct results res = {0};
	if (conn_send(o, &c, ep, 0, now_ns(), true) == 0) {
		int64_t until = now_ns() + 1000000000;
		while (c.state == CONN_BUSY && now_ns() < until) {
			struct epoll_event ev;
			struct timespec ts = {0, 10000000};
			if (epoll_pwait2(ep, &ev, 1, &ts, NULL) == 1 && conn_read(&c, &res) != 0)
				break;
		}
		ok = res.n == 1 && res.status_errors == 0 && strncmp(c.in ? c.in : "", "HTTP/1.1 200", 12) == 0;
	}
	conn_close(&c, ep);
	free(c.in);
	free(c.out);
	free(res.lat_ns);
	return ok;
}

static int wait_ready(const struct options *o)
{
	int ep = epoll_create1(0);
	int64_t until = now_ns() + (int64_t)(o->ready_timeout * 1e9);
	while (now_ns() < until) {
		if (probe_once(o, ep)) {
			struct timespec ts;
			clock_gettime(CLOCK_REALTIME, &ts);
			printf("ready_ns=%lld\n", (long long)ts.tv_sec * 1000000000 + ts.tv_nsec);
			close(ep);
			return 0;
		}
		struct timespec pause = {0, 1000000};
		nanosleep(&pause, NULL);
	}
	close(ep);
	fprintf(stderr, "kalem-bench-rate: %s did not answer 200 within %.0f s\n", o->paths[0], o->ready_timeout);
	return 1;
}

int main(int argc, char **argv)
{
	struct options o;
	if (argc % 2 == 0 || parse_options(argc, argv, &o) != 0) {
		usage();
		return 2;
	}
	if (o.ready_timeout > 0)
		return wait_ready(&o);
	int ep = epoll_create1(0);
	struct conn *conns = calloc((size_t)o.connections, sizeof *conns);
	if (ep < 0 || !conns)
		return 1;
	for (int i = 0; i < o.connections; i++) {
		if (conn_open(&o, &conns[i], ep) != 0) {
			fprintf(stderr, "kalem-bench-rate: cannot connect to port %d: %s\n", o.port, strerror(errno));
			return 1;
		}
	}
	struct results res = {0};
	long total = (long)(o.rate * o.duration), next_k = 0;
	int turn = 0; /* the connection to try first for the next request */
	int64_t t0 = now_ns(), end_ns = t0 + (int64_t)((o.duration + DRAIN_SECONDS) * 1e9);
	int64_t warm_ns = t0 + (int64_t)(o.warmup * 1e9);
	double period_ns = 1e9 / o.rate;
	struct epoll_event evs[64];
	for (;;) {
		int64_t now = now_ns();
		/* Send every request whose time has come, while a connection is free. The connections are taken in
		 * turn (round robin), so each carries an equal share, as many users' browsers would: the server binds
		 * each connection to one of its threads, and always taking the first free connection would load
		 * one thread more than the other. */
		for (int scanned = 0; scanned < o.connections && next_k < total; scanned++) {
			struct conn *c = &conns[turn];
			turn = (turn + 1) % o.connections;
			int64_t due = t0 + (int64_t)((double)next_k * period_ns);
			if (due > now)
				break;
			if (c->state == CONN_DEAD) {
				if (conn_open(&o, c, ep) != 0)
					continue;
				res.reconnects++;
			}
			if (c->state != CONN_IDLE)
				continue;
			if (conn_send(&o, c, ep, next_k, due, due >= warm_ns) != 0) {
				if (due >= warm_ns)
					res.errors++;
				conn_close(c, ep);
			}
			res.sent += due >= warm_ns;
			next_k++;
			scanned = -1; /* another full turn to look for a free connection */
		}
		bool busy = false, idle = false;
		for (int i = 0; i < o.connections; i++) {
			busy |= conns[i].state == CONN_BUSY;
			idle |= conns[i].state != CONN_BUSY;
		}
		if ((next_k >= total && !busy) || now > end_ns)
			break;
		int64_t wait = 1000000; /* 1 ms at most, to look at the clock again */
		if (next_k < total && idle) { /* with every connection busy, only an answer can let a request go */
			int64_t due = t0 + (int64_t)((double)next_k * period_ns) - now;
			if (due < wait)
				wait = due > 0 ? due : 0;
		}
		struct timespec ts = {0, (long)wait};
		int n = epoll_pwait2(ep, evs, 64, &ts, NULL);
		for (int e = 0; e < n; e++) {
			struct conn *c = evs[e].data.ptr;
			int rc = 0;
			if (evs[e].events & EPOLLOUT)
				rc = conn_flush(c, ep);
			if (rc == 0 && (evs[e].events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
				rc = conn_read(c, &res);
			if (rc != 0) {
				if (c->state == CONN_BUSY && c->record)
					res.errors++;
				conn_close(c, ep);
			}
		}
	}
	for (int i = 0; i < o.connections; i++) {
		if (conns[i].state == CONN_BUSY && conns[i].record)
			res.errors++; /* unanswered when the run ended */
		conn_close(&conns[i], ep);
		free(conns[i].in);
		free(conns[i].out);
	}
	double measured_s = o.duration - o.warmup;
	qsort(res.lat_ns, res.n, sizeof *res.lat_ns, cmp_i64);
	printf("target %.0f req/s for %.0f s (%.0f s warm-up not counted) on %d connections, %d path(s)\n", o.rate,
	       o.duration, o.warmup, o.connections, o.n_paths);
	printf("  requests %ld, answered %zu (%.0f req/s), errors %ld, bad status %ld, reconnects %ld\n", res.sent,
	       res.n, (double)res.n / measured_s, res.errors, res.status_errors, res.reconnects);
	printf("  latency ms: p50 %.3f  p90 %.3f  p99 %.3f  p99.9 %.3f  max %.3f\n", pct(&res, 50), pct(&res, 90),
	       pct(&res, 99), pct(&res, 99.9), res.n ? (double)res.lat_ns[res.n - 1] / 1e6 : 0.0);
	printf("RESULT rate=%.0f answered=%zu errors=%ld bad_status=%ld p50=%.3f p90=%.3f p99=%.3f p999=%.3f max=%.3f\n",
	       (double)res.n / measured_s, res.n, res.errors, res.status_errors, pct(&res, 50), pct(&res, 90),
	       pct(&res, 99), pct(&res, 99.9), res.n ? (double)res.lat_ns[res.n - 1] / 1e6 : 0.0);
	free(res.lat_ns);
	free(conns);
	close(ep);
	return res.errors || res.status_errors ? 1 : 0;
}
