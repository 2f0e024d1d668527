# test_appointments.py: appointment requests over the JSON API: the institution flow end to end through the
# agenda, declining, role checks per step, bad input naming the field, API keys, and the public tracking lookup
# that shows nothing personal.
import re

import harness

ENV = harness.ModuleEnv(key_scopes=("read", "write"))

TUE = "2031-03-04"  # far ahead, no seeded holiday

INSTITUTION = harness.INSTITUTION_REQUEST
CITIZEN = {"kind": "citizen", "requester_name": "Mehmet Çelik", "subject": "Mahalle parkı",
           "channel": "front_desk", "phone": "05441112233"}


def setUpModule():
    ENV.start()


def tearDownModule():
    ENV.close()


class AppointmentTests(harness.AppointmentRequestCase):
    def test_institution_flow_end_to_end(self):
        sec, mayor = ENV.login("secretariat"), ENV.login("mayor")
        o = self.create(sec, INSTITUTION)
        rid, code = o["id"], o["tracking_code"]
        self.assertEqual(o["state"], "requested")
        self.assertEqual(len(code), 8)
        self.assertFalse(set(code) & set("01OI"), code)
        self.step(sec, rid, 200, "forward")
        # The Mayor's queue offers accept, decline, delegate.
        r = mayor.get("/api/v1/appointment-requests/%d" % rid)
        self.assertStatus(r, 200)
        self.assertEqual([a["action"] for a in r.json()["actions"]], ["accept", "decline", "delegate"])
        self.step(mayor, rid, 200, "accept", priority=1)
        r = self.step(sec, rid, 200, "schedule", starts_at=TUE + "T10:00:00+03:00", duration_min=30,
                      location="Başkanlık Makamı")
        o = r.json()
        self.assertEqual(o["state"], "scheduled")
        self.assertEqual(o["start"], TUE + "T10:00:00+03:00")
        self.assertTrue(o["agenda_item_id"] > 0)
        # The agenda holds it.
        r = sec.get("/api/v1/agenda?from=%s&to=%s" % (TUE, TUE))
        self.assertStatus(r, 200)
        items = {i["id"]: i for i in r.json()["items"]}
        self.assertIn(o["agenda_item_id"], items)
        self.assertEqual(items[o["agenda_item_id"]]["category"], "institution")
        # A second request at the same time is refused with the conflict named; nothing changes.
        other = self.create(sec, CITIZEN)["id"]
        self.step(sec, other, 200, "forward")
        self.step(mayor, other, 200, "delegate", deputy="Başkan Yardımcısı Ali Yılmaz")
        r = self.step(sec, other, 409, "schedule", starts_at=TUE + "T10:00:00+03:00")
        self.assertEqual(r.json()["error"]["code"], "conflict")
        self.assertTrue(r.json()["conflicts"])
        self.assertEqual(sec.get("/api/v1/appointment-requests/%d" % other).json()["state"], "delegated")
        self.assertEqual(self.step(sec, rid, 200, "inform").json()["state"], "informed")
        # Both messages queued for the requester: received, then scheduled (with an .ics).
        r = ENV.login("admin").get("/api/v1/notifications")
        self.assertStatus(r, 200)
        mine = [n for n in r.json()["items"] if n.get("record_type") == "appointment" and n.get("record_id") == rid]
        templates = sorted((n["template_key"], n["channel"]) for n in mine)
        self.assertIn(("appointment_received", "email"), templates)
        self.assertIn(("appointment_scheduled", "email"), templates)
        self.assertIn(("appointment_scheduled", "sms"), templates)
        self.assertTrue(any(n.get("attachment_name") == "randevu.ics" for n in mine
                            if n["template_key"] == "appointment_scheduled" and n["channel"] == "email"))
        self.step(mayor, rid, 200, "held")
        r = sec.get("/api/v1/appointment-requests/%d" % rid)
        hist = [h["action"] for h in r.json()["history"]]
        self.assertEqual(hist[:1], ["appointment.create"])
        self.assertIn("appointment.held", hist)
        # Final: nothing leaves it.
        self.step(sec, rid, 409, "cancel")
        # The public lookup: kind, state, time, nothing personal; no session needed.
        anon = ENV.client()
        r = anon.get("/api/v1/track/" + code.lower())
        self.assertStatus(r, 200)
        t = r.json()
        self.assertEqual(t["state"], "held")
        self.assertEqual(t["kind"], "institution")
        self.assertEqual(t["start"], TUE + "T10:00:00+03:00")
        for secret in ("Kızılay", "Ayşe", "example.org", "532", "Kan bağışı", "Salı"):
            self.assertNotIn(secret, r.text)
        # The public page says the same, in Turkish, without an account.
        r = anon.get("/track?code=" + code)
        self.assertStatus(r, 200)
        self.assertIn("Görüşme yapıldı", r.text)
        self.assertIn("2031", r.text)
        for secret in ("Kızılay", "Ayşe", "example.org", "532", "Kan bağışı", "Salı"):
            self.assertNotIn(secret, r.text)
        self.assertStatus(anon.get("/track?code=AAAA2222"), 404)
        self.assertStatus(anon.get("/track"), 200)

    def test_decline_and_roles(self):
        sec, mayor, viewer = ENV.login("secretariat"), ENV.login("mayor"), ENV.login("viewer")
        rid = self.create(sec, CITIZEN)["id"]
        # The Mayor does not forward; a viewer may not act at all; a directorate may not even read.
        self.assertJsonError(self.step(mayor, rid, 403, "forward"), 403)
        self.step(viewer, rid, 403, "forward")
        self.assertStatus(ENV.login("directorate").get("/api/v1/appointment-requests/%d" % rid), 403)
        self.step(sec, rid, 409, "accept", priority=1)
        self.step(sec, rid, 200, "forward")
        self.step(sec, rid, 403, "accept", priority=1)
        err = self.assertJsonError(self.step(mayor, rid, 422, "decline"), 422, "invalid")
        self.assertEqual(err["field"], "reason")
        err = self.assertJsonError(self.step(mayor, rid, 422, "accept", priority=9), 422, "invalid")
        self.assertEqual(err["field"], "priority")
        self.assertEqual(sec.get("/api/v1/appointment-requests/%d" % rid).json()["state"], "forwarded")
        o = self.step(mayor, rid, 200, "decline", reason="Konu ilgili müdürlüğün yetkisinde").json()
        self.assertEqual(o["state"], "declined")
        self.assertEqual(o["actions"], [])
        self.step(mayor, rid, 409, "accept", priority=1)
        self.step(sec, 999999, 404, "forward")

    def test_bad_input_and_lists(self):
        sec = ENV.login("secretariat")
        for field, body in (("subject", {"kind": "citizen", "requester_name": "A", "channel": "phone"}),
                            ("kind", {"kind": "x", "requester_name": "A", "subject": "s"}),
                            ("email", dict(CITIZEN, email="nope")),
                            ("attendees", dict(CITIZEN, attendees=0))):
            r = sec.send_json("POST", "/api/v1/appointment-requests", body)
            err = self.assertJsonError(r, 422, "invalid")
            self.assertEqual(err["field"], field, r.text)
        self.assertStatus(sec.send_json("POST", "/api/v1/appointment-requests/1/transitions", {}), 422)
        a = self.create(sec, CITIZEN)["id"]
        b = self.create(sec, CITIZEN)["id"]
        r = sec.get("/api/v1/appointment-requests?kind=citizen&limit=1")
        self.assertStatus(r, 200)
        self.assertEqual([i["id"] for i in r.json()["items"]], [b])
        nxt = r.json()["next"]
        self.assertTrue(nxt)
        r = sec.get("/api/v1/appointment-requests?kind=citizen&limit=1&after=" + nxt)
        self.assertEqual([i["id"] for i in r.json()["items"]], [a])
        self.assertJsonError(sec.get("/api/v1/appointment-requests?state=bogus"), 422)
        self.assertJsonError(sec.get("/api/v1/appointment-requests?from=2031-02-30"), 422)
        self.assertStatus(ENV.client().get("/api/v1/appointment-requests"), 401)
        self.assertStatus(ENV.client().get("/api/v1/track/AAAA2222"), 404)
        self.assertStatus(ENV.client().get("/api/v1/track/not-a-code"), 404)

    def test_api_keys(self):
        read = ENV.client(bearer=ENV.keys["read"])
        write = ENV.client(bearer=ENV.keys["write"])
        r = write.send_json("POST", "/api/v1/appointment-requests",
                            {"kind": "citizen", "requester_name": "Zeynep Ak", "subject": "Bilgi"})
        self.assertStatus(r, 201)
        self.assertEqual(r.json()["channel"], "api")
        self.assertStatus(read.send_json("POST", "/api/v1/appointment-requests", CITIZEN), 403)
        self.assertStatus(read.get("/api/v1/appointment-requests/%d" % r.json()["id"]), 200)
        # Keys do not move requests through the flow.
        self.assertStatus(write.send_json("POST", "/api/v1/appointment-requests/%d/transitions" % r.json()["id"],
                                          {"action": "forward"}), 403)

    def test_pages(self):
        sec, mayor = ENV.login("secretariat"), ENV.login("mayor")
        o = self.create(sec, dict(INSTITUTION, requester_name="Sayfa Derneği"))
        rid = o["id"]
        r = sec.get("/appointments")
        self.assertStatus(r, 200)
        self.assertIn("Sayfa Derneği", r.text)
        self.assertIn(o["tracking_code"], r.text)
        r = sec.get("/appointments/%d" % rid)
        self.assertStatus(r, 200)
        self.assertIn('aria-current="step"', r.text)
        self.assertIn('value="forward"', r.text)
        self.assertNotIn('value="accept"', r.text)
        # The secretary forwards with the button's form; the Mayor then sees accept/decline/delegate.
        r = sec.post_form("/appointments/%d/transitions" % rid, {"action": "forward"})
        self.assertStatus(r, 303)
        r = mayor.get("/appointments/%d" % rid)
        for a in ("accept", "decline", "delegate"):
            self.assertIn('value="%s"' % a, r.text)
        self.assertIn('name="reason"', r.text)
        self.assertStatus(mayor.post_form("/appointments/%d/transitions" % rid, {"action": "decline"}), 422)
        self.assertStatus(sec.post_form("/appointments/%d/transitions" % rid, {"action": "accept",
                                                                                 "priority": "1"}), 403)
        self.assertStatus(mayor.post_form("/appointments/%d/transitions" % rid, {"action": "accept",
                                                                                   "priority": "1"}), 303)
        # The page proposes free times (the slot finder over the next two weeks); one click books one.
        r = sec.get("/appointments/%d" % rid)
        proposed = re.findall(r'name="starts_at" value="([^"]+)"', r.text)
        self.assertTrue(proposed, r.text[-3000:])
        other = self.create(sec, CITIZEN)["id"]
        self.step(sec, other, 200, "forward")
        self.step(mayor, other, 200, "accept", priority=2)
        pick = re.findall(r'name="starts_at" value="([^"]+)"', sec.get("/appointments/%d" % other).text)[0]
        self.assertStatus(sec.post_form("/appointments/%d/transitions" % other,
                                        {"action": "schedule", "starts_at": pick}), 303)
        self.assertEqual(sec.get("/api/v1/appointment-requests/%d" % other).json()["start"], pick)
        r = sec.post_form("/appointments/%d/transitions" % rid, {"action": "schedule",
                                                                  "starts_at": "2031-03-04T15:00",
                                                                  "location": "Makam"})
        self.assertStatus(r, 303)
        self.assertEqual(sec.get("/api/v1/appointment-requests/%d" % rid).json()["start"],
                         "2031-03-04T15:00:00+03:00")
        # Without the CSRF token nothing happens.
        self.assertStatus(sec.post_form("/appointments/%d/transitions" % rid, {"action": "inform"}, csrf=None),
                          403)
        self.assertEqual(sec.get("/api/v1/appointment-requests/%d" % rid).json()["state"], "scheduled")

    def test_new_request_form(self):
        sec = ENV.login("secretariat")
        r = sec.get("/appointments/new")
        self.assertStatus(r, 200)
        self.assertIn('id="f-requester_name"', r.text)
        self.assertIn('name="_csrf"', r.text)
        # Missing subject and a bad phone: 422, errors beside the fields, what was typed kept, nothing written.
        before = len(sec.get("/api/v1/appointment-requests?limit=500").json()["items"])
        r = sec.post_form("/appointments", {"kind": "citizen", "requester_name": "Hatice Şahin", "phone": "12x",
                                            "channel": "phone"})
        self.assertStatus(r, 422)
        self.assertIn('id="e-subject"', r.text)
        self.assertIn('id="e-phone"', r.text)
        self.assertIn("Hatice Şahin", r.text)
        self.assertEqual(len(sec.get("/api/v1/appointment-requests?limit=500").json()["items"]), before)
        r = sec.post_form("/appointments", {"kind": "citizen", "requester_name": "Hatice Şahin",
                                            "phone": "0533 444 55 66", "channel": "phone",
                                            "subject": "Engelli rampası", "attendees": "2"})
        self.assertStatus(r, 303)
        self.assertRegex(r.location or "", r"^/appointments/\d+$")
        o = sec.get("/api/v1" + r.location.replace("/appointments/", "/appointment-requests/")).json()
        self.assertEqual((o["requester_name"], o["phone"], o["attendees"], o["channel"]),
                         ("Hatice Şahin", "+905334445566", 2, "phone"))
        # Only the office takes requests.
        self.assertStatus(ENV.login("mayor").get("/appointments/new"), 403)
        self.assertStatus(ENV.login("viewer").post_form("/appointments", {"kind": "citizen"}), 403)


if __name__ == "__main__":
    harness.main()
