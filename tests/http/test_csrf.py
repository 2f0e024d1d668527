# test_csrf.py: state-changing requests need the session's CSRF token (form field or X-CSRF-Token); API keys need none.
import urllib.parse

import harness
import routes_table

ENV = harness.ModuleEnv()


def setUpModule():
    ENV.start()


def tearDownModule():
    ENV.close()


def directorate_codes(client, q):
    r = client.get("/api/v1/directorates?limit=200&q=" + urllib.parse.quote(q))
    assert r.status == 200, r.text
    return [d["code"] for d in r.json()["items"]]


class FormCsrf(harness.KalemCase):
    def setUp(self):
        self.admin = ENV.login("admin")

    def test_missing_token_403_nothing_written(self):
        r = self.admin.post_form("/directorates", {"code": "CSRF-1", "name": "Csrf Bir"}, csrf=None)
        self.assertStatus(r, 403)
        self.assertIn("Formun süresi doldu", r.text)
        self.assertEqual(directorate_codes(self.admin, "Csrf Bir"), [])

    def test_other_sessions_token_403(self):
        other = ENV.login("chief")  # a valid token, but of another session
        self.assertTrue(other.csrf)
        self.assertNotEqual(other.csrf, self.admin.csrf)
        r = self.admin.post_form("/directorates", {"code": "CSRF-2", "name": "Csrf Iki"}, csrf=other.csrf)
        self.assertStatus(r, 403)
        # The same user's previous session's token is no better.
        old = ENV.login("admin")
        old_token = old.csrf
        self.assertStatus(old.post_form("/logout"), 303)
        r = self.admin.post_form("/directorates", {"code": "CSRF-2", "name": "Csrf Iki"}, csrf=old_token)
        self.assertStatus(r, 403)
        for bogus in ("", "x", self.admin.csrf[:-1], self.admin.csrf + "A", "A" * len(self.admin.csrf)):
            r = self.admin.post_form("/directorates", {"code": "CSRF-2", "name": "Csrf Iki"}, csrf=bogus)
            self.assertStatus(r, 403, "token %r" % bogus)
        self.assertEqual(directorate_codes(self.admin, "Csrf Iki"), [])

    def test_token_in_query_string_not_accepted(self):
        r = self.admin.request("POST", "/directorates?_csrf=" + self.admin.csrf, body="code=CSRF-3&name=Csrf+Uc",
                               content_type="application/x-www-form-urlencoded")
        self.assertStatus(r, 403)
        self.assertEqual(directorate_codes(self.admin, "Csrf Uc"), [])

    def test_right_token_succeeds(self):
        page = self.admin.get("/directorates/new")
        self.assertStatus(page, 200)
        token = self.admin.csrf
        self.assertTrue(token)
        r = self.admin.post_form("/directorates", {"code": "CSRF-OK", "name": "Csrf Tamam"})
        self.assertStatus(r, 303)
        self.assertEqual(directorate_codes(self.admin, "Csrf Tamam"), ["CSRF-OK"])
        # The token scraped from the form is the session's token: the same one /api/v1/me reports.
        self.assertEqual(token, self.admin.get("/api/v1/me").json()["csrf_token"])

    def test_header_token_works_for_forms_too(self):
        r = self.admin.request("POST", "/directorates", body="code=CSRF-H&name=Csrf+Baslik",
                               content_type="application/x-www-form-urlencoded",
                               headers={"X-CSRF-Token": self.admin.csrf})
        self.assertStatus(r, 303)


class OriginCheck(harness.KalemCase):
    """A write whose Origin names another site is refused even with a valid token; the sign-in form too."""

    def test_cross_origin_refused(self):
        admin = ENV.login("admin")
        same = "http://127.0.0.1:%d" % ENV.server.port
        for origin in ("http://evil.example", "null", "http://127.0.0.1:1", "https://127.0.0.1:%d" % ENV.server.port
                       + ".evil.example"):
            with self.subTest(origin=origin):
                r = admin.post_form("/directorates", {"code": "ORG-1", "name": "Origin Bir"},
                                    headers={"Origin": origin})
                self.assertStatus(r, 403)
                r = admin.send_json("POST", "/api/v1/directorates", {"code": "ORG-1", "name": "Origin Bir"},
                                    headers={"Origin": origin})
                self.assertJsonError(r, 403, "cross_origin")
                r = ENV.client().post_form("/login", {"username": "viewer1", "password": harness.PASSWORD},
                                           csrf=None, headers={"Origin": origin})
                self.assertStatus(r, 403)
                self.assertIsNone(r.set_cookie("kalem_session"))
        self.assertEqual(directorate_codes(admin, "Origin Bir"), [])
        # The same origin is fine.
        r = admin.post_form("/directorates", {"code": "ORG-1", "name": "Origin Bir"}, headers={"Origin": same})
        self.assertStatus(r, 303)
        self.assertEqual(directorate_codes(admin, "Origin Bir"), ["ORG-1"])
        r = ENV.client().post_form("/login", {"username": "viewer1", "password": harness.PASSWORD}, csrf=None,
                                   headers={"Origin": same})
        self.assertStatus(r, 303)


class JsonCsrf(harness.KalemCase):
    def setUp(self):
        self.c = ENV.client()
        self.c.api_login("chief1")

    def test_json_write_needs_header(self):
        r = self.c.send_json("POST", "/api/v1/directorates", {"code": "JC-1", "name": "Json Csrf"}, csrf=None)
        self.assertJsonError(r, 403, "csrf")
        r = self.c.send_json("POST", "/api/v1/directorates", {"code": "JC-1", "name": "Json Csrf"},
                             csrf="not-the-token")
        self.assertJsonError(r, 403, "csrf")
        # A token in the JSON body is not the header.
        r = self.c.send_json("POST", "/api/v1/directorates",
                             {"code": "JC-1", "name": "Json Csrf", "_csrf": self.c.csrf}, csrf=None)
        self.assertJsonError(r, 403, "csrf")
        self.assertEqual(directorate_codes(self.c, "Json Csrf"), [])
        r = self.c.send_json("POST", "/api/v1/directorates", {"code": "JC-1", "name": "Json Csrf"})
        self.assertStatus(r, 201)
        did = r.json()["id"]
        self.assertEqual(directorate_codes(self.c, "Json Csrf"), ["JC-1"])
        # PUT as well.
        r = self.c.send_json("PUT", "/api/v1/directorates/%d" % did, {"code": "JC-1", "name": "Json Csrf 2"},
                             csrf=None)
        self.assertJsonError(r, 403, "csrf")
        self.assertEqual(self.c.get("/api/v1/directorates/%d" % did).json()["name"], "Json Csrf")
        r = self.c.send_json("PUT", "/api/v1/directorates/%d" % did, {"code": "JC-1", "name": "Json Csrf 2"})
        self.assertStatus(r, 200)
        self.assertEqual(r.json()["name"], "Json Csrf 2")

    def test_reads_need_no_token(self):
        self.assertStatus(self.c.send_json("GET", "/api/v1/directorates", csrf=None), 200)


class ApiKeys(harness.KalemCase):
    def test_bearer_key_reads_without_csrf(self):
        c = ENV.client(bearer=ENV.keys["read"])
        r = c.get("/api/v1/me")
        self.assertStatus(r, 200)
        me = r.json()
        self.assertEqual(me["role"], "integration")
        self.assertEqual(me["scope"], "read")
        self.assertNotIn("csrf_token", me)
        self.assertStatus(c.get("/api/v1/directorates"), 200)

    def test_unknown_key_401(self):
        c = ENV.client(bearer="klm_" + "A" * 43)
        self.assertJsonError(c.get("/api/v1/me"), 401, "unauthenticated")

    def test_bearer_writes_need_no_csrf(self):
        """Every write route open to API keys accepts a key without any CSRF token."""
        writes = [rt for rt in routes_table.routes()
                  if rt.method != "GET" and "INTEGRATION" in rt.roles and "PUBLIC" not in rt.roles]
        if not writes:
            self.skipTest("no write route in routes.c allows API keys yet")
        for rt in writes:
            for scope, key in ENV.keys.items():
                with self.subTest(route=rt.name, scope=scope):
                    c = ENV.client(bearer=key)
                    r = c.send_json(rt.method, routes_table.concrete_path(rt.pattern), {}, csrf=None)
                    if r.status == 403 and rt.pattern.startswith("/open311/"):
                        # GeoReport v2 refusals are the spec's error list (XML unless ".json"), never the CSRF one.
                        self.assertNotIn("Formun süresi doldu", r.text, "API key asked for a CSRF token")
                    elif r.status == 403:
                        err = r.json().get("error", {})
                        self.assertNotEqual(err.get("code"), "csrf", "API key asked for a CSRF token")

    def test_bearer_key_cannot_use_staff_writes(self):
        c = ENV.client(bearer=ENV.keys["write"])
        r = c.send_json("POST", "/api/v1/directorates", {"code": "KEY-1", "name": "Key Bir"}, csrf=None)
        self.assertJsonError(r, 403, "forbidden")
        self.assertEqual(directorate_codes(c, "Key"), [])


class LoginExempt(harness.KalemCase):
    def test_login_needs_no_token(self):
        r = ENV.client().post_form("/login", {"username": "viewer1", "password": harness.PASSWORD}, csrf=None)
        self.assertStatus(r, 303)


if __name__ == "__main__":
    harness.main()
