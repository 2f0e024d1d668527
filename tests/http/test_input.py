# test_input.py: bad input gets a 4xx that names the field (Turkish by default, English on request) and writes nothing.
import json
import urllib.parse

import harness

ENV = harness.ModuleEnv()


def setUpModule():
    ENV.start()


def tearDownModule():
    ENV.close()


FORM = "application/x-www-form-urlencoded"


class Base(harness.KalemCase):
    def setUp(self):
        self.admin = ENV.client()
        self.admin.api_login("admin")
        self.before = self.all_directorates()

    def all_directorates(self):
        items, after = [], None
        while True:
            path = "/api/v1/directorates?limit=200" + ("&after=" + urllib.parse.quote(after) if after else "")
            r = self.admin.get(path)
            self.assertStatus(r, 200)
            body = r.json()
            items += body["items"]
            after = body.get("next")
            if not after:
                return items

    def assertNothingWritten(self):
        self.assertEqual(self.all_directorates(), self.before, "a rejected request changed the directorates")

    def field_error(self, html, name):
        """The text of <p class="error" id="e-NAME">, or None."""
        start = html.find('id="e-%s"' % name)
        if start < 0:
            return None
        return html[html.index(">", start) + 1:html.index("</p>", start)]


class FormErrors(Base):
    def test_required_field_turkish_by_default(self):
        r = self.admin.post_form("/directorates", {"code": "", "name": "Kodsuz Müdürlük"})
        self.assertStatus(r, 422)
        self.assertEqual(self.field_error(r.text, "code"), "Kod zorunludur")
        self.assertIn('id="f-code" name="code" value=""', r.text)
        self.assertRegex(r.text, r'id="f-code"[^>]*aria-invalid="true"')
        self.assertIn('href="#f-code"', r.text)  # the error summary links to the field
        self.assertIn('value="Kodsuz Müdürlük"', r.text, "what was typed is not shown again")
        self.assertIsNone(self.field_error(r.text, "name"))
        self.assertIn('lang="tr"', r.text)
        self.assertNothingWritten()

    def test_english_by_query_cookie_and_header(self):
        fields = {"code": "", "name": "No Code"}
        r = self.admin.post_form("/directorates?lang=en", fields)
        self.assertStatus(r, 422)
        self.assertEqual(self.field_error(r.text, "code"), "Code is required")
        self.assertIn("kalem_lang=en", r.set_cookie("kalem_lang") or "")
        # The cookie set by ?lang=en keeps English.
        r = self.admin.post_form("/directorates", fields)
        self.assertEqual(self.field_error(r.text, "code"), "Code is required")
        self.admin.cookies.pop("kalem_lang")
        r = self.admin.post_form("/directorates", fields)
        self.assertEqual(self.field_error(r.text, "code"), "Kod zorunludur")
        # A cookie set by hand.
        self.admin.cookies["kalem_lang"] = "en"
        r = self.admin.post_form("/directorates", fields)
        self.assertEqual(self.field_error(r.text, "code"), "Code is required")
        self.admin.cookies.pop("kalem_lang")
        # Accept-Language.
        for header, expected in (("en", "Code is required"), ("en-GB,en;q=0.9,tr;q=0.5", "Code is required"),
                                 ("tr-TR,tr;q=0.9", "Kod zorunludur")):
            r = self.admin.post_form("/directorates", fields, headers={"Accept-Language": header})
            self.assertStatus(r, 422)
            self.assertEqual(self.field_error(r.text, "code"), expected, "Accept-Language: " + header)
        # ?lang=tr wins over Accept-Language: en.
        r = self.admin.post_form("/directorates?lang=tr", fields, headers={"Accept-Language": "en"})
        self.assertEqual(self.field_error(r.text, "code"), "Kod zorunludur")
        self.admin.cookies.pop("kalem_lang", None)
        self.assertNothingWritten()

    def test_each_bad_field_named(self):
        cases = [
            ({"code": "OK-1", "name": ""}, "name", "Ad zorunludur"),
            ({"code": "OK-1", "name": "x" * 151}, "name", "Ad çok uzun"),
            ({"code": "C" * 21, "name": "Uzun Kod"}, "code", "Kod çok uzun"),
            ({"code": "OK-1", "name": "Bozuk E-posta", "email": "not-an-email"}, "email", "Geçersiz e-posta adresi"),
            ({"code": "OK-1", "name": "Bozuk Telefon", "phone": "12"}, "phone", "Geçersiz telefon numarası"),
            ({"code": "OK-1", "name": "Kontrol\x01Karakteri"}, "name", "Ad geçersiz"),
        ]
        for fields, field, message in cases:
            with self.subTest(field=field, fields=fields):
                r = self.admin.post_form("/directorates", fields)
                self.assertStatus(r, 422)
                self.assertEqual(self.field_error(r.text, field), message)
        self.assertNothingWritten()

    def test_several_errors_at_once(self):
        r = self.admin.post_form("/directorates", {"code": "", "name": "", "email": "x@"})
        self.assertStatus(r, 422)
        self.assertEqual(self.field_error(r.text, "code"), "Kod zorunludur")
        self.assertEqual(self.field_error(r.text, "name"), "Ad zorunludur")
        self.assertEqual(self.field_error(r.text, "email"), "Geçersiz e-posta adresi")
        self.assertNothingWritten()

    def test_update_with_bad_input_keeps_record(self):
        r = self.admin.post_form("/directorates/%d" % ENV.dir_a, {"code": harness.DIR_A["code"], "name": ""})
        self.assertStatus(r, 422)
        self.assertEqual(self.field_error(r.text, "name"), "Ad zorunludur")
        self.assertNothingWritten()


class JsonErrors(Base):
    def test_required_field_json(self):
        r = self.admin.send_json("POST", "/api/v1/directorates", {"code": "", "name": "Kodsuz"})
        err = self.assertJsonError(r, 422, "invalid")
        self.assertEqual(err["field"], "code")
        self.assertEqual(err["message"], "Kod zorunludur")
        self.assertEqual(err["fields"], {"code": "Kod zorunludur"})
        r = self.admin.send_json("POST", "/api/v1/directorates", {"name": "Kodsuz"},
                                 headers={"Accept-Language": "en"})
        err = self.assertJsonError(r, 422, "invalid")
        self.assertEqual(err["field"], "code")
        self.assertEqual(err["message"], "Code is required")
        r = self.admin.send_json("POST", "/api/v1/directorates?lang=en", {"code": "X-1", "name": "Bad", "email": "@"})
        self.assertEqual(self.assertJsonError(r, 422, "invalid")["fields"], {"email": "Invalid e-mail address"})
        self.admin.cookies.pop("kalem_lang", None)
        self.assertNothingWritten()

    def test_wrong_json_types(self):
        for body in ({"code": ["a"], "name": "Dizi"}, {"code": {"a": 1}, "name": "Nesne"}):
            with self.subTest(body=body):
                r = self.admin.send_json("POST", "/api/v1/directorates", body)
                self.assertEqual(self.assertJsonError(r, 422, "invalid")["field"], "code")
        self.assertNothingWritten()

    def test_invalid_json_400(self):
        for raw in (b'{"code": "X", "name": ', b"not json", b'{"code": "X"} trailing', b'{"code": "\xff\xfe"}'):
            with self.subTest(raw=raw):
                r = self.admin.request("POST", "/api/v1/directorates", body=raw, content_type="application/json",
                                       headers={"X-CSRF-Token": self.admin.csrf})
                self.assertJsonError(r, 400, "bad_json")
        self.assertNothingWritten()

    def test_wrong_content_type_415(self):
        body = json.dumps({"code": "CT-1", "name": "Yanlış Tür"})
        for ctype in ("text/plain", "application/xml", "image/png"):
            with self.subTest(ctype=ctype):
                r = self.admin.request("POST", "/api/v1/directorates", body=body, content_type=ctype,
                                       headers={"X-CSRF-Token": self.admin.csrf})
                self.assertJsonError(r, 415)
        r = self.admin.request("POST", "/directorates", body="code=CT-2&name=Tur", content_type="text/plain",
                               headers={"X-CSRF-Token": self.admin.csrf})
        self.assertStatus(r, 415)
        # multipart on a route that takes no uploads
        r = self.admin.request("POST", "/directorates", body=b"--b\r\n\r\n--b--\r\n",
                               content_type="multipart/form-data; boundary=b",
                               headers={"X-CSRF-Token": self.admin.csrf})
        self.assertStatus(r, (400, 415))
        self.assertNothingWritten()

    def test_unknown_ids_404(self):
        self.assertJsonError(self.admin.get("/api/v1/directorates/999999"), 404, "not_found")
        self.assertJsonError(self.admin.get("/api/v1/directorates/abc"), 404, "not_found")
        r = self.admin.send_json("PUT", "/api/v1/directorates/999999", {"code": "NF-1", "name": "Yok"})
        self.assertJsonError(r, 404, "not_found")
        self.assertStatus(self.admin.get("/directorates/999999/edit"), 404)
        self.assertNothingWritten()


class Limits(Base):
    def test_body_over_one_mib_413(self):
        big = "code=BIG-1&name=" + "a" * (1 << 20)
        r = self.admin.request("POST", "/directorates", body=big, content_type=FORM,
                               headers={"X-CSRF-Token": self.admin.csrf})
        self.assertStatus(r, 413)
        r = self.admin.request("POST", "/api/v1/directorates",
                               body=json.dumps({"code": "BIG-2", "name": "b" * (1 << 20)}),
                               content_type="application/json", headers={"X-CSRF-Token": self.admin.csrf})
        self.assertJsonError(r, 413)
        self.assertNothingWritten()

    def test_body_just_under_limit_is_read(self):
        # Under 1 MiB the body is parsed and the too-long name is a field error, not a size error.
        body = "code=BIG-3&name=" + "a" * ((1 << 20) - 100) + "&_csrf=" + self.admin.csrf
        r = self.admin.request("POST", "/directorates", body=body, content_type=FORM)
        self.assertStatus(r, 422)
        self.assertEqual(self.field_error(r.text, "name"), "Ad çok uzun")
        self.assertNothingWritten()

    def test_non_utf8_form_400(self):
        for body in (b"code=U-1&name=%FF%FE", b"code=U-1&name=\xff", b"code=U-1&name=%C0%AF", b"code=U-1&name=a%00b"):
            with self.subTest(body=body):
                r = self.admin.request("POST", "/directorates", body=body + b"&_csrf=" + self.admin.csrf.encode(),
                                       content_type=FORM)
                self.assertStatus(r, 400)
        self.assertNothingWritten()

    def test_odd_query_strings_are_not_errors(self):
        for q in ("%FF", "%", "a%2", "%00", "'; DROP TABLE directorates; --", "\\", "*%_"):
            with self.subTest(q=q):
                r = self.admin.get("/directorates?q=" + urllib.parse.quote(q, safe="%"))
                self.assertLess(r.status, 500, r.text[:300])
                r = self.admin.get("/api/v1/directorates?q=" + urllib.parse.quote(q, safe="%"))
                self.assertLess(r.status, 500, r.text[:300])
        self.assertNothingWritten()


class Search(Base):
    def test_search_by_name_and_code(self):
        r = self.admin.send_json("POST", "/api/v1/directorates", {"code": "ARA-1", "name": "Çağrı Işıklı Şube"})
        self.assertStatus(r, 201)
        for q in ("ARA-1", "ara-1", "Çağrı", "ÇAĞRI", "çağrı", "IŞIKLI", "ışıklı", "şube"):
            with self.subTest(q=q):
                items = self.admin.get("/api/v1/directorates?q=" + urllib.parse.quote(q)).json()["items"]
                self.assertEqual([d["code"] for d in items], ["ARA-1"])
        for q in ("ARA-2", "Isikli Sube x"):
            with self.subTest(q=q):
                self.assertEqual(self.admin.get("/api/v1/directorates?q=" + urllib.parse.quote(q)).json()["items"],
                                 [])


class Duplicates(Base):
    def test_duplicate_code_422_naming_code(self):
        r = self.admin.send_json("POST", "/api/v1/directorates", {"code": "DUP-1", "name": "İlk Kayıt"})
        self.assertStatus(r, 201)
        self.before = self.all_directorates()
        r = self.admin.send_json("POST", "/api/v1/directorates", {"code": "DUP-1", "name": "İkinci Kayıt"})
        err = self.assertJsonError(r, 422, "invalid")
        self.assertEqual(err["field"], "code")
        self.assertEqual(err["message"], "Bu Kod ile kayıtlı bir kayıt zaten var.")
        r = self.admin.post_form("/directorates", {"code": "DUP-1", "name": "Üçüncü Kayıt"})
        self.assertStatus(r, 422)
        self.assertEqual(self.field_error(r.text, "code"), "Bu Kod ile kayıtlı bir kayıt zaten var.")
        # Renaming another directorate's code onto it.
        r = self.admin.send_json("PUT", "/api/v1/directorates/%d" % ENV.dir_b, {"code": "DUP-1", "name": "B"})
        self.assertEqual(self.assertJsonError(r, 422, "invalid")["field"], "code")
        self.assertNothingWritten()
        self.assertEqual(self.admin.get("/api/v1/directorates/%d" % ENV.dir_b).json()["code"],
                         harness.DIR_B["code"])


class Escaping(Base):
    def test_html_in_a_name_is_escaped(self):
        name = '<script>alert("x")</script> & <b>kalın</b>'
        r = self.admin.post_form("/directorates", {"code": "XSS-1", "name": name})
        self.assertStatus(r, 303)
        page = self.admin.get("/directorates?q=" + urllib.parse.quote("kalın"))
        self.assertStatus(page, 200)
        self.assertIn("&lt;script&gt;alert(", page.text)
        self.assertIn("&lt;/script&gt; &amp; &lt;b&gt;kalın&lt;/b&gt;", page.text)
        self.assertNotIn("<script>alert", page.text)
        self.assertNotIn("<b>kalın", page.text)
        # The API returns the name as it was typed.
        items = self.admin.get("/api/v1/directorates?q=" + urllib.parse.quote("kalın")).json()["items"]
        self.assertEqual([d["name"] for d in items], [name])
        # Reflected input is escaped too: the search box and the login form.
        page = self.admin.get("/directorates?q=" + urllib.parse.quote('"><script>alert(1)</script>'))
        self.assertNotIn("<script>alert(1)", page.text)
        self.assertIn("&quot;&gt;&lt;script&gt;", page.text)
        r = ENV.client().post_form("/login", {"username": '"><img src=x onerror=alert(1)>', "password": ""},
                                   csrf=None)
        self.assertStatus(r, 422)
        self.assertNotIn("<img src=x", r.text)
        self.assertIn("&lt;img src=x", r.text)


if __name__ == "__main__":
    harness.main()
