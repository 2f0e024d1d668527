# test_app_reference.py: categories, legal reasons and response templates: admin pages, JSON API, validation, roles.
import html
import re
import urllib.parse

import harness

ENV = harness.ModuleEnv()


def setUpModule():
    ENV.start()


def tearDownModule():
    ENV.close()


def field_error(text, name):
    """The text of <p class="error" id="e-NAME">, or None."""
    m = re.search(r'<p class="error" id="e-%s">([^<]*)</p>' % re.escape(name), text)
    return html.unescape(m.group(1)) if m else None


def category_form(**over):
    f = {
        "code": "graffiti", "name_tr": "Duvar yazısı ve afiş", "name_en": "Graffiti and posters",
        "group_tr": "Çevre ve temizlik", "group_en": "Environment", "description_tr": "Duvarlara yazı, izinsiz afiş.",
        "description_en": "", "keywords": "duvar afiş boya", "directorate_id": "0", "office_warn_days": "2",
        "office_due_days": "5", "legal_clock": "petition_3071", "legal_warn_percent": "80",
        "file_plan_code": "622.01.02", "active": "1",
        "attributes": "surface | singlevaluelist | evet | Nereye yazılmış? | Where? | wall=Duvar=Wall; "
                      "vehicle=Araç=Vehicle\nphoto_note | text | hayır | Ek not | Note",
    }
    f.update(over)
    return f


def category_json(**over):
    c = {
        "code": "pothole_api", "name_tr": "Çukur (API)", "name_en": "Pothole (API)", "group_tr": "Altyapı",
        "office_warn_days": 1, "office_due_days": 4, "legal_clock": "petition_3071", "legal_warn_percent": 70,
        "attributes": [{"code": "depth", "datatype": "number", "required": False, "description_tr": "Derinlik (cm)"}],
    }
    c.update(over)
    return c


class Base(harness.KalemCase):
    def setUp(self):
        self.admin = ENV.login("admin")

    def categories(self, client=None):
        r = (client or self.admin).get("/api/v1/categories")
        self.assertStatus(r, 200)
        return r.json()["items"]

    def by_code(self, code):
        for c in self.categories():
            if c["code"] == code:
                return c
        return None


class Seeded(Base):
    def test_seed_is_there(self):
        items = self.categories()
        codes = {c["code"] for c in items}  # other tests of this module may have added more
        seeded = {"road_damage", "waste_cleaning", "parks_green", "street_lighting", "police_occupation", "noise",
                  "stray_animals", "zoning_illegal", "social_aid", "culture_events", "transport_stops",
                  "water_sewer", "suggestion", "information_request", "other"}
        self.assertEqual(seeded - codes, set())
        road = self.by_code("road_damage")
        self.assertEqual(road["name_tr"], "Yol ve kaldırım bozukluğu")
        self.assertEqual(road["attributes"][0]["datatype"], "singlevaluelist")
        info = self.by_code("information_request")
        self.assertEqual(info["legal_clock"], "info_4982")
        r = self.admin.get("/api/v1/legal-reasons")
        self.assertStatus(r, 200)
        reasons = {x["code"]: x for x in r.json()["items"]}
        self.assertEqual(reasons["not_competent"]["action"], "forward")
        self.assertEqual(reasons["before_courts"]["article"], "3071/6")

    def test_templates_api(self):
        info = self.by_code("information_request")
        r = self.admin.get("/api/v1/response-templates?purpose=answer&category_id=%d" % info["id"])
        self.assertStatus(r, 200)
        items = r.json()["items"]
        self.assertEqual([t["category_id"] for t in items], [info["id"], 0])
        self.assertIn("Sayın {name}", items[1]["body_tr"])
        r = self.admin.get("/api/v1/response-templates?purpose=rejected&category_id=0")
        self.assertEqual(len(r.json()["items"]), 1)
        r = self.admin.get("/api/v1/response-templates?category_id=0")  # the general ones: one per purpose
        self.assertEqual(sorted(t["purpose"] for t in r.json()["items"]),
                         sorted(["rejected", "forwarded", "routed", "info_needed", "interim", "answer", "feedback"]))
        r = self.admin.get("/api/v1/response-templates")
        self.assertGreaterEqual(len(r.json()["items"]), 8)
        err = self.assertJsonError(self.admin.get("/api/v1/response-templates?purpose=greeting"), 422)
        self.assertEqual(err["field"], "purpose")
        err = self.assertJsonError(self.admin.get("/api/v1/response-templates?category_id=x"), 422)
        self.assertEqual(err["field"], "category_id")

    def test_pages_list(self):
        r = self.admin.get("/admin/categories")
        self.assertStatus(r, 200)
        self.assertIn("Yol ve kaldırım bozukluğu", r.text)
        self.assertIn('href="/admin/categories/new"', r.text)
        # Turkish order of groups: "Altyapı" < "Çevre" < "Denetim".
        a, c, d = (r.text.index(">%s</td>" % s) for s in ("Altyapı ve ulaşım", "Çevre ve temizlik", "Denetim"))
        self.assertLess(a, c)
        self.assertLess(c, d)
        r = self.admin.get("/admin/legal-reasons")
        self.assertStatus(r, 200)
        self.assertIn("3071/6", r.text)
        r = self.admin.get("/admin/templates?purpose=forwarded")
        self.assertStatus(r, 200)
        self.assertIn("Başvurunun yetkili makama gönderildiği bildirimi", r.text)
        self.assertNotIn("Ek bilgi talebi</td>", r.text)
        home = self.admin.get("/")
        self.assertIn('href="/admin/categories"', home.text)


class CategoryPages(Base):
    def test_create_and_edit_through_the_form(self):
        r = self.admin.get("/admin/categories/new")
        self.assertStatus(r, 200)
        self.assertIn('name="attributes"', r.text)
        self.assertIn("Test A Müdürlüğü", r.text)  # directorates offered
        r = self.admin.post_form("/admin/categories", category_form(directorate_id=str(ENV.dir_a)))
        self.assertStatus(r, 303)
        self.assertEqual(r.location, "/admin/categories")
        c = self.by_code("graffiti")
        self.assertIsNotNone(c)
        self.assertEqual(c["directorate_id"], ENV.dir_a)
        self.assertEqual(c["office_due_days"], 5)
        self.assertEqual([a["code"] for a in c["attributes"]], ["surface", "photo_note"])
        self.assertTrue(c["attributes"][0]["required"])
        self.assertEqual(c["attributes"][0]["values"][1], {"key": "vehicle", "name_tr": "Araç", "name_en": "Vehicle"})
        self.assertEqual(c["attributes"][1]["values"], [])

        # The edit form shows the attributes as text, and saving it unchanged keeps them.
        r = self.admin.get("/admin/categories/%d/edit" % c["id"])
        self.assertStatus(r, 200)
        m = re.search(r'<textarea id="f-attributes"[^>]*>([^<]*)</textarea>', r.text)
        text = html.unescape(m.group(1))
        self.assertIn("surface | singlevaluelist | evet | Nereye yazılmış? | Where? | wall=Duvar=Wall", text)
        r = self.admin.post_form("/admin/categories/%d" % c["id"],
                                 category_form(attributes=text, name_tr="Duvar yazısı", legal_clock="none",
                                               directorate_id=str(ENV.dir_a)))
        self.assertStatus(r, 303)
        c2 = self.by_code("graffiti")
        self.assertEqual(c2["name_tr"], "Duvar yazısı")
        self.assertEqual(c2["legal_clock"], "none")
        self.assertEqual(c2["attributes"], c["attributes"])
        events = self.admin.get("/api/v1/audit?record_type=category&record_id=%d" % c["id"]).json()["items"]
        self.assertEqual(sorted(e["action"] for e in events), ["category.create", "category.update"])

    def test_bad_input_names_the_field_and_changes_nothing(self):
        before = self.categories()
        cases = [
            (dict(code="Kötü Kod"), "code"),
            (dict(name_tr=""), "name_tr"),
            (dict(office_due_days="0"), "office_due_days"),
            (dict(office_warn_days="9", office_due_days="7"), "office_warn_days"),
            (dict(legal_clock="law_1"), "legal_clock"),
            (dict(legal_warn_percent="100"), "legal_warn_percent"),
            (dict(directorate_id="999999"), "directorate_id"),
            (dict(file_plan_code="x.1"), "file_plan_code"),
            (dict(attributes="only | two"), "attributes"),
            (dict(attributes="size | colour | evet | Boyut"), "attributes"),
            (dict(attributes="pole | string | hayır | Direk no | Pole | a=A=A"), "attributes"),
            (dict(attributes="a | string | hayır | A\na | number | hayır | B"), "attributes"),
            (dict(attributes="a | singlevaluelist | belki | A | A | x=X=X"), "attributes"),
            (dict(code="road_damage"), "code"),
        ]
        for over, field in cases:
            with self.subTest(over=over):
                r = self.admin.post_form("/admin/categories", category_form(code=over.pop("code", "bad_one"), **over))
                self.assertStatus(r, 422)
                self.assertTrue(field_error(r.text, field), "no error beside %s: %s" % (field, r.text[:2000]))
                self.assertIn('aria-invalid="true"', r.text)
        self.assertEqual(self.categories(), before)
        # What was typed comes back (the attributes text too).
        r = self.admin.post_form("/admin/categories", category_form(code="bad_one", office_due_days="0"))
        self.assertIn("surface | singlevaluelist | evet", html.unescape(r.text))
        self.assertIn('value="Duvar yazısı ve afiş"', r.text)

    def test_edit_of_a_missing_category_is_404(self):
        self.assertStatus(self.admin.get("/admin/categories/999999/edit"), 404)
        self.assertStatus(self.admin.post_form("/admin/categories/999999", category_form(code="ghost")), 404)
        self.assertIsNone(self.by_code("ghost"))


class CategoryApi(Base):
    def setUp(self):
        self.api = ENV.client()
        self.api.api_login("chief1")

    def by_code(self, code):
        for c in self.categories(self.api):
            if c["code"] == code:
                return c
        return None

    def test_create_get_update(self):
        r = self.api.send_json("POST", "/api/v1/categories", category_json())
        self.assertStatus(r, 201)
        c = r.json()
        self.assertEqual(c["code"], "pothole_api")
        self.assertTrue(c["active"])
        self.assertEqual(c["attributes"][0]["order"], 1)
        r = self.api.get("/api/v1/categories/%d" % c["id"])
        self.assertStatus(r, 200)
        self.assertEqual(r.json()["name_tr"], "Çukur (API)")
        # PUT replaces the members sent; the rest stay.
        r = self.api.send_json("PUT", "/api/v1/categories/%d" % c["id"], {"office_due_days": 6, "active": False})
        self.assertStatus(r, 200)
        self.assertEqual(r.json()["office_due_days"], 6)
        self.assertEqual(r.json()["office_warn_days"], 1)
        self.assertEqual(len(r.json()["attributes"]), 1)
        active = self.api.get("/api/v1/categories?active=1").json()["items"]
        self.assertNotIn("pothole_api", [x["code"] for x in active])
        self.assertStatus(self.api.get("/api/v1/categories/999999"), 404)
        self.assertJsonError(self.api.send_json("PUT", "/api/v1/categories/999999", {"name_tr": "x"}), 404)

    def test_api_validation_names_the_field(self):
        before = self.categories(self.api)
        cases = [
            ({"code": "A B"}, "code"),
            ({"name_en": ""}, "name_en"),
            ({"office_due_days": 400}, "office_due_days"),
            ({"legal_clock": "info_4982_extended"}, "legal_clock"),
            ({"directorate_id": 987654}, "directorate_id"),
            ({"attributes": [{"code": "d", "datatype": "float", "description_tr": "D"}]}, "attributes.datatype"),
            ({"attributes": [{"code": "d", "datatype": "string", "description_tr": "D",
                              "values": [{"key": "a", "name_tr": "A"}]}]}, "attributes.values"),
            ({"attributes": [{"code": "d", "datatype": "multivaluelist", "description_tr": "D"}]},
             "attributes.values"),
            ({"attributes": [{"code": "d", "datatype": "string", "description_tr": "D"},
                             {"code": "d", "datatype": "text", "description_tr": "E"}]}, "attributes.code"),
        ]
        for over, field in cases:
            with self.subTest(over=over):
                body = category_json(**dict({"code": "api_bad"}, **over))
                err = self.assertJsonError(self.api.send_json("POST", "/api/v1/categories", body), 422, "invalid")
                self.assertEqual(err["field"], field)
                self.assertIn(field, err["fields"])
        # A code already taken.
        err = self.assertJsonError(self.api.send_json("POST", "/api/v1/categories", category_json(code="noise")),
                                   422)
        self.assertEqual(err["field"], "code")
        self.assertEqual(self.categories(self.api), before)
        # An update that breaks a rule changes nothing either.
        noise = self.by_code("noise")
        err = self.assertJsonError(self.api.send_json("PUT", "/api/v1/categories/%d" % noise["id"],
                                                      {"office_warn_days": 30}), 422)
        self.assertEqual(err["field"], "office_warn_days")
        self.assertEqual(self.by_code("noise"), noise)


class ReasonsAndTemplates(Base):
    def test_legal_reason_pages(self):
        r = self.admin.get("/admin/legal-reasons/new")
        self.assertStatus(r, 200)
        form = {"code": "anonymous_letter", "article": "3071/4", "action": "reject",
                "label_tr": "İmzasız ve adressiz mektup", "label_en": "Unsigned letter without an address",
                "active": "1"}
        bad = dict(form, action="delete")
        r = self.admin.post_form("/admin/legal-reasons", bad)
        self.assertStatus(r, 422)
        self.assertTrue(field_error(r.text, "action"))
        r = self.admin.post_form("/admin/legal-reasons", dict(form, code="not_competent"))
        self.assertStatus(r, 422)
        self.assertTrue(field_error(r.text, "code"))
        r = self.admin.post_form("/admin/legal-reasons", form)
        self.assertStatus(r, 303)
        reasons = {x["code"]: x for x in self.admin.get("/api/v1/legal-reasons").json()["items"]}
        rid = reasons["anonymous_letter"]["id"]
        self.assertEqual(reasons["anonymous_letter"]["label_tr"], "İmzasız ve adressiz mektup")
        r = self.admin.get("/admin/legal-reasons/%d/edit" % rid)
        self.assertStatus(r, 200)
        self.assertIn("İmzasız ve adressiz mektup", r.text)
        r = self.admin.post_form("/admin/legal-reasons/%d" % rid, dict(form, active=""))
        self.assertStatus(r, 303)
        active = [x["code"] for x in self.admin.get("/api/v1/legal-reasons?active=1").json()["items"]]
        self.assertNotIn("anonymous_letter", active)
        self.assertStatus(self.admin.get("/admin/legal-reasons/999999/edit"), 404)

    def test_template_pages(self):
        road = self.by_code("road_damage")
        r = self.admin.get("/admin/templates/new")
        self.assertStatus(r, 200)
        self.assertIn("{reason}", r.text)
        form = {"purpose": "answer", "category_id": str(road["id"]), "title": "Yol onarıldı",
                "body_tr": "Sayın {name}, {code} numaralı başvurunuzdaki yol onarılmıştır.",
                "body_en": "Dear {name}, the road in your application {code} has been repaired.", "active": "1"}
        r = self.admin.post_form("/admin/templates", dict(form, body_tr=""))
        self.assertStatus(r, 422)
        self.assertTrue(field_error(r.text, "body_tr"))
        r = self.admin.post_form("/admin/templates", dict(form, category_id="999999"))
        self.assertStatus(r, 422)
        self.assertTrue(field_error(r.text, "category_id"))
        r = self.admin.post_form("/admin/templates", form)
        self.assertStatus(r, 303)
        items = self.admin.get("/api/v1/response-templates?purpose=answer&category_id=%d" % road["id"]).json()["items"]
        self.assertEqual(items[0]["title"], "Yol onarıldı")
        self.assertEqual(items[0]["body_tr"], form["body_tr"])
        r = self.admin.get("/admin/templates/%d/edit" % items[0]["id"])
        self.assertStatus(r, 200)
        self.assertIn("Yol onarıldı", r.text)
        r = self.admin.post_form("/admin/templates/%d" % items[0]["id"], dict(form, title="Yol onarımı tamam"))
        self.assertStatus(r, 303)
        t = self.admin.get("/api/v1/response-templates?purpose=answer&category_id=%d" % road["id"]).json()["items"]
        self.assertEqual(t[0]["title"], "Yol onarımı tamam")


class Roles(harness.KalemCase):
    PAGES = ["/admin/categories", "/admin/legal-reasons", "/admin/templates"]
    EDIT_PAGES = ["/admin/categories/new", "/admin/legal-reasons/new", "/admin/templates/new"]

    def test_secretariat_reads_but_does_not_edit(self):
        sec = ENV.login("secretariat")
        for p in self.PAGES:
            r = sec.get(p)
            self.assertStatus(r, 200, p)
            self.assertNotIn("/new\"", r.text)
        for p in self.EDIT_PAGES:
            self.assertStatus(sec.get(p), 403, p)
        self.assertStatus(sec.post_form("/admin/categories", category_form(code="sec_try")), 403)
        self.assertStatus(sec.get("/api/v1/categories"), 200)
        self.assertStatus(sec.get("/api/v1/legal-reasons"), 200)
        self.assertStatus(sec.get("/api/v1/response-templates?purpose=routed"), 200)
        self.assertJsonError(sec.send_json("POST", "/api/v1/categories", category_json(code="sec_api")), 403)
        cats = sec.get("/api/v1/categories").json()["items"]
        self.assertNotIn("sec_try", [c["code"] for c in cats])
        self.assertNotIn("sec_api", [c["code"] for c in cats])
        self.assertJsonError(sec.send_json("PUT", "/api/v1/categories/%d" % cats[0]["id"], {"name_tr": "x"}), 403)

    def test_directorate_and_viewer_are_kept_out_of_the_admin_pages(self):
        for role in ("directorate", "viewer", "mayor"):
            c = ENV.login(role)
            for p in self.PAGES + self.EDIT_PAGES:
                self.assertStatus(c.get(p), 403, "%s %s" % (role, p))
            # Staff may still read the categories (for the intake forms).
            self.assertStatus(c.get("/api/v1/categories"), 200)
            self.assertNotIn('href="/admin/categories"', c.get("/").text)

    def test_chief_edits(self):
        chief = ENV.login("chief")
        self.assertStatus(chief.get("/admin/categories/new"), 200)
        r = chief.post_form("/admin/categories", category_form(code="chief_cat"))
        self.assertStatus(r, 303)


if __name__ == "__main__":
    harness.main()
