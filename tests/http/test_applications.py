# test_applications.py: applications (workflow 3) through the staff pages and the JSON API: every path of the chart.
"""Complaints and requests, end to end on SQLite and PostgreSQL.

The front desk records applications through the page (multipart, with a scanned petition) and through the API;
the secretariat rejects with a legal reason, forwards to the competent authority, or routes to two directorates,
each of which accepts, plans and answers through its own login; feedback goes by SMS (the recording gateway of
providers.py) or by phone (a logged call); every closed case is archived with a document number. Also: asking the
applicant pauses the clocks, directorate isolation (pages, API, files, CSV), bad input names the field and changes
nothing, uploads judged by their bytes and size with hostile names sanitised, CSRF, and roles.
"""
import datetime
import json
import os
import re
import shutil
import tempfile
import time
import urllib.parse

import harness
from providers import Gateway

STATE = {}
ENV = harness.ModuleEnv()

DETSIS = "12345678"
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")
PDF = (b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\n"
       b"endobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n")


def setUpModule():
    STATE["var"] = tempfile.mkdtemp(prefix="kalem-apps-var-")
    gw = Gateway()
    gw.start()
    STATE["gateway"] = gw
    ENV.start(server_env={"KALEM_VAR": STATE["var"], "KALEM_NOTIFY_BACKOFF": "1", "KALEM_NOTIFY_SCHEDULE": "1,2"})
    admin = ENV.login("admin")
    admin.get("/admin/settings")
    r = admin.post_form("/admin/settings", {
        "office_name": "Özel Kalem Müdürlüğü", "municipality_name": "Meram Belediyesi", "detsis_unit": DETSIS,
        "smtp_host": "", "smtp_port": "", "smtp_security": "none", "smtp_username": "", "smtp_password": "",
        "smtp_from_address": "ozelkalem@meram.bel.tr", "smtp_from_name": "Özel Kalem",
        "sms_url": "http://127.0.0.1:%d/send" % gw.port, "sms_method": "POST",
        "sms_body_template": '{"to":"{to}","text":"{text}","sender":"{sender}","ref":"{ref}"}',
        "sms_auth_header": "", "sms_auth_value": "", "sms_sender_id": "MERAMBLD"})
    if r.status != 303:
        raise AssertionError("settings: %d %s" % (r.status, r.text[:1000]))
    cats = admin.get("/api/v1/categories").json()["items"]
    STATE["cat"] = {c["code"]: c for c in cats}


def tearDownModule():
    try:
        ENV.close()
    finally:
        if "gateway" in STATE:
            STATE["gateway"].reset()
            STATE["gateway"].stop()
        shutil.rmtree(STATE.get("var", "/nonexistent"), ignore_errors=True)


def post_multipart(client, path, fields, files=(), csrf=True):
    items = list(fields.items()) if isinstance(fields, dict) else list(fields)
    if csrf:
        items.append(("_csrf", client.csrf))
    body, ctype = harness.multipart(items, files, file_type="application/pdf")
    return client.request("POST", path, body=body, content_type=ctype)


class Apps(harness.KalemCase):
    @classmethod
    def setUpClass(cls):
        cls.sec = ENV.login("secretariat")
        cls.chief = ENV.login("chief")
        cls.dir_a = ENV.login("directorate")
        cls.dir_b = ENV.login("dir_b")
        cls.viewer = ENV.login("viewer")
        cls.mayor = ENV.login("mayor")

    # -- helpers

    def create(self, client=None, status=201, headers=None, **values):
        body = {"kind": "complaint", "channel": "in_person", "applicant_name": "Ayşe Yılmaz",
                "phone": "0532 111 22 33", "category_code": "parks_green", "subject": "Parktaki kırık salıncak"}
        body.update(values)
        r = (client or self.sec).send_json("POST", "/api/v1/applications", body, headers=headers)
        self.assertStatus(r, status)
        return r.json()

    def get(self, aid, client=None, status=200):
        r = (client or self.sec).get("/api/v1/applications/%d" % aid)
        self.assertStatus(r, status)
        return r.json()

    def act(self, aid, action, client=None, status=200, **fields):
        fields["action"] = action
        r = (client or self.sec).send_json("POST", "/api/v1/applications/%d/transitions" % aid, fields)
        self.assertStatus(r, status, "%s on %d" % (action, aid))
        return r.json()

    def route_act(self, aid, rid, action, client, status=200, **fields):
        fields["action"] = action
        r = client.send_json("POST", "/api/v1/applications/%d/routes/%d/transitions" % (aid, rid), fields)
        self.assertStatus(r, status, "route %s" % action)
        return r.json()

    def page_act(self, aid, fields, client=None, status=303, files=(), route=None):
        c = client or self.sec
        page = c.get("/applications/%d" % aid)
        self.assertStatus(page, 200)
        path = ("/applications/%d/routes/%d/transitions" % (aid, route)) if route else \
            ("/applications/%d/transitions" % aid)
        r = post_multipart(c, path, fields, files)
        self.assertStatus(r, status, "page action %s" % fields)
        return r

    def count(self, client=None):
        r = (client or self.sec).get("/api/v1/applications?limit=500")
        self.assertStatus(r, 200)
        return len(r.json()["items"])

    def routed_to_a(self, **values):
        a = self.create(**values)
        self.act(a["id"], "route", directorates=[ENV.dir_a], note="Yerinde bakılsın")
        o = self.get(a["id"])
        self.assertEqual(o["state"], "routed")
        return o

    # -- the paths of the chart

    def test_front_desk_page_then_reject_with_legal_reason_and_archive(self):
        form = self.sec.get("/applications/new")
        self.assertStatus(form, 200)
        self.assertIn('name="category_id"', form.text)
        cat = STATE["cat"]["road_damage"]
        fields = [("applicant_name", "Işık Şüküroğlu"), ("phone", "0532 444 55 66"), ("kind", "complaint"),
                  ("channel", "letter"), ("category_id", str(cat["id"])), ("subject", "Çukur"),
                  ("description", "Okul önündeki yolda büyük çukur."), ("address", "Meram")]
        # Step one: the category's questions appear in the form; nothing is created.
        before = self.count()
        r = post_multipart(self.sec, "/applications", fields + [("step", "category")])
        self.assertStatus(r, 200)
        self.assertIn('name="attr_size"', r.text)
        # Its required question missing: 422 beside the questions.
        r = post_multipart(self.sec, "/applications", fields, [("file", "dilekce.png", PNG, None)])
        self.assertStatus(r, 422)
        self.assertIn('id="e-attributes"', r.text)
        self.assertEqual(self.count(), before)
        r = post_multipart(self.sec, "/applications", fields + [("attr_size", "large")],
                           [("file", "dilekce.png", PNG, None)])
        self.assertStatus(r, 303)
        m = re.match(r"^/applications/(\d+)", r.location)
        aid = int(m.group(1))
        page = self.sec.get(r.location)
        self.assertStatus(page, 200)
        self.assertIn("receipt.pdf", page.text)
        self.assertIn('class="chart"', page.text)
        self.assertIn("Büyük", page.text)  # the answer to the category's question, in words
        o = self.get(aid)
        self.assertEqual(o["channel"], "letter")
        self.assertEqual(o["attributes"], {"size": "large"})
        self.assertEqual([f["role"] for f in o["files"]], ["petition"])
        receipt = self.sec.get("/applications/%d/receipt.pdf" % aid)
        self.assertStatus(receipt, 200)
        self.assertTrue(receipt.body.startswith(b"%PDF"))
        self.assertEqual(receipt.header("Content-Type"), "application/pdf")
        # Reject without a reason: 422 beside the field, nothing changes.
        r = self.page_act(aid, {"action": "reject", "legal_reason": ""}, status=422)
        self.assertIn('id="e-legal_reason-reject"', r.text)
        self.assertEqual(self.get(aid)["state"], "received")
        # A reason of the wrong kind (a forward reason) is refused too.
        self.page_act(aid, {"action": "reject", "legal_reason": "not_competent"}, status=422)
        # The template fills the answer on request (no script needed).
        page = self.sec.get("/applications/%d" % aid)
        tid = re.search(r'<form method="get" action="/applications/%d#form-reject".*?<option value="(\d+)"' % aid,
                        page.text, re.S)
        self.assertIsNotNone(tid, "the reject form offers a response template")
        filled = self.sec.get("/applications/%d?for=reject&template=%s" % (aid, tid.group(1)))
        self.assertIn("Işık Şüküroğlu", re.search(r'id="f-answer-reject"[^>]*>([^<]*)<', filled.text).group(1))
        self.page_act(aid, {"action": "reject", "legal_reason": "no_specific_subject"})
        o = self.get(aid)
        self.assertEqual(o["state"], "rejected")
        self.assertEqual(o["legal_reason"], "no_specific_subject")
        self.assertTrue(o["answer"], "the answer comes from the template")
        self.assertEqual(o["clocks"]["office"]["status"], "stopped")
        self.assertIn("application_rejected", [n["template_key"] for n in o["notifications"]])
        # Archive: a bad code is named, then the document number.
        self.page_act(aid, {"action": "archive", "file_plan_code": "999.99"}, status=422)
        self.page_act(aid, {"action": "archive", "file_plan_code": "622.01.02"})
        o = self.get(aid)
        self.assertEqual(o["state"], "archived")
        self.assertRegex(o["archived_number"], r"^E-%s-622\.01\.02-\d+$" % DETSIS)
        self.assertEqual(o["documents"][0]["number"], o["archived_number"])
        page = self.sec.get("/applications/%d" % aid)
        self.assertIn(o["archived_number"], page.text)
        self.assertNotIn('name="action" value="', page.text, "an archived application has no actions")

    def test_forward_to_the_competent_authority_api(self):
        a = self.create(category_code="street_lighting", subject="Sokak lambası yanmıyor")
        err = self.assertJsonError(self.sec.send_json("POST", "/api/v1/applications/%d/transitions" % a["id"], {
            "action": "forward_external", "legal_reason": "not_competent"}), 422, "invalid")
        self.assertEqual(err["field"], "authority")
        err = self.assertJsonError(self.sec.send_json("POST", "/api/v1/applications/%d/transitions" % a["id"], {
            "action": "forward_external", "legal_reason": "missing_identity", "authority": "MEDAŞ"}), 422)
        self.assertEqual(err["field"], "legal_reason")
        self.assertEqual(self.get(a["id"])["state"], "received")
        o = self.act(a["id"], "forward_external", legal_reason="not_competent", authority="MEDAŞ")
        self.assertEqual(o["state"], "forwarded")
        self.assertEqual(o["authority"], "MEDAŞ")
        self.assertEqual([x["action"] for x in o["actions"]], ["archive"])
        self.assertJsonError(self.sec.send_json("POST", "/api/v1/applications/%d/transitions" % a["id"], {
            "action": "route", "directorates": [ENV.dir_a]}), 409)
        o = self.act(a["id"], "archive", file_plan_code="622.01.02")
        self.assertEqual(o["state"], "archived")
        self.assertTrue(o["archived_number"].startswith("E-%s-" % DETSIS))

    def test_two_directorates_answer_then_feedback_by_sms_and_archive(self):
        a = self.create(phone="0533 777 88 99", subject="Çöp alınmıyor ve park bakımsız")
        aid = a["id"]
        # The office routes it to both directorates through the page form.
        self.page_act(aid, [("action", "route"), ("directorates", str(ENV.dir_a)), ("directorates", str(ENV.dir_b)),
                            ("due_at", ""), ("note", "Ortak inceleme")])
        o = self.get(aid)
        self.assertEqual(o["state"], "routed")
        routes = {r["directorate_id"]: r for r in o["routes"]}
        self.assertEqual(set(routes), {ENV.dir_a, ENV.dir_b})
        ra, rb = routes[ENV.dir_a]["id"], routes[ENV.dir_b]["id"]
        # Directorate A through its pages: it sees only its own route's forms.
        page = self.dir_a.get("/applications/%d" % aid)
        self.assertStatus(page, 200)
        self.assertIn("/routes/%d/transitions" % ra, page.text)
        self.assertNotIn("/routes/%d/transitions" % rb, page.text)
        self.assertIn(a["tracking_code"], self.dir_a.get("/applications").text)
        self.page_act(aid, {"action": "accept"}, client=self.dir_a, route=ra)
        self.page_act(aid, {"action": "plan", "work_date": "not-a-date"}, client=self.dir_a, route=ra, status=422)
        self.page_act(aid, {"action": "plan", "work_date": "2026-12-15"}, client=self.dir_a, route=ra)
        self.page_act(aid, {"action": "answer", "answer": "Park bakımı 15 Aralık'ta yapılacak."}, client=self.dir_a,
                      route=ra, files=[("file", "cevap.pdf", PDF, None)])
        o = self.get(aid)
        self.assertEqual(o["state"], "routed", "B has not answered yet")
        self.assertEqual({r["directorate_id"]: r["state"] for r in o["routes"]}[ENV.dir_a], "answered")
        self.assertIn("answer", [f["role"] for f in o["files"]])
        # Directorate A cannot act on B's route.
        self.assertJsonError(self.dir_a.send_json("POST", "/api/v1/applications/%d/routes/%d/transitions" % (aid, rb),
                                                  {"action": "accept"}), 404)
        # Directorate B through the API.
        self.route_act(aid, rb, "accept", self.dir_b)
        self.route_act(aid, rb, "plan", self.dir_b, work_date="2026-12-16")
        o = self.route_act(aid, rb, "answer", self.dir_b, answer="Çöpler her gün alınacak.")
        self.assertEqual(o["state"], "answered")
        # Feedback by SMS through the page.
        gw = STATE["gateway"]
        self.page_act(aid, {"action": "give_feedback", "via": "sms", "text": "Sorununuz çözüldü."})
        o = self.get(aid)
        self.assertEqual(o["state"], "feedback_given")
        self.assertEqual(o["feedback_via"], "sms")
        self.assertEqual(o["clocks"]["office"]["status"], "stopped")

        def sms_sent():
            with gw.lock:
                return [q for q in gw.requests if a["tracking_code"].encode() in q["body"]
                        and "çözüldü".encode() in json.loads(q["body"].decode())["text"].encode()]
        deadline = time.monotonic() + 20
        while not sms_sent() and time.monotonic() < deadline:
            time.sleep(0.2)
        self.assertTrue(sms_sent(), "the feedback SMS reached the gateway")
        self.assertEqual(json.loads(sms_sent()[0]["body"].decode())["to"], "+905337778899")
        o = self.act(aid, "archive", file_plan_code="622.01.02")
        self.assertEqual(o["state"], "archived")
        hist = [h["action"] for h in self.get(aid)["history"]]
        for act in ("application.create", "application.route", "application.give_feedback", "application.archive"):
            self.assertIn(act, hist)
        page = self.sec.get("/applications/%d" % aid)
        self.assertIn(routes[ENV.dir_b]["directorate_name"], page.text)
        self.assertIn('class="done"', page.text)

    def test_feedback_by_phone_with_a_logged_call(self):
        o = self.routed_to_a(preferred_channel="phone")
        aid, rid = o["id"], o["routes"][0]["id"]
        self.route_act(aid, rid, "answer", self.dir_a, answer="Ağaçlar budandı.")
        self.assertEqual(self.get(aid)["state"], "answered")
        # A call logged on its own, through the page: a missing summary is named.
        self.sec.get("/applications/%d" % aid)
        r = self.sec.post_form("/applications/%d/contacts" % aid, {"spoke_with": "Ayşe Hanım", "summary": ""})
        self.assertStatus(r, 422)
        self.assertIn('id="e-summary-contact"', r.text)
        r = self.sec.post_form("/applications/%d/contacts" % aid,
                               {"spoke_with": "Ayşe Hanım", "summary": "Ulaşılamadı, tekrar aranacak."})
        self.assertStatus(r, 303)
        # Feedback by phone: who was spoken with is required.
        r = self.page_act(aid, {"action": "give_feedback", "via": "phone", "text": "Ağaçlar budandı."}, status=422)
        self.assertIn('id="e-spoke_with-give_feedback"', r.text)
        self.assertEqual(self.get(aid)["state"], "answered")
        self.page_act(aid, {"action": "give_feedback", "via": "phone", "text": "Ağaçlar budandı.",
                            "spoke_with": "Ayşe Yılmaz", "summary": "Sonuç anlatıldı, teşekkür etti."})
        o = self.get(aid)
        self.assertEqual(o["state"], "feedback_given")
        self.assertEqual(o["feedback_via"], "phone")
        calls = [(c["kind"], c["via"], c["spoke_with"]) for c in o["contacts"]]
        self.assertIn(("call", "phone", "Ayşe Hanım"), calls)
        self.assertIn(("final", "phone", "Ayşe Yılmaz"), calls)
        # The API logs a call too.
        r = self.sec.send_json("POST", "/api/v1/applications/%d/contacts" % aid,
                               {"via": "phone", "spoke_with": "Ayşe", "summary": "Memnun."})
        self.assertStatus(r, 201)
        err = self.assertJsonError(self.sec.send_json("POST", "/api/v1/applications/%d/contacts" % aid,
                                                      {"via": "phone", "summary": "x"}), 422)
        self.assertEqual(err["field"], "spoke_with")
        self.assertEqual(self.act(aid, "archive", file_plan_code="622.01.02")["state"], "archived")

    def test_office_answers_itself(self):
        a = self.create()
        o = self.act(a["id"], "answer", answer="Talebiniz karşılandı.")
        self.assertEqual(o["state"], "answered")
        o = self.act(a["id"], "give_feedback", via="sms", text="Talebiniz karşılandı.")
        self.assertEqual(o["state"], "feedback_given")

    def test_request_info_pauses_the_clocks(self):
        o = self.routed_to_a()
        aid, rid = o["id"], o["routes"][0]["id"]
        due_before = o["clocks"]["office"]["due_at"]
        # The directorate asks the applicant (through its route): the application waits, the clocks pause.
        self.route_act(aid, rid, "ask_info", self.dir_a, question="Parkın tam adı nedir?")
        o = self.get(aid)
        self.assertEqual(o["state"], "waiting")
        self.assertEqual(o["clocks"]["office"]["status"], "paused")
        page = self.sec.get("/applications/%d" % aid)
        self.assertIn("tag muted", page.text)
        time.sleep(1.5)
        o = self.route_act(aid, rid, "info_received", self.dir_a, note="Karatay parkı")
        self.assertEqual(o["state"], "routed")
        self.assertNotEqual(o["clocks"]["office"]["status"], "paused")
        # The due date moves by the working time paused (none when paused outside working hours).
        paused = o["clocks"]["office"]["paused_s"]
        if paused > 0:
            self.assertGreater(o["clocks"]["office"]["due_at"], due_before)
        else:
            self.assertEqual(o["clocks"]["office"]["due_at"], due_before)
        events = self.sec.get("/api/v1/applications/%d/events" % aid).json()["items"]
        kinds = [(e["clock"], e["event"]) for e in events]
        self.assertIn(("office", "start"), kinds)
        self.assertIn(("office", "pause"), kinds)
        self.assertIn(("office", "resume"), kinds)
        # The office asks through the application too.
        self.act(aid, "request_info", question="Adresinizi yazar mısınız?")
        self.assertEqual(self.get(aid)["state"], "waiting")
        self.act(aid, "info_received", note="Adres geldi")
        self.assertEqual(self.get(aid)["state"], "routed")

    # -- isolation, bad input, uploads, CSRF, roles

    def test_directorate_isolation(self):
        a = self.create(subject="Yalnızca A müdürlüğünün işi")
        aid = a["id"]
        r = post_multipart(self.sec, "/applications/%d/files" % aid, {}, [("file", "ek.png", PNG, None)])
        self.sec.get("/applications/%d" % aid)
        r = post_multipart(self.sec, "/applications/%d/files" % aid, {}, [("file", "ek.png", PNG, None)])
        self.assertStatus(r, 303)
        self.act(aid, "route", directorates=[ENV.dir_a])
        o = self.get(aid)
        fid, rid = o["files"][0]["id"], o["routes"][0]["id"]
        # A sees it, its file and its route.
        self.assertStatus(self.dir_a.get("/applications/%d" % aid), 200)
        self.assertStatus(self.dir_a.get("/files/%d?application=%d" % (fid, aid)), 200)
        self.assertIn(a["tracking_code"], self.dir_a.get("/applications.csv").text)
        # B sees nothing of it.
        self.assertStatus(self.dir_b.get("/applications/%d" % aid), 404)
        self.assertJsonError(self.dir_b.get("/api/v1/applications/%d" % aid), 404)
        self.assertJsonError(self.dir_b.get("/api/v1/applications/%d/events" % aid), 404)
        self.assertStatus(self.dir_b.get("/files/%d?application=%d" % (fid, aid)), 404)
        self.assertStatus(self.dir_b.get("/files/%d" % fid), 404)
        # Without naming the application: access follows the file's links.
        self.assertStatus(self.dir_a.get("/files/%d" % fid), 200)
        self.assertStatus(self.sec.get("/files/%d" % fid), 200)
        self.assertStatus(self.dir_a.get("/files/%d?application=%d" % (fid, aid + 1000)), 404)
        # Naming an application B can see does not open a file of another one.
        bid = self.create(subject="B müdürlüğünün işi")["id"]
        self.act(bid, "route", directorates=[ENV.dir_b])
        self.assertStatus(self.dir_b.get("/applications/%d" % bid), 200)
        self.assertStatus(self.dir_b.get("/files/%d?application=%d" % (fid, bid)), 404)
        self.assertJsonError(self.dir_b.send_json("POST", "/api/v1/applications/%d/routes/%d/transitions" % (aid, rid),
                                                  {"action": "accept"}), 404)
        self.dir_b.get("/applications")
        r = post_multipart(self.dir_b, "/applications/%d/routes/%d/transitions" % (aid, rid), {"action": "accept"})
        self.assertStatus(r, 404)
        self.assertJsonError(self.dir_b.send_json("POST", "/api/v1/applications/%d/transitions" % aid,
                                                  {"action": "request_info", "question": "?"}), 404)
        self.assertNotIn(a["tracking_code"], self.dir_b.get("/applications").text)
        self.assertNotIn(a["tracking_code"], self.dir_b.get("/applications.csv").text)
        self.assertNotIn(a["tracking_code"], self.dir_b.get("/api/v1/applications.csv").text)
        self.assertNotIn(aid, [x["id"] for x in self.dir_b.get("/api/v1/applications?limit=500").json()["items"]])
        # Even with the filter of A's directorate.
        self.assertNotIn(aid, [x["id"] for x in self.dir_b.get(
            "/api/v1/applications?limit=500&directorate_id=%d" % ENV.dir_a).json()["items"]])
        self.assertEqual(self.get(aid)["routes"][0]["state"], "pending")
        # A directorate cannot take in applications.
        self.assertStatus(self.dir_a.get("/applications/new"), 403)

    def test_bad_input_names_the_field_and_changes_nothing(self):
        before = self.count()
        cases = [({"kind": "grumble"}, "kind"), ({"subject": ""}, "subject"), ({"phone": "12"}, "phone"),
                 ({"category_code": "no_such"}, "category_code"), ({"email": "not-an-email"}, "email"),
                 ({"applicant_name": ""}, "applicant_name"), ({"neighbourhood_id": 999999}, "neighbourhood_id"),
                 ({"category_code": "road_damage", "attributes": {"size": "enormous"}}, "attributes"),
                 ({"preferred_channel": "email"}, "preferred_channel")]
        for values, field in cases:
            body = {"kind": "complaint", "channel": "in_person", "applicant_name": "Deneme", "phone": "05321112233",
                    "category_code": "parks_green", "subject": "Konu"}
            body.update(values)
            err = self.assertJsonError(self.sec.send_json("POST", "/api/v1/applications", body), 422, "invalid")
            self.assertEqual(err["field"], field, body)
            self.assertTrue(err["message"])
        self.assertEqual(self.count(), before)
        # The page names the field beside it, in the user's language.
        self.sec.get("/applications/new")
        r = post_multipart(self.sec, "/applications", {"applicant_name": "Deneme", "kind": "complaint",
                                                       "channel": "in_person", "subject": "",
                                                       "category_id": str(STATE["cat"]["parks_green"]["id"])})
        self.assertStatus(r, 422)
        self.assertIn('id="e-subject"', r.text)
        self.assertIn("Konu zorunludur", r.text)
        self.assertEqual(self.count(), before)
        # Transitions: a missing field named, an unknown action refused.
        a = self.create()
        err = self.assertJsonError(self.sec.send_json("POST", "/api/v1/applications/%d/transitions" % a["id"],
                                                      {"action": "route", "directorates": ["x"]}), 422)
        self.assertEqual(err["field"], "directorates")
        err = self.assertJsonError(self.sec.send_json("POST", "/api/v1/applications/%d/transitions" % a["id"],
                                                      {"action": "request_info"}), 409)
        self.assertJsonError(self.sec.send_json("POST", "/api/v1/applications/%d/transitions" % a["id"], {}), 422)
        self.assertJsonError(self.sec.get("/api/v1/applications?state=lost"), 422)
        self.assertEqual(self.get(a["id"])["state"], "received")
        self.assertEqual(self.count(), before + 1)

    def test_repeated_submissions_do_not_duplicate(self):
        a = self.create(headers={"Idempotency-Key": "key-%d" % time.time_ns()})
        before = self.count()
        key = "same-%d" % time.time_ns()
        first = self.create(headers={"Idempotency-Key": key})
        again = self.create(headers={"Idempotency-Key": key}, status=200)
        self.assertEqual(first["id"], again["id"])
        self.assertTrue(again["existing"])
        ext = "CIMER-%d" % time.time_ns()
        one = self.create(channel="cimer", external_id=ext)
        two = self.create(channel="cimer", external_id=ext, status=200)
        self.assertEqual(one["id"], two["id"])
        self.assertEqual(self.count(), before + 2)
        self.assertNotEqual(a["id"], first["id"])

    def test_uploads_judged_by_bytes_size_and_name(self):
        before = self.count()
        cat = str(STATE["cat"]["parks_green"]["id"])
        base = {"applicant_name": "Dosya Deneme", "kind": "request", "channel": "in_person", "subject": "Ek",
                "category_id": cat}
        self.sec.get("/applications/new")
        # Text named .pdf: refused, named beside the file field.
        r = post_multipart(self.sec, "/applications", base, [("file", "dilekce.pdf", b"just some text\n" * 10, None)])
        self.assertStatus(r, 422)
        self.assertIn('id="e-file"', r.text)
        # Too large (over 10 MiB).
        big = PNG + b"\0" * (10 * 1024 * 1024)
        r = post_multipart(self.sec, "/applications", base, [("file", "buyuk.png", big, None)])
        self.assertStatus(r, 422)
        self.assertIn('id="e-file"', r.text)
        self.assertEqual(self.count(), before)
        # A PNG named .pdf is a PNG.
        r = post_multipart(self.sec, "/applications", base, [("file", "aslinda.pdf", PNG, None)])
        self.assertStatus(r, 303)
        aid = int(re.match(r"^/applications/(\d+)", r.location).group(1))
        f = self.get(aid)["files"][0]
        self.assertEqual(f["mime"], "image/png")
        d = self.sec.get("/files/%d?application=%d" % (f["id"], aid))
        self.assertStatus(d, 200)
        self.assertEqual(d.header("Content-Type"), "image/png")
        self.assertEqual(d.header("X-Content-Type-Options"), "nosniff")
        self.assertEqual(d.body, PNG)
        # A hostile name: no path, no line break in the header.
        raw = "form-data; name=\"file\"; filename*=UTF-8''%s" % urllib.parse.quote("../../x\r\n.pdf", safe="")
        r = post_multipart(self.sec, "/applications/%d/files" % aid, {}, [("file", None, PDF, raw)])
        self.assertStatus(r, 303)
        files = self.get(aid)["files"]
        self.assertEqual(len(files), 2)
        d = self.sec.get("/files/%d?application=%d" % (files[1]["id"], aid))
        self.assertStatus(d, 200)
        cd = d.header("Content-Disposition")
        self.assertTrue(cd.startswith("attachment;"), cd)
        self.assertNotIn("/", cd.split("filename*=")[0])
        self.assertNotIn("..", cd)
        self.assertNotIn("\r", cd)
        self.assertNotIn("\n", cd)
        self.assertIn("x", cd)
        self.assertEqual(d.header("Content-Type"), "application/pdf")
        # An attachment of the wrong type on the case page: 422 beside the field.
        r = post_multipart(self.sec, "/applications/%d/files" % aid, {}, [("file", "not.png", b"hello", None)])
        self.assertStatus(r, 422)
        self.assertIn('id="e-file-attach"', r.text)
        self.assertEqual(len(self.get(aid)["files"]), 2)

    def test_csrf_missing_is_refused(self):
        a = self.create()
        self.sec.get("/applications/%d" % a["id"])
        r = post_multipart(self.sec, "/applications/%d/transitions" % a["id"],
                           {"action": "reject", "legal_reason": "missing_identity"}, csrf=False)
        self.assertStatus(r, 403)
        r = self.sec.send_json("POST", "/api/v1/applications/%d/transitions" % a["id"],
                               {"action": "reject", "legal_reason": "missing_identity"}, csrf=None)
        self.assertStatus(r, 403)
        self.assertEqual(self.get(a["id"])["state"], "received")

    def test_roles(self):
        a = self.create()
        aid = a["id"]
        for c in (self.viewer, self.mayor, self.chief):
            self.assertStatus(c.get("/applications"), 200)
            self.assertStatus(c.get("/applications/%d" % aid), 200)
        page = self.viewer.get("/applications/%d" % aid)
        self.assertNotIn("/transitions", page.text, "a viewer sees no action forms")
        self.assertStatus(self.viewer.get("/applications/new"), 403)
        self.assertStatus(self.viewer.get("/applications/%d/receipt.pdf" % aid), 403)
        r = post_multipart(self.viewer, "/applications/%d/transitions" % aid,
                           {"action": "reject", "legal_reason": "missing_identity"})
        self.assertStatus(r, 403)
        self.assertJsonError(self.viewer.send_json("POST", "/api/v1/applications/%d/transitions" % aid,
                                                   {"action": "reject", "legal_reason": "missing_identity"}), 403)
        self.assertJsonError(self.mayor.send_json("POST", "/api/v1/applications", {"kind": "complaint"}), 403)
        # A directorate user may not take the office's actions.
        self.act(aid, "route", directorates=[ENV.dir_a])
        self.assertJsonError(self.dir_a.send_json("POST", "/api/v1/applications/%d/transitions" % aid,
                                                  {"action": "reroute", "directorates": [ENV.dir_b]}), 403)
        self.assertEqual(self.get(aid)["state"], "routed")
        self.assertIn("Başvurular", self.viewer.get("/").text)

    def test_list_filters_csv_and_pages(self):
        a = self.create(kind="suggestion", subject="Bisiklet yolu önerisi Çamlıbel")
        r = self.sec.get("/api/v1/applications?kind=suggestion&q=camlibel")
        self.assertStatus(r, 200)
        self.assertIn(a["id"], [x["id"] for x in r.json()["items"]])
        r = self.sec.get("/api/v1/applications?kind=complaint&q=camlibel")
        self.assertNotIn(a["id"], [x["id"] for x in r.json()["items"]])
        err = self.assertJsonError(self.sec.get("/api/v1/applications?from=2026-13-45"), 422)
        self.assertEqual(err["field"], "from")
        page = self.sec.get("/applications?q=%s" % urllib.parse.quote("Çamlıbel"))
        self.assertStatus(page, 200)
        self.assertIn(a["tracking_code"], page.text)
        # The office clock in words: the calendar days from today to the due day (Istanbul time).
        due = self.get(a["id"])["clocks"]["office"]["due"]
        today = datetime.datetime.utcfromtimestamp(time.time() + 3 * 3600).date()
        days = (datetime.date.fromisoformat(due[:10]) - today).days
        row = re.search(r'<a href="/applications/%d">.*?</tr>' % a["id"], page.text, re.S).group(0)
        self.assertIn('class="tag ok" title="', row)
        self.assertIn(("%d gün kaldı" % days) if days > 0 else "Bugün son gün", row)
        bad = self.sec.get("/applications?state=lost")
        self.assertStatus(bad, 422)
        self.assertIn('id="e-state"', bad.text)
        csv = self.sec.get("/applications.csv?kind=suggestion")
        self.assertStatus(csv, 200)
        self.assertTrue(csv.body.startswith(b"\xef\xbb\xbf"))
        self.assertTrue(csv.header("Content-Disposition").startswith("attachment"))
        self.assertIn("Takip kodu;", csv.text)
        self.assertIn(a["tracking_code"], csv.text)
        api_csv = self.sec.get("/api/v1/applications?format=csv&kind=suggestion")
        self.assertEqual(api_csv.body, csv.body)
        # Keyset pages: two at a time, no repeats.
        seen, after = [], ""
        for _ in range(50):
            r = self.sec.get("/api/v1/applications?limit=2" + ("&after=" + after if after else "")).json()
            seen += [x["id"] for x in r["items"]]
            if not r["next"]:
                break
            after = r["next"]
        self.assertEqual(len(seen), len(set(seen)))
        self.assertEqual(len(seen), self.count())


if __name__ == "__main__":
    harness.main()
