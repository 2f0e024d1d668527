# test_parties.py: people and institutions: TCKN masking, view log, duplicates, consent, search, order, paging, roles.
import html
import re
import sqlite3
import subprocess
import time
import urllib.parse

import harness

ENV = harness.ModuleEnv()


def setUpModule():
    ENV.start()


def tearDownModule():
    ENV.close()


VALID_TCKN = "10000000146"  # the example of shared/domain/legal.md
TCKN_ERROR_TR = "Geçersiz T.C. kimlik numarası"
TCKN_ERROR_EN = "Invalid Turkish ID number"
TCKN_DUPLICATE_TR = "Bu T.C. kimlik no ile kayıtlı bir kayıt zaten var."


def tckn_from(first9):
    """The TCKN with the check digits of legal.md for the nine leading digits (first digit not 0)."""
    d = [int(c) for c in first9]
    assert len(d) == 9 and d[0] != 0
    d10 = ((d[0] + d[2] + d[4] + d[6] + d[8]) * 7 - (d[1] + d[3] + d[5] + d[7])) % 10  # Python's % is >= 0
    d11 = (sum(d) + d10) % 10
    return first9 + str(d10) + str(d11)


_serial = [100]


def new_tckn():
    """A valid TCKN not used before in this module."""
    _serial[0] += 1
    return tckn_from("2%08d" % (_serial[0] * 7919))


def new_phone():
    """A mobile number in the form people type it, not used before in this module."""
    _serial[0] += 1
    n = 1000000 + _serial[0]
    return "0533 %03d %02d %02d" % (n // 10000 % 1000, n // 100 % 100, n % 100)


def masked(tckn):
    return tckn[:3] + "******" + tckn[-2:]


def q(s):
    return urllib.parse.quote(s)


# ---------------------------------------------------------------------------------------------------------
# The view log: record_views is written by store/audit.c record_view_log, but no page or API shows it (see the
# report), so the tests read it from the database itself, read-only.


def view_log_count(record_id, actor=None):
    where = "record_type = 'party' AND record_id = '%d'" % int(record_id)
    if actor:
        assert re.match(r"^[a-z0-9_.-]+$", actor)
        where += " AND actor = '%s'" % actor
    sql = "SELECT COUNT(*) FROM record_views WHERE " + where
    if harness.backend() == "pg":
        p = subprocess.run(["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", ENV.db.url, "-c", sql],
                           capture_output=True, text=True, timeout=60)
        if p.returncode != 0:
            raise RuntimeError("psql: %s" % p.stderr)
        return int(p.stdout.strip())
    path = ENV.db.url[len("sqlite:"):]
    con = sqlite3.connect("file:%s?mode=ro" % urllib.parse.quote(path), uri=True, timeout=30)
    try:
        return con.execute(sql).fetchone()[0]
    finally:
        con.close()


# ---------------------------------------------------------------------------------------------------------


class Base(harness.KalemCase):
    def setUp(self):
        self.admin = ENV.client()
        self.admin.api_login("admin")

    def create(self, body, client=None, expect=201):
        r = (client or self.admin).send_json("POST", "/api/v1/parties", body)
        self.assertStatus(r, expect, "create %r" % body)
        return r.json()

    def citizen(self, name, **extra):
        body = {"kind": "citizen", "name": name}
        body.update(extra)
        return self.create(body)

    def all_parties(self, query=""):
        items, after = [], None
        while True:
            path = "/api/v1/parties?limit=200" + query + ("&after=" + q(after) if after else "")
            r = self.admin.get(path)
            self.assertStatus(r, 200)
            body = r.json()
            items += body["items"]
            after = body.get("next")
            if not after:
                return items

    def snapshot(self):
        return sorted((p["id"], p["name"], p["tckn"], p["phone"], p["email"]) for p in self.all_parties())

    def field_error(self, text, name):
        """The text of <p class="error" id="e-NAME">, or None."""
        m = re.search(r'<p class="error" id="e-%s">([^<]*)</p>' % re.escape(name), text)
        return html.unescape(m.group(1)) if m else None

    def created_id(self, r):
        self.assertStatus(r, 303)
        m = re.match(r"^/parties/(\d+)$", r.location or "")
        self.assertIsNotNone(m, "redirect after save: %r" % r.location)
        return int(m.group(1))

    def search_ids(self, query, client=None):
        r = (client or self.admin).get("/api/v1/parties?limit=200&q=" + q(query))
        self.assertStatus(r, 200)
        return [p["id"] for p in r.json()["items"]]


class Tckn(Base):
    def test_form_create_list_masked_record_full(self):
        tckn = VALID_TCKN
        c = ENV.login("secretariat")
        self.assertStatus(c.get("/parties/new"), 200)
        r = c.post_form("/parties", {"kind": "citizen", "name": "Ayşe Gündoğdu", "tckn": tckn,
                                     "phone": new_phone(), "preferred_channel": "phone", "address": "Meram"})
        pid = self.created_id(r)

        # The list: masked, never in full (page and API, also when searched by the number itself).
        page = c.get("/parties")
        self.assertStatus(page, 200)
        self.assertIn("Ayşe Gündoğdu", page.text)
        self.assertIn(masked(tckn), page.text)
        self.assertEqual(masked(tckn), "100******46")
        self.assertNotIn(tckn, page.text)
        listing = c.get("/api/v1/parties?limit=200")
        self.assertStatus(listing, 200)
        self.assertNotIn(tckn, listing.text)
        mine = [p for p in listing.json()["items"] if p["id"] == pid]
        self.assertEqual(len(mine), 1)
        self.assertEqual(mine[0]["tckn"], "100******46")
        found = c.get("/api/v1/parties?q=" + tckn)
        self.assertEqual([p["id"] for p in found.json()["items"]], [pid], "an exact TCKN search finds the person")
        self.assertNotIn(tckn, found.text)
        # Searched by the number, the page echoes the query (search box, language link) but the rows are masked.
        page = c.get("/parties?q=" + tckn)
        table = re.search(r'<table class="list">.*?</table>', page.text, re.S)
        self.assertIsNotNone(table, "no results table")
        self.assertIn("Ayşe Gündoğdu", table.group(0))
        self.assertIn(masked(tckn), table.group(0))
        self.assertNotIn(tckn, table.group(0))
        self.assertEqual(page.text.replace('value="%s"' % tckn, "").replace("q=%s&amp;" % tckn, "").count(tckn), 0,
                         "the full TCKN is on the list page beyond the echoed query")

        # Opening the record shows it in full, and each opening (page, API, edit form) is logged.
        before = view_log_count(pid, "sec1")
        rec = c.get("/parties/%d" % pid)
        self.assertStatus(rec, 200)
        self.assertIn(tckn, rec.text)
        self.assertEqual(view_log_count(pid, "sec1"), before + 1, "the record page did not log the view")
        api = c.get("/api/v1/parties/%d" % pid)
        self.assertStatus(api, 200)
        self.assertEqual(api.json()["tckn"], tckn)
        self.assertEqual(view_log_count(pid, "sec1"), before + 2, "the API did not log the view")
        self.assertStatus(c.get("/parties/%d/edit" % pid), 200)
        self.assertEqual(view_log_count(pid, "sec1"), before + 3, "the edit form did not log the view")
        # A list is not a view of the full record.
        c.get("/parties")
        c.get("/api/v1/parties")
        self.assertEqual(view_log_count(pid, "sec1"), before + 3)
        # Another reader is logged under their own name.
        viewer = ENV.login("viewer")
        self.assertStatus(viewer.get("/parties/%d" % pid), 200)
        self.assertEqual(view_log_count(pid, "viewer1"), 1)

    def test_api_create_full_in_answer_masked_in_list(self):
        tckn = new_tckn()
        p = self.citizen("Mehmet Öztürk", tckn=tckn)
        self.assertEqual(p["tckn"], tckn, "the creator's answer is the full record")
        items = self.admin.get("/api/v1/parties?q=" + q("öztürk")).json()["items"]
        self.assertEqual([(i["id"], i["tckn"]) for i in items if i["id"] == p["id"]], [(p["id"], masked(tckn))])
        self.assertNotIn(tckn, self.admin.get("/parties?q=" + q("Öztürk")).text)

    def test_wrong_tckn_422_names_field_nothing_written(self):
        before = self.snapshot()
        wrong = ["10000000145", "10000000156", "01234567890", "1000000014", "100000001466", "1000000014a",
                 "00000000000", "11111111111x"]
        for tckn in wrong:
            with self.subTest(tckn=tckn, via="api"):
                r = self.admin.send_json("POST", "/api/v1/parties", {"kind": "citizen", "name": "Yanlış Kimlik",
                                                                     "tckn": tckn})
                err = self.assertJsonError(r, 422, "invalid")
                self.assertEqual(err["field"], "tckn")
                self.assertEqual(err["message"], TCKN_ERROR_TR)
                self.assertEqual(err["fields"], {"tckn": TCKN_ERROR_TR})
            with self.subTest(tckn=tckn, via="form"):
                r = self.admin.post_form("/parties", {"kind": "citizen", "name": "Yanlış Kimlik", "tckn": tckn,
                                                      "preferred_channel": "letter", "address": "Meram"})
                self.assertStatus(r, 422)
                self.assertEqual(self.field_error(r.text, "tckn"), TCKN_ERROR_TR)
                self.assertRegex(r.text, r'id="f-tckn"[^>]*aria-invalid="true"')
                self.assertIn('value="Yanlış Kimlik"', r.text, "what was typed is kept")
        # English: by header, by ?lang=en, and the form.
        r = self.admin.send_json("POST", "/api/v1/parties", {"kind": "citizen", "name": "Wrong Id",
                                                             "tckn": "10000000145"},
                                 headers={"Accept-Language": "en"})
        err = self.assertJsonError(r, 422, "invalid")
        self.assertEqual((err["field"], err["message"]), ("tckn", TCKN_ERROR_EN))
        r = self.admin.post_form("/parties?lang=en", {"kind": "citizen", "name": "Wrong Id", "tckn": "10000000145",
                                                      "preferred_channel": "letter", "address": "Meram"})
        self.assertStatus(r, 422)
        self.assertEqual(self.field_error(r.text, "tckn"), TCKN_ERROR_EN)
        self.admin.cookies.pop("kalem_lang", None)
        self.assertEqual(self.snapshot(), before, "a refused party was written")

    def test_duplicate_tckn_422(self):
        tckn = new_tckn()
        first = self.citizen("Hatice Kaya", tckn=tckn)
        before = self.snapshot()
        r = self.admin.send_json("POST", "/api/v1/parties", {"kind": "citizen", "name": "Hatice Kaya İkinci",
                                                             "tckn": tckn})
        err = self.assertJsonError(r, 422, "invalid")
        self.assertEqual(err["field"], "tckn")
        self.assertEqual(err["message"], TCKN_DUPLICATE_TR)
        # confirm_duplicate does not override a TCKN on record.
        r = self.admin.send_json("POST", "/api/v1/parties", {"kind": "citizen", "name": "Hatice Kaya İkinci",
                                                             "tckn": tckn, "confirm_duplicate": True})
        self.assertEqual(self.assertJsonError(r, 422, "invalid")["field"], "tckn")
        r = self.admin.post_form("/parties", {"kind": "citizen", "name": "Hatice Kaya İkinci", "tckn": tckn,
                                              "preferred_channel": "letter", "address": "Meram"})
        self.assertStatus(r, 422)
        self.assertEqual(self.field_error(r.text, "tckn"), TCKN_DUPLICATE_TR)
        # Moving another person's record onto the TCKN.
        other = self.citizen("Hasan Kaya", tckn=new_tckn())
        before = self.snapshot()
        r = self.admin.send_json("PUT", "/api/v1/parties/%d" % other["id"],
                                 {"kind": "citizen", "name": "Hasan Kaya", "tckn": tckn})
        self.assertEqual(self.assertJsonError(r, 422, "invalid")["field"], "tckn")
        self.assertEqual(self.snapshot(), before)
        # Saving a record with its own TCKN again is not a duplicate.
        r = self.admin.send_json("PUT", "/api/v1/parties/%d" % first["id"],
                                 {"kind": "citizen", "name": "Hatice Kaya", "tckn": tckn, "address": "Konya"})
        self.assertStatus(r, 200)
        self.assertEqual(r.json()["address"], "Konya")

    def test_institution_has_no_tckn(self):
        p = self.create({"kind": "institution", "institution_kind": "private", "name": "Kimliksiz Ticaret A.Ş.",
                         "tckn": VALID_TCKN})
        self.assertEqual(p["tckn"], "")
        r = self.admin.send_json("POST", "/api/v1/parties", {"kind": "institution", "name": "Türsüz Kurum"})
        self.assertEqual(self.assertJsonError(r, 422, "invalid")["field"], "institution_kind")


class AccessLog(Base):
    """KVKK: the head of the secretariat and administrators see who opened a record in full."""

    def test_record_page_lists_who_opened_it(self):
        pid = self.citizen("Erişim Kaydı Deneme", tckn=new_tckn())["id"]
        sec = ENV.login("secretariat")
        self.assertStatus(sec.get("/parties/%d" % pid), 200)
        page = self.admin.get("/parties/%d" % pid)
        self.assertStatus(page, 200)
        self.assertIn("Bu kaydı açanlar", page.text)
        section = page.text[page.text.index("Bu kaydı açanlar"):]
        self.assertIn(harness.ROLE_USERS["secretariat"], section)
        # The secretariat itself does not see the access log.
        self.assertNotIn("Bu kaydı açanlar", sec.get("/parties/%d" % pid).text)


class Contact(Base):
    def test_phone_normalised(self):
        p = self.citizen("Numaralı Kişi", phone="0532 123 45 67")
        self.assertEqual(p["phone"], "+905321234567")
        got = self.admin.get("/api/v1/parties/%d" % p["id"]).json()
        self.assertEqual(got["phone"], "+905321234567")
        # The form too, with another way of writing a number.
        r = self.admin.post_form("/parties", {"kind": "citizen", "name": "Formla Numaralı", "phone": "(0542) 987-6543",
                                              "preferred_channel": "phone"})
        pid = self.created_id(r)
        self.assertEqual(self.admin.get("/api/v1/parties/%d" % pid).json()["phone"], "+905429876543")
        # Searching by the number as people type it finds both spellings' record.
        self.assertIn(p["id"], self.search_ids("0532 123 45 67"))
        self.assertIn(p["id"], self.search_ids("+90 532 123 4567"))
        before = self.snapshot()
        for bad in ("12", "0532 123", "abc", "0532 123 45 67 89"):
            with self.subTest(phone=bad):
                r = self.admin.send_json("POST", "/api/v1/parties", {"kind": "citizen", "name": "Kötü Numara",
                                                                     "phone": bad})
                err = self.assertJsonError(r, 422, "invalid")
                self.assertEqual(err["field"], "phone")
                self.assertEqual(err["message"], "Geçersiz telefon numarası")
        self.assertEqual(self.snapshot(), before)

    def test_same_phone_409_then_confirm_201(self):
        phone = new_phone()
        first = self.citizen("Zeynep Aksoy", phone=phone, tckn=new_tckn())
        before = self.snapshot()
        body = {"kind": "citizen", "name": "Zeynep Aksoy Kardeş", "phone": phone.replace(" ", "")}
        r = self.admin.send_json("POST", "/api/v1/parties", body)
        err = self.assertJsonError(r, 409, "possible_duplicate")
        matches = err.get("matches")
        self.assertIsInstance(matches, list, r.text)
        self.assertEqual([m["id"] for m in matches], [first["id"]])
        self.assertEqual(matches[0]["name"], "Zeynep Aksoy")
        self.assertIn("phone", matches[0]["matched"])
        self.assertNotIn(first["tckn"], r.text, "the duplicate warning shows a full TCKN")
        self.assertEqual(self.snapshot(), before, "a 409 wrote the record")
        # confirm_duplicate: false is the same as absent.
        body["confirm_duplicate"] = False
        self.assertJsonError(self.admin.send_json("POST", "/api/v1/parties", body), 409, "possible_duplicate")
        self.assertEqual(self.snapshot(), before)
        body["confirm_duplicate"] = True
        r = self.admin.send_json("POST", "/api/v1/parties", body)
        self.assertStatus(r, 201)
        second = r.json()
        self.assertNotEqual(second["id"], first["id"])
        self.assertEqual(second["phone"], first["phone"])
        self.assertEqual(r.location, "/api/v1/parties/%d" % second["id"])

    def test_same_phone_form_409_then_confirm(self):
        phone = new_phone()
        first = self.citizen("Emre Yıldız", phone=phone)
        before = self.snapshot()
        fields = {"kind": "citizen", "name": "Emre Yıldız Baba", "phone": phone, "preferred_channel": "phone"}
        r = self.admin.post_form("/parties", fields)
        self.assertStatus(r, 409)
        self.assertIn("Benzer kayıtlar bulundu", r.text)
        self.assertIn('href="/parties/%d"' % first["id"], r.text)
        self.assertIn('id="f-confirm_duplicate"', r.text)
        self.assertIn('value="Emre Yıldız Baba"', r.text)
        self.assertEqual(self.snapshot(), before)
        fields["confirm_duplicate"] = "1"
        pid = self.created_id(self.admin.post_form("/parties", fields))
        self.assertNotEqual(pid, first["id"])

    def test_same_email_409(self):
        first = self.citizen("Posta Sahibi", email="ortak.adres@example.org")
        r = self.admin.send_json("POST", "/api/v1/parties", {"kind": "citizen", "name": "Posta Ortağı",
                                                             "email": "Ortak.Adres@Example.org"})
        err = self.assertJsonError(r, 409, "possible_duplicate")
        self.assertEqual([(m["id"], m["matched"]) for m in err["matches"]], [(first["id"], ["email"])])

    def test_editing_other_fields_does_not_warn_again(self):
        phone = new_phone()
        self.citizen("Aile Bir", phone=phone)
        second = self.citizen("Aile İki", phone=phone, confirm_duplicate=True)
        r = self.admin.send_json("PUT", "/api/v1/parties/%d" % second["id"],
                                 {"kind": "citizen", "name": "Aile İki", "phone": phone, "address": "Yeni adres"})
        self.assertStatus(r, 200)
        self.assertEqual(r.json()["address"], "Yeni adres")


class OtherFields(Base):
    def test_each_bad_field_named(self):
        before = self.snapshot()
        cases = [
            ({"kind": "robot", "name": "Tür Yanlış"}, "kind", None),
            ({"name": "Türsüz"}, "kind", "Kayıt türü zorunludur"),
            ({"kind": "citizen", "name": ""}, "name", "Ad soyad veya kurum adı zorunludur"),
            ({"kind": "citizen", "name": "x" * 201}, "name", "Ad soyad veya kurum adı çok uzun"),
            ({"kind": "citizen", "name": "Posta Bozuk", "email": "a@"}, "email", "Geçersiz e-posta adresi"),
            ({"kind": "citizen", "name": "Mahallesi Yok", "neighbourhood_id": 999999}, "neighbourhood_id", None),
            ({"kind": "citizen", "name": "Kanal Bozuk", "preferred_channel": "güvercin"}, "preferred_channel",
             None),
            ({"kind": "citizen", "name": "E-postasız", "preferred_channel": "email"}, "email",
             "E-posta seçilen iletişim kanalı için gereklidir"),
            ({"kind": "citizen", "name": "Adressiz", "preferred_channel": "letter"}, "address",
             "Adres seçilen iletişim kanalı için gereklidir"),
        ]
        for body, field, message in cases:
            with self.subTest(body=body):
                r = self.admin.send_json("POST", "/api/v1/parties", body)
                err = self.assertJsonError(r, 422, "invalid")
                self.assertIn(field, err["fields"])
                if message:
                    self.assertEqual(err["fields"][field], message)
                form = {k: str(v) for k, v in body.items()}
                form.setdefault("preferred_channel", "letter")
                if field != "address":
                    form.setdefault("address", "Meram")
                r = self.admin.post_form("/parties", form)
                self.assertStatus(r, 422)
                self.assertTrue(self.field_error(r.text, field), "no error beside %s" % field)
        self.assertEqual(self.snapshot(), before)

    def test_unknown_ids_404(self):
        self.assertJsonError(self.admin.get("/api/v1/parties/999999"), 404, "not_found")
        self.assertJsonError(self.admin.send_json("PUT", "/api/v1/parties/999999", {"kind": "citizen", "name": "Yok"}),
                             404, "not_found")
        self.assertStatus(self.admin.get("/parties/999999"), 404)
        self.assertStatus(self.admin.get("/parties/abc"), 404)
        self.assertEqual(view_log_count(999999), 0)


class Consent(Base):
    def test_api_consent_recorded_with_date(self):
        t0 = int(time.time())
        p = self.citizen("Rıza Veren", kvkk_consent=True)
        t1 = int(time.time())
        self.assertIsInstance(p["kvkk_consent_at"], int, p)
        self.assertTrue(t0 - 2 <= p["kvkk_consent_at"] <= t1 + 2, p)
        self.assertIsInstance(p["kvkk_notice_at"], int, "consent implies the notice was shown")
        p2 = self.citizen("Rıza Vermeyen")
        self.assertIsNone(p2["kvkk_consent_at"])
        # Saving again keeps the first consent time.
        time.sleep(1.1)
        r = self.admin.send_json("PUT", "/api/v1/parties/%d" % p["id"],
                                 {"kind": "citizen", "name": "Rıza Veren", "kvkk_consent": True})
        self.assertEqual(r.json()["kvkk_consent_at"], p["kvkk_consent_at"])
        # Leaving the member out in the API leaves the consent as it is.
        r = self.admin.send_json("PUT", "/api/v1/parties/%d" % p["id"], {"kind": "citizen", "name": "Rıza Veren",
                                                                        "address": "Meram"})
        self.assertEqual(r.json()["kvkk_consent_at"], p["kvkk_consent_at"])

    def test_form_checkbox(self):
        t0 = int(time.time())
        r = self.admin.post_form("/parties", {"kind": "citizen", "name": "Kutucuk İşaretli", "kvkk_consent": "1",
                                              "preferred_channel": "letter", "address": "Meram"})
        pid = self.created_id(r)
        p = self.admin.get("/api/v1/parties/%d" % pid).json()
        self.assertIsInstance(p["kvkk_consent_at"], int)
        self.assertGreaterEqual(p["kvkk_consent_at"], t0 - 2)
        page = self.admin.get("/parties/%d" % pid)
        self.assertIn("Açık rıza tarihi", page.text)
        self.assertNotIn("Kaydedilmedi", page.text.split("Açık rıza tarihi", 1)[1].split("</dd>", 1)[0])
        r = self.admin.post_form("/parties", {"kind": "citizen", "name": "Kutucuk Boş",
                                              "preferred_channel": "letter", "address": "Meram"})
        pid = self.created_id(r)
        p = self.admin.get("/api/v1/parties/%d" % pid).json()
        self.assertIsNone(p["kvkk_consent_at"])
        self.assertIsInstance(p["kvkk_notice_at"], int, "the form shows the notice, so it is recorded")
        # The edit form shows the stored consent ticked.
        r = self.admin.post_form("/parties", {"kind": "citizen", "name": "Kutucuk Düzenle", "kvkk_consent": "1",
                                              "preferred_channel": "letter", "address": "Meram"})
        pid = self.created_id(r)
        edit = self.admin.get("/parties/%d/edit" % pid)
        self.assertRegex(edit.text, r'id="f-kvkk_consent"[^>]*checked')


class Search(Base):
    @classmethod
    def setUpClass(cls):
        admin = ENV.client()
        admin.api_login("admin")

        def make(body):
            r = admin.send_json("POST", "/api/v1/parties", body)
            if r.status != 201:
                raise AssertionError("cannot create %r: %d %s" % (body, r.status, r.text))
            return r.json()["id"]

        cls.ids = {
            "Işık Şahin": make({"kind": "citizen", "name": "Işık Şahin"}),
            "Işıl Sağlam": make({"kind": "citizen", "name": "Işıl Sağlam"}),
            "Şahinde Işıktan": make({"kind": "citizen", "name": "Şahinde Işıktan"}),
            "İstanbul Valiliği Temsilciliği": make({"kind": "institution", "institution_kind": "public",
                                                    "name": "İstanbul Valiliği Temsilciliği",
                                                    "contact_person": "Gökhan Ünlü"}),
            "Istırap Öğe": make({"kind": "citizen", "name": "Istırap Öğe"}),
        }

    def found(self, query):
        """The names of this class's parties that query finds."""
        names = {v: k for k, v in self.ids.items()}
        return sorted(names[i] for i in self.search_ids(query) if i in names)

    def test_case_and_accent_insensitive(self):
        cases = {
            "ISIK": ["Işık Şahin", "Şahinde Işıktan"],
            "ışık": ["Işık Şahin", "Şahinde Işıktan"],
            "Işık": ["Işık Şahin", "Şahinde Işıktan"],
            "sahin": ["Işık Şahin", "Şahinde Işıktan"],
            "ŞAHİN": ["Işık Şahin", "Şahinde Işıktan"],
            "işık ş": ["Işık Şahin", "Şahinde Işıktan"],
            "ışık şahin": ["Işık Şahin", "Şahinde Işıktan"],
            "şahin ışık": ["Işık Şahin", "Şahinde Işıktan"],
            "ış ş": ["Işık Şahin", "Işıl Sağlam", "Şahinde Işıktan"],
            "isil": ["Işıl Sağlam"],
            "istanbul": ["İstanbul Valiliği Temsilciliği"],
            "İSTANBUL": ["İstanbul Valiliği Temsilciliği"],
            "valiligi": ["İstanbul Valiliği Temsilciliği"],
            "gokhan": ["İstanbul Valiliği Temsilciliği"],
            "istirap": ["Istırap Öğe"],
            "oge": ["Istırap Öğe"],
            "sahinx": [],
            "ışık sağlam": [],
            "ahin": [],  # prefixes of words, not substrings
        }
        for query, expected in cases.items():
            with self.subTest(q=query):
                self.assertEqual(self.found(query), expected)

    def test_html_search(self):
        page = self.admin.get("/parties?q=ISIK")
        self.assertStatus(page, 200)
        self.assertIn("Işık Şahin", page.text)
        self.assertNotIn("Işıl Sağlam", page.text)
        self.assertIn('value="ISIK"', page.text, "the search box keeps the query")
        page = self.admin.get("/parties?q=istanbul")
        self.assertIn("İstanbul Valiliği Temsilciliği", page.text)
        self.assertIn("Gökhan Ünlü", page.text)

    def test_kind_filter(self):
        ids = [p["id"] for p in self.admin.get("/api/v1/parties?limit=200&kind=institution&q=istanbul").json()["items"]]
        self.assertIn(self.ids["İstanbul Valiliği Temsilciliği"], ids)
        ids = [p["id"] for p in self.admin.get("/api/v1/parties?limit=200&kind=citizen&q=istanbul").json()["items"]]
        self.assertNotIn(self.ids["İstanbul Valiliği Temsilciliği"], ids)


ORDER_NAMES = ["Cem Ulu", "Ceylan Aras", "Çelik Ada", "Dağ Eren", "Hülya Tan", "Işık Bal", "İnce Can", "Oya Ak",
               "Ömer Er", "Sevgi Ok", "Şule Al", "Uğur Ay", "Ümit Su", "Zafer Ek"]


class Order(Base):
    @classmethod
    def setUpClass(cls):
        admin = ENV.client()
        admin.api_login("admin")
        r = admin.send_json("POST", "/api/v1/neighbourhoods", {"name": "Sıralama Mahallesi"})
        if r.status != 201:
            raise AssertionError("neighbourhood: %d %s" % (r.status, r.text))
        cls.place = r.json()["id"]
        cls.ids = {}
        for name in reversed(ORDER_NAMES):  # created backwards: ids in reverse of the expected order
            r = admin.send_json("POST", "/api/v1/parties", {"kind": "citizen", "name": name,
                                                            "neighbourhood_id": cls.place})
            if r.status != 201:
                raise AssertionError("party %s: %d %s" % (name, r.status, r.text))
            cls.ids[name] = r.json()["id"]
        # A search word shared by a few of them, for paging through a search.
        for first in ("Ali", "Çağla", "Deniz", "Işın", "İlker", "Can", "Öykü"):
            r = admin.send_json("POST", "/api/v1/parties", {"kind": "citizen", "name": first + " Sayfalıoğlu"})
            if r.status != 201:
                raise AssertionError("party: %d %s" % (r.status, r.text))

    def test_turkish_order_api(self):
        items = self.admin.get("/api/v1/parties?limit=200&neighbourhood_id=%d" % self.place).json()["items"]
        self.assertEqual([p["name"] for p in items], ORDER_NAMES)
        self.assertTrue(all(p["neighbourhood"] == "Sıralama Mahallesi" for p in items))

    def test_turkish_order_page(self):
        page = self.admin.get("/parties?neighbourhood_id=%d" % self.place)
        self.assertStatus(page, 200)
        names = [html.unescape(n) for n in re.findall(r'<a href="/parties/\d+">([^<]*)</a>', page.text)]
        self.assertEqual(names, ORDER_NAMES)
        self.assertLess(names.index("Cem Ulu"), names.index("Çelik Ada"))
        self.assertLess(names.index("Çelik Ada"), names.index("Dağ Eren"))
        self.assertLess(names.index("Işık Bal"), names.index("İnce Can"))

    def test_whole_list_in_turkish_order(self):
        names = [p["name"] for p in self.all_parties()]
        mine = [n for n in names if n in ORDER_NAMES]
        self.assertEqual(mine, ORDER_NAMES)

    def pages(self, query, limit=2):
        """Every page of the API list for query, limit rows each: [[names]]."""
        out, after, seen_cursors = [], None, set()
        while True:
            path = "/api/v1/parties?limit=%d%s" % (limit, query) + ("&after=" + q(after) if after else "")
            r = self.admin.get(path)
            self.assertStatus(r, 200)
            body = r.json()
            self.assertLessEqual(len(body["items"]), limit)
            out.append([(p["id"], p["name"]) for p in body["items"]])
            after = body.get("next")
            if not after:
                return out
            self.assertNotIn(after, seen_cursors, "the cursor does not move")
            seen_cursors.add(after)
            self.assertLess(len(out), 1000, "runaway pagination")

    def assertPagedLikeWhole(self, query):
        pages = self.pages(query)
        rows = [row for page in pages for row in page]
        whole = [(p["id"], p["name"]) for p in self.admin.get("/api/v1/parties?limit=500" + query).json()["items"]]
        self.assertEqual(len(rows), len(set(rows)), "a row came twice: %s" % pages)
        self.assertEqual(rows, whole, "the pages together are not the list")
        self.assertTrue(all(len(p) == 2 for p in pages[:-1]), "a short page before the end: %s" % pages)
        return rows

    def test_keyset_pages_filtered(self):
        rows = self.assertPagedLikeWhole("&neighbourhood_id=%d" % self.place)
        self.assertEqual([n for _, n in rows], ORDER_NAMES)

    def test_keyset_pages_search(self):
        rows = self.assertPagedLikeWhole("&q=" + q("sayfalıoğlu"))
        self.assertEqual([n.split()[0] for _, n in rows], ["Ali", "Can", "Çağla", "Deniz", "Işın", "İlker", "Öykü"])

    def test_keyset_pages_everything(self):
        rows = self.assertPagedLikeWhole("")
        self.assertGreaterEqual(len(rows), len(ORDER_NAMES) + 7)

    def test_keyset_pages_html(self):
        """The page's "next" link walks the same rows (its own page size) with nothing repeated or missed."""
        path = "/parties?neighbourhood_id=%d&limit=2" % self.place
        names = []
        for _ in range(50):
            page = self.admin.get(path)
            self.assertStatus(page, 200)
            names += [html.unescape(n) for n in re.findall(r'<a href="/parties/\d+">([^<]*)</a>', page.text)]
            m = re.search(r'<a href="([^"]*)" rel="next">', page.text)
            if not m:
                break
            path = html.unescape(m.group(1))
        self.assertEqual(names, ORDER_NAMES)

    def test_bad_cursor_is_not_an_error(self):
        for after in ("garbage", "1.zz", "999999999.ffff", "-1.00", ""):
            with self.subTest(after=after):
                r = self.admin.get("/api/v1/parties?limit=2&after=" + q(after))
                self.assertLess(r.status, 500, r.text)


class Roles(Base):
    def test_directorate_staff_403(self):
        pid = self.citizen("Gizli Vatandaş", tckn=new_tckn())["id"]
        for who in ("directorate", "dir_b"):
            c = ENV.login(who)
            for path in ("/parties", "/parties/new", "/parties/%d" % pid, "/parties/%d/edit" % pid):
                with self.subTest(who=who, path=path):
                    r = c.get(path)
                    self.assertStatus(r, 403)
                    self.assertNotIn("Gizli Vatandaş", r.text)
            for path in ("/api/v1/parties", "/api/v1/parties/%d" % pid, "/api/v1/parties?q=gizli"):
                with self.subTest(who=who, path=path):
                    r = c.get(path)
                    self.assertJsonError(r, 403, "forbidden")
                    self.assertNotIn("Gizli", r.text)
            before = self.snapshot()
            self.assertStatus(c.post_form("/parties", {"kind": "citizen", "name": "Müdürlük Ekledi",
                                                       "preferred_channel": "letter", "address": "x"}), 403)
            self.assertJsonError(c.send_json("POST", "/api/v1/parties", {"kind": "citizen", "name": "Müdürlük"}),
                                 403, "forbidden")
            self.assertJsonError(c.send_json("PUT", "/api/v1/parties/%d" % pid, {"kind": "citizen", "name": "X"}),
                                 403, "forbidden")
            self.assertEqual(self.snapshot(), before)
        self.assertEqual(view_log_count(pid, "dir_a"), 0)
        # No link to the register on their pages either (menu, home page tiles); readers have one.
        self.assertNotIn('href="/parties"', ENV.login("directorate").get("/").text)
        self.assertIn('href="/parties"', ENV.login("viewer").get("/").text)

    def test_readers_and_writers(self):
        pid = self.citizen("Rol Deneme", tckn=new_tckn())["id"]
        for role in ("mayor", "viewer"):
            c = ENV.login(role)
            with self.subTest(role=role):
                self.assertStatus(c.get("/parties"), 200)
                self.assertStatus(c.get("/api/v1/parties/%d" % pid), 200)
                self.assertStatus(c.get("/parties/new"), 403)
                before = self.snapshot()
                self.assertJsonError(c.send_json("POST", "/api/v1/parties", {"kind": "citizen", "name": "Okur"}),
                                     403, "forbidden")
                self.assertStatus(c.post_form("/parties/%d" % pid, {"kind": "citizen", "name": "Okur Değiştirdi",
                                                                    "preferred_channel": "letter",
                                                                    "address": "x"}), 403)
                self.assertEqual(self.snapshot(), before)
        for role in ("chief", "secretariat"):
            c = ENV.login(role)
            with self.subTest(role=role):
                r = c.send_json("PUT", "/api/v1/parties/%d" % pid, {"kind": "citizen", "name": "Rol Deneme",
                                                                   "address": role})
                self.assertStatus(r, 200)
                self.assertEqual(r.json()["address"], role)

    def test_anonymous(self):
        self.assertStatus(ENV.client().get("/parties"), 302)
        self.assertJsonError(ENV.client().get("/api/v1/parties"), 401, "unauthenticated")

    def test_read_key_lists_masked(self):
        tckn = new_tckn()
        pid = self.citizen("Anahtar Okur", tckn=tckn)["id"]
        c = ENV.client(bearer=ENV.keys["read"])
        r = c.get("/api/v1/parties?q=" + q("anahtar okur"))
        self.assertStatus(r, 200)
        self.assertEqual([(p["id"], p["tckn"]) for p in r.json()["items"]], [(pid, masked(tckn))])


class History(Base):
    def test_record_page_shows_changes_masked(self):
        tckn = new_tckn()
        p = self.citizen("Tarihçe Kişisi", tckn=tckn, address="Eski Sokak")
        r = self.admin.send_json("PUT", "/api/v1/parties/%d" % p["id"],
                                 {"kind": "citizen", "name": "Tarihçe Kişisi", "tckn": tckn, "address": "Yeni Sokak"})
        self.assertStatus(r, 200)
        page = self.admin.get("/parties/%d" % p["id"])
        self.assertIn("<del>Eski Sokak</del> → Yeni Sokak", page.text)
        # The audit trail keeps the TCKN masked; only the record itself shows it in full.
        audit = self.admin.get("/api/v1/audit?record_type=party&record_id=%d" % p["id"])
        self.assertStatus(audit, 200)
        actions = [e["action"] for e in audit.json()["items"]]
        self.assertEqual(actions, ["party.update", "party.create"])
        self.assertNotIn(tckn, audit.text)
        self.assertEqual(audit.json()["items"][0]["before"]["address"], "Eski Sokak")
        self.assertEqual(audit.json()["items"][0]["after"]["address"], "Yeni Sokak")


class CsvExport(Base):
    def test_parties_csv_masked_unless_full(self):
        tckn = new_tckn()
        self.citizen("Csv Kişisi", tckn=tckn)
        r = self.admin.get("/parties.csv")
        self.assertStatus(r, 200)
        self.assertIn("Csv Kişisi", r.text)
        self.assertIn(masked(tckn), r.text)
        self.assertNotIn(tckn, r.text)
        r = self.admin.get("/parties.csv?tckn=full")
        self.assertStatus(r, 200)
        self.assertIn(tckn, r.text)
        sec = ENV.login("secretariat")
        self.assertStatus(sec.get("/parties.csv?tckn=full"), 403)
        self.assertNotIn(tckn, sec.get("/parties.csv").text)
        self.assertStatus(ENV.login("directorate").get("/parties.csv"), 403)


COMMON = 1100  # more parties than one page of a search tests (src/store/parties.c: PROBES_MAX, 1,000)


class WideSearch(Base):
    """Searches whose words are rare among the rows a plan reads test a bounded number of rows per page: such a
    page says "truncated", shows what it found (maybe nothing) and its "next" goes on from where it stopped.
    Adds 2,480 parties, so the class is named to run after the others of the module (unittest runs classes in
    name order), whose whole-list checks would otherwise page through them all."""

    @classmethod
    def setUpClass(cls):
        rows = ["kind,name,phone"]
        serial = 0
        for i in range(COMMON):
            serial += 2
            # first in Turkish order: a word "ya".."yn" and no x-word; then a word "xa".."xt" and no y-word
            rows.append("citizen,Bbb Y%s,0534 %07d" % (chr(ord("a") + i % 14), serial))
            rows.append("citizen,Zeki X%s,0534 %07d" % (chr(ord("a") + i % 20), serial + 1))
        for i in range(20 * 14):  # last, the parties having both
            serial += 1
            rows.append("citizen,Zzz X%s Y%s,0535 %07d" % (chr(ord("a") + i % 20), chr(ord("a") + i // 20), serial))
        path = ENV.tmpdir + "/wide-search.csv"
        with open(path, "w", encoding="utf-8") as f:
            f.write("\n".join(rows) + "\n")
        ENV.cli("import", "parties", path, "--lang", "en")

    def walk(self, query, limit=200):
        """Every page of the API search: (rows [(id, name)], how many pages were cut short, first page cut)."""
        rows, cut, first_cut, after = [], 0, None, None
        while True:
            path = "/api/v1/parties?limit=%d&q=%s" % (limit, q(query)) + ("&after=" + q(after) if after else "")
            r = self.admin.get(path)
            self.assertStatus(r, 200)
            body = r.json()
            truncated = body.get("truncated", False)
            if first_cut is None:
                first_cut = truncated
            cut += truncated
            rows += [(p["id"], p["name"]) for p in body["items"]]
            after = body.get("next")
            if truncated:
                self.assertIsNotNone(after, "a cut page goes on")
            elif after:
                self.assertEqual(len(body["items"]), limit, "only full or cut pages promise more")
            if not after:
                return rows, cut, first_cut
            self.assertLess(len(rows) + cut, 10000, "runaway pagination")

    def test_scan_cut_short_then_complete(self):
        rows, cut, first_cut = self.walk("x")
        self.assertTrue(first_cut)
        self.assertEqual(len(rows), COMMON + 280)
        self.assertEqual(len(set(rows)), len(rows))
        self.assertTrue(all(re.search(r"\bX[a-t]\b", name) for _, name in rows))
        self.assertEqual(rows[0][1], "Zeki Xa")
        self.assertTrue(rows[-1][1].startswith("Zzz Xt"))

    def test_merge_cut_short_then_complete(self):
        rows, cut, first_cut = self.walk("x y")
        self.assertTrue(first_cut)
        self.assertEqual(sorted(name for _, name in rows),
                         sorted("Zzz X%s Y%s" % (chr(ord("a") + i % 20), chr(ord("a") + i // 20)) for i in range(280)))

    def test_whole_words_not_cut(self):
        rows, cut, _ = self.walk("zeki")
        self.assertEqual((len(rows), cut), (COMMON, 0))
        rows, cut, _ = self.walk("xa ya")
        self.assertEqual(([n for _, n in rows], cut), (["Zzz Xa Ya"], 0))

    def test_html_page_goes_on(self):
        page = self.admin.get("/parties?q=x")
        self.assertStatus(page, 200)
        self.assertEqual(re.findall(r'<a href="/parties/\d+">', page.text), [])
        m = re.search(r'<a href="([^"]*)" rel="next">', page.text)
        self.assertIsNotNone(m, "a cut page links on")
        self.assertIn("after=", html.unescape(m.group(1)))


if __name__ == "__main__":
    harness.main()
