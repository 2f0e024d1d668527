# test_app_public.py: the citizens' application pages (/basvuru with its second step, the done page with the code
# and an SVG QR code, the receipt for the submitting browser only, field errors named in Turkish, the form token,
# the honeypot, the KVKK acknowledgement, the per-address throttle), public tracking by code and last four digits
# (page and JSON: one neutral "not found", nothing personal, throttled), the directorate inbox (isolation, due
# first, clock labels), the home page's application widgets, and the clock sweep of the server (overdue event and
# one e-mail to the chief, once). The server runs with KALEM_SWEEP_INTERVAL=1 (docs/OPERATIONS.md).
import re
import shutil
import subprocess
import tempfile
import time
import uuid
from datetime import datetime, timedelta, timezone

import harness

CHIEF_EMAIL = "chief1@example.org"
TR = timezone(timedelta(hours=3))


class Env(harness.ModuleEnv):
    """The standard users; the chief has an e-mail address (escalations go there)."""

    def add_user(self, name, role, directorate=None, password=harness.PASSWORD):
        args = ["user", "add", name, "--role", role]
        if directorate:
            args += ["--directorate", directorate]
        if role == "chief":
            args += ["--email", CHIEF_EMAIL]
        self.cli(*args, env={"KALEM_PASSWORD": password})


ENV = Env(key_scopes=())
VAR = tempfile.mkdtemp(prefix="kalem-apppub-var-")

CODE_RE = re.compile(r'<strong>(B[A-Z2-9]{9})</strong>')
RECEIPT_RE = re.compile(r'href="(/basvuru/makbuz/\d+\?[^"]+)"')
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
VALID = {"kind": "complaint", "subject": "Parktaki bank kırık", "description": "Çocuk parkındaki bank kırıldı.",
         "name": "Şükrü Güçlüoğlu", "phone": "0532 987 65 43", "email": "", "preferred_channel": "sms",
         "address": "Lale Sokak No 3", "consent": "1"}
NOT_FOUND_TR = "Bu bilgilerle bir başvuru bulunamadı"


def setUpModule():
    ENV.start(server_env={"KALEM_SWEEP_INTERVAL": "1", "KALEM_VAR": VAR})


def tearDownModule():
    try:
        ENV.close()
    finally:
        shutil.rmtree(VAR, ignore_errors=True)


def iso(dt):
    return dt.astimezone(TR).isoformat(timespec="seconds")


class AppPublicCase(harness.KalemCase):
    _categories = None

    @classmethod
    def category(cls, code):
        if cls._categories is None:
            r = ENV.login("admin").get("/api/v1/categories")
            assert r.status == 200, r.text
            body = r.json()
            items = body["items"] if isinstance(body, dict) else body
            cls._categories = {c["code"]: c["id"] for c in items}
        return cls._categories[code]

    def open_form(self, client=None):
        return self.openPublicForm(client or ENV.client(), "/basvuru", "kalem_basvuru")

    def submit(self, c, token, fields, files=None):
        body = dict(fields)
        if token is not None:
            body["_form"] = token
        if files is None:
            return c.post_form("/basvuru", body, csrf=None)
        data, ctype = harness.multipart(body, [(k, fn, data) for k, (fn, data) in files.items()])
        return c.request("POST", "/basvuru", body=data, content_type=ctype)

    def valid(self, **over):
        v = dict(VALID, category_id=str(self.category("parks_green")))
        v.update(over)
        return v

    def web_apps(self):
        r = ENV.login("admin").get("/api/v1/applications?channel=web&limit=500")
        self.assertStatus(r, 200)
        return r.json()["items"]

    def staff_app(self, code):
        admin = ENV.login("admin")
        r = admin.get("/api/v1/applications?q=%s&limit=5" % code)
        self.assertStatus(r, 200)
        items = [i for i in r.json()["items"] if i["tracking_code"] == code]
        self.assertEqual(len(items), 1, r.text)
        full = admin.get("/api/v1/applications/%d" % items[0]["id"])
        self.assertStatus(full, 200)
        return full.json()

    def staff_create(self, **values):
        sec = ENV.login("secretariat")
        body = {"kind": "complaint", "category_code": "parks_green", "applicant_name": "Zeynep Kaya",
                "phone": "0533 444 55 66", "subject": "Konu " + uuid.uuid4().hex[:6]}
        body.update(values)
        r = sec.send_json("POST", "/api/v1/applications", body)
        self.assertStatus(r, 201, r.text)
        return r.json()

    def transition(self, client, app_id, action, **fields):
        body = dict(fields, action=action)
        r = client.send_json("POST", "/api/v1/applications/%d/transitions" % app_id, body)
        self.assertStatus(r, 200, r.text)
        return r.json()

    def route_transition(self, client, app_id, route_id, action, **fields):
        body = dict(fields, action=action)
        r = client.send_json("POST", "/api/v1/applications/%d/routes/%d/transitions" % (app_id, route_id), body)
        self.assertStatus(r, 200, r.text)
        return r.json()


class FormTests(AppPublicCase):
    def test_form_renders_in_turkish_with_english_switch(self):
        c, _, r = self.open_form()
        self.assertIn("Şikâyet, talep ve öneri başvurusu", r.text)
        self.assertIn('<optgroup label="Çevre ve temizlik">', r.text)
        self.assertIn("Park ve yeşil alan", r.text)
        self.assertIn('enctype="multipart/form-data"', r.text)
        self.assertIn("Path=/basvuru", self.assertPublicForm(r, "kalem_basvuru"))
        en = ENV.client().get("/basvuru?lang=en")
        self.assertStatus(en, 200)
        self.assertIn("Complaints, requests and suggestions", en.text)
        self.assertIn("Parks and green areas", en.text)
        self.assertNotIn("Şikâyet, talep ve öneri başvurusu", en.text)
        self.assertIn('href="/basvuru"', ENV.client().get("/basvuru-takip").text)

    def test_submit_without_file_done_page_and_receipt(self):
        before = len(self.web_apps())
        c, token, _ = self.open_form()
        r = self.submit(c, token, self.valid())
        self.assertStatus(r, 200)
        m = CODE_RE.search(r.text)
        self.assertIsNotNone(m, r.text[:3000])
        code = m.group(1)
        # The QR code: inline SVG of rect and path elements only, no script, encoding the tracking address.
        svg = re.search(r"<svg[^>]*>.*?</svg>", r.text, re.S)
        self.assertIsNotNone(svg)
        self.assertEqual(set(re.findall(r"<([a-z]+)[\s/>]", svg.group(0))), {"svg", "rect", "path"})
        self.assertNotIn("<script", svg.group(0))
        self.assertIn("/basvuru-takip?code=%s" % code, svg.group(0))
        self.assertRegex(svg.group(0), r'viewBox="0 0 (\d+) \1"')
        self.assertIn('href="/basvuru-takip?code=%s"' % code, r.text)
        self.assertIn("telefon numaranızın son dört hanesini", r.text)
        # Staff see it: channel web, the applicant, the KVKK acknowledgement in its history.
        self.assertEqual(len(self.web_apps()), before + 1)
        a = self.staff_app(code)
        self.assertEqual(a["channel"], "web")
        self.assertEqual(a["applicant_name"], "Şükrü Güçlüoğlu")
        self.assertEqual(a["phone"], "+905329876543")
        self.assertEqual(a["category_code"], "parks_green")
        self.assertEqual(a["files"], [])
        self.assertIn("application.kvkk_notice", [h["action"] for h in a["history"]])
        # The receipt: for this browser only.
        link = RECEIPT_RE.search(r.text).group(1).replace("&amp;", "&")
        pdf = c.get(link)
        self.assertStatus(pdf, 200)
        self.assertEqual(pdf.header("Content-Type"), "application/pdf")
        self.assertTrue(pdf.body.startswith(b"%PDF"))
        text = subprocess.run(["pdftotext", "-", "-"], input=pdf.body, capture_output=True, check=True).stdout
        text = text.decode("utf-8")
        for words in (code, "Meram Belediyesi", "Özel Kalem Müdürlüğü", "Şükrü Güçlüoğlu", "Web formu"):
            self.assertIn(words, text)
        self.assertStatus(ENV.client().get(link), 404)          # another browser: no form cookie
        other, _, _ = self.open_form()                           # another browser with a form cookie of its own
        self.assertStatus(other.get(link), 404)
        self.assertStatus(c.get(link[:-4] + ("0000" if not link.endswith("0000") else "1111")), 404)
        self.assertStatus(c.get(re.sub(r"/makbuz/\d+", "/makbuz/%d" % (a["id"] + 1000), link)), 404)
        self.assertStatus(c.get("/basvuru/makbuz/%d?code=%s" % (a["id"], code)), 404)  # never by code alone
        # A repeated identical submission (a double click) shows the same application.
        again = self.submit(c, token, self.valid())
        self.assertStatus(again, 200)
        self.assertEqual(CODE_RE.search(again.text).group(1), code)
        self.assertEqual(len(self.web_apps()), before + 1)

    def test_submit_with_a_file_and_a_bad_file(self):
        c, token, _ = self.open_form()
        before = len(self.web_apps())
        r = self.submit(c, token, self.valid(subject="Dilekçeli başvuru", email="sukru@example.org"),
                        files={"file": ("../../dilekçe.pdf", PDF)})
        self.assertStatus(r, 200)
        code = CODE_RE.search(r.text).group(1)
        a = self.staff_app(code)
        self.assertEqual(len(a["files"]), 1)
        self.assertEqual(a["files"][0]["mime"], "application/pdf")
        self.assertEqual(a["files"][0]["role"], "petition")
        self.assertNotIn("/", a["files"][0]["name"])
        # Text that claims to be a PDF, and an empty file: 422 beside the file field, nothing written.
        for name, data, words in (("kötü.pdf", b"not a pdf at all, just text\n" * 10, "PDF, JPEG ya da PNG"),):
            bad = self.submit(c, token, self.valid(subject="Kötü dosya"), files={"file": (name, data)})
            self.assertStatus(bad, 422)
            self.assertIn('id="e-file"', bad.text)
            self.assertIn(words, bad.text)
        big = self.submit(c, token, self.valid(subject="Büyük dosya"),
                          files={"file": ("büyük.pdf", PDF + b"0" * (10 * 1024 * 1024))})
        self.assertStatus(big, 422)
        self.assertIn("en fazla 10 MB", big.text)
        self.assertEqual(len(self.web_apps()), before + 1)

    def test_bad_input_names_the_field_in_turkish(self):
        before = len(self.web_apps())
        c, token, _ = self.open_form()
        cases = [
            (self.valid(subject=""), "subject", "Konu zorunludur"),
            (self.valid(description=""), "description", "Açıklama zorunludur"),
            (self.valid(kind="threat"), "kind", "Başvuru türü için listedeki seçeneklerden birini seçin"),
            (self.valid(category_id="999999"), "category_id", "Konu başlığı için listedeki"),
            (self.valid(name=""), "name", "Adınız ve soyadınız zorunludur"),
            (self.valid(phone="", email="", preferred_channel=""), "phone", "telefon numaranızı ya da e-posta"),
            (self.valid(email="not-an-address"), "email", "Geçersiz e-posta adresi"),
            (self.valid(phone="12"), "phone", "Geçersiz telefon numarası"),
            (self.valid(preferred_channel="email"), "preferred_channel", "Seçtiğiniz iletişim yolu"),
            (self.valid(subject="x" * 301), "subject", "Konu çok uzun"),
            (self.valid(neighbourhood_id="999999"), "neighbourhood_id", "listedeki seçeneklerden"),
        ]
        for fields, field, words in cases:
            r = self.submit(c, token, fields)
            self.assertStatus(r, 422, field)
            self.assertIn('id="e-%s"' % field, r.text, field)
            self.assertIn(words, r.text, field)
            self.assertIn("error-summary", r.text)
        # The KVKK acknowledgement is required.
        no_consent = self.valid()
        del no_consent["consent"]
        r = self.submit(c, token, no_consent)
        self.assertStatus(r, 422)
        self.assertIn('id="e-consent"', r.text)
        self.assertIn("aydınlatma metnini okuduğunuzu onaylayın", r.text)
        self.assertIn('value="Şükrü Güçlüoğlu"', r.text)  # what was typed is kept
        # An e-mail alone is enough.
        self.assertEqual(len(self.web_apps()), before)

    def test_form_token_and_honeypot(self):
        before = len(self.web_apps())
        c, token, _ = self.open_form()
        for sent in (None, "0" * 64, token[:-1]):
            r = self.submit(c, sent, self.valid())
            self.assertStatus(r, 400, repr(sent))
            self.assertIn("Formun süresi doldu", r.text)
            self.assertIn('value="Şükrü Güçlüoğlu"', r.text)
        other = ENV.client()
        self.assertStatus(self.submit(other, token, self.valid()), 400)
        r = self.submit(c, token, self.valid(website="http://spam.example"))
        self.assertStatus(r, 400)
        self.assertEqual(len(self.web_apps()), before)

    def test_category_questions_in_a_second_step(self):
        before = len(self.web_apps())
        c, token, _ = self.open_form()
        first = self.valid(category_id=str(self.category("road_damage")), subject="Yolda çukur")
        r = self.submit(c, token, first, files={"file": ("yol.pdf", PDF)})
        self.assertStatus(r, 200)
        self.assertIn("Birkaç soru daha", r.text)
        self.assertIn('name="_step" value="2"', r.text)
        self.assertIn('name="attr_size"', r.text)
        self.assertIn("Hasarın büyüklüğü", r.text)
        self.assertIn('name="subject" value="Yolda çukur"', r.text)
        self.assertIn("yeniden seçin", r.text)   # the file must be chosen again
        self.assertEqual(len(self.web_apps()), before)
        step2 = dict(first, _step="2")
        r = self.submit(c, token, step2)
        self.assertStatus(r, 422)
        self.assertIn('id="e-attr_size"', r.text)
        self.assertIn("Hasarın büyüklüğü zorunludur", r.text)
        r = self.submit(c, token, dict(step2, attr_size="enormous"))
        self.assertStatus(r, 422)
        self.assertIn('id="e-attr_size"', r.text)
        self.assertEqual(len(self.web_apps()), before)
        r = self.submit(c, token, dict(step2, attr_size="medium", attr_surface="pavement"),
                        files={"file": ("yol.pdf", PDF)})
        self.assertStatus(r, 200)
        code = CODE_RE.search(r.text).group(1)
        a = self.staff_app(code)
        self.assertEqual(a["attributes"], {"size": "medium", "surface": "pavement"})
        self.assertEqual(len(a["files"]), 1)


class TrackingTests(AppPublicCase):
    def test_tracking_right_and_wrong_last4(self):
        a = self.staff_create(applicant_name="Gizli Kişi", phone="0533 444 55 66", email="gizli@example.org",
                              address="Gül Sokak 7", description="Özel ayrıntı")
        code = a["tracking_code"]
        ok = ENV.client().get("/api/v1/public/applications/%s?last4=5566" % code)
        self.assertStatus(ok, 200)
        o = ok.json()
        self.assertEqual(o["code"], code)
        self.assertEqual(o["state"], "received")
        self.assertEqual(o["state_label"], "Başvuru alındı")
        self.assertEqual(o["category_name"], "Park ve yeşil alan")
        self.assertEqual([s["state"] for s in o["stages"]], ["received"])
        self.assertRegex(o["stages"][0]["at"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+03:00$")
        for secret in ("Gizli", "5566", "gizli@", "Gül Sokak", "Özel ayrıntı", "+90"):
            self.assertNotIn(secret, ok.text)
        # Lower-case code works; wrong digits, an unknown code, no digits: one neutral 404.
        self.assertStatus(ENV.client().get("/api/v1/public/applications/%s?last4=5566" % code.lower()), 200)
        wrong = [ENV.client().get("/api/v1/public/applications/%s?last4=5567" % code),
                 ENV.client().get("/api/v1/public/applications/B222222222?last4=5566"),
                 ENV.client().get("/api/v1/public/applications/%s" % code),
                 ENV.client().get("/api/v1/public/applications/%s?last4=gizli" % code)]
        for w in wrong:
            self.assertStatus(w, 404)
            self.assertEqual(w.json(), wrong[0].json())
        # The page: POST keeps the digits out of the address; same neutral message either way.
        page = ENV.client().post_form("/basvuru-takip", {"code": code, "last4": "5566"}, csrf=None)
        self.assertStatus(page, 200)
        self.assertIn("Başvuru alındı", page.text)
        self.assertIn("Park ve yeşil alan", page.text)
        for secret in ("Gizli", "5566", "gizli@", "Gül Sokak", "Özel ayrıntı", a["subject"]):
            self.assertNotIn(secret, page.text)
        bad = ENV.client().post_form("/basvuru-takip", {"code": code, "last4": "0000"}, csrf=None)
        unknown = ENV.client().post_form("/basvuru-takip", {"code": "B222222222", "last4": "5566"}, csrf=None)
        for b in (bad, unknown):
            self.assertStatus(b, 404)
            self.assertIn(NOT_FOUND_TR, b.text)
            self.assertNotIn("Başvuru alındı", b.text)
        self.assertEqual(bad.text.replace(code, "X"), unknown.text.replace("B222222222", "X"))
        # The QR link fills the code in.
        self.assertIn('value="%s"' % code, ENV.client().get("/basvuru-takip?code=%s" % code).text)

    def test_tracking_by_email_and_the_answer_once_feedback_is_given(self):
        a = self.staff_create(phone="", email="zeynep.k@example.org", preferred_channel="email")
        code = a["tracking_code"]
        self.assertStatus(ENV.client().get("/api/v1/public/applications/%s?last4=zeynep.k" % code), 200)
        self.assertStatus(ENV.client().get("/api/v1/public/applications/%s?last4=zeynep" % code), 404)
        sec = ENV.login("secretariat")
        routed = self.transition(sec, a["id"], "route", directorates=[ENV.dir_a])
        route_id = [x for x in routed["routes"] if x["directorate_id"] == ENV.dir_a][0]["id"]
        d = ENV.login("directorate")
        self.route_transition(d, a["id"], route_id, "answer", answer="Bank onarıldı, teşekkürler.")
        mid = ENV.client().get("/api/v1/public/applications/%s?last4=zeynep.k" % code).json()
        self.assertEqual(mid["state"], "answered")
        self.assertNotIn("Bank onarıldı", mid.get("answer", ""))   # not before the applicant is told
        self.transition(sec, a["id"], "give_feedback", via="phone", spoke_with="Zeynep Hanım",
                        summary="Sonuç anlatıldı", text="Bank onarıldı, teşekkürler.")
        done = ENV.client().get("/api/v1/public/applications/%s?last4=zeynep.k" % code).json()
        self.assertEqual(done["state"], "feedback_given")
        self.assertIn("Bank onarıldı", done["answer"])
        self.assertEqual([s["state"] for s in done["stages"]], ["received", "routed", "answered", "feedback_given"])
        page = ENV.client().post_form("/basvuru-takip", {"code": code, "last4": "zeynep.k"}, csrf=None)
        self.assertIn("Bank onarıldı", page.text)
        self.assertIn("İlgili müdürlüğe iletildi", page.text)
        self.assertNotIn("Zeynep", page.text)

    def test_z1_tracking_is_throttled(self):
        # Every lookup of this module came from 127.0.0.1 within the window; at most 30 are answered.
        answered = 0
        r = None
        for _ in range(32):
            r = ENV.client().get("/api/v1/public/applications/B222222222?last4=1234")
            if r.status == 429:
                break
            answered += 1
        self.assertStatus(r, 429)
        self.assertEqual(r.header("Retry-After"), "600")
        self.assertLessEqual(answered, 30)
        page = ENV.client().post_form("/basvuru-takip", {"code": "B222222222", "last4": "1234"}, csrf=None)
        self.assertStatus(page, 429)
        self.assertIn("çok fazla sorgulama", page.text)

    def test_z2_submissions_are_throttled(self):
        done = len(self.web_apps())
        self.assertLessEqual(done, 10)
        c, token, _ = self.open_form()
        for i in range(10 - done):
            self.assertStatus(self.submit(c, token, self.valid(subject="Konu %d" % i)), 200)
        r = self.submit(c, token, self.valid(subject="Onbirinci"))
        self.assertStatus(r, 429)
        self.assertIn("Çok fazla istek", r.text)
        self.assertEqual(len(self.web_apps()), 10)


class InboxTests(AppPublicCase):
    def test_inbox_shows_only_the_directorates_routes_due_first(self):
        sec = ENV.login("secretariat")
        now = datetime.now(TR)
        late = self.staff_create(subject="Geç kalan", received_at=iso(now - timedelta(days=12)))
        soon = self.staff_create(subject="Yakında")
        later = self.staff_create(subject="Sonra")
        other = self.staff_create(subject="B müdürlüğünün")
        self.transition(sec, late["id"], "route", directorates=[ENV.dir_a],
                        due_at=iso(now - timedelta(days=3)))
        self.transition(sec, later["id"], "route", directorates=[ENV.dir_a], due_at=iso(now + timedelta(days=6)))
        self.transition(sec, soon["id"], "route", directorates=[ENV.dir_a], due_at=iso(now + timedelta(days=3)))
        self.transition(sec, other["id"], "route", directorates=[ENV.dir_b])
        a = ENV.login("directorate").get("/inbox")
        self.assertStatus(a, 200)
        pos = [a.text.find('href="/applications/%d"' % x["id"]) for x in (late, soon, later)]
        self.assertTrue(all(p > 0 for p in pos), pos)
        self.assertEqual(pos, sorted(pos))                      # due first
        self.assertNotIn('href="/applications/%d"' % other["id"], a.text)
        self.assertNotIn("B müdürlüğünün", a.text)
        self.assertRegex(a.text, r'<span class="tag error">\d+ gün gecikti</span>')
        self.assertIn("3 gün kaldı", a.text)
        self.assertIn("Park ve yeşil alan", a.text)
        # Keyset pages keep the order: two a page, following "next".
        dc, seen, path, pages = ENV.login("directorate"), [], "/inbox?limit=2", 0
        while path:
            page = dc.get(path)
            pages += 1
            self.assertStatus(page, 200)
            ids = [int(x) for x in re.findall(r'<td data-label="Konu"><a href="/applications/(\d+)"', page.text)]
            self.assertLessEqual(len(ids), 2)
            seen += ids
            m = re.search(r'href="([^"]+)" rel="next"', page.text)
            path = m.group(1).replace("&amp;", "&") if m else None
        self.assertEqual(seen, [int(x) for x in re.findall(r'<td data-label="Konu"><a href="/applications/(\d+)"',
                                                          a.text)])
        self.assertGreaterEqual(pages, 2)
        # ?d= cannot widen a directorate user's view.
        self.assertNotIn("B müdürlüğünün", ENV.login("directorate").get("/inbox?d=%d" % ENV.dir_b).text)
        b = ENV.login("dir_b").get("/inbox")
        self.assertStatus(b, 200)
        self.assertIn('href="/applications/%d"' % other["id"], b.text)
        for x in (late, soon, later):
            self.assertNotIn('href="/applications/%d"' % x["id"], b.text)
            self.assertNotIn(x["subject"], b.text)
        # The office chooses a directorate; viewers may not open it.
        choose = sec.get("/inbox")
        self.assertStatus(choose, 200)
        self.assertIn('<select id="f-d" name="d">', choose.text)
        self.assertNotIn('href="/applications/', choose.text)
        office = sec.get("/inbox?d=%d" % ENV.dir_b)
        self.assertIn('href="/applications/%d"' % other["id"], office.text)
        self.assertNotIn('href="/applications/%d"' % soon["id"], office.text)
        self.assertStatus(ENV.login("viewer").get("/inbox"), 403)
        # An answered route leaves the inbox.
        routes = ENV.login("admin").get("/api/v1/applications/%d" % soon["id"]).json()["routes"]
        self.route_transition(ENV.login("directorate"), soon["id"], routes[0]["id"], "answer", answer="Yapıldı.")
        self.assertNotIn('href="/applications/%d"' % soon["id"], ENV.login("directorate").get("/inbox").text)

    def test_home_widgets(self):
        sec = ENV.login("secretariat")
        now = datetime.now(TR)
        overdue = self.staff_create(subject="Çok eski", received_at=iso(now - timedelta(days=20)))
        back = self.staff_create(subject="İade edilecek")
        mine = self.staff_create(subject="A müdürlüğüne giden")
        self.transition(sec, mine["id"], "route", directorates=[ENV.dir_a])
        routed = self.transition(sec, back["id"], "route", directorates=[ENV.dir_b])
        self.route_transition(ENV.login("dir_b"), back["id"], routed["routes"][0]["id"], "return",
                              reason="Bizim görev alanımız değil")
        admin = ENV.login("admin")
        n_overdue = len(admin.get("/api/v1/applications?overdue=1&limit=500").json()["items"])
        n_answered = len(admin.get("/api/v1/applications?state=answered&limit=500").json()["items"])
        self.assertGreaterEqual(n_overdue, 1)
        home = sec.get("/")
        self.assertStatus(home, 200)
        self.assertIn('<strong class="overdue">%d</strong> Süresi geçmiş' % n_overdue, home.text)
        self.assertIn('<strong>%d</strong> Cevaplandı, başvurana geri dönüş bekliyor' % n_answered, home.text)
        self.assertRegex(home.text, r'<strong>[1-9]\d*</strong> Müdürlükten iade edildi')
        self.assertIn('href="/applications/%d">%s</a>' % (back["id"], back["tracking_code"]), home.text)
        self.assertIn("Bizim görev alanımız değil", home.text)
        self.assertIn('href="/applications/%d">%s</a>' % (overdue["id"], overdue["tracking_code"]), home.text)
        self.assertNotIn("Başvuru süreleri: müdürlüklere göre", home.text)   # the chief's table
        # A directorate user: its inbox count and the overdue ones, nothing of the office's widgets.
        d = ENV.login("directorate")
        rows = d.get("/inbox").text.count('<td data-label="Süre">')
        self.assertGreaterEqual(rows, 1)
        dh = d.get("/")
        self.assertIn('<strong>%d</strong> Gelen kutunuzda açık başvuru' % rows, dh.text)
        self.assertNotIn("Müdürlükten iade edildi", dh.text)
        self.assertNotIn(back["tracking_code"], dh.text)
        # The chief: the clocks per directorate.
        ch = ENV.login("chief").get("/")
        self.assertIn("Başvuru süreleri: müdürlüklere göre", ch.text)
        m = re.search(r'href="/inbox\?d=%d">Test A Müdürlüğü</a></td><td[^>]*>(\d+)</td><td[^>]*>(\d+)</td>'
                      r'<td[^>]*>(\d+)</td>' % ENV.dir_a, ch.text)
        self.assertIsNotNone(m, ch.text[-3000:])
        self.assertEqual(int(m.group(1)), rows)
        self.assertNotIn("Başvuru süreleri", ENV.login("viewer").get("/").text)


class SweepTests(AppPublicCase):
    def events(self, app_id):
        r = ENV.login("admin").get("/api/v1/applications/%d/events" % app_id)
        self.assertStatus(r, 200)
        return r.json()["items"]

    def chief_mails(self, app_id):
        r = ENV.login("admin").get("/api/v1/notifications?record_type=application&record_id=%d" % app_id)
        self.assertStatus(r, 200)
        return [n for n in r.json()["items"] if n["recipient"] == CHIEF_EMAIL]

    def test_overdue_event_and_one_mail_to_the_chief(self):
        now = datetime.now(TR)
        a = self.staff_create(subject="Süresi geçmiş başvuru", received_at=iso(now - timedelta(days=15)))
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if any(e["event"] == "overdue" for e in self.events(a["id"])):
                break
            time.sleep(0.3)
        ev = self.events(a["id"])
        overdue = [e for e in ev if e["event"] == "overdue"]
        self.assertEqual([e["clock"] for e in overdue], ["office"], ev)
        self.assertEqual(overdue[0]["actor"], "system")
        self.assertIn("escalated", [e["event"] for e in ev])
        mails = self.chief_mails(a["id"])
        self.assertEqual(len(mails), 1, mails)
        self.assertEqual(mails[0]["channel"], "email")
        self.assertEqual(mails[0]["template_key"], "application_overdue")
        # Several more sweeps: nothing twice.
        time.sleep(3)
        self.assertEqual(len([e for e in self.events(a["id"]) if e["event"] == "overdue"]), 1)
        self.assertEqual(len(self.chief_mails(a["id"])), 1)
        # A fresh application is left alone.
        fresh = self.staff_create(subject="Yeni")
        time.sleep(2)
        self.assertEqual([e["event"] for e in self.events(fresh["id"]) if e["event"] in ("overdue", "warning")], [])


if __name__ == "__main__":
    harness.main()
