# test_open311.py: the Open311 GeoReport v2 interface (the Bizim Meram channel): every endpoint in XML and JSON, every error, privacy.
import json
import re
import sqlite3
import subprocess
import time
import urllib.parse
import xml.etree.ElementTree as ET

import harness

ENV = harness.ModuleEnv(key_scopes=("read", "write", "open311"))

# What the citizens give in the POSTs: none of it may ever come back from a GET.
PERSON = {"first_name": "Zeynep", "last_name": "Karadağlıoğlu", "phone": "0532 417 93 58",
          "email": "zeynep.karadaglioglu@example.org"}
PERSONAL_TEXTS = ("Zeynep", "Karadağlıoğlu", "417 93 58", "4179358", "5324179358", "zeynep.karadaglioglu")
# A front-desk application's private texts (KVKK): never shown by Open311.
DESK_DESCRIPTION = "Komşumun bahçesindeki gizli mesele, masadan yazıldı"
DESK_ADDRESS = "Gizli Sokak No: 13/7 Meram"

ATTRS_CUKUR = [
    {"code": "size", "datatype": "singlevaluelist", "required": True, "order": 1,
     "description_tr": "Çukurun büyüklüğü", "description_en": "Size of the pothole",
     "values": [{"key": "small", "name_tr": "Küçük", "name_en": "Small"},
                {"key": "large", "name_tr": "Büyük & derin", "name_en": "Large & deep"}]},
    {"code": "kind", "datatype": "singlevaluelist", "required": False, "order": 2,
     "description_tr": "Başvuru türü", "description_en": "Kind",
     "values": [{"key": "complaint", "name_tr": "Şikâyet", "name_en": "Complaint"},
                {"key": "request", "name_tr": "İstek", "name_en": "Request"}]},
    {"code": "tags", "datatype": "multivaluelist", "required": False, "order": 3,
     "description_tr": "Etiketler", "description_en": "Tags",
     "values": [{"key": "a", "name_tr": "A", "name_en": "A"}, {"key": "b", "name_tr": "B", "name_en": "B"}]},
    {"code": "depth", "datatype": "number", "required": False, "order": 4,
     "description_tr": "Derinlik (cm)", "description_en": "Depth (cm)", "values": []},
    {"code": "seen_at", "datatype": "datetime", "required": False, "order": 5,
     "description_tr": "Görüldüğü an", "description_en": "Seen at", "values": []},
]
CATEGORIES = [
    # code, name_tr, name_en, group_tr, active, attributes
    ("o311_cukur", "Yolda çukur", "Pothole", "Altyapı", 1, ATTRS_CUKUR),
    ("o311_gurultu", "Gürültü & <kirlilik>", "Noise & <pollution>", "Çevre", 1, []),
    ("o311_eski", "Eski hizmet", "Old service", "Çevre", 0, []),
]

IDS = {}  # name -> service_request_id (string), filled by setUpModule


def sql(statement, params=()):
    """Runs one statement on the test database while no server runs; returns the first column of the rows."""
    if harness.backend() == "pg":
        text = statement
        for p in params:
            lit = "NULL" if p is None else (str(p) if isinstance(p, int) else "'" + str(p).replace("'", "''") + "'")
            text = text.replace("?", lit, 1)
        out = subprocess.run(["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-d", ENV.db.url, "-c", text],
                             capture_output=True, text=True, timeout=60)
        if out.returncode != 0:
            raise RuntimeError("psql: %s\n%s" % (text, out.stderr))
        return [line for line in out.stdout.splitlines() if line]
    con = sqlite3.connect(ENV.db.url[len("sqlite:"):])
    try:
        rows = con.execute(statement, params).fetchall()
        con.commit()
        return [str(r[0]) for r in rows]
    finally:
        con.close()


def restart(change):
    """Stops the server, applies change() to the database, starts a new server."""
    code = ENV.server.terminate()
    if code != 0:
        raise RuntimeError("server exited %r" % code)
    change()
    ENV.server = ENV.new_server()


def add_categories():
    now = int(time.time())
    for code, name_tr, name_en, group, active, attrs in CATEGORIES:
        sql("INSERT INTO app_categories (code, name_tr, name_en, description_tr, description_en, group_tr, group_en, "
            "keywords, search_fold, group_sort_key, sort_key, directorate_id, attributes, active, created_at, "
            "updated_at, created_by, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (code, name_tr, name_en, name_tr + " açıklaması", name_en + " description", group, group, "test anahtar",
             code, group.lower(), name_tr.lower(), ENV.dir_a, json.dumps(attrs), active, now, now, "test", "test"))


def post(fields, key="open311", fmt="json", headers=None, bearer=None):
    """POST /open311/v2/requests.<fmt> with the api_key form field (or a Bearer key)."""
    items = list(fields.items()) if isinstance(fields, dict) else list(fields)
    if key is not None and not bearer:
        items.append(("api_key", ENV.keys.get(key, key)))
    c = ENV.client(bearer=ENV.keys.get(bearer, bearer) if bearer else None)
    return c.post_form("/open311/v2/requests." + fmt, items, csrf=None, headers=headers)


def good(**extra):
    f = {"service_code": "o311_cukur", "lat": "37.874643", "long": "32.493155", "attribute[size]": "large",
         "description": "Çukur derin, araçlar zarar görüyor"}
    f.update(extra)
    return f


def setUpModule():
    ENV.start()
    restart(add_categories)
    # Three requests through Open311, then one of them closed, one routed to a directorate, and a front-desk one.
    fields = dict(good(), **PERSON)
    for name in ("closed", "routed", "plain"):
        r = post(dict(fields, description="Open311 talebi " + name))
        if r.status != 200:
            raise RuntimeError("set-up POST: %d %s" % (r.status, r.text))
        IDS[name] = r.json()[0]["service_request_id"]

    def change():
        now = int(time.time())
        sql("UPDATE applications SET state = 'rejected', updated_at = ? WHERE id = ?", (now, int(IDS["closed"])))
        sql("UPDATE applications SET state = 'routed', updated_at = ? WHERE id = ?", (now, int(IDS["routed"])))
        sql("INSERT INTO application_routes (application_id, directorate_id, state, due_at, created_at, created_by, "
            "updated_at, updated_by) VALUES (?, ?, 'pending', ?, ?, 'test', ?, 'test')",
            (int(IDS["routed"]), ENV.dir_b, now + 86400, now, now))
        cat = sql("SELECT id FROM app_categories WHERE code = 'o311_cukur'")[0]
        sql("INSERT INTO applications (tracking_code, kind, channel, applicant_name, phone, email, category_id, "
            "subject, description, address, lat_e6, lon_e6, received_at, office_due_at, office_warn_at, created_at, "
            "created_by, updated_at, updated_by) VALUES ('BDESK00001', 'complaint', 'in_person', ?, ?, ?, ?, "
            "'Masadan', ?, ?, 37111111, 32222222, ?, ?, ?, ?, 'sec1', ?, 'sec1')",
            ("Zeynep Karadağlıoğlu", "+905324179358", PERSON["email"], int(cat), DESK_DESCRIPTION, DESK_ADDRESS,
             now, now + 7 * 86400, now + 5 * 86400, now, now))
        IDS["desk"] = sql("SELECT id FROM applications WHERE tracking_code = 'BDESK00001'")[0]

    restart(change)


def tearDownModule():
    ENV.close()


def xml(resp):
    """The parsed XML body (well-formed, with the UTF-8 declaration)."""
    assert resp.body.startswith(b'<?xml version="1.0" encoding="UTF-8"?>'), resp.text[:200]
    return ET.fromstring(resp.body)


def get(path):
    return ENV.client().get(path)


ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+03:00$")


class Case(harness.KalemCase):
    def assertXml(self, resp, status=200):
        self.assertStatus(resp, status)
        self.assertTrue(resp.header("Content-Type").startswith("text/xml"), resp.header("Content-Type"))
        return xml(resp)

    def assertJson(self, resp, status=200):
        self.assertStatus(resp, status)
        self.assertTrue(resp.header("Content-Type").startswith("application/json"), resp.header("Content-Type"))
        return resp.json()

    def assertError(self, resp, status, fmt="json", contains=None):
        """The spec's error list with one {code, description}, in fmt."""
        if fmt == "json":
            body = self.assertJson(resp, status)
            self.assertIsInstance(body, list, resp.text)
            self.assertEqual(len(body), 1)
            self.assertEqual(body[0]["code"], status)
            desc = body[0]["description"]
        else:
            root = self.assertXml(resp, status)
            self.assertEqual(root.tag, "errors")
            errs = root.findall("error")
            self.assertEqual(len(errs), 1)
            self.assertEqual(errs[0].findtext("code"), str(status))
            desc = errs[0].findtext("description")
        self.assertTrue(desc)
        if contains:
            self.assertIn(contains, desc)
        return desc


class Discovery(Case):
    def test_json(self):
        d = self.assertJson(get("/open311/discovery.json"))
        self.assertIn("Meram Belediyesi", d["contact"])
        self.assertTrue(d["key_service"])
        self.assertRegex(d["changeset"], ISO)
        ep = d["endpoints"][0]
        self.assertEqual(ep["specification"], "http://wiki.open311.org/GeoReport_v2")
        self.assertEqual(ep["url"], "http://127.0.0.1:%d/open311/v2" % ENV.server.port)
        self.assertEqual(ep["type"], "production")
        self.assertEqual(ep["formats"], ["text/xml", "application/json"])

    def test_xml(self):
        root = self.assertXml(get("/open311/discovery.xml"))
        self.assertEqual(root.tag, "discovery")
        self.assertRegex(root.findtext("changeset"), ISO)
        ep = root.find("endpoints/endpoint")
        self.assertTrue(ep.findtext("url").endswith("/open311/v2"))
        self.assertEqual([f.text for f in ep.findall("formats/format")], ["text/xml", "application/json"])

    def test_unknown_format(self):
        self.assertError(get("/open311/discovery.html"), 404, "xml")


class Services(Case):
    def test_json(self):
        body = self.assertJson(get("/open311/v2/services.json"))
        by = {s["service_code"]: s for s in body}
        self.assertIn("o311_cukur", by)
        self.assertNotIn("o311_eski", by, "inactive services are not offered")
        s = by["o311_cukur"]
        self.assertEqual(s["service_name"], "Yolda çukur")
        self.assertIs(s["metadata"], True)
        self.assertEqual(s["type"], "realtime")
        self.assertEqual(s["group"], "Altyapı")
        self.assertEqual(s["keywords"], "test anahtar")
        self.assertEqual(s["description"], "Yolda çukur açıklaması")
        self.assertIs(by["o311_gurultu"]["metadata"], False)

    def test_xml_escaped(self):
        root = self.assertXml(get("/open311/v2/services.xml"))
        self.assertEqual(root.tag, "services")
        by = {s.findtext("service_code"): s for s in root.findall("service")}
        self.assertEqual(by["o311_gurultu"].findtext("service_name"), "Gürültü & <kirlilik>")
        self.assertEqual(by["o311_cukur"].findtext("metadata"), "true")
        self.assertEqual(by["o311_gurultu"].findtext("metadata"), "false")
        self.assertIn(b"G\xc3\xbcr\xc3\xbclt\xc3\xbc &amp; &lt;kirlilik&gt;", get("/open311/v2/services.xml").body)

    def test_english(self):
        body = self.assertJson(get("/open311/v2/services.json?lang=en"))
        self.assertIn("Pothole", [s["service_name"] for s in body])
        c = ENV.client()
        body = c.request("GET", "/open311/v2/services.json", headers={"Accept-Language": "en-GB,en;q=0.8"}).json()
        self.assertIn("Pothole", [s["service_name"] for s in body])

    def test_unknown_format(self):
        self.assertError(get("/open311/v2/services.csv"), 404, "xml")


class ServiceDefinition(Case):
    def test_json(self):
        d = self.assertJson(get("/open311/v2/services/o311_cukur.json"))
        self.assertEqual(d["service_code"], "o311_cukur")
        codes = [a["code"] for a in d["attributes"]]
        self.assertEqual(codes, ["size", "kind", "tags", "depth", "seen_at"])
        size = d["attributes"][0]
        self.assertIs(size["variable"], True)
        self.assertIs(size["required"], True)
        self.assertEqual(size["datatype"], "singlevaluelist")
        self.assertEqual(size["order"], 1)
        self.assertEqual(size["description"], "Çukurun büyüklüğü")
        self.assertTrue(size["datatype_description"])
        self.assertEqual(size["values"], [{"key": "small", "name": "Küçük"}, {"key": "large", "name": "Büyük & derin"}])
        self.assertIs(d["attributes"][3]["required"], False)
        self.assertEqual(d["attributes"][3]["values"], [])

    def test_xml(self):
        root = self.assertXml(get("/open311/v2/services/o311_cukur.xml"))
        self.assertEqual(root.tag, "service_definition")
        self.assertEqual(root.findtext("service_code"), "o311_cukur")
        attrs = root.findall("attributes/attribute")
        self.assertEqual(len(attrs), 5)
        self.assertEqual(attrs[0].findtext("variable"), "true")
        self.assertEqual(attrs[0].findtext("required"), "true")
        self.assertEqual(attrs[0].findtext("order"), "1")
        vals = attrs[0].findall("values/value")
        self.assertEqual([(v.findtext("key"), v.findtext("name")) for v in vals],
                         [("small", "Küçük"), ("large", "Büyük & derin")])

    def test_without_attributes(self):
        d = self.assertJson(get("/open311/v2/services/o311_gurultu.json"))
        self.assertEqual(d["attributes"], [])

    def test_unknown_and_inactive_404(self):
        self.assertError(get("/open311/v2/services/yok_boyle.json"), 404, "json")
        self.assertError(get("/open311/v2/services/yok_boyle.xml"), 404, "xml")
        self.assertError(get("/open311/v2/services/o311_eski.json"), 404, "json")
        self.assertError(get("/open311/v2/services/o311_cukur.yaml"), 404, "xml")
        self.assertError(get("/open311/v2/services/o311_cukur"), 404, "xml")


class PostRequests(Case):
    def test_create_json(self):
        r = post(dict(good(), account_id="acc-77", **PERSON))
        body = self.assertJson(r)
        self.assertEqual(len(body), 1)
        sid = body[0]["service_request_id"]
        self.assertIsInstance(sid, str)
        self.assertTrue(sid.isdigit())
        self.assertEqual(body[0]["account_id"], "acc-77")
        self.assertRegex(body[0]["service_notice"], r"\bB[0-9A-Z]{9}\b")
        # It is an application of the Bizim Meram channel, a complaint with the attributes given.
        one = self.assertJson(get("/open311/v2/requests/%s.json" % sid))[0]
        self.assertEqual(one["service_code"], "o311_cukur")
        self.assertEqual(one["status"], "open")
        self.assertEqual(one["description"], "Çukur derin, araçlar zarar görüyor")
        self.assertAlmostEqual(one["lat"], 37.874643, places=5)
        self.assertAlmostEqual(one["long"], 32.493155, places=5)

    def test_create_xml_with_bearer_key(self):
        r = post(good(), key=None, fmt="xml", bearer="open311")
        root = self.assertXml(r)
        self.assertEqual(root.tag, "service_requests")
        req = root.find("request")
        self.assertTrue(req.findtext("service_request_id").isdigit())
        self.assertIsNotNone(req.find("account_id"))
        self.assertTrue(req.findtext("service_notice"))

    def test_address_instead_of_coordinates(self):
        r = post(good(lat="", long="", address_string="Meram Yeni Yol, Konya",
                      media_url="https://example.org/foto.jpg"))
        sid = self.assertJson(r)[0]["service_request_id"]
        one = get("/open311/v2/requests/%s.json" % sid).json()[0]
        self.assertEqual(one["address"], "Meram Yeni Yol, Konya")
        self.assertIsNone(one["lat"])
        self.assertEqual(one["media_url"], "https://example.org/foto.jpg")
        self.assertEqual(one["description"], "Çukur derin, araçlar zarar görüyor")
        root = xml(get("/open311/v2/requests/%s.xml" % sid))
        self.assertEqual(root.find("request").findtext("media_url"), "https://example.org/foto.jpg")
        # Staff see the photo's address in a field of its own, not in the description.
        app = ENV.login("secretariat").get("/api/v1/applications/%s" % sid).json()
        self.assertEqual(app["media_url"], "https://example.org/foto.jpg")
        self.assertEqual(app["description"], "Çukur derin, araçlar zarar görüyor")
        # A photo alone (no description) is kept too.
        sid = self.assertJson(post(good(description="", media_url="http://example.org/2.png")))[0]["service_request_id"]
        one = get("/open311/v2/requests/%s.json" % sid).json()[0]
        self.assertEqual((one["media_url"], one["description"]), ("http://example.org/2.png", ""))
        r = post(good(lat="", long="", address_id="ADR-42"))
        self.assertJson(r)

    def test_all_attribute_types(self):
        r = post(good(**{"attribute[tags][]": "a", "attribute[depth]": "12.5",
                         "attribute[seen_at]": "2026-11-20T08:15:00+03:00", "attribute[kind]": "request",
                         "attribute[undeclared]": "dropped"}))
        self.assertJson(r)
        r = post(list(good().items()) + [("attribute[tags][]", "a"), ("attribute[tags][]", "b")])
        self.assertJson(r)

    def test_idempotency_header(self):
        h = {"Idempotency-Key": "bm-" + str(time.time())}
        a = self.assertJson(post(good(), headers=h))[0]["service_request_id"]
        b = self.assertJson(post(good(), headers=h))[0]["service_request_id"]
        self.assertEqual(a, b)
        c = self.assertJson(post(good(), headers={"Idempotency-Key": h["Idempotency-Key"] + "-2"}))
        self.assertNotEqual(c[0]["service_request_id"], a)

    def test_idempotency_field_and_external_id(self):
        k = "form-" + str(time.time())
        a = self.assertJson(post(good(idempotency_key=k)))[0]["service_request_id"]
        b = self.assertJson(post(good(idempotency_key=k)))
        self.assertEqual(b[0]["service_request_id"], a)
        root = self.assertXml(post(good(idempotency_key=k), fmt="xml"))
        self.assertEqual(root.find("request").findtext("service_request_id"), a)
        e = "BM-%d" % int(time.time() * 1000)
        x = self.assertJson(post(good(external_id=e)))[0]["service_request_id"]
        y = self.assertJson(post(good(external_id=e)))[0]["service_request_id"]
        self.assertEqual(x, y)

    def test_400_missing_or_bad_fields(self):
        cases = [
            ({"lat": "37.8", "long": "32.4", "attribute[size]": "small"}, "service_code"),
            (good(service_code="yok_boyle"), None),
            (good(service_code="o311_eski"), None),
            (good(lat="", long=""), None),                         # no location at all
            (good(lat="91", long="32.4"), "lat"),
            (good(lat="abc"), "lat"),
            (good(long=""), "long"),                               # lat without long
            (good(long="181"), "long"),
            (good(**{"attribute[size]": ""}), "size"),           # required attribute missing
            (good(**{"attribute[size]": "huge"}), "size"),       # not one of the keys
            (good(**{"attribute[tags][]": "z"}), "tags"),
            (good(**{"attribute[depth]": "deep"}), "depth"),
            (good(**{"attribute[seen_at]": "yesterday"}), "seen_at"),
            (good(**{"attribute[size": "small"}), None),           # malformed attribute key
            (good(email="not-an-email"), "email"),
            (good(phone="12"), "phone"),
            (good(media_url="javascript:alert(1)"), "media_url"),
        ]
        for fields, named in cases:
            with self.subTest(fields=fields):
                for fmt in ("json", "xml"):
                    self.assertError(post(fields, fmt=fmt), 400, fmt, contains=named)
        f = good()
        del f["attribute[size]"]
        self.assertError(post(f), 400, "json", contains="size")

    def test_403_keys(self):
        for fmt in ("json", "xml"):
            with self.subTest(fmt=fmt):
                self.assertError(post(good(), key=None, fmt=fmt), 403, fmt)                # no key
                self.assertError(post(good(), key="not-a-real-key", fmt=fmt), 403, fmt)    # wrong key
                self.assertError(post(good(), key=ENV.keys["read"], fmt=fmt), 403, fmt)    # another scope
                self.assertError(post(good(), key=None, bearer="write", fmt=fmt), 403, fmt)
                self.assertError(post(good(), key=None, bearer="bad-bearer", fmt=fmt), 403, fmt)
        # A signed-in member of staff is not an Open311 client either.
        staff = ENV.login("secretariat")
        r = staff.post_form("/open311/v2/requests.json", good(), csrf=None)
        self.assertError(r, 403, "json")
        # The key is a POST field: not taken from the query string.
        c = ENV.client()
        r = c.post_form("/open311/v2/requests.json?api_key=" + ENV.keys["open311"], good(), csrf=None)
        self.assertError(r, 403, "json")

    def test_404_unknown_format(self):
        self.assertError(post(good(), fmt="html"), 404, "xml")


class GetRequests(Case):
    def list(self, query="", fmt="json"):
        r = get("/open311/v2/requests.%s%s" % (fmt, ("?" + query) if query else ""))
        return r

    def test_default_list(self):
        body = self.assertJson(self.list())
        ids = [x["service_request_id"] for x in body]
        for name in ("closed", "routed", "plain", "desk"):
            self.assertIn(IDS[name], ids)
        for x in body:
            self.assertIsInstance(x["service_request_id"], str)
            self.assertIn(x["status"], ("open", "closed"))
            self.assertRegex(x["requested_datetime"], ISO)
            self.assertRegex(x["updated_datetime"], ISO)
            self.assertRegex(x["expected_datetime"], ISO)
        by = {x["service_request_id"]: x for x in body}
        self.assertEqual(by[IDS["closed"]]["status"], "closed")
        self.assertEqual(by[IDS["routed"]]["status"], "open")
        self.assertEqual(by[IDS["plain"]]["status_notes"], "Başvuru alındı")
        self.assertEqual(by[IDS["routed"]]["agency_responsible"], harness.DIR_B["name"])
        self.assertEqual(by[IDS["plain"]]["agency_responsible"], harness.DIR_A["name"], "the category's directorate")
        self.assertEqual(by[IDS["plain"]]["service_name"], "Yolda çukur")
        self.assertEqual(by[IDS["plain"]]["description"], "Open311 talebi plain")
        # Newest first.
        self.assertLess(ids.index(IDS["plain"]), ids.index(IDS["closed"]))

    def test_front_desk_is_private(self):
        x = self.assertJson(get("/open311/v2/requests/%s.json" % IDS["desk"]))[0]
        self.assertIsNone(x["description"])
        self.assertIsNone(x["lat"])
        self.assertIsNone(x["long"])
        self.assertIsNone(x["media_url"])
        self.assertNotEqual(x["address"], DESK_ADDRESS)
        for path in ("/open311/v2/requests.json", "/open311/v2/requests.xml",
                     "/open311/v2/requests/%s.xml" % IDS["desk"]):
            body = get(path).text
            self.assertNotIn(DESK_DESCRIPTION, body)
            self.assertNotIn("Gizli Sokak", body)
            self.assertNotIn("37.111", body)

    def test_xml(self):
        root = self.assertXml(self.list(fmt="xml"))
        self.assertEqual(root.tag, "service_requests")
        reqs = {q.findtext("service_request_id"): q for q in root.findall("request")}
        q = reqs[IDS["closed"]]
        self.assertEqual(q.findtext("status"), "closed")
        self.assertRegex(q.findtext("requested_datetime"), ISO)
        for tag in ("service_name", "service_code", "status_notes", "agency_responsible", "expected_datetime",
                    "updated_datetime", "lat", "long", "address", "media_url", "description", "service_notice"):
            self.assertIsNotNone(q.find(tag), tag)

    def test_filters(self):
        ids = lambda q: [x["service_request_id"] for x in self.assertJson(self.list(q))]
        closed = ids("status=closed")
        self.assertIn(IDS["closed"], closed)
        self.assertNotIn(IDS["plain"], closed)
        opened = ids("status=open")
        self.assertIn(IDS["plain"], opened)
        self.assertNotIn(IDS["closed"], opened)
        both = ids("status=open,closed")
        self.assertIn(IDS["plain"], both)
        self.assertIn(IDS["closed"], both)
        self.assertEqual(ids("service_request_id=%s,%s" % (IDS["routed"], IDS["closed"])),
                         [IDS["routed"], IDS["closed"]])
        self.assertEqual(ids("service_request_id=%s&status=closed" % IDS["plain"]), [IDS["plain"]],
                         "service_request_id overrides the other parameters")
        self.assertEqual(ids("service_request_id=999999"), [])
        self.assertIn(IDS["plain"], ids("service_code=o311_cukur"))
        self.assertEqual(ids("service_code=o311_gurultu"), [])
        self.assertEqual(ids("service_code=yok_boyle"), [])
        now = time.time()
        day = lambda t: time.strftime("%Y-%m-%dT%H:%M:%S+03:00", time.gmtime(t + 3 * 3600))
        recent = ids("start_date=%s&end_date=%s" % (urllib.parse.quote(day(now - 3600)), urllib.parse.quote(day(now + 60))))
        self.assertIn(IDS["plain"], recent)
        self.assertEqual(ids("start_date=%s" % urllib.parse.quote(day(now + 86400))), [])
        self.assertEqual(ids("end_date=%s" % urllib.parse.quote(day(now - 86400))), [])
        self.assertIn(IDS["plain"], ids("start_date=%s" % urllib.parse.quote(day(now - 86400))))
        self.assertIn(IDS["plain"], ids("start_date=" + time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now - 600))))

    def test_400_bad_parameters(self):
        bad = ["start_date=yesterday", "end_date=2026-13-40T00:00:00Z", "status=pending", "status=",
               "service_request_id=abc", "service_request_id=1,,2",
               "start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z",  # more than 90 days
               "start_date=2026-06-01T00:00:00Z&end_date=2026-05-01T00:00:00Z"]  # end before start
        for q in bad:
            with self.subTest(q=q):
                if q == "status=":
                    self.assertJson(self.list(q))  # empty means "any"
                    continue
                self.assertError(self.list(q), 400, "json")
                self.assertError(self.list(q, "xml"), 400, "xml")

    def test_one_request(self):
        body = self.assertJson(get("/open311/v2/requests/%s.json" % IDS["routed"]))
        self.assertEqual(len(body), 1)
        self.assertEqual(body[0]["service_request_id"], IDS["routed"])
        root = self.assertXml(get("/open311/v2/requests/%s.xml" % IDS["routed"]))
        self.assertEqual(root.find("request").findtext("agency_responsible"), harness.DIR_B["name"])

    def test_one_request_404(self):
        self.assertError(get("/open311/v2/requests/999999.json"), 404, "json")
        self.assertError(get("/open311/v2/requests/999999.xml"), 404, "xml")
        self.assertError(get("/open311/v2/requests/abc.json"), 404, "json")
        self.assertError(get("/open311/v2/requests/%s.txt" % IDS["plain"]), 404, "xml")
        self.assertError(get("/open311/v2/requests.txt"), 404, "xml")


class Tokens(Case):
    def test_token_is_the_tracking_code(self):
        r = post(good())
        body = self.assertJson(r)[0]
        code = re.search(r"\b(B[0-9A-Z]{9})\b", body["service_notice"]).group(1)
        t = self.assertJson(get("/open311/v2/tokens/%s.json" % code))
        self.assertEqual(t, [{"service_request_id": body["service_request_id"], "token": code}])
        root = self.assertXml(get("/open311/v2/tokens/%s.xml" % code))
        self.assertEqual(root.find("request").findtext("service_request_id"), body["service_request_id"])

    def test_unknown_token_404(self):
        self.assertError(get("/open311/v2/tokens/BZZZZZZZZZ.json"), 404, "json")
        self.assertError(get("/open311/v2/tokens/x.xml"), 404, "xml")


class Privacy(Case):
    def test_no_personal_data_in_any_get(self):
        r = post(dict(good(description="Kaldırımda çukur"), **PERSON))
        sid = self.assertJson(r)[0]["service_request_id"]
        code = re.search(r"\b(B[0-9A-Z]{9})\b", r.json()[0]["service_notice"]).group(1)
        paths = ["/open311/discovery.json", "/open311/discovery.xml"]
        for fmt in ("json", "xml"):
            paths += ["/open311/v2/services.%s" % fmt, "/open311/v2/services/o311_cukur.%s" % fmt,
                      "/open311/v2/requests.%s" % fmt, "/open311/v2/requests/%s.%s" % (sid, fmt),
                      "/open311/v2/requests.%s?service_request_id=%s" % (fmt, sid),
                      "/open311/v2/requests/%s.%s" % (IDS["desk"], fmt), "/open311/v2/tokens/%s.%s" % (code, fmt)]
        for path in paths:
            with self.subTest(path=path):
                r = get(path)
                self.assertStatus(r, 200)
                for text in PERSONAL_TEXTS:
                    self.assertNotIn(text.lower(), r.text.lower())


class Errors(Case):
    def test_method_not_allowed(self):
        c = ENV.client()
        self.assertError(c.request("DELETE", "/open311/v2/requests.json"), 405, "json")
        self.assertError(c.request("PUT", "/open311/v2/services.xml"), 405, "xml")

    def test_unknown_path(self):
        self.assertError(get("/open311/v2/nothing.json"), 404, "json")
        self.assertError(get("/open311/v3/services.xml"), 404, "xml")


if __name__ == "__main__":
    harness.main()
