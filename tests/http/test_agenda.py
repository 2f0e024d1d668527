# test_agenda.py: the Mayor's programme over HTTP: engagements (pages and API), roles, private items, /api/v1/slots
# on normal days, holidays, half days and around engagements, two clerks booking one slot at the same moment, the
# working plan and its exceptions, and the iCalendar feed read back by two independent parsers.
import datetime
import re
import threading
import urllib.parse

import harness

try:
    import icalendar  # Debian's python3-icalendar (scripts/deps.sh installs it)
except ImportError:  # the strict parser below still runs; the test that needs the library says so
    icalendar = None

ENV = harness.ModuleEnv(key_scopes=("read", "write"))

# Dates far enough ahead that "now" never cuts them short, on which no seeded holiday falls.
MON = "2031-03-03"
TUE = "2031-03-04"
WED = "2031-03-05"
THU = "2031-03-06"  # made a full-day holiday by the module set-up
FRI = "2031-03-07"  # made a half-day holiday
SAT = "2031-03-08"
NEXT_MON = "2031-03-10"
NEXT_TUE = "2031-03-11"


def setUpModule():
    ENV.start()
    admin = ENV.login("admin")
    for date, name, half in ((THU, "Test Bayramı", None), (FRI, "Test Arifesi", "1")):
        fields = {"date": date, "name": name}
        if half:
            fields["half_day"] = half
        r = admin.post_form("/holidays", fields)
        if r.status != 303:
            raise RuntimeError("cannot add holiday %s: %d %s" % (date, r.status, r.text[:300]))


def tearDownModule():
    ENV.close()


def iso(date, hm):
    return "%sT%s:00+03:00" % (date, hm)


def engagement(client, date, start, end, title="Toplantı", **extra):
    body = {"start": iso(date, start), "end": iso(date, end), "category": "meeting", "title": title}
    body.update(extra)
    return client.send_json("POST", "/api/v1/engagements", body)


def slots(client, date, duration=None, **params):
    q = {"date": date}
    if duration is not None:
        q["duration"] = str(duration)
    q.update(params)
    return client.get("/api/v1/slots?" + urllib.parse.urlencode(q))


def starts(resp):
    return [s["start"][11:16] for s in resp.json()["slots"]]


def agenda(client, date, **params):
    q = {"from": date, "to": date}
    q.update(params)
    r = client.get("/api/v1/agenda?" + urllib.parse.urlencode(q))
    assert r.status == 200, r.text
    return r.json()["items"]


class Engagements(harness.KalemCase):
    def test_form_create_edit_cancel(self):
        chief = ENV.login("chief")
        r = chief.get("/agenda/engagements/new?date=%s&time=09:30" % MON)
        self.assertStatus(r, 200)
        self.assertIn('value="09:30"', r.text)
        self.assertIn('value="10:30"', r.text)  # an hour by default
        r = chief.post_form("/agenda/engagements", {
            "date": MON, "start_time": "09:30", "end_time": "10:30", "category": "ceremony",
            "title": "Çocuk Parkı açılış töreni", "location": "Aşkan Mahallesi", "public": "1", "notes": "Protokol"})
        self.assertStatus(r, 303)
        self.assertEqual(r.location, "/agenda/day?date=%s" % MON)
        day = chief.get(r.location)
        self.assertStatus(day, 200)
        self.assertIn("Çocuk Parkı açılış töreni", day.text)
        self.assertIn("09:30–10:30", day.text)
        self.assertIn("Tören", day.text)
        item_id = int(re.search(r'href="/agenda/items/(\d+)">Çocuk Parkı', day.text).group(1))
        page = chief.get("/agenda/items/%d" % item_id)
        self.assertStatus(page, 200)
        self.assertIn("3 Mart 2031 Pzt 09:30", page.text)
        self.assertIn("Protokol", page.text)
        self.assertIn("Programa eklendi", page.text)  # the history
        # edit: a new time and title
        self.assertStatus(chief.get("/agenda/engagements/%d/edit" % item_id), 200)
        r = chief.post_form("/agenda/engagements/%d" % item_id, {
            "date": MON, "start_time": "11:00", "end_time": "11:45", "category": "ceremony",
            "title": "Park açılışı", "location": "Aşkan Mahallesi", "public": "1"})
        self.assertStatus(r, 303)
        got = chief.get("/api/v1/engagements/%d" % item_id).json()
        self.assertEqual(got["title"], "Park açılışı")
        self.assertEqual(got["start"], iso(MON, "11:00"))
        self.assertEqual(got["sequence"], 1)
        # cancel: must be confirmed
        r = chief.post_form("/agenda/engagements/%d/cancel" % item_id, {})
        self.assertStatus(r, 422)
        self.assertEqual(chief.get("/api/v1/engagements/%d" % item_id).json()["status"], "scheduled")
        r = chief.post_form("/agenda/engagements/%d/cancel" % item_id, {"confirm": "1"})
        self.assertStatus(r, 303)
        self.assertEqual(chief.get("/api/v1/engagements/%d" % item_id).json()["status"], "cancelled")
        self.assertIn("İptal edildi", chief.get("/agenda/day?date=%s" % MON).text)
        # a cancelled engagement cannot be edited or cancelled again
        self.assertStatus(chief.get("/agenda/engagements/%d/edit" % item_id), 409)
        self.assertStatus(chief.post_form("/agenda/engagements/%d/cancel" % item_id, {"confirm": "1"}), 409)

    def test_form_errors(self):
        sec = ENV.login("secretariat")
        sec.get("/agenda/engagements/new")
        r = sec.post_form("/agenda/engagements", {"date": MON, "start_time": "15:00", "end_time": "14:00",
                                                  "category": "meeting", "title": ""})
        self.assertStatus(r, 422)
        self.assertIn('id="e-title"', r.text)
        r = sec.post_form("/agenda/engagements", {"date": MON, "start_time": "15:00", "end_time": "14:00",
                                                  "category": "meeting", "title": "Ters"})
        self.assertStatus(r, 422)
        self.assertIn('id="e-end_time"', r.text)
        self.assertIn("başlangıçtan sonra", r.text)
        r = sec.post_form("/agenda/engagements", {"date": "2031-02-30", "start_time": "25:00", "end_time": "14:00",
                                                  "category": "party", "title": "X"})
        self.assertStatus(r, 422)
        for field in ("date", "start_time", "category"):
            self.assertIn('id="e-%s"' % field, r.text)
        self.assertEqual([i for i in agenda(sec, MON) if i["title"] in ("Ters", "X")], [])

    def test_api_crud(self):
        sec = ENV.client()
        sec.api_login("sec1")
        r = engagement(sec, TUE, "14:00", "15:30", "Zabıta ile değerlendirme", location="Makam", notes="Dosyalar")
        self.assertStatus(r, 201)
        e = r.json()
        self.assertEqual((e["kind"], e["category"], e["status"]), ("engagement", "meeting", "scheduled"))
        self.assertEqual(e["start"], iso(TUE, "14:00"))
        self.assertEqual(e["end"], iso(TUE, "15:30"))
        self.assertFalse(e["public"])
        # times in other offsets mean the same instants
        r = sec.send_json("PUT", "/api/v1/engagements/%d" % e["id"], {
            "start": "%sT12:00:00Z" % TUE, "end": "%sT13:00:00Z" % TUE, "category": "site_visit",
            "title": "Şantiye ziyareti", "public": True})
        self.assertStatus(r, 200)
        self.assertEqual(r.json()["start"], iso(TUE, "15:00"))
        self.assertTrue(r.json()["public"])
        items = agenda(sec, TUE)
        self.assertIn(e["id"], [i["id"] for i in items])
        r = sec.request("DELETE", "/api/v1/engagements/%d" % e["id"], headers={"X-CSRF-Token": sec.csrf})
        self.assertStatus(r, 200)
        self.assertEqual(r.json()["status"], "cancelled")
        self.assertNotIn(e["id"], [i["id"] for i in agenda(sec, TUE)])
        self.assertIn(e["id"], [i["id"] for i in agenda(sec, TUE, cancelled="1")])
        self.assertJsonError(sec.request("DELETE", "/api/v1/engagements/%d" % e["id"],
                                         headers={"X-CSRF-Token": sec.csrf}), 409, "not_editable")
        self.assertJsonError(sec.get("/api/v1/engagements/999999"), 404, "not_found")

    def test_api_validation(self):
        c = ENV.client()
        c.api_login("chief1")
        err = self.assertJsonError(engagement(c, TUE, "10:00", "09:00"), 422, "invalid")
        self.assertEqual(err["field"], "end")
        r = c.send_json("POST", "/api/v1/engagements", {"start": "yarın", "end": iso(TUE, "10:00"),
                                                        "category": "meeting", "title": "X"})
        self.assertEqual(self.assertJsonError(r, 422, "invalid")["field"], "start")
        r = c.send_json("POST", "/api/v1/engagements", {"start": iso(TUE, "10:00"), "end": "2031-03-25T10:00:00+03:00",
                                                        "category": "travel", "title": "Çok uzun"})
        self.assertEqual(self.assertJsonError(r, 422, "invalid")["field"], "end")
        r = c.send_json("POST", "/api/v1/engagements", {"start": iso(TUE, "10:00"), "end": iso(TUE, "11:00"),
                                                        "category": "citizen", "title": "Randevu değil"})
        self.assertEqual(self.assertJsonError(r, 422, "invalid")["field"], "category")
        r = c.send_json("POST", "/api/v1/engagements", {"start": iso(TUE, "10:00"), "end": iso(TUE, "11:00"),
                                                        "category": "meeting", "title": 5})
        self.assertEqual(self.assertJsonError(r, 422, "invalid")["field"], "title")

    def test_conflicts(self):
        c = ENV.client()
        c.api_login("chief1")
        first = engagement(c, NEXT_MON, "10:00", "11:00", "Meclis grubu", category="council")
        self.assertStatus(first, 201)
        r = engagement(c, NEXT_MON, "10:30", "11:30", "Basın toplantısı")
        err = self.assertJsonError(r, 409, "conflict")
        self.assertEqual(len(err["conflicts"]), 1)
        self.assertEqual(err["conflicts"][0]["type"], "overlap")
        self.assertEqual(err["conflicts"][0]["item"]["id"], first.json()["id"])
        # end to start is fine; with allow_conflict the overlap is booked
        self.assertStatus(engagement(c, NEXT_MON, "11:00", "11:30", "Ardından"), 201)
        self.assertStatus(engagement(c, NEXT_MON, "10:30", "11:30", "Basın toplantısı", allow_conflict=True), 201)
        # the form shows the conflict and offers to book anyway
        chief = ENV.login("chief")
        fields = {"date": NEXT_MON, "start_time": "10:15", "end_time": "10:45", "category": "meeting",
                  "title": "Üçüncü"}
        r = chief.post_form("/agenda/engagements", fields)
        self.assertStatus(r, 409)
        self.assertIn("Meclis grubu (10:00–11:00) ile aynı saatte", r.text)
        self.assertIn('name="allow_conflict"', r.text)
        r = chief.post_form("/agenda/engagements", dict(fields, allow_conflict="1"))
        self.assertStatus(r, 303)


class Roles(harness.KalemCase):
    def test_who_may_see_and_change(self):
        for role in ("admin", "chief", "secretariat", "mayor", "viewer"):
            c = ENV.login(role)
            for path in ("/agenda", "/agenda/day?date=%s" % WED, "/agenda/week?date=%s" % WED, "/agenda/mobile"):
                self.assertStatus(c.get(path), 200, "%s %s" % (role, path))
            self.assertStatus(slots(c, WED, 30), 200, role)
        d = ENV.login("directorate")
        for path in ("/agenda", "/agenda/week", "/agenda/mobile", "/agenda/engagements/new"):
            self.assertStatus(d.get(path), 403, path)
        self.assertJsonError(slots(d, WED, 30), 403, "forbidden")
        self.assertNotIn('href="/agenda"', d.get("/").text)
        self.assertIn('href="/agenda"', ENV.login("viewer").get("/").text)
        # writers: chief, secretariat, mayor; not the administrator, not viewers
        for role, expected in (("mayor", 201), ("secretariat", 201), ("admin", 403), ("viewer", 403)):
            c = ENV.client()
            c.api_login(harness.ROLE_USERS[role])
            r = engagement(c, SAT, "10:00", "10:30", "Rol %s" % role, allow_conflict=True)
            self.assertStatus(r, expected, role)
        # the plan and the feeds: chief and admin only
        for role, expected in (("chief", 200), ("admin", 200), ("secretariat", 403), ("mayor", 403)):
            c = ENV.login(role)
            self.assertStatus(c.get("/agenda/plan"), expected, role)
            self.assertStatus(c.get("/agenda/feeds"), expected, role)

    def test_api_keys(self):
        read = ENV.client(bearer=ENV.keys["read"])
        write = ENV.client(bearer=ENV.keys["write"])
        self.assertStatus(slots(read, WED, 30), 200)
        self.assertStatus(read.get("/api/v1/agenda"), 200)
        self.assertStatus(engagement(read, SAT, "15:00", "15:30", "Okuma anahtarı"), 403)
        r = engagement(write, SAT, "15:00", "15:30", "Yazma anahtarı")
        self.assertStatus(r, 201)
        self.assertEqual(r.json()["created_by"], "apikey:t-write")

    def test_private_items_are_busy_time_for_others(self):
        c = ENV.client()
        c.api_login("chief1")
        r = engagement(c, NEXT_TUE, "16:00", "17:00", "Aile ziyareti", location="Ev", notes="Kişisel")
        self.assertStatus(r, 201)
        item_id = r.json()["id"]
        for role in ("viewer", "admin"):
            v = ENV.client()
            v.api_login(harness.ROLE_USERS[role])
            mine = [i for i in agenda(v, NEXT_TUE) if i["id"] == item_id][0]
            self.assertEqual((mine["title"], mine["location"], mine["notes"]), ("Meşgul", "", ""), role)
            page = ENV.login(role).get("/agenda/day?date=%s" % NEXT_TUE)
            self.assertNotIn("Aile ziyareti", page.text)
            self.assertIn("Meşgul", page.text)
            self.assertNotIn("Kişisel", ENV.login(role).get("/agenda/items/%d" % item_id).text)
        keyed = [i for i in agenda(ENV.client(bearer=ENV.keys["read"]), NEXT_TUE) if i["id"] == item_id][0]
        self.assertEqual(keyed["title"], "Meşgul")
        for role in ("chief", "secretariat", "mayor"):
            self.assertIn("Aile ziyareti", ENV.login(role).get("/agenda/day?date=%s" % NEXT_TUE).text, role)


class Slots(harness.KalemCase):
    def test_normal_day(self):
        c = ENV.client(bearer=ENV.keys["read"])
        r = slots(c, WED, 30)
        self.assertStatus(r, 200)
        body = r.json()
        self.assertEqual((body["date"], body["duration"], body["reason"]), (WED, 30, None))
        got = starts(r)
        self.assertEqual(got[0], "08:30")
        self.assertEqual(got[-1], "17:00")
        self.assertNotIn("12:00", got)  # the lunch break
        self.assertNotIn("13:15", got)
        self.assertIn("13:30", got)
        self.assertEqual(body["slots"][0], {"start": iso(WED, "08:30"), "end": iso(WED, "09:00"), "preferred": False})
        # afternoons preferred: they come first, marked
        r = slots(c, WED, 30, prefer="afternoon")
        self.assertEqual(starts(r)[0], "13:30")
        self.assertTrue(r.json()["slots"][0]["preferred"])
        self.assertEqual(starts(r)[-1], "11:30")
        r = slots(c, WED, 60, prefer="15:00-17:00")
        self.assertEqual(starts(r)[:3], ["15:00", "15:15", "15:30"])
        # default durations per kind
        r = slots(c, WED, kind="citizen")
        self.assertEqual((r.json()["duration"], r.json()["kind"]), (15, "citizen"))
        self.assertEqual(slots(c, WED, kind="institution").json()["duration"], 30)

    def test_holiday_half_day_weekend_past(self):
        c = ENV.client(bearer=ENV.keys["read"])
        body = slots(c, THU, 30).json()
        self.assertEqual((body["slots"], body["reason"]), ([], "holiday"))
        half = slots(c, FRI, 30).json()
        self.assertIsNone(half["reason"])
        self.assertTrue(half["slots"])
        self.assertTrue(all(s["end"] <= iso(FRI, "12:00") for s in half["slots"]), half["slots"][-1])
        self.assertEqual(slots(c, SAT, 30).json()["reason"], "no_plan")
        self.assertEqual(slots(c, "2020-03-04", 30).json()["reason"], "past")
        self.assertEqual(slots(c, WED, 600).json()["reason"], "full")

    def test_around_engagements(self):
        chief = ENV.client()
        chief.api_login("chief1")
        day = "2031-03-12"  # a Wednesday of its own
        self.assertStatus(engagement(chief, day, "08:30", "10:00", "Sabah toplantısı"), 201)
        self.assertStatus(engagement(chief, day, "13:30", "16:50", "Meclis", category="council"), 201)
        got = starts(slots(chief, day, 30))
        # 10-minute buffers: 10:15 is the first start, 17:00 the only one left in the afternoon
        self.assertEqual(got[0], "10:15")
        self.assertNotIn("10:00", got)
        self.assertEqual([s for s in got if s >= "13:00"], ["17:00"])
        self.assertEqual(slots(chief, day, 60).json()["slots"][-1]["start"], iso(day, "11:00"))

    def test_bad_parameters(self):
        c = ENV.client(bearer=ENV.keys["read"])
        for params, field in ((dict(duration="30"), "date"), (dict(date="2031-02-30", duration="30"), "date"),
                              (dict(date=WED), "duration"), (dict(date=WED, duration="0"), "duration"),
                              (dict(date=WED, duration="abc"), "duration"), (dict(date=WED, duration="721"), "duration"),
                              (dict(date=WED, duration="30", kind="vip"), "kind"),
                              (dict(date=WED, duration="30", prefer="evening"), "prefer")):
            r = c.get("/api/v1/slots?" + urllib.parse.urlencode(params))
            self.assertEqual(self.assertJsonError(r, 422, "invalid")["field"], field, params)
        self.assertJsonError(c.get("/api/v1/agenda?from=%s&to=2031-12-31" % WED), 422, "invalid")
        self.assertJsonError(c.get("/api/v1/agenda?from=yesterday"), 422, "invalid")


class Booking(harness.KalemCase):
    def race(self, clients, date, start, end):
        """Every client posts the same engagement at the same moment; returns the statuses."""
        barrier = threading.Barrier(len(clients))
        statuses = [None] * len(clients)

        def post(i):
            body = {"start": iso(date, start), "end": iso(date, end), "category": "meeting", "title": "Yarış %d" % i}
            barrier.wait()
            statuses[i] = clients[i].send_json("POST", "/api/v1/engagements", body).status

        threads = [threading.Thread(target=post, args=(i,)) for i in range(len(clients))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return statuses

    def check_rounds(self, clients, date):
        for hour in range(9, 17):
            if hour == 12:
                continue
            start, end = "%02d:00" % hour, "%02d:45" % hour
            statuses = self.race(clients, date, start, end)
            self.assertEqual(sorted(statuses), [201] + [409] * (len(clients) - 1), "%s %s" % (start, statuses))
            at_that_time = [i for i in agenda(clients[0], date) if i["start"] == iso(date, start)]
            self.assertEqual(len(at_that_time), 1, at_that_time)

    def test_two_clerks_one_slot(self):
        a = ENV.client()
        a.api_login("chief1")
        b = ENV.client()
        b.api_login("sec1")
        self.check_rounds([a, b], "2031-03-13")
        # four at once, too
        c = ENV.client()
        c.api_login("mayor1")
        d = ENV.client(bearer=ENV.keys["write"])
        self.check_rounds([a, b, c, d], "2031-03-14")

    def test_two_servers_one_slot(self):
        if harness.backend() != "pg":
            self.skipTest("two servers on one database: PostgreSQL")
        other = ENV.new_server()
        a = ENV.client()
        a.api_login("chief1")
        b = ENV.client(other)
        b.api_login("sec1")
        self.check_rounds([a, b], "2031-03-17")


class PlanAndExceptions(harness.KalemCase):
    def test_plan_exception_and_settings(self):
        chief = ENV.login("chief")
        self.assertStatus(chief.get("/agenda/plan"), 200)
        day = "2031-03-15"  # a Saturday
        self.assertEqual(slots(chief, day, 30).json()["reason"], "no_plan")
        r = chief.post_form("/agenda/plan/periods", {"p_weekday": "5", "p_kind": "work", "p_start": "10:00",
                                                     "p_end": "12:00"})
        self.assertStatus(r, 303)
        self.assertEqual(starts(slots(chief, day, 60)), ["10:00", "10:15", "10:30", "10:45", "11:00"])
        r = chief.post_form("/agenda/plan/periods", {"p_weekday": "5", "p_kind": "work", "p_start": "12:00",
                                                     "p_end": "11:00"})
        self.assertStatus(r, 422)
        self.assertIn('id="e-p_end"', r.text)
        page = chief.get("/agenda/plan")
        period_ids = re.findall(r'action="/agenda/plan/periods/(\d+)/delete"', page.text)
        self.assertEqual(len(period_ids), 11)  # the 10 seeded and this one
        newest = max(map(int, period_ids))
        self.assertStatus(chief.post_form("/agenda/plan/periods/%d/delete" % newest, {}), 303)
        self.assertEqual(slots(chief, day, 30).json()["reason"], "no_plan")

        # an exception closes a working day, another gives it other hours
        closed_day, short_day = "2031-03-18", "2031-03-19"
        self.assertStatus(chief.post_form("/agenda/exceptions", {"x_date": closed_day, "x_kind": "closed",
                                                                 "x_note": "Ankara ziyareti"}), 303)
        self.assertEqual(slots(chief, closed_day, 30).json()["reason"], "closed")
        self.assertIn("Ankara ziyareti", chief.get("/agenda/day?date=%s" % closed_day).text)
        r = chief.post_form("/agenda/exceptions", {"x_date": short_day, "x_kind": "hours"})
        self.assertStatus(r, 422)
        self.assertIn('id="e-x_start"', r.text)
        self.assertStatus(chief.post_form("/agenda/exceptions", {"x_date": short_day, "x_kind": "hours",
                                                                 "x_start": "14:00", "x_end": "16:00"}), 303)
        self.assertEqual(starts(slots(chief, short_day, 60)), ["14:00", "14:15", "14:30", "14:45", "15:00"])
        page = chief.get("/agenda/plan")
        ids = re.findall(r'action="/agenda/exceptions/(\d+)/delete"', page.text)
        self.assertGreaterEqual(len(ids), 2)
        for x in ids:
            self.assertStatus(chief.post_form("/agenda/exceptions/%s/delete" % x, {}), 303)
        self.assertIsNone(slots(chief, closed_day, 30).json()["reason"])

        # settings: a 30-minute grid and no buffer
        r = chief.post_form("/agenda/plan/settings", {"buffer_min": "x", "duration_institution": "30",
                                                      "duration_citizen": "15", "citizen_daily_cap": "8",
                                                      "granularity_min": "30"})
        self.assertStatus(r, 422)
        self.assertIn('id="e-buffer_min"', r.text)
        settings = {"buffer_min": "0", "duration_institution": "45", "duration_citizen": "20",
                    "citizen_daily_cap": "8", "granularity_min": "30"}
        try:
            self.assertStatus(chief.post_form("/agenda/plan/settings", settings), 303)
            got = starts(slots(chief, WED, 30))
            self.assertEqual(got[:3], ["08:30", "09:00", "09:30"])
            self.assertEqual(slots(chief, WED, kind="institution").json()["duration"], 45)
        finally:
            chief.post_form("/agenda/plan/settings", {"buffer_min": "10", "duration_institution": "30",
                                                      "duration_citizen": "15", "citizen_daily_cap": "8",
                                                      "granularity_min": "15"})
        self.assertEqual(starts(slots(chief, WED, 30))[:2], ["08:30", "08:45"])


# ---------------------------------------------------------------------------------------------------------
# A strict, minimal RFC 5545 reader, independent of the server and of libical.

ICAL_NAME = re.compile(r"^[A-Za-z0-9-]+$")


def ical_parse(data):
    """Checks the octet-level rules (CRLF, lines <= 75 octets, folding not splitting characters), unfolds, and
    returns the tree of components: {"name", "props": [(name, params, value)], "children": [...]}."""
    assert data.endswith(b"\r\n"), "does not end in CRLF"
    raw = data.split(b"\r\n")[:-1]
    for line in raw:
        assert b"\n" not in line and b"\r" not in line, "bare LF or CR in %r" % line
        assert len(line) <= 75, "line of %d octets: %r" % (len(line), line)
        line.decode("utf-8")  # each physical line must be valid UTF-8 on its own
    lines = []
    for line in raw:
        if line[:1] in (b" ", b"\t"):
            assert lines, "continuation line first"
            lines[-1] += line[1:]
        else:
            lines.append(line)
    root = {"name": None, "props": [], "children": []}
    stack = [root]
    for line in lines:
        text = line.decode("utf-8")
        name_params, sep, value = _split_value(text)
        assert sep, "no ':' in %r" % text
        parts = _split_params(name_params)
        name = parts[0].upper()
        assert ICAL_NAME.match(name), "bad name %r" % name
        params = {}
        for p in parts[1:]:
            k, eq, v = p.partition("=")
            assert eq and ICAL_NAME.match(k), "bad parameter %r" % p
            params[k.upper()] = v.strip('"')
        if name == "BEGIN":
            comp = {"name": value.upper(), "props": [], "children": []}
            stack[-1]["children"].append(comp)
            stack.append(comp)
        elif name == "END":
            assert len(stack) > 1 and stack[-1]["name"] == value.upper(), "END:%s does not close %s" % (
                value, stack[-1]["name"])
            stack.pop()
        else:
            assert len(stack) > 1, "property outside a component: %r" % text
            stack[-1]["props"].append((name, params, value))
    assert len(stack) == 1, "unclosed %s" % stack[-1]["name"]
    assert len(root["children"]) == 1 and root["children"][0]["name"] == "VCALENDAR"
    return root["children"][0]


def _split_value(text):
    """name;params:value, with ':' inside quoted parameter values ignored."""
    quoted = False
    for i, ch in enumerate(text):
        if ch == '"':
            quoted = not quoted
        elif ch == ":" and not quoted:
            return text[:i], ":", text[i + 1:]
    return text, "", ""


def _split_params(text):
    out, cur, quoted = [], "", False
    for ch in text:
        if ch == '"':
            quoted = not quoted
        if ch == ";" and not quoted:
            out.append(cur)
            cur = ""
        else:
            cur += ch
    out.append(cur)
    return out


def ical_text(value):
    """Unescapes a TEXT value (RFC 5545 3.3.11); a lone backslash or an unescaped ',' ';' is an error."""
    out, i = "", 0
    while i < len(value):
        ch = value[i]
        if ch == "\\":
            nxt = value[i + 1:i + 2]
            assert nxt in ("\\", ";", ",", "n", "N"), "bad escape in %r" % value
            out += "\n" if nxt in "nN" else nxt
            i += 2
            continue
        assert ch not in ",;", "unescaped %r in %r" % (ch, value)
        out += ch
        i += 1
    return out


def prop(comp, name):
    found = [p for p in comp["props"] if p[0] == name]
    assert len(found) == 1, "%s: %d times in %s" % (name, len(found), comp["name"])
    return found[0]


class Feed(harness.KalemCase):
    LONG = ("Büyükşehir Belediye Meclisi olağan toplantısı: imar planı değişiklikleri, çığ önlemleri, öğrenci yurdu; "
            "Şehir Hastanesi yolu ve ırmak kıyısı")

    def new_feed(self, chief, scope, lang="tr"):
        chief.get("/agenda/feeds")
        r = chief.post_form("/agenda/feeds", {"name": "Test %s" % scope, "scope": scope, "lang": lang})
        self.assertStatus(r, 201)
        url = re.search(r'value="(http://[^"]+/ical/[A-Za-z0-9_-]+\.ics)"', r.text).group(1)
        self.assertNotIn(url, chief.get("/agenda/feeds").text, "the URL must be shown once only")
        return urllib.parse.urlsplit(url).path

    @staticmethod
    def soon(days):
        """A date days ahead: feeds carry the last 90 and the next 400 days."""
        return (datetime.date.today() + datetime.timedelta(days=days)).isoformat()

    def test_feed_parsed_and_revoked(self):
        api = ENV.client()
        api.api_login("chief1")
        day = self.soon(20)
        public = engagement(api, day, "09:00", "10:30", self.LONG, category="council", public=True,
                            location="Meclis Salonu, 2. kat", notes="Gündem:\n1. Bütçe")
        private = engagement(api, day, "11:00", "11:30", "Özel görüşme", location="Makam", notes="Gizli not")
        cancelled = engagement(api, day, "14:00", "15:00", "Ertelenen tören", category="ceremony", public=True)
        for r in (public, private, cancelled):
            self.assertStatus(r, 201)
        self.assertStatus(api.request("DELETE", "/api/v1/engagements/%d" % cancelled.json()["id"],
                                      headers={"X-CSRF-Token": api.csrf}), 200)
        chief = ENV.login("chief")
        full_path = self.new_feed(chief, "full")
        public_path = self.new_feed(chief, "public", "en")

        anon = ENV.client()
        r = anon.get(full_path)
        self.assertStatus(r, 200)
        self.assertTrue(r.header("Content-Type").startswith("text/calendar"))
        cal = ical_parse(r.body)
        self.assertEqual(prop(cal, "VERSION")[2], "2.0")
        self.assertEqual(prop(cal, "METHOD")[2], "PUBLISH")
        tz = [c for c in cal["children"] if c["name"] == "VTIMEZONE"]
        self.assertEqual(len(tz), 1)
        self.assertEqual(prop(tz[0], "TZID")[2], "Europe/Istanbul")
        events = {}
        for ev in (c for c in cal["children"] if c["name"] == "VEVENT"):
            for must in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "STATUS", "SEQUENCE"):
                prop(ev, must)
            events[prop(ev, "UID")[2]] = ev
        by_id = {}
        for uid, ev in events.items():
            by_id[int(uid.split("-")[1])] = ev
        ev = by_id[public.json()["id"]]
        self.assertEqual(ical_text(prop(ev, "SUMMARY")[2]), self.LONG)
        self.assertEqual(ical_text(prop(ev, "LOCATION")[2]), "Meclis Salonu, 2. kat")
        self.assertEqual(ical_text(prop(ev, "DESCRIPTION")[2]), "Gündem:\n1. Bütçe")
        name, params, value = prop(ev, "DTSTART")
        compact = day.replace("-", "")
        self.assertEqual((params.get("TZID"), value), ("Europe/Istanbul", compact + "T090000"))
        self.assertEqual(prop(ev, "DTEND")[2], compact + "T103000")
        self.assertTrue(prop(ev, "DTSTAMP")[2].endswith("Z"))
        self.assertEqual(prop(ev, "CLASS")[2], "PUBLIC")
        ev = by_id[private.json()["id"]]
        self.assertEqual(ical_text(prop(ev, "SUMMARY")[2]), "Özel görüşme")  # a full feed shows it
        self.assertEqual(prop(ev, "CLASS")[2], "PRIVATE")
        self.assertEqual(prop(by_id[cancelled.json()["id"]], "STATUS")[2], "CANCELLED")
        self.assertEqual(prop(by_id[cancelled.json()["id"]], "SEQUENCE")[2], "1")

        r = anon.get(public_path)
        self.assertStatus(r, 200)
        pub = ical_parse(r.body)
        pub_events = {int(prop(e, "UID")[2].split("-")[1]): e for e in pub["children"] if e["name"] == "VEVENT"}
        ev = pub_events[private.json()["id"]]
        self.assertEqual(ical_text(prop(ev, "SUMMARY")[2]), "Busy")
        self.assertEqual([p[0] for p in ev["props"] if p[0] in ("LOCATION", "DESCRIPTION")], [])
        self.assertNotIn("Gizli not".encode(), r.body)
        self.assertNotIn("Özel görüşme".encode(), r.body)
        self.assertNotIn(b"DESCRIPTION", r.body)

        # unknown and revoked tokens: 404
        self.assertStatus(anon.get("/ical/%s.ics" % ("A" * 43)), 404)
        self.assertStatus(anon.get("/ical/nothing.ics"), 404)
        page = chief.get("/agenda/feeds")
        ids = re.findall(r'action="/agenda/feeds/(\d+)/revoke"', page.text)
        self.assertGreaterEqual(len(ids), 2)
        for feed_id in ids:
            self.assertStatus(chief.post_form("/agenda/feeds/%s/revoke" % feed_id, {}), 303)
        self.assertStatus(anon.get(full_path), 404)
        self.assertStatus(anon.get(public_path), 404)
        self.assertIn("İptal edildi", chief.get("/agenda/feeds").text)

    def test_feed_read_by_python_icalendar(self):
        if icalendar is None:
            self.fail("python3-icalendar is not installed (scripts/deps.sh installs it)")
        api = ENV.client()
        api.api_login("chief1")
        day = self.soon(21)
        r = engagement(api, day, "10:00", "11:15", self.LONG, public=True, location="Konya; Meram")
        self.assertStatus(r, 201)
        path = self.new_feed(ENV.login("chief"), "full")
        body = ENV.client().get(path).body
        cal = icalendar.Calendar.from_ical(body)
        ours = [e for e in cal.walk("VEVENT") if str(e["UID"]).startswith("agenda-%d-" % r.json()["id"])]
        self.assertEqual(len(ours), 1)
        ev = ours[0]
        self.assertEqual(str(ev["SUMMARY"]), self.LONG)
        self.assertEqual(str(ev["LOCATION"]), "Konya; Meram")
        start = ev.decoded("DTSTART")
        self.assertEqual(start.replace(tzinfo=None),
                         datetime.datetime.combine(datetime.date.fromisoformat(day), datetime.time(10, 0)))
        self.assertEqual(ev["DTSTART"].params["TZID"], "Europe/Istanbul")
        self.assertEqual(ev.decoded("DTEND") - start, datetime.timedelta(minutes=75))


class Pages(harness.KalemCase):
    def test_week_grid_and_phone_view(self):
        api = ENV.client()
        api.api_login("chief1")
        self.assertStatus(engagement(api, "2031-03-24", "10:00", "11:00", "Haftalık görünüm testi"), 201)
        chief = ENV.login("chief")
        r = chief.get("/agenda/week?date=2031-03-26")  # a Wednesday: the week from Monday 24 March
        self.assertStatus(r, 200)
        self.assertIn("24 Mart 2031 Pazartesi – 30 Mart 2031 Pazar", r.text)
        self.assertIn("Haftalık görünüm testi", r.text)
        self.assertIn('class="cell busy"', r.text)
        self.assertIn('class="cell break"', r.text)
        self.assertIn('href="/agenda/engagements/new?date=2031-03-24&amp;time=11:00"', r.text)
        self.assertIn('href="/agenda/week?date=2031-03-17"', r.text)
        viewer = ENV.login("viewer")
        self.assertNotIn("/agenda/engagements/new", viewer.get("/agenda/week?date=2031-03-26").text)
        r = chief.get("/agenda/mobile")
        self.assertStatus(r, 200)
        self.assertIn("Bugün", r.text)
        self.assertIn("Yarın", r.text)
        r = chief.get("/agenda/day?date=%s" % THU)
        self.assertIn("Resmî tatil: Test Bayramı", r.text)
        r = chief.get("/agenda/day?date=%s" % FRI)
        self.assertIn("Yarım gün (Test Arifesi)", r.text)
        self.assertIn("08:30–12:00", r.text)
        english = chief.get("/agenda/day?date=%s&lang=en" % THU)
        self.assertIn("Official holiday: Test Bayramı", english.text)


if __name__ == "__main__":
    harness.main()
