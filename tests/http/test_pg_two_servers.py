# test_pg_two_servers.py: two kalem servers on one PostgreSQL database share sessions, CSRF keys and data.
import unittest

import harness

ENV = harness.ModuleEnv()
SECOND = []


def setUpModule():
    if harness.backend() != "pg":
        raise unittest.SkipTest("PostgreSQL only (run with --pg)")
    ENV.start()
    SECOND.append(ENV.new_server())


def tearDownModule():
    if harness.backend() == "pg":
        ENV.close()


class TwoServers(harness.KalemCase):
    def setUp(self):
        self.a = ENV.server
        self.b = SECOND[0]

    def test_session_from_a_works_on_b(self):
        ca = ENV.client(self.a)
        ca.login("chief1")
        cb = ENV.client(self.b)
        cb.cookies = dict(ca.cookies)
        self.assertStatus(cb.get("/"), 200)
        me = cb.get("/api/v1/me")
        self.assertStatus(me, 200)
        self.assertEqual(me.json()["username"], "chief1")
        # The CSRF token is the same on both servers (the key is in the database).
        self.assertEqual(me.json()["csrf_token"], ca.csrf)

    def test_write_on_a_with_token_read_on_b(self):
        ca = ENV.client(self.a)
        ca.login("admin")
        r = ca.post_form("/directorates", {"code": "TWO-A", "name": "İki Sunucu A"})
        self.assertStatus(r, 303)
        cb = ENV.client(self.b)
        cb.login("viewer1")
        items = cb.get("/api/v1/directorates?q=Sunucu%20A").json()["items"]
        self.assertEqual([d["code"] for d in items], ["TWO-A"])
        self.assertIn("İki Sunucu A", cb.get("/directorates").text)
        # A token obtained from server A is accepted by server B for the same session.
        cross = ENV.client(self.b)
        cross.cookies = dict(ca.cookies)
        r = cross.post_form("/directorates", {"code": "TWO-B", "name": "İki Sunucu B"}, csrf=ca.csrf)
        self.assertStatus(r, 303)
        self.assertEqual([d["code"] for d in ca.get("/api/v1/directorates?q=Sunucu%20B").json()["items"]], ["TWO-B"])

    def test_logout_on_a_ends_session_on_b(self):
        ca = ENV.client(self.a)
        ca.login("mayor1")
        cb = ENV.client(self.b)
        cb.cookies = dict(ca.cookies)
        self.assertStatus(cb.get("/"), 200)
        self.assertStatus(ca.post_form("/logout"), 303)
        self.assertStatus(cb.get("/"), 302)

    def test_throttle_shared(self):
        for i in range(5):
            server = self.a if i % 2 == 0 else self.b
            r = ENV.client(server).login("sec1", "Yanlis-Parola-%04d" % i, check=False)
            self.assertStatus(r, 401)
        self.assertStatus(ENV.client(self.b).login("sec1", check=False), 429)
        self.assertStatus(ENV.client(self.a).login("sec1", check=False), 429)


if __name__ == "__main__":
    harness.main()
