# test_appointment_details.py: the appointment extras over HTTP: reminders queued with their not_before, moved on
# reschedule (with the reschedule notice and its .ics) and dropped on cancel; the reminder setting on the plan page;
# held details saved, shown and edited; search (Turkish letters), filters and CSV; the Mayor's queue; action-form
# errors beside the field; the throttled public tracking lookup.
import csv
import io
import re

import harness

ENV = harness.ModuleEnv(key_scopes=("read", "write"))

TUE = "2031-03-04"  # far ahead, no seeded holiday
T10 = 1930374000   # 2031-03-04T10:00:00+03:00
INSTITUTION = harness.INSTITUTION_REQUEST


def setUpModule():
    ENV.start()


def tearDownModule():
    ENV.close()


class AppointmentDetailsTests(harness.AppointmentRequestCase):
    def informed(self, body, at, via="notification"):
        sec, mayor = ENV.login("secretariat"), ENV.login("mayor")
        rid = self.create(sec, body)["id"]
        self.step(sec, rid, 200, "forward")
        self.step(mayor, rid, 200, "accept", priority=2)
        self.step(sec, rid, 200, "schedule", starts_at=at, duration_min=30, location="Başkanlık Makamı",
                  allow_conflict=True)
        self.step(sec, rid, 200, "inform", via=via)
        return rid

    def notifications(self, rid):
        admin, out, after = ENV.login("admin"), [], ""
        while True:
            r = admin.get("/api/v1/notifications?limit=200" + ("&after=" + after if after else ""))
            self.assertStatus(r, 200)
            out += [n for n in r.json()["items"] if n.get("record_type") == "appointment" and n["record_id"] == rid]
            after = r.json()["next"]
            if not after:
                return out

    def reminders(self, rid, status="queued", channel="email"):
        return sorted(n["next_attempt_at"] for n in self.notifications(rid)
                      if n["template_key"] == "appointment_reminder" and n["status"] == status
                      and n["channel"] == channel)

    def set_reminders(self, value, status=303):
        admin = ENV.login("admin")
        page = admin.get("/agenda/plan").text
        fields = {name: re.search(r'name="%s"[^>]*value="([^"]*)"' % name, page).group(1)
                  for name in ("buffer_min", "duration_institution", "duration_citizen", "citizen_daily_cap",
                               "granularity_min")}
        fields["reminder_hours"] = value
        r = admin.post_form("/agenda/plan/settings", fields)
        self.assertStatus(r, status)
        return r

    def test_reminders_reschedule_and_cancel(self):
        r = self.set_reminders("24, x", status=422)
        self.assertIn('id="e-reminder_hours"', r.text)
        self.set_reminders("2, 24")
        self.assertIn('value="24,2"', ENV.login("admin").get("/agenda/plan").text)
        sec = ENV.login("secretariat")
        rid = self.informed(INSTITUTION, TUE + "T10:00:00+03:00")
        self.assertEqual(self.reminders(rid), [T10 - 24 * 3600, T10 - 2 * 3600])
        self.assertEqual(self.reminders(rid, channel="sms"), [T10 - 24 * 3600, T10 - 2 * 3600])
        # Reschedule: the old reminders cancelled, new ones queued, the notice sent with an .ics.
        moved = T10 + 86400 + 4 * 3600  # Wednesday 14:00
        o = self.step(sec, rid, 200, "reschedule", starts_at="2031-03-05T14:00:00+03:00",
                      allow_conflict=True).json()
        self.assertEqual(o["starts_at"], moved)
        self.assertEqual(self.reminders(rid, "cancelled"), [T10 - 24 * 3600, T10 - 2 * 3600])
        self.assertEqual(self.reminders(rid), [moved - 24 * 3600, moved - 2 * 3600])
        notices = [n for n in self.notifications(rid) if n["template_key"] == "appointment_rescheduled"]
        self.assertEqual(sorted(n["channel"] for n in notices), ["email", "sms"])
        mail = [n for n in notices if n["channel"] == "email"][0]
        self.assertEqual(mail["attachment_name"], "randevu.ics")
        full = ENV.login("admin").get("/api/v1/notifications/%d" % mail["id"]).json()
        self.assertIn("04.03.2031 10:00", full["body"])
        self.assertIn("05.03.2031", full["body"])
        self.assertIn("14:00", full["body"])
        self.assertIn("Başkanlık Makamı", full["body"])
        # Cancel: nothing left queued, the cancellation sent.
        self.step(sec, rid, 200, "cancel")
        self.assertEqual(self.reminders(rid), [])
        self.assertTrue(any(n["template_key"] == "appointment_cancelled" for n in self.notifications(rid)))
        # Informed by phone: no reminders.
        other = self.informed(dict(INSTITUTION, requester_name="Telefon Derneği"), TUE + "T16:00:00+03:00",
                              via="phone")
        self.assertEqual(self.reminders(other), [])
        self.set_reminders("24")

    def test_held_details(self):
        sec, mayor = ENV.login("secretariat"), ENV.login("mayor")
        rid = self.informed(dict(INSTITUTION, requester_name="Ayrıntı Vakfı"), TUE + "T12:00:00+03:00")
        r = mayor.post_form("/appointments/%d/transitions" % rid, {
            "action": "held", "participants": "Ayşe Öztürk\nDr. Ali Kaya", "outcome": "Destek verilecek",
            "notes": "Kampanya konuşuldu", "followup_text_1": "Stant yeri ayarlanacak",
            "followup_owner_1": "Fen İşleri", "followup_due_1": "2031-03-20", "followup_text_2": "Basın bülteni"})
        self.assertStatus(r, 303)
        o = sec.get("/api/v1/appointment-requests/%d" % rid).json()
        self.assertEqual(o["state"], "held")
        self.assertEqual(o["participants"], "Ayşe Öztürk\nDr. Ali Kaya")
        self.assertEqual(o["outcome"], "Destek verilecek")
        self.assertEqual([(f["text"], f["owner"], f["due"]) for f in o["followups"]],
                         [("Stant yeri ayarlanacak", "Fen İşleri", "2031-03-20"), ("Basın bülteni", "", "")])
        page = sec.get("/appointments/%d" % rid).text
        for text in ("Dr. Ali Kaya", "Destek verilecek", "Stant yeri ayarlanacak", "Fen İşleri", "2031-03-20"):
            self.assertIn(text, page)
        self.assertIn('action="/appointments/%d/details"' % rid, page)
        self.assertNotIn('action="/appointments/%d/details"' % rid, mayor.get("/appointments/%d" % rid).text)
        # Edited afterwards by the office: a bad date is shown beside the follow-ups, nothing written.
        r = sec.post_form("/appointments/%d/details" % rid, {"outcome": "Protokol", "followup_text_1": "Taslak",
                                                              "followup_due_1": "2031-02-30"})
        self.assertStatus(r, 422)
        self.assertIn('id="e-followups"', r.text)
        self.assertEqual(sec.get("/api/v1/appointment-requests/%d" % rid).json()["outcome"], "Destek verilecek")
        r = sec.post_form("/appointments/%d/details" % rid, {"outcome": "Protokol imzalanacak",
                                                              "participants": "Ayşe Öztürk",
                                                              "followup_text_1": "Protokol taslağı",
                                                              "followup_owner_1": "Hukuk"})
        self.assertStatus(r, 303)
        o = sec.get("/api/v1/appointment-requests/%d" % rid).json()
        self.assertEqual((o["outcome"], o["participants"], len(o["followups"])),
                         ("Protokol imzalanacak", "Ayşe Öztürk", 1))
        self.assertIn("appointment.details", [h["action"] for h in o["history"]])
        # The API, with the roles: the Mayor may not edit afterwards; a request not held is refused.
        r = sec.send_json("POST", "/api/v1/appointment-requests/%d/details" % rid,
                          {"followups": [{"text": "Ziyaret", "due": "2031-04-01"}]})
        self.assertStatus(r, 200)
        self.assertEqual(r.json()["followups"], [{"text": "Ziyaret", "owner": "", "due": "2031-04-01"}])
        self.assertStatus(mayor.send_json("POST", "/api/v1/appointment-requests/%d/details" % rid,
                                          {"outcome": "x"}), 403)
        err = self.assertJsonError(sec.send_json("POST", "/api/v1/appointment-requests/%d/details" % rid,
                                                 {"followups": [{"owner": "x"}]}), 422, "invalid")
        self.assertEqual(err["field"], "followups")
        fresh = self.create(sec, INSTITUTION)["id"]
        self.assertStatus(sec.send_json("POST", "/api/v1/appointment-requests/%d/details" % fresh,
                                        {"outcome": "x"}), 409)

    def test_search_filters_and_csv(self):
        sec = ENV.login("secretariat")
        a = self.create(sec, {"kind": "citizen", "requester_name": "Hatice şahin", "subject": "Arama parkı",
                              "channel": "phone"})
        b = self.create(sec, {"kind": "institution", "requester_name": "Işıklar Arama Derneği",
                              "contact_person": "Mehmet Şahin", "subject": 'Arama, "acil" imar', "channel": "letter"})
        c = self.create(sec, {"kind": "citizen", "requester_name": "Zeynep Ak", "subject": "Arama çevre",
                              "channel": "phone"})

        def ids(query):
            r = sec.get("/api/v1/appointment-requests?limit=500&" + query)
            self.assertStatus(r, 200)
            return sorted(i["id"] for i in r.json()["items"])

        self.assertEqual(ids("q=%C5%9EAH%C4%B0N"), sorted([a["id"], b["id"]]))  # ŞAHİN
        self.assertEqual(ids("q=sahin"), sorted([a["id"], b["id"]]))
        self.assertEqual(ids("q=I%C5%9EIKLAR"), [b["id"]])  # IŞIKLAR
        self.assertEqual(ids("q=hatice+SAHIN"), [a["id"]])
        self.assertEqual(ids("q=" + c["tracking_code"].lower()), [c["id"]])
        self.assertEqual(ids("q=arama&kind=institution"), [b["id"]])
        self.assertEqual(ids("q=arama&kind=citizen"), sorted([a["id"], c["id"]]))
        self.assertEqual(ids("q=nobodyhere"), [])
        # Keyset pages over a search.
        r = sec.get("/api/v1/appointment-requests?q=arama&limit=2").json()
        self.assertEqual(len(r["items"]), 2)
        r2 = sec.get("/api/v1/appointment-requests?q=arama&limit=2&after=" + r["next"]).json()
        self.assertEqual([i["id"] for i in r2["items"]], [a["id"]])
        # The meeting date.
        mayor = ENV.login("mayor")
        self.step(sec, c["id"], 200, "forward")
        self.step(mayor, c["id"], 200, "accept", priority=1)
        self.step(sec, c["id"], 200, "schedule", starts_at="2031-03-06T11:00:00+03:00", allow_conflict=True)
        self.assertEqual(ids("q=arama&meeting_from=2031-03-06&meeting_to=2031-03-06"), [c["id"]])
        self.assertEqual(ids("q=arama&meeting_from=2031-03-07"), [])
        self.assertEqual(ids("q=arama&state=scheduled"), [c["id"]])
        self.assertJsonError(sec.get("/api/v1/appointment-requests?meeting_from=2031-13-01"), 422)
        self.assertJsonError(sec.get("/api/v1/appointment-requests?party_id=x"), 422)
        # The page: the search box, results, a bad date beside its field.
        r = sec.get("/appointments?q=%C5%9Fahin")
        self.assertStatus(r, 200)
        self.assertIn("Hatice şahin", r.text)
        self.assertIn("Işıklar Arama Derneği", r.text)
        self.assertNotIn("Zeynep Ak", r.text)
        self.assertIn('href="/appointments.csv?q=%C5%9Fahin"', r.text)
        r = sec.get("/appointments?q=sahin&from=2031-99-99")
        self.assertIn('id="e-from"', r.text)
        # CSV: byte order mark, Turkish headers, ';', a comma and quotes survive; the same on the API.
        for path in ("/appointments.csv?q=arama", "/api/v1/appointment-requests.csv?q=arama",
                     "/api/v1/appointment-requests?q=arama&format=csv"):
            r = sec.get(path)
            self.assertStatus(r, 200, path)
            self.assertTrue(r.header("Content-Type").startswith("text/csv"), path)
            self.assertIn("attachment", r.header("Content-Disposition"))
            self.assertTrue(r.body.startswith(b"\xef\xbb\xbf"), path)
            rows = list(csv.reader(io.StringIO(r.body[3:].decode("utf-8")), delimiter=";"))
            self.assertEqual(rows[0][:3], ["Takip kodu", "Talep türü", "Talep sahibi"])
            self.assertEqual(len(rows), 4, rows)
            subjects = {row[4] for row in rows[1:]}
            self.assertIn('Arama, "acil" imar', subjects)
            by_code = {row[0]: row for row in rows[1:]}
            self.assertEqual(by_code[b["tracking_code"]][1], "Kurum")
        rows = list(csv.reader(io.StringIO(sec.get("/appointments.csv?q=arama&kind=citizen").body[3:]
                                           .decode("utf-8")), delimiter=";"))
        self.assertEqual(len(rows), 3)
        self.assertStatus(ENV.login("directorate").get("/appointments.csv"), 403)
        self.assertStatus(ENV.client(bearer=ENV.keys["read"]).get("/api/v1/appointment-requests.csv"), 200)

    def test_mayors_queue(self):
        sec, mayor = ENV.login("secretariat"), ENV.login("mayor")
        rid = self.create(sec, dict(INSTITUTION, requester_name="Kuyruk Kooperatifi", subject="Kooperatif ziyareti",
                                    preferred="Perşembe öğleden sonra"))["id"]
        other = self.create(sec, dict(INSTITUTION, requester_name="Ret Derneği"))["id"]
        self.step(sec, rid, 200, "forward")
        self.step(sec, other, 200, "forward")
        r = mayor.get("/appointments/queue")
        self.assertStatus(r, 200)
        for text in ("Kuyruk Kooperatifi", "Kooperatif ziyareti", "Perşembe öğleden sonra", "Ayşe Öztürk"):
            self.assertIn(text, r.text)
        self.assertIn('name="priority" value="1"', r.text)
        self.assertIn('name="reason"', r.text)
        self.assertIn('name="deputy"', r.text)
        self.assertIn('href="/appointments/queue"', r.text)  # the nav item
        self.assertIn('name="viewport"', r.text)
        # Accept with the big button (no JavaScript): back to the queue; the request has gone from it.
        r = mayor.post_form("/appointments/%d/transitions" % rid, {"action": "accept", "priority": "1",
                                                                    "return": "queue"})
        self.assertStatus(r, 303)
        self.assertEqual(r.location, "/appointments/queue")
        o = sec.get("/api/v1/appointment-requests/%d" % rid).json()
        self.assertEqual((o["state"], o["priority"]), ("accepted", 1))
        self.assertNotIn("Kuyruk Kooperatifi", mayor.get("/appointments/queue").text)
        # Decline without a reason: the page with the error beside the reason.
        r = mayor.post_form("/appointments/%d/transitions" % other, {"action": "decline", "return": "queue"})
        self.assertStatus(r, 422)
        self.assertIn('id="e-reason-decline"', r.text)
        self.assertStatus(mayor.post_form("/appointments/%d/transitions" % other,
                                          {"action": "delegate", "deputy": "Ali Yılmaz", "return": "queue"}), 303)
        # The office sees the queue without the buttons; a directorate may not.
        self.create(sec, dict(INSTITUTION, requester_name="Görüntü Derneği"))
        r = sec.get("/appointments/queue")
        self.assertStatus(r, 200)
        self.assertNotIn('name="priority" value="1"', r.text)
        self.assertStatus(ENV.login("directorate").get("/appointments/queue"), 403)
        self.assertStatus(ENV.login("viewer").get("/appointments/queue"), 403)
        self.assertNotIn('href="/appointments/queue"', sec.get("/appointments").text)

    def test_action_form_errors_beside_the_field(self):
        sec, mayor = ENV.login("secretariat"), ENV.login("mayor")
        rid = self.create(sec, dict(INSTITUTION, requester_name="Hata Derneği"))["id"]
        self.step(sec, rid, 200, "forward")
        r = mayor.post_form("/appointments/%d/transitions" % rid, {"action": "decline", "reason": ""})
        self.assertStatus(r, 422)
        self.assertIn('id="e-reason-decline"', r.text)
        self.assertIn('aria-invalid="true"', r.text)
        self.assertIn("Hata Derneği", r.text)  # the request's page, not a bare error page
        self.assertIn('href="#f-reason-decline"', r.text)  # the error summary
        r = mayor.post_form("/appointments/%d/transitions" % rid, {"action": "accept", "priority": "9"})
        self.assertStatus(r, 422)
        self.assertIn('id="e-priority-accept"', r.text)
        self.step(mayor, rid, 200, "accept", priority=2)
        r = sec.post_form("/appointments/%d/transitions" % rid, {"action": "schedule", "starts_at": "yarın",
                                                                  "location": "Makam"})
        self.assertStatus(r, 422)
        self.assertIn('id="e-starts_at-schedule"', r.text)
        self.assertIn('value="Makam"', r.text)  # what was typed is kept
        # A conflict is shown beside the time as well.
        first = self.create(sec, dict(INSTITUTION, requester_name="Önce Gelen"))["id"]
        self.step(sec, first, 200, "forward")
        self.step(mayor, first, 200, "accept", priority=1)
        self.step(sec, first, 200, "schedule", starts_at="2031-03-11T10:00:00+03:00", allow_conflict=True)
        r = sec.post_form("/appointments/%d/transitions" % rid, {"action": "schedule",
                                                                  "starts_at": "2031-03-11T10:00"})
        self.assertStatus(r, 409)
        self.assertIn('id="e-starts_at-schedule"', r.text)
        self.assertEqual(sec.get("/api/v1/appointment-requests/%d" % rid).json()["state"], "accepted")

    def test_tracking_is_throttled(self):
        # A server of its own: the limiter counts in memory per process and address.
        server = ENV.new_server()
        anon = ENV.client(server=server)
        code = self.create(ENV.login("secretariat"), INSTITUTION)["tracking_code"]
        self.assertStatus(anon.get("/track"), 200)  # the empty form is no lookup
        for i in range(15):
            self.assertStatus(anon.get("/api/v1/track/" + code), 200)
            self.assertStatus(anon.get("/track?code=AAAA2222"), 404)
        r = anon.get("/api/v1/track/" + code)
        self.assertStatus(r, 429)
        self.assertEqual(r.json()["error"]["code"], "rate_limited")
        self.assertTrue(r.header("Retry-After"))
        r = anon.get("/track?code=" + code)
        self.assertStatus(r, 429)
        self.assertIn("Kısa sürede çok fazla sorgulama yapıldı", r.text)
        self.assertNotIn("Kızılay", r.text)
        r = anon.get("/api/v1/track/" + code + "?lang=en")
        self.assertStatus(r, 429)
        server.terminate()


if __name__ == "__main__":
    harness.main()
