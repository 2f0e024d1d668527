# test_public_form.py: the citizens' public appointment-request form /randevu-talebi: Turkish page, receipt with a
# tracking code that /api/v1/track knows, field errors (422), the anonymous form token (400, the form again), the honeypot (400),
# the per-address throttle (429) and the staff's view of the request (channel "web"). Nothing is written on error.
import re

import harness

ENV = harness.ModuleEnv(key_scopes=())

VALID = {"name": "Şükrü Güçlüoğlu", "phone": "0532 987 65 43", "email": "sukru@example.org",
         "subject": "Mahallemizdeki parkın ışıklandırılması", "preferred": "Çarşamba öğleden sonra",
         "consent": "1"}
TOKEN_RE = harness.FORM_TOKEN_RE


def setUpModule():
    ENV.start()


def tearDownModule():
    ENV.close()


class PublicFormTests(harness.KalemCase):
    def open_form(self, client=None):
        return self.openPublicForm(client or ENV.client(), "/randevu-talebi", "kalem_form")

    def submit(self, c, token, fields):
        body = dict(fields)
        if token is not None:
            body["_form"] = token
        return c.post_form("/randevu-talebi", body, csrf=None)

    def web_requests(self):
        admin = ENV.login("admin")
        r = admin.get("/api/v1/appointment-requests?limit=500")
        self.assertStatus(r, 200)
        return [i for i in r.json()["items"] if i["channel"] == "web"]

    def test_form_renders_in_turkish(self):
        c, token, r = self.open_form()
        self.assertIn("Başkanla görüşme talebi", r.text)
        self.assertIn("Aydınlatma metnini okudum", r.text)
        self.assertPublicForm(r, "kalem_form")
        # The language switch gives English, from catalogue keys.
        en = ENV.client().get("/randevu-talebi?lang=en")
        self.assertStatus(en, 200)
        self.assertIn("Request a meeting with the Mayor", en.text)
        self.assertIn("I have read the privacy notice", en.text)
        self.assertNotIn("Başkanla görüşme talebi", en.text)
        # Links from the login and tracking pages.
        self.assertIn('href="/randevu-talebi"', ENV.client().get("/login").text)
        self.assertIn('href="/randevu-talebi"', ENV.client().get("/track").text)

    def test_valid_submission_gives_a_receipt_and_staff_see_it(self):
        before = len(self.web_requests())
        c, token, _ = self.open_form()
        r = self.submit(c, token, VALID)
        self.assertStatus(r, 200)
        m = re.search(r'<strong>([A-Z2-9]{8})</strong>', r.text)
        self.assertIsNotNone(m, r.text[:3000])
        code = m.group(1)
        self.assertIn('href="/track?code=%s"' % code, r.text)
        self.assertIn("Bundan sonra ne olacak?", r.text)
        t = ENV.client().get("/api/v1/track/" + code)
        self.assertStatus(t, 200)
        o = t.json()
        self.assertEqual(o["state"], "requested")
        self.assertEqual(o["kind"], "citizen")
        self.assertNotIn("Şükrü", t.text)
        self.assertNotIn("987", t.text)
        items = self.web_requests()
        self.assertEqual(len(items), before + 1)
        mine = [i for i in items if i["tracking_code"] == code]
        self.assertEqual(len(mine), 1)
        self.assertEqual(mine[0]["kind"], "citizen")
        self.assertEqual(mine[0]["requester_name"], "Şükrü Güçlüoğlu")
        self.assertEqual(mine[0]["phone"], "+905329876543")
        self.assertTrue(mine[0]["party_id"] > 0)
        # The party was created as a citizen with the consent recorded.
        p = ENV.login("admin").get("/api/v1/parties/%d" % mine[0]["party_id"])
        self.assertStatus(p, 200)
        self.assertEqual(p.json()["kind"], "citizen")
        self.assertTrue(p.json()["kvkk_consent_at"])

    def test_field_errors_write_nothing(self):
        before = len(self.web_requests())
        c, token, _ = self.open_form()
        no_consent = dict(VALID)
        del no_consent["consent"]
        r = self.submit(c, token, no_consent)
        self.assertStatus(r, 422)
        self.assertIn('id="e-consent"', r.text)
        self.assertIn("aydınlatma metnini okuduğunuzu onaylayın", r.text)
        self.assertIn("error-summary", r.text)
        self.assertIn('value="Şükrü Güçlüoğlu"', r.text)  # what was typed is kept
        bad_phone = dict(VALID, phone="12")
        r = self.submit(c, token, bad_phone)
        self.assertStatus(r, 422)
        self.assertIn('id="e-phone"', r.text)
        self.assertNotIn('id="e-consent"', r.text)
        r = self.submit(c, token, dict(VALID, subject="x" * 1001))
        self.assertStatus(r, 422)
        self.assertIn('id="e-subject"', r.text)
        r = self.submit(c, token, dict(VALID, name=""))
        self.assertStatus(r, 422)
        self.assertIn('id="e-name"', r.text)
        r = self.submit(c, token, dict(VALID, neighbourhood_id="999999"))
        self.assertStatus(r, 422)
        self.assertIn('id="e-neighbourhood_id"', r.text)
        self.assertEqual(len(self.web_requests()), before)

    def test_form_token_required(self):
        # Documented choice: a missing or wrong token is answered 400 (not 403: the route is public and
        # test_roles requires that public routes never answer 401/403) with the form again, what was typed
        # kept and a fresh valid token; nothing is written.
        before = len(self.web_requests())
        c, token, _ = self.open_form()
        for sent in (None, "0" * 64, token[:-1], token.upper()):
            r = self.submit(c, sent, VALID)
            self.assertStatus(r, 400, repr(sent))
            self.assertIn("Formun süresi doldu", r.text)
            self.assertIn('value="Şükrü Güçlüoğlu"', r.text)
            self.assertIn(VALID["subject"], r.text)
        # The right field but no cookie (another browser, or a cross-site post).
        other = ENV.client()
        r = self.submit(other, token, VALID)
        self.assertStatus(r, 400)
        self.assertNotEqual(other.cookies.get("kalem_form"), token)
        self.assertEqual(len(self.web_requests()), before)
        # The form shown again carries a token that works.
        m = TOKEN_RE.search(r.text)
        self.assertEqual(m.group(1), other.cookies.get("kalem_form"))

    def test_honeypot_refused(self):
        # Documented choice: a filled honeypot is answered 400 and nothing is written.
        before = len(self.web_requests())
        c, token, _ = self.open_form()
        r = self.submit(c, token, dict(VALID, website="http://spam.example"))
        self.assertStatus(r, 400)
        self.assertEqual(len(self.web_requests()), before)

    def test_z_sixth_submission_in_an_hour_is_throttled(self):
        # Every accepted submission of this module came from 127.0.0.1 within the hour.
        done = len(self.web_requests())
        self.assertLessEqual(done, 5)
        c, token, _ = self.open_form()
        for i in range(5 - done):
            r = self.submit(c, token, dict(VALID, subject="Konu %d" % i))
            self.assertStatus(r, 200)
        r = self.submit(c, token, dict(VALID, subject="Altıncı"))
        self.assertStatus(r, 429)
        self.assertIn("Çok fazla istek", r.text)
        c.get("/randevu-talebi?lang=en")
        r = self.submit(c, token, dict(VALID, subject="Altıncı"))
        self.assertStatus(r, 429)
        self.assertIn("Too many requests", r.text)
        items = self.web_requests()
        self.assertEqual(len(items), 5)
        # One phone, one party: the later requests found the citizen by phone.
        self.assertEqual(len({i["party_id"] for i in items}), 1)


if __name__ == "__main__":
    harness.main()
