# test_auth.py: sign-in and sign-out (form and JSON API), throttling, idle expiry, disabled users, password change.
import re
import time

import harness

ENV = harness.ModuleEnv(extra_users=[
    ("throttle_me", "viewer", None),
    ("disable_me", "viewer", None),
    ("pw_user", "secretariat", None),
    ("pw_user2", "secretariat", None),
])


def setUpModule():
    ENV.start()


def tearDownModule():
    ENV.close()


TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{43}$")
PW = harness.PASSWORD


class Login(harness.KalemCase):
    def test_login_sets_strict_session_cookie(self):
        c = ENV.client()
        r = c.login("admin", check=False)
        self.assertStatus(r, 303)
        self.assertEqual(r.location, "/")
        sc = r.set_cookie("kalem_session")
        self.assertIsNotNone(sc, "no session cookie set: %s" % r.header_all("Set-Cookie"))
        attrs = [a.strip().lower() for a in sc.split(";")[1:]]
        self.assertIn("httponly", attrs)
        self.assertIn("samesite=lax", attrs)
        self.assertIn("path=/", attrs)
        value = sc.split(";", 1)[0].split("=", 1)[1]
        self.assertRegex(value, TOKEN_RE)
        # The session works, and a second sign-in gets another random value.
        self.assertStatus(c.get("/"), 200)
        c2 = ENV.client()
        c2.login("admin")
        self.assertNotEqual(c2.session_cookie, value)
        self.assertRegex(c2.session_cookie, TOKEN_RE)

    def test_login_follows_only_local_next(self):
        c = ENV.client()
        r = c.post_form("/login", {"username": "viewer1", "password": PW, "next": "/directorates"}, csrf=None)
        self.assertStatus(r, 303)
        self.assertEqual(r.location, "/directorates")
        for evil in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
            c = ENV.client()
            r = c.post_form("/login", {"username": "viewer1", "password": PW, "next": evil}, csrf=None)
            self.assertStatus(r, 303)
            self.assertEqual(r.location, "/", "open redirect to %r" % evil)

    def test_login_page_for_anonymous(self):
        r = ENV.client().get("/login?next=%2Fdirectorates")
        self.assertStatus(r, 200)
        self.assertIn('name="username"', r.text)
        self.assertIn('value="/directorates"', r.text)

    def test_wrong_password_gives_401_and_no_cookie(self):
        c = ENV.client()
        r = c.login("viewer1", "Yanlis-Parola-0000", check=False)
        self.assertStatus(r, 401)
        self.assertIsNone(r.set_cookie("kalem_session"))
        self.assertIn("Kullanıcı adı veya parola hatalı", r.text)
        self.assertNotIn("Yanlis-Parola-0000", r.text, "the password is echoed back")
        self.assertEqual(c.get("/").status, 302)
        # An unknown user gets the same answer (no user enumeration).
        r2 = ENV.client().login("no_such_user", "Yanlis-Parola-0000", check=False)
        self.assertStatus(r2, 401)
        self.assertIsNone(r2.set_cookie("kalem_session"))

    def test_missing_fields_422(self):
        r = ENV.client().post_form("/login", {"username": "viewer1", "password": ""}, csrf=None)
        self.assertStatus(r, 422)
        self.assertIsNone(r.set_cookie("kalem_session"))

    def test_forged_cookie_is_anonymous(self):
        c = ENV.client()
        c.cookies["kalem_session"] = "A" * 43
        r = c.get("/")
        self.assertStatus(r, 302)
        self.assertEqual(r.location, "/login?next=%2F")
        # No session fixation: signing in with a planted cookie gets a new value.
        r = c.login("viewer1", check=False)
        self.assertStatus(r, 303)
        self.assertNotEqual(c.session_cookie, "A" * 43)
        self.assertRegex(c.session_cookie, TOKEN_RE)


class Logout(harness.KalemCase):
    def test_logout_ends_session_server_side(self):
        c = ENV.login("viewer")
        old = c.session_cookie
        self.assertStatus(c.get("/"), 200)
        r = c.post_form("/logout")
        self.assertStatus(r, 303)
        self.assertEqual(r.location, "/login")
        cleared = r.set_cookie("kalem_session")
        self.assertIsNotNone(cleared, "logout does not clear the cookie")
        self.assertIn("max-age=0", cleared.lower().replace(" ", ""))
        # The old cookie, replayed by someone who kept it, no longer works.
        thief = ENV.client()
        thief.cookies["kalem_session"] = old
        r = thief.get("/")
        self.assertStatus(r, 302)
        self.assertEqual(r.location, "/login?next=%2F")
        self.assertJsonError(thief.get("/api/v1/me"), 401, "unauthenticated")

    def test_logout_needs_csrf(self):
        c = ENV.login("viewer")
        r = c.post_form("/logout", csrf=None)
        self.assertStatus(r, 403)
        self.assertStatus(c.get("/"), 200, "session ended without a CSRF token")

    def test_logout_anonymous_401(self):
        self.assertStatus(ENV.client().post_form("/logout", csrf=None), 401)


class JsonApi(harness.KalemCase):
    def test_api_login_me_logout(self):
        c = ENV.client()
        r = c.api_login("chief1")
        body = r.json()
        self.assertEqual(body["user"]["username"], "chief1")
        self.assertEqual(body["user"]["role"], "chief")
        self.assertRegex(body["csrf_token"], r"^[A-Za-z0-9_-]{20,}$")
        sc = r.set_cookie("kalem_session")
        self.assertIsNotNone(sc)
        self.assertIn("httponly", sc.lower())
        me = c.get("/api/v1/me")
        self.assertStatus(me, 200)
        self.assertEqual(me.json()["username"], "chief1")
        self.assertEqual(me.json()["role"], "chief")
        self.assertEqual(me.json()["csrf_token"], body["csrf_token"])
        # DELETE needs the CSRF header.
        self.assertJsonError(c.send_json("DELETE", "/api/v1/session", csrf=None), 403, "csrf")
        self.assertStatus(c.get("/api/v1/me"), 200)
        old = c.session_cookie
        r = c.send_json("DELETE", "/api/v1/session")
        self.assertStatus(r, 204)
        other = ENV.client()
        other.cookies["kalem_session"] = old
        self.assertJsonError(other.get("/api/v1/me"), 401, "unauthenticated")

    def test_api_me_of_directorate_user(self):
        c = ENV.client()
        c.api_login("dir_a")
        me = c.get("/api/v1/me").json()
        self.assertEqual(me["role"], "directorate")
        self.assertEqual(me["directorate_id"], ENV.dir_a)

    def test_api_login_errors(self):
        c = ENV.client()
        r = c.api_login("viewer1", "Yanlis-Parola-1111", check=False)
        self.assertJsonError(r, 401, "bad_credentials")
        self.assertIsNone(r.set_cookie("kalem_session"))
        r = c.send_json("POST", "/api/v1/session", {"username": "viewer1"}, csrf=None)
        err = self.assertJsonError(r, 422, "invalid")
        self.assertEqual(err["field"], "password")
        r = c.send_json("POST", "/api/v1/session", {"password": PW}, csrf=None)
        self.assertEqual(self.assertJsonError(r, 422, "invalid")["field"], "username")
        self.assertJsonError(c.get("/api/v1/me"), 401, "unauthenticated")


class Throttling(harness.KalemCase):
    def test_five_failures_lock_the_account(self):
        for i in range(5):
            r = ENV.client().login("throttle_me", "Yanlis-Parola-%04d" % i, check=False)
            self.assertStatus(r, 401, "attempt %d" % (i + 1))
        # The sixth attempt is refused even with the right password.
        r = ENV.client().login("throttle_me", PW, check=False)
        self.assertStatus(r, 429)
        self.assertIsNone(r.set_cookie("kalem_session"))
        self.assertIn("15 dakika", r.text)
        r = ENV.client().api_login("throttle_me", PW, check=False)
        self.assertJsonError(r, 429, "throttled")
        # Only that account: another user still signs in from the same address.
        self.assertStatus(ENV.client().login("viewer1", check=False), 303)


class AddressThrottling(harness.KalemCase):
    """20 failures from one address lock every account for that address (its own database)."""

    @classmethod
    def setUpClass(cls):
        cls.env = harness.ModuleEnv(users=False)
        cls.env.start()

    @classmethod
    def tearDownClass(cls):
        cls.env.close()

    def test_twenty_failures_from_one_address(self):
        for i in range(20):
            r = self.env.client().login("nobody%d" % i, "Yanlis-Parola-0000", check=False)
            self.assertStatus(r, 401, "attempt %d" % (i + 1))
        r = self.env.client().login("admin", PW, check=False)
        self.assertStatus(r, 429)
        self.assertIsNone(r.set_cookie("kalem_session"))


class Expiry(harness.KalemCase):
    def test_idle_session_expires(self):
        srv = ENV.new_server(extra_env={"KALEM_SESSION_IDLE": "2"})
        try:
            c = ENV.client(srv)
            c.login("viewer1")
            self.assertStatus(c.get("/"), 200)
            time.sleep(3.2)
            r = c.get("/")
            self.assertStatus(r, 302, "session still valid after the idle timeout")
            self.assertEqual(r.location, "/login?next=%2F")
            self.assertJsonError(c.get("/api/v1/me"), 401, "unauthenticated")
            # A fresh sign-in works again.
            c2 = ENV.client(srv)
            c2.login("viewer1")
            self.assertStatus(c2.get("/"), 200)
        finally:
            self.assertEqual(srv.terminate(), 0, "server did not exit 0 after SIGTERM")

    def test_disabled_user_session_stops(self):
        c = ENV.login("disable_me")
        self.assertStatus(c.get("/"), 200)
        ENV.cli("user", "disable", "disable_me")
        r = c.get("/")
        self.assertStatus(r, 302, "a disabled user's session still works")
        self.assertJsonError(c.get("/api/v1/me"), 401, "unauthenticated")
        r = ENV.client().login("disable_me", check=False)
        self.assertStatus(r, 401, "a disabled user can sign in")
        self.assertIsNone(r.set_cookie("kalem_session"))


class PasswordChange(harness.KalemCase):
    NEW = "Yeni-Parola-Uzun-42"

    def field_block(self, html, name):
        """The <div class="field..."> block of field name."""
        for chunk in html.split('<div class="field')[1:]:
            if 'id="f-%s"' % name in chunk:
                return chunk
        self.fail("no field %s in page" % name)

    def test_form_and_errors(self):
        c = ENV.login("pw_user2")
        r = c.get("/account/password")
        self.assertStatus(r, 200)
        self.assertIn('id="f-current_password"', r.text)
        # Wrong current password.
        r = c.post_form("/account/password", {"current_password": "Yanlis-Parola-9999",
                                              "new_password": self.NEW, "confirm_password": self.NEW})
        self.assertStatus(r, 422)
        self.assertIn("has-error", self.field_block(r.text, "current_password")[:40])
        self.assertIn("Mevcut parola hatalı", self.field_block(r.text, "current_password"))
        self.assertIn('href="#f-current_password"', r.text)
        # Too short: the error names the new password field.
        r = c.post_form("/account/password", {"current_password": PW, "new_password": "kisa",
                                              "confirm_password": "kisa"})
        self.assertStatus(r, 422)
        block = self.field_block(r.text, "new_password")
        self.assertIn("has-error", block[:40])
        self.assertIn('<p class="error">Parola en az 12 karakter olmalıdır</p>', block)
        self.assertIn('href="#f-new_password"', r.text)
        self.assertNotIn('value="kisa"', r.text, "a password is echoed back into the form")
        # The same in English.
        r = c.post_form("/account/password?lang=en", {"current_password": PW, "new_password": "kisa",
                                                      "confirm_password": "kisa"})
        self.assertStatus(r, 422)
        self.assertIn("at least 12 characters", self.field_block(r.text, "new_password"))
        c.cookies.pop("kalem_lang", None)
        # Mismatch.
        r = c.post_form("/account/password", {"current_password": PW, "new_password": self.NEW,
                                              "confirm_password": self.NEW + "x"})
        self.assertStatus(r, 422)
        self.assertIn("Parolalar eşleşmiyor", self.field_block(r.text, "confirm_password"))
        # Without the CSRF token.
        r = c.post_form("/account/password", {"current_password": PW, "new_password": self.NEW,
                                              "confirm_password": self.NEW}, csrf=None)
        self.assertStatus(r, 403)
        # Nothing changed: the session and the old password still work.
        self.assertStatus(c.get("/"), 200)
        self.assertStatus(ENV.client().login("pw_user2", PW, check=False), 303)

    def test_change_logs_out_everywhere(self):
        c = ENV.login("pw_user")
        elsewhere = ENV.login("pw_user")  # a second session of the same user
        r = c.post_form("/account/password", {"current_password": PW, "new_password": self.NEW,
                                              "confirm_password": self.NEW})
        self.assertStatus(r, 303)
        self.assertEqual(r.location, "/login")
        self.assertStatus(c.get("/"), 302, "the session survived the password change")
        self.assertStatus(elsewhere.get("/"), 302, "another session survived the password change")
        self.assertStatus(ENV.client().login("pw_user", PW, check=False), 401)
        self.assertStatus(ENV.client().login("pw_user", self.NEW, check=False), 303)


if __name__ == "__main__":
    harness.main()
