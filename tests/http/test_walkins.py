# test_walkins.py: walk-ins (workflow 2B) over the pages and the JSON API: arrivals with a new person and with a
# party on record, the live "can the Mayor see them now?" answer on a free day and during an engagement, the queue's
# order and estimated call-in times, call in / met / left, the conversion into an appointment request (once), bad
# input naming the field, and role checks.
#
# The server has no test clock, so the tests make today open all day: every period of the weekly plan is deleted
# (no breaks) and today gets an exception 00:00-23:59. Times are then checked against "now" as the test sees it.
# Near the end of the day (after 22:30 local) the checks that need the rest of the day to be free are skipped.
import datetime
import re
import urllib.parse

import harness

ENV = harness.ModuleEnv(key_scopes=("read", "write"))
UTC3 = datetime.timezone(datetime.timedelta(hours=3))


def setUpModule():
    ENV.start()
    chief = ENV.login("chief")
    page = chief.get("/agenda/plan")
    for pid in re.findall(r'action="/agenda/plan/periods/(\d+)/delete"', page.text):
        r = chief.post_form("/agenda/plan/periods/%s/delete" % pid, {})
        if r.status != 303:
            raise RuntimeError("cannot delete plan period %s: %d" % (pid, r.status))
    r = chief.post_form("/agenda/exceptions", {"x_date": today(), "x_kind": "hours", "x_start": "00:00",
                                               "x_end": "23:59", "x_note": "Test: açık gün"})
    if r.status != 303:
        raise RuntimeError("cannot open today: %d %s" % (r.status, r.text[:300]))


def tearDownModule():
    ENV.close()


def now():
    return datetime.datetime.now(UTC3)


def today():
    return now().strftime("%Y-%m-%d")


def parse(iso):
    return datetime.datetime.fromisoformat(iso) if iso else None


def iso(t):
    return t.replace(second=0, microsecond=0).isoformat()


def late():
    """True when less than 90 minutes of today are left: the checks of a free day would not hold."""
    n = now()
    return n.hour * 60 + n.minute > 22 * 60 + 30


NEW_PERSON = {"name": "Zeynep Kaya", "phone": "0532 111 22 33", "subject": "Sokak lambası", "new_party": "1"}


class WalkInTests(harness.KalemCase):
    def setUp(self):
        self.sec = ENV.login("secretariat")
        self.clear_queue()

    def clear_queue(self):
        """Everyone still waiting or with the Mayor today leaves: each test starts with an empty queue."""
        for w in self.sec.get("/api/v1/walk-ins").json()["items"]:
            if w["state"] in ("waiting", "called_in"):
                self.assertStatus(self.sec.send_json("POST", "/api/v1/walk-ins/%d/left" % w["id"], {}), 200)

    def arrive(self, body, status=201):
        r = self.sec.send_json("POST", "/api/v1/walk-ins", body)
        self.assertStatus(r, status)
        return r.json()

    def act(self, wid, action, status=200, client=None, **fields):
        r = (client or self.sec).send_json("POST", "/api/v1/walk-ins/%d/%s" % (wid, action), fields)
        self.assertStatus(r, status, action)
        return r.json()

    def availability(self, duration=15):
        r = self.sec.get("/api/v1/walk-ins/availability?duration=%d" % duration)
        self.assertStatus(r, 200)
        return r.json()

    # -- arrivals

    def test_arrival_with_a_new_person(self):
        form = self.sec.get("/walk-ins/new")
        self.assertStatus(form, 200)
        self.assertIn('id="f-name"', form.text)
        self.assertIn('id="q"', form.text)
        r = self.sec.post_form("/walk-ins", NEW_PERSON)
        self.assertStatus(r, 303)
        self.assertEqual(r.location, "/walk-ins")
        items = self.sec.get("/api/v1/walk-ins").json()["items"]
        w = [i for i in items if i["name"] == "Zeynep Kaya"][-1]
        self.assertEqual(w["state"], "waiting")
        self.assertEqual(w["phone"], "+905321112233")
        self.assertEqual(w["kind"], "citizen")
        self.assertEqual(w["duration_min"], 15)  # the agenda's default for a citizen
        self.assertEqual(w["created_by"], "sec1")
        self.assertTrue(w["party_id"] > 0)
        party = self.sec.get("/api/v1/parties/%d" % w["party_id"]).json()
        self.assertEqual(party["name"], "Zeynep Kaya")
        # the page lists the arrival with its estimated call-in time
        page = self.sec.get("/walk-ins")
        self.assertStatus(page, 200)
        self.assertIn("Zeynep Kaya", page.text)
        self.assertIn('id="walkin-%d"' % w["id"], page.text)
        # just a name, for someone who gives no details: no party
        o = self.arrive({"name": "Adını vermeyen ziyaretçi", "subject": "Görüşme"})
        self.assertEqual(o["party_id"], 0)
        self.assertEqual(o["phone"], "")

    def test_arrival_with_a_party_on_record(self):
        r = self.sec.send_json("POST", "/api/v1/parties", {"kind": "citizen", "name": "Ahmet Şahin",
                                                            "phone": "05051234567", "email": "ahmet@example.org"})
        self.assertStatus(r, 201)
        pid = r.json()["id"]
        # the person search of the arrival form finds him by name and by phone, with a link choosing him
        for q in ("ahmet şahin", "05051234567"):
            page = self.sec.get("/walk-ins/new?q=" + urllib.parse.quote(q))
            self.assertStatus(page, 200)
            self.assertIn("/walk-ins/new?party_id=%d" % pid, page.text, q)
        chosen = self.sec.get("/walk-ins/new?party_id=%d" % pid)
        self.assertIn('name="party_id" value="%d"' % pid, chosen.text)
        o = self.arrive({"party_id": pid, "subject": "İmar durumu"})
        self.assertEqual((o["name"], o["phone"], o["email"], o["party_id"]),
                         ("Ahmet Şahin", "+905051234567", "ahmet@example.org", pid))
        # a delegation: the institution and its attendees; the default duration of an institution
        o = self.arrive({"kind": "institution", "institution": "Kızılay Şubesi", "name": "Ayşe Öztürk",
                         "attendees": 3, "subject": "Kan bağışı"})
        self.assertEqual((o["institution"], o["attendees"], o["duration_min"]), ("Kızılay Şubesi", 3, 30))

    # -- the live answer

    def test_can_see_now_on_a_free_day_and_not_during_an_engagement(self):
        if late():
            self.skipTest("too close to midnight for a free stretch of the day")
        a = self.availability(15)
        self.assertTrue(a["can_now"], a)
        self.assertEqual(a["reason"], "free")
        self.assertEqual(a["message"], "Başkan şimdi görüşebilir.")
        self.assertIn('data-can-now="yes"', self.sec.get("/walk-ins").text)
        # an engagement covering now, entered through the agenda API
        n = now()
        start, end = n - datetime.timedelta(minutes=30), n + datetime.timedelta(minutes=45)
        r = self.sec.send_json("POST", "/api/v1/engagements", {"start": iso(start), "end": iso(end),
                                                                "category": "meeting",
                                                                "title": "Meclis hazırlık toplantısı",
                                                                "public": True})
        self.assertStatus(r, 201)
        eid = r.json()["id"]
        try:
            a = self.availability(15)
            self.assertFalse(a["can_now"])
            self.assertEqual(a["reason"], "busy")
            self.assertEqual(a["busy_item"]["id"], eid)
            self.assertIn("Meclis hazırlık toplantısı", a["message"])
            self.assertEqual(parse(a["until"]), parse(iso(end)))
            # free again after the engagement and the agenda's 10-minute buffer
            self.assertEqual(parse(a["next_free_at"]), parse(iso(end)) + datetime.timedelta(minutes=10))
            page = self.sec.get("/walk-ins")
            self.assertIn('data-can-now="no"', page.text)
            self.assertIn('data-reason="busy"', page.text)
        finally:
            self.assertStatus(self.sec.request("DELETE", "/api/v1/engagements/%d" % eid,
                                               headers={"X-CSRF-Token": self.sec.csrf}), 200)
        # a private engagement is not named
        r = self.sec.send_json("POST", "/api/v1/engagements", {"start": iso(start), "end": iso(end),
                                                                "category": "other", "title": "Doktor randevusu",
                                                                "public": False})
        self.assertStatus(r, 201)
        eid = r.json()["id"]
        try:
            a = self.availability(15)
            self.assertEqual(a["reason"], "busy")
            self.assertNotIn("Doktor", a["message"])
            self.assertIn("özel bir görüşme", a["message"])
        finally:
            self.sec.request("DELETE", "/api/v1/engagements/%d" % eid, headers={"X-CSRF-Token": self.sec.csrf})
        self.assertTrue(self.availability(15)["can_now"])

    # -- the queue

    def test_queue_order_and_estimated_waits(self):
        if late():
            self.skipTest("too close to midnight for the queue to fit today")
        a = self.arrive({"name": "Birinci", "subject": "A", "duration_min": 15})
        b = self.arrive({"name": "İkinci", "subject": "B", "duration_min": 20})
        c = self.arrive({"name": "Üçüncü", "subject": "C", "duration_min": 10})
        day = self.sec.get("/api/v1/walk-ins?date=" + today()).json()
        waiting = [i for i in day["items"] if i["state"] == "waiting"]
        self.assertEqual([i["id"] for i in waiting], [a["id"], b["id"], c["id"]])
        est = {i["id"]: parse(i["estimated_at"]) for i in waiting}
        self.assertLessEqual(abs((est[a["id"]] - now()).total_seconds()), 90)
        self.assertEqual(est[b["id"]] - est[a["id"]], datetime.timedelta(minutes=15))
        self.assertEqual(est[c["id"]] - est[b["id"]], datetime.timedelta(minutes=20))
        av = day["availability"]
        self.assertFalse(av["can_now"])
        self.assertEqual(av["reason"], "queue")
        self.assertEqual(av["waiting"], 3)
        self.assertIn("3 kişi", av["message"])
        self.assertEqual(parse(av["call_at"]) - est[c["id"]], datetime.timedelta(minutes=10))
        # the page shows the estimated times in queue order
        page = self.sec.get("/walk-ins").text
        self.assertLess(page.index('id="walkin-%d"' % a["id"]), page.index('id="walkin-%d"' % c["id"]))
        self.assertIn(est[b["id"]].strftime("%H:%M"), page)

        # call in the first: the Mayor is with a visitor; the second is next when that meeting ends
        o = self.act(a["id"], "call_in")
        self.assertEqual(o["state"], "called_in")
        self.assertTrue(o["called_at"] > 0)
        self.assertEqual([x["action"] for x in o["actions"]], ["met", "left", "convert"])
        av = self.availability()
        self.assertEqual(av["reason"], "with_visitor")
        self.assertEqual(av["waiting"], 2)
        self.assertEqual(parse(av["queue"][0]["estimated_at"]).timestamp(), o["called_at"] + 15 * 60)
        o = self.act(a["id"], "met", notes="Talep dinlendi, fen işlerine iletilecek")
        self.assertEqual(o["state"], "met")
        self.assertIn("fen işlerine", o["notes"])
        self.assertTrue(o["ended_at"] > 0)
        self.assertEqual(o["actions"], [])
        # the second gives up; met and left are final
        self.assertEqual(self.act(b["id"], "left")["state"], "left")
        self.act(b["id"], "call_in", status=409)
        self.act(a["id"], "met", status=409)
        # met is not possible before being called in
        self.act(c["id"], "met", status=409)
        # the HTML forms: call in from the list, then back to the list
        r = self.sec.post_form("/walk-ins/%d/call_in" % c["id"], {})
        self.assertStatus(r, 303)
        self.assertEqual(r.location, "/walk-ins")
        r = self.sec.post_form("/walk-ins/%d/met" % c["id"], {"notes": "Kısa görüşme", "back": "detail"})
        self.assertStatus(r, 303)
        self.assertEqual(r.location, "/walk-ins/%d" % c["id"])
        page = self.sec.get("/walk-ins/%d" % c["id"])
        self.assertStatus(page, 200)
        self.assertIn("Kısa görüşme", page.text)
        hist = self.sec.get("/api/v1/walk-ins/%d" % c["id"]).json()["history"]
        self.assertEqual([h["action"] for h in hist], ["walk_in.create", "walk_in.call_in", "walk_in.met"])

    # -- conversion into an appointment request

    def test_convert_into_an_appointment_request(self):
        w = self.arrive({"kind": "institution", "institution": "Esnaf Odası", "name": "Kemal Demir",
                         "phone": "0533 444 55 66", "email": "oda@example.org", "attendees": 4,
                         "subject": "Çarşı düzenlemesi"})
        o = self.act(w["id"], "convert", preferred="Perşembe öğleden sonra")
        self.assertEqual(o["state"], "converted")
        aid = o["appointment_id"]
        self.assertTrue(aid > 0)
        self.assertEqual(o["appointment"]["id"], aid)
        r = self.sec.get("/api/v1/appointment-requests/%d" % aid)
        self.assertStatus(r, 200)
        req = r.json()
        self.assertEqual((req["kind"], req["requester_name"], req["contact_person"], req["phone"], req["email"],
                          req["attendees"], req["subject"], req["channel"], req["preferred"], req["state"]),
                         ("institution", "Esnaf Odası", "Kemal Demir", "+905334445566", "oda@example.org", 4,
                          "Çarşı düzenlemesi", "walk_in", "Perşembe öğleden sonra", "requested"))
        # converting twice is refused, and no second request appears
        r = self.sec.send_json("POST", "/api/v1/walk-ins/%d/convert" % w["id"], {})
        self.assertJsonError(r, 409, "wrong_state")
        self.assertEqual(self.sec.get("/api/v1/walk-ins/%d" % w["id"]).json()["appointment_id"], aid)
        # the page form: a citizen on record, redirected to the new request's page
        r = self.sec.send_json("POST", "/api/v1/parties", {"kind": "citizen", "name": "Elif Yıldız",
                                                            "phone": "05417654321"})
        self.assertStatus(r, 201)
        pid = r.json()["id"]
        w = self.arrive({"party_id": pid, "subject": "Park yapımı"})
        self.sec.get("/walk-ins/%d" % w["id"])
        r = self.sec.post_form("/walk-ins/%d/convert" % w["id"], {"preferred": "Pazartesi"})
        self.assertStatus(r, 303)
        m = re.match(r"^/appointments/(\d+)$", r.location or "")
        self.assertTrue(m, r.location)
        req = self.sec.get("/api/v1/appointment-requests/%s" % m.group(1)).json()
        self.assertEqual((req["party_id"], req["requester_name"], req["channel"], req["kind"]),
                         (pid, "Elif Yıldız", "walk_in", "citizen"))
        self.assertStatus(self.sec.post_form("/walk-ins/%d/convert" % w["id"], {}), 409)
        hist = [h["action"] for h in self.sec.get("/api/v1/walk-ins/%d" % w["id"]).json()["history"]]
        self.assertEqual(hist, ["walk_in.create", "walk_in.convert"])

    # -- bad input

    def test_bad_input_names_the_field(self):
        cases = [
            ({"name": "X"}, "subject"),
            ({"name": "X", "subject": "S", "phone": "12"}, "phone"),
            ({"name": "X", "subject": "S", "email": "not-an-email"}, "email"),
            ({"name": "X", "subject": "S", "new_party": True}, "phone"),
            ({"subject": "S"}, "name"),
            ({"kind": "institution", "name": "X", "subject": "S"}, "institution"),
            ({"kind": "bakanlık", "name": "X", "subject": "S"}, "kind"),
            ({"name": "X", "subject": "S", "duration_min": 500}, "duration_min"),
            ({"name": "X", "subject": "S", "duration_min": "yarım saat"}, "duration_min"),
            ({"name": "X", "subject": "S", "attendees": 0}, "attendees"),
            ({"party_id": 999999, "subject": "S"}, "party_id"),
            ({"name": "X", "subject": "S", "new_party": True, "phone": "05321234567", "tckn": "12345678901"},
             "tckn"),
        ]
        before = len(self.sec.get("/api/v1/walk-ins").json()["items"])
        for body, field in cases:
            r = self.sec.send_json("POST", "/api/v1/walk-ins", body)
            self.assertJsonError(r, 422, "invalid")
            self.assertEqual(r.json()["error"]["field"], field, body)
        self.assertEqual(len(self.sec.get("/api/v1/walk-ins").json()["items"]), before)
        # the form shows the error beside the field and keeps what was typed
        r = self.sec.post_form("/walk-ins", {"name": "", "subject": "Bir konu", "phone": "12"})
        self.assertStatus(r, 422)
        self.assertIn('id="e-name"', r.text)
        self.assertIn('id="e-phone"', r.text)
        self.assertIn("Bir konu", r.text)
        r = self.sec.get("/api/v1/walk-ins/availability?duration=abc")
        self.assertJsonError(r, 422, "invalid")
        self.assertEqual(r.json()["error"]["field"], "duration")
        self.assertEqual(self.sec.get("/api/v1/walk-ins/availability?duration=0").status, 422)
        r = self.sec.get("/api/v1/walk-ins?date=2026-13-01")
        self.assertJsonError(r, 422, "invalid")
        self.assertEqual(r.json()["error"]["field"], "date")
        self.assertEqual(self.sec.get("/walk-ins?date=" + urllib.parse.quote("dün")).status, 422)
        w = self.arrive({"name": "Deneme", "subject": "S"})
        self.assertJsonError(self.sec.send_json("POST", "/api/v1/walk-ins/%d/dance" % w["id"], {}), 409)
        self.assertJsonError(self.sec.send_json("POST", "/api/v1/walk-ins/999999/call_in", {}), 404)
        self.assertJsonError(self.sec.send_json("POST", "/api/v1/walk-ins/%d/met" % w["id"], {"notes": 5}), 422)
        self.assertJsonError(self.sec.get("/api/v1/walk-ins/999999"), 404)
        # a past day lists its walk-ins without the live answer
        past = self.sec.get("/api/v1/walk-ins?date=2020-01-01").json()
        self.assertEqual(past["items"], [])
        self.assertNotIn("availability", past)

    # -- roles

    def test_roles(self):
        w = self.arrive({"name": "Rol Deneme", "subject": "S"})
        for role in ("viewer", "mayor"):
            c = ENV.login(role)
            page = c.get("/walk-ins")
            self.assertStatus(page, 200, role)
            self.assertIn("Rol Deneme", page.text)
            self.assertNotIn('action="/walk-ins/%d/call_in"' % w["id"], page.text)
            self.assertStatus(c.get("/api/v1/walk-ins/%d" % w["id"]), 200, role)
            self.assertEqual(c.get("/api/v1/walk-ins/%d" % w["id"]).json()["actions"], [])
            self.assertStatus(c.get("/api/v1/walk-ins/availability"), 200, role)
            self.assertJsonError(c.send_json("POST", "/api/v1/walk-ins", {"name": "X", "subject": "S"}), 403)
            self.assertJsonError(c.send_json("POST", "/api/v1/walk-ins/%d/call_in" % w["id"], {}), 403)
            self.assertStatus(c.post_form("/walk-ins/%d/call_in" % w["id"], {}), 403, role)
            self.assertStatus(c.get("/walk-ins/new"), 403, role)
        d = ENV.login("directorate")
        self.assertStatus(d.get("/walk-ins"), 403)
        self.assertStatus(d.get("/walk-ins/%d" % w["id"]), 403)
        self.assertJsonError(d.get("/api/v1/walk-ins"), 403)
        self.assertJsonError(d.get("/api/v1/walk-ins/availability"), 403)
        self.assertEqual(self.sec.get("/api/v1/walk-ins/%d" % w["id"]).json()["state"], "waiting")
        # the nav and the home page show the queue to the office and the Mayor, not to directorate staff
        self.assertIn('href="/walk-ins"', self.sec.get("/").text)
        self.assertNotIn('href="/walk-ins"', d.get("/").text)
        # the secretariat acts
        self.assertEqual(self.act(w["id"], "call_in")["state"], "called_in")


if __name__ == "__main__":
    harness.main()
