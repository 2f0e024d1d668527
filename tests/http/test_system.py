# test_system.py: health, metrics, security headers, caching, 404/405, graceful shutdown, durability after kill -9.
import concurrent.futures
import http.client
import re
import threading
import time
import urllib.parse

import harness

ENV = harness.ModuleEnv()


def setUpModule():
    ENV.start()


def tearDownModule():
    ENV.close()


class Health(harness.KalemCase):
    def test_healthz(self):
        r = ENV.client().get("/healthz")
        self.assertStatus(r, 200)
        self.assertTrue(r.header("Content-Type").startswith("application/json"))
        self.assertEqual(r.json(), {"status": "ok"})
        h = ENV.client().request("HEAD", "/healthz")
        self.assertStatus(h, 200)
        self.assertEqual(h.body, b"")

    def metric(self, text, name, labels):
        m = re.search(r"^%s\{%s\} (\d+(?:\.\d+)?)$" % (re.escape(name), re.escape(labels)), text, flags=re.M)
        return float(m.group(1)) if m else 0.0

    def test_metrics(self):
        c = ENV.client()
        before = c.get("/metrics")
        self.assertStatus(before, 200)
        self.assertTrue(before.header("Content-Type").startswith("text/plain"))
        n0 = self.metric(before.text, "kalem_http_requests_total", 'route="healthz",status="2xx"')
        nf0 = self.metric(before.text, "kalem_http_requests_total", 'route="unmatched",status="4xx"')
        for _ in range(3):
            c.get("/healthz")
        c.get("/no/such/page")
        after = c.get("/metrics").text
        self.assertIn("# TYPE kalem_http_requests_total counter", after)
        self.assertEqual(self.metric(after, "kalem_http_requests_total", 'route="healthz",status="2xx"'), n0 + 3)
        self.assertEqual(self.metric(after, "kalem_http_requests_total", 'route="unmatched",status="4xx"'), nf0 + 1)
        self.assertIn("# TYPE kalem_http_request_duration_seconds histogram", after)
        buckets = re.findall(r'^kalem_http_request_duration_seconds_bucket\{le="([^"]+)"\} (\d+)$', after, flags=re.M)
        self.assertGreaterEqual(len(buckets), 3)
        self.assertEqual(buckets[-1][0], "+Inf")
        counts = [int(n) for _, n in buckets]
        self.assertEqual(counts, sorted(counts), "histogram buckets are not cumulative")
        count = re.search(r"^kalem_http_request_duration_seconds_count (\d+)$", after, flags=re.M)
        self.assertIsNotNone(count)
        self.assertEqual(int(count.group(1)), counts[-1])
        self.assertRegex(after, r"(?m)^kalem_http_request_duration_seconds_sum \d")


CSP_NEEDED = ("default-src", "frame-ancestors 'none'", "object-src 'none'")


class Headers(harness.KalemCase):
    def sample(self):
        anon = ENV.client()
        admin = ENV.login("admin")
        yield "login page", anon.get("/login")
        yield "redirect", anon.get("/")
        yield "404 page", anon.get("/no/such/page")
        yield "405", anon.request("DELETE", "/login")
        yield "401 json", anon.get("/api/v1/me")
        yield "422 login", anon.post_form("/login", {"username": "", "password": ""}, csrf=None)
        yield "healthz", anon.get("/healthz")
        yield "metrics", anon.get("/metrics")
        yield "static", anon.get("/static/kalem.css")
        yield "home", admin.get("/")
        yield "list", admin.get("/directorates")
        yield "json", admin.get("/api/v1/directorates")
        yield "403", ENV.login("viewer").get("/directorates/new")
        yield "csrf 403", admin.post_form("/directorates", {"code": "H"}, csrf=None)
        yield "400", admin.request("POST", "/api/v1/directorates", body="{", content_type="application/json",
                                   headers={"X-CSRF-Token": admin.csrf})
        yield "413", admin.request("POST", "/directorates", body="a=" + "x" * (1 << 20),
                                   content_type="application/x-www-form-urlencoded")

    def test_security_headers_everywhere(self):
        for label, r in self.sample():
            with self.subTest(response=label, status=r.status):
                self.assertEqual(r.header("X-Content-Type-Options"), "nosniff")
                csp = r.header("Content-Security-Policy") or ""
                for part in CSP_NEEDED:
                    self.assertIn(part, csp)
                self.assertNotIn("unsafe-inline", csp)
                self.assertNotIn("unsafe-eval", csp)
                self.assertNotIn("*", csp)
                self.assertEqual(r.header("X-Frame-Options"), "DENY")
                self.assertIn(r.header("Referrer-Policy"),
                              ("same-origin", "no-referrer", "strict-origin", "strict-origin-when-cross-origin"))
                self.assertIsNone(r.header("Server") and re.search(r"\d+\.\d+", r.header("Server")),
                                  "Server header reveals a version")
                self.assertTrue(r.header("Content-Type"), "no Content-Type")

    def test_no_store_on_pages_and_api(self):
        admin = ENV.login("admin")
        for path in ("/login", "/", "/directorates", "/api/v1/me", "/api/v1/directorates", "/account/password"):
            client = ENV.client() if path == "/login" else admin
            with self.subTest(path=path):
                r = client.get(path)
                self.assertStatus(r, 200)
                self.assertIn("no-store", r.header("Cache-Control") or "")

    def test_static_etag_and_304(self):
        c = ENV.client()
        r = c.get("/static/kalem.css")
        self.assertStatus(r, 200)
        self.assertTrue(r.header("Content-Type").startswith("text/css"))
        etag = r.header("ETag")
        self.assertRegex(etag or "", r'^(W/)?"[^"]+"$')
        self.assertNotIn("no-store", r.header("Cache-Control") or "")
        self.assertTrue(r.body)
        r2 = c.get("/static/kalem.css", headers={"If-None-Match": etag})
        self.assertStatus(r2, 304)
        self.assertEqual(r2.body, b"")
        self.assertEqual(r2.header("ETag"), etag)
        r3 = c.get("/static/kalem.css", headers={"If-None-Match": '"0000000000000000"'})
        self.assertStatus(r3, 200)
        self.assertEqual(r3.body, r.body)
        js = c.get("/static/kalem.js")
        self.assertStatus(js, 200)
        self.assertTrue(js.header("Content-Type").startswith("text/javascript"))
        self.assertNotEqual(js.header("ETag"), etag)

    def test_static_no_traversal(self):
        c = ENV.client()
        for path in ("/static/nope.css", "/static/..%2Fmigrations%2F0001_platform.sql", "/static/.hidden",
                     "/static/%2e%2e%2fi18n%2fstrings.tsv"):
            with self.subTest(path=path):
                self.assertStatus(c.get(path), 404)


class NotFound(harness.KalemCase):
    def test_unknown_path_404(self):
        r = ENV.client().get("/no/such/page")
        self.assertStatus(r, 404)
        self.assertTrue(r.header("Content-Type").startswith("text/html"))
        self.assertIn("bulunamadı", r.text)
        self.assertJsonError(ENV.client().get("/api/v1/no-such-thing"), 404, "not_found")
        admin = ENV.login("admin")
        self.assertStatus(admin.get("/directorates/999999/edit"), 404)

    def test_wrong_method_405(self):
        c = ENV.client()
        for method, path in (("DELETE", "/login"), ("PUT", "/directorates"), ("POST", "/healthz"),
                             ("PATCH", "/api/v1/me"), ("DELETE", "/api/v1/directorates")):
            with self.subTest(method=method, path=path):
                r = c.request(method, path)
                self.assertStatus(r, 405)
                if path.startswith("/api/"):
                    self.assertJsonError(r, 405, "method_not_allowed")
        r = c.request("BREW", "/")
        self.assertStatus(r, (400, 405, 501))


class Shutdown(harness.KalemCase):
    def test_graceful_shutdown_completes_in_flight_requests(self):
        srv = ENV.new_server(threads=4)
        body = urllib.parse.urlencode({"username": "viewer1", "password": harness.PASSWORD})
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        n_workers = 6
        stop = threading.Event()
        ready = threading.Barrier(n_workers + 1)
        t_signal = [None]
        done = threading.Semaphore(0)  # one release per completed request

        def worker():
            conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=30)
            conn.request("GET", "/healthz")  # the connection is accepted before the test starts
            conn.getresponse().read()
            ready.wait()
            results = []
            while not stop.is_set():
                t0 = time.monotonic()
                try:
                    conn.request("POST", "/login", body=body, headers=headers)
                    resp = conn.getresponse()
                    resp.read()
                    results.append((t0, time.monotonic(), resp.status, resp.getheader("Set-Cookie") or ""))
                    done.release()
                except (OSError, http.client.HTTPException) as e:
                    results.append((t0, time.monotonic(), None, repr(e)))
                    break
            conn.close()
            return results

        with concurrent.futures.ThreadPoolExecutor(n_workers) as pool:
            futures = [pool.submit(worker) for _ in range(n_workers)]
            ready.wait()
            # Signal once the server is busy: two requests per worker done (however slow the machine is).
            for _ in range(2 * n_workers):
                done.acquire(timeout=30)
            stop.set()
            t_signal[0] = time.monotonic()
            srv.proc.send_signal(15)
            results = [r for f in futures for r in f.result(timeout=60)]
        code = srv.terminate(timeout=30)
        self.assertEqual(code, 0, "exit code after SIGTERM")
        before = [r for r in results if r[0] < t_signal[0]]
        self.assertGreater(len(before), n_workers, "too few requests to test anything: %s"
                           % [(round(a - t_signal[0], 3), round(b - t_signal[0], 3), s) for a, b, s, _ in results])
        in_flight = [r for r in before if r[1] > t_signal[0]]
        for t0, t1, status, extra in before:
            self.assertEqual(status, 303, "a request sent before SIGTERM got %r (%s)" % (status, extra))
            self.assertIn("kalem_session=", extra)
        # Usually several requests are still in the handlers when the signal arrives; say so if none was.
        print("%d requests before SIGTERM, %d of them in flight at the signal" % (len(before), len(in_flight)))
        self.assertIn("stopped", srv.log_text())
        with self.assertRaises(OSError):
            c = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=2)
            c.request("GET", "/healthz")
            c.getresponse()

    def test_concurrent_logins_all_succeed(self):
        """Logins write (session, throttle table) while other logins read: none may fail."""
        srv = ENV.new_server(threads=4)
        try:
            def one(i):
                c = ENV.client(srv)
                r = c.login(("viewer1", "chief1", "sec1", "mayor1")[i % 4], check=False)
                return r.status, r.text[:200] if r.status != 303 else ""

            with concurrent.futures.ThreadPoolExecutor(8) as pool:
                results = list(pool.map(one, range(32)))
            self.assertEqual([s for s, _ in results if s != 303], [], results)
        finally:
            self.assertEqual(srv.terminate(), 0)


class Durability(harness.KalemCase):
    def test_written_record_survives_kill_9(self):
        srv = ENV.new_server()
        admin = ENV.client(srv)
        admin.login("admin")
        r = admin.post_form("/directorates", {"code": "DUR-1", "name": "Kalıcı Form"})
        self.assertStatus(r, 303)
        r = admin.send_json("POST", "/api/v1/directorates", {"code": "DUR-2", "name": "Kalıcı Json"})
        self.assertStatus(r, 201)
        srv.kill9()
        again = ENV.new_server()
        try:
            c = ENV.client(again)
            c.login("viewer1")
            codes = [d["code"] for d in c.get("/api/v1/directorates?q=Kal%C4%B1c%C4%B1").json()["items"]]
            self.assertEqual(sorted(codes), ["DUR-1", "DUR-2"])
            # The session made before the crash is still valid (sessions live in the database).
            self.assertStatus(admin.__class__(again).get("/"), 302)
            admin.server = again
            self.assertStatus(admin.get("/"), 200)
        finally:
            self.assertEqual(again.terminate(), 0)


if __name__ == "__main__":
    harness.main()
