# test_reference.py: neighbourhoods, holidays and working days, settings, users, the audit page, CSV import/export.
import datetime
import html
import re
import secrets
import urllib.parse

import harness

ENV = harness.ModuleEnv()


def setUpModule():
    ENV.start()


def tearDownModule():
    ENV.close()


def q(s):
    return urllib.parse.quote(s)


def field_error(text, name):
    """The text of <p class="error" id="e-NAME">, or None."""
    m = re.search(r'<p class="error" id="e-%s">([^<]*)</p>' % re.escape(name), text)
    return html.unescape(m.group(1)) if m else None


def browser_path(href):
    """An href from a page as a browser would request it: entities decoded, spaces and non-ASCII escaped."""
    return urllib.parse.quote(html.unescape(href), safe="/?&=%:#+;,@!$'()*~-._")


def this_year():
    return (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=3)).year  # Europe/Istanbul


class Base(harness.KalemCase):
    def setUp(self):
        self.admin = ENV.client()
        self.admin.api_login("admin")

    def audit(self, **filters):
        r = self.admin.get("/api/v1/audit?" + urllib.parse.urlencode(filters))
        self.assertStatus(r, 200)
        return r.json()["items"]


# ---------------------------------------------------------------------------------------------------------
# Neighbourhoods


class Neighbourhoods(Base):
    def all(self):
        items, after = [], None
        while True:
            r = self.admin.get("/api/v1/neighbourhoods?limit=200" + ("&after=" + q(after) if after else ""))
            self.assertStatus(r, 200)
            items += r.json()["items"]
            after = r.json().get("next")
            if not after:
                return items

    def test_api_create_read_update(self):
        body = {"name": "Alakova", "muhtar_name": "Ahmet Çınar", "muhtar_phone": "0532 765 43 21",
                "muhtar_email": "alakova@example.org", "population": 12345, "lat": "37.8746", "lon": "32.4512"}
        r = self.admin.send_json("POST", "/api/v1/neighbourhoods", body)
        self.assertStatus(r, 201)
        n = r.json()
        self.assertEqual(n["name"], "Alakova")
        self.assertEqual(n["muhtar_phone"], "+905327654321")
        self.assertEqual((n["lat"], n["lon"]), ("37.874600", "32.451200"))
        self.assertEqual((n["lat_e6"], n["lon_e6"]), (37874600, 32451200))
        self.assertEqual(n["population"], 12345)
        self.assertTrue(n["active"])
        got = self.admin.get("/api/v1/neighbourhoods/%d" % n["id"]).json()
        self.assertEqual(got, n)
        # Negative coordinates, numbers as JSON numbers, and the e6 form an API client read.
        r = self.admin.send_json("PUT", "/api/v1/neighbourhoods/%d" % n["id"],
                                 {"name": "Alakova", "muhtar_name": "Ayşe Çınar", "muhtar_phone": "+90 (532) 765 43 22",
                                  "lat": -33.5, "lon": -70.25})
        self.assertStatus(r, 200)
        n2 = r.json()
        self.assertEqual((n2["lat"], n2["lon"], n2["lat_e6"]), ("-33.500000", "-70.250000", -33500000))
        self.assertEqual(n2["muhtar_phone"], "+905327654322")
        self.assertEqual(n2["muhtar_name"], "Ayşe Çınar")
        r = self.admin.send_json("PUT", "/api/v1/neighbourhoods/%d" % n["id"],
                                 {"name": "Alakova", "lat_e6": 37874600, "lon_e6": 32451200})
        self.assertEqual((r.json()["lat"], r.json()["lon"]), ("37.874600", "32.451200"))
        # Without a location: both null.
        r = self.admin.send_json("PUT", "/api/v1/neighbourhoods/%d" % n["id"], {"name": "Alakova"})
        self.assertEqual((r.json()["lat"], r.json()["lon"]), (None, None))

    def test_form_create_detail_and_edit(self):
        r = self.admin.post_form("/neighbourhoods", {"name": "Çaybaşı", "muhtar_name": "Hüseyin Öz",
                                                     "muhtar_phone": "0 (332) 123 45 67", "population": "4321",
                                                     "lat": "37,85", "lon": "32.4", "active": "1"})
        self.assertStatus(r, 303)
        m = re.match(r"^/neighbourhoods/(\d+)$", r.location or "")
        self.assertIsNotNone(m, r.location)
        nid = int(m.group(1))
        n = self.admin.get("/api/v1/neighbourhoods/%d" % nid).json()
        self.assertEqual(n["muhtar_phone"], "+903321234567")
        self.assertEqual((n["lat"], n["lon"], n["population"]), ("37.850000", "32.400000", 4321))
        page = self.admin.get("/neighbourhoods/%d" % nid)
        self.assertStatus(page, 200)
        self.assertIn("Çaybaşı", page.text)
        self.assertIn("Hüseyin Öz", page.text)
        self.assertIn('href="tel:+903321234567"', page.text)
        self.assertIn("4.321", page.text, "population with Turkish digit grouping")
        self.assertIn("37.850000, 32.400000", page.text)
        self.assertIn("openstreetmap.org/?mlat=37.850000&amp;mlon=32.400000", page.text)
        edit = self.admin.get("/neighbourhoods/%d/edit" % nid)
        self.assertStatus(edit, 200)
        self.assertIn('value="Çaybaşı"', edit.text)
        self.assertIn('value="37.850000"', edit.text)
        # Edit through the form: unticked "active" makes it inactive; the muhtar changes.
        r = self.admin.post_form("/neighbourhoods/%d" % nid, {"name": "Çaybaşı", "muhtar_name": "Fatma Öz",
                                                              "muhtar_phone": "05321112233"})
        self.assertStatus(r, 303)
        n = self.admin.get("/api/v1/neighbourhoods/%d" % nid).json()
        self.assertEqual((n["muhtar_name"], n["muhtar_phone"], n["active"]), ("Fatma Öz", "+905321112233", False))
        self.assertIsNone(n["lat"])
        # The list and search.
        page = self.admin.get("/neighbourhoods?q=" + q("CAYBASI"))
        self.assertIn("Çaybaşı", page.text)
        self.assertIn("Pasif", page.text)
        items = self.admin.get("/api/v1/neighbourhoods?q=" + q("çaybaşı")).json()["items"]
        self.assertEqual([i["id"] for i in items], [nid])
        self.assertEqual(self.admin.get("/api/v1/neighbourhoods?active=1&q=" + q("çaybaşı")).json()["items"], [])

    def test_duplicate_name_folded_422(self):
        r = self.admin.send_json("POST", "/api/v1/neighbourhoods", {"name": "Işıklar"})
        self.assertStatus(r, 201)
        first = r.json()["id"]
        before = self.all()
        for name in ("Işıklar", "IŞIKLAR", "ışıklar", "Isiklar", "  Işıklar  "):
            with self.subTest(name=name):
                r = self.admin.send_json("POST", "/api/v1/neighbourhoods", {"name": name})
                err = self.assertJsonError(r, 422, "invalid")
                self.assertEqual(err["field"], "name")
                self.assertEqual(err["message"], "Bu Ad ile kayıtlı bir kayıt zaten var.")
                r = self.admin.post_form("/neighbourhoods", {"name": name, "active": "1"})
                self.assertStatus(r, 422)
                self.assertEqual(field_error(r.text, "name"), "Bu Ad ile kayıtlı bir kayıt zaten var.")
        # Renaming another neighbourhood onto it.
        other = self.admin.send_json("POST", "/api/v1/neighbourhoods", {"name": "Karaaslan"}).json()["id"]
        before = self.all()
        r = self.admin.send_json("PUT", "/api/v1/neighbourhoods/%d" % other, {"name": "ISIKLAR"})
        self.assertEqual(self.assertJsonError(r, 422, "invalid")["field"], "name")
        self.assertEqual(self.all(), before, "a refused neighbourhood was written")
        # Its own name again (other case) is not a duplicate of itself.
        r = self.admin.send_json("PUT", "/api/v1/neighbourhoods/%d" % first, {"name": "IŞIKLAR"})
        self.assertStatus(r, 200)
        self.assertEqual(r.json()["name"], "IŞIKLAR")

    def test_bad_input_names_the_field(self):
        before = self.all()
        cases = [
            ({"name": ""}, "name", "Ad zorunludur"),
            ({"name": "x" * 101}, "name", "Ad çok uzun"),
            ({"name": "Telefonsuz", "muhtar_phone": "12"}, "muhtar_phone", "Geçersiz telefon numarası"),
            ({"name": "Postasız", "muhtar_email": "muhtar@"}, "muhtar_email", "Geçersiz e-posta adresi"),
            ({"name": "Kalabalık", "population": "-5"}, "population", "Nüfus geçersiz"),
            ({"name": "Kalabalık", "population": "çok"}, "population", "Nüfus geçersiz"),
            ({"name": "Kutup", "lat": "95", "lon": "32"}, "lat", "Enlem geçersiz"),
            ({"name": "Kutup", "lat": "37", "lon": "181"}, "lon", "Boylam geçersiz"),
            ({"name": "Yarım", "lat": "37.1"}, "lon", "Boylam zorunludur"),
            ({"name": "Yarım", "lon": "32.1"}, "lat", "Enlem zorunludur"),
            ({"name": "Harfli", "lat": "kuzey", "lon": "32"}, "lat", "Enlem geçersiz"),
        ]
        for fields, field, message in cases:
            with self.subTest(fields=fields):
                r = self.admin.send_json("POST", "/api/v1/neighbourhoods", fields)
                err = self.assertJsonError(r, 422, "invalid")
                self.assertEqual(err["field"], field)
                self.assertEqual(err["message"], message)
                r = self.admin.post_form("/neighbourhoods", fields)
                self.assertStatus(r, 422)
                self.assertEqual(field_error(r.text, field), message)
        r = self.admin.send_json("POST", "/api/v1/neighbourhoods?lang=en", {"name": "Kutup", "lat": "95", "lon": "1"})
        self.assertEqual(self.assertJsonError(r, 422, "invalid")["message"], "Latitude is not valid")
        self.admin.cookies.pop("kalem_lang", None)
        self.assertEqual(self.all(), before)

    def test_roles(self):
        before = self.all()
        nid = before[0]["id"] if before else self.admin.send_json(
            "POST", "/api/v1/neighbourhoods", {"name": "Rol Mahallesi"}).json()["id"]
        before = self.all()
        for role in ("mayor", "directorate", "viewer"):
            c = ENV.login(role)
            with self.subTest(role=role):
                self.assertStatus(c.get("/neighbourhoods"), 200)
                self.assertStatus(c.get("/api/v1/neighbourhoods/%d" % nid), 200)
                self.assertStatus(c.get("/neighbourhoods/new"), 403)
                self.assertStatus(c.get("/neighbourhoods/%d/edit" % nid), 403)
                self.assertStatus(c.post_form("/neighbourhoods", {"name": "Yetkisiz Mahalle"}), 403)
                self.assertJsonError(c.send_json("POST", "/api/v1/neighbourhoods", {"name": "Yetkisiz"}), 403,
                                     "forbidden")
                self.assertJsonError(c.send_json("PUT", "/api/v1/neighbourhoods/%d" % nid, {"name": "Yetkisiz"}),
                                     403, "forbidden")
        for role in ("chief", "secretariat"):
            c = ENV.login(role)
            with self.subTest(role=role):
                r = c.send_json("POST", "/api/v1/neighbourhoods", {"name": "Ofis Mahallesi " + role})
                self.assertStatus(r, 201)
        self.assertEqual(len(self.all()), len(before) + 2)

    def test_unknown_id_404(self):
        self.assertJsonError(self.admin.get("/api/v1/neighbourhoods/999999"), 404, "not_found")
        self.assertJsonError(self.admin.send_json("PUT", "/api/v1/neighbourhoods/999999", {"name": "Yok"}), 404,
                             "not_found")
        self.assertStatus(self.admin.get("/neighbourhoods/999999"), 404)

    def test_list_next_link_keeps_the_query(self):
        """The list's "next" link carries the search text URL-encoded, so a query with & or + survives."""
        names = ["Bağ & Bahçe %d" % i for i in range(3)]
        for name in names:
            self.assertStatus(self.admin.send_json("POST", "/api/v1/neighbourhoods", {"name": name}), 201)
        path = "/neighbourhoods?limit=1&q=" + q("bağ & bahçe")
        page = self.admin.get(path)
        self.assertStatus(page, 200)
        self.assertIn("Bağ &amp; Bahçe 0", page.text)
        m = re.search(r'<a href="([^"]*)" rel="next">', page.text)
        self.assertIsNotNone(m, "no next link with limit=1 and three matches")
        page2 = self.admin.get(browser_path(m.group(1)))
        self.assertStatus(page2, 200)
        self.assertIn('value="bağ &amp; bahçe"', page2.text, "the next page lost the query: %s" % m.group(1))
        self.assertIn("Bağ &amp; Bahçe 1", page2.text)
        self.assertNotIn("Bağ &amp; Bahçe 0", page2.text)


# ---------------------------------------------------------------------------------------------------------
# Holidays and the business calendar


def ymd(s):
    return datetime.date.fromisoformat(s)


class Calendar:
    """An independent business calendar over the API's holidays: weekends and full-day holidays are off."""

    def __init__(self, holidays):
        self.full = {ymd(h["date"]) for h in holidays if not h["half_day"]}
        self.half = {ymd(h["date"]) for h in holidays if h["half_day"]}

    def working(self, d):
        return d.weekday() < 5 and d not in self.full

    def add(self, start, days):
        d, n = start, 0
        while n < days:
            d += datetime.timedelta(days=1)
            if self.working(d):
                n += 1
        return d


class Holidays(Base):
    def holidays(self, year, client=None):
        r = (client or self.admin).get("/api/v1/holidays?year=%d" % year)
        self.assertStatus(r, 200)
        self.assertEqual(r.json()["year"], year)
        return r.json()["items"]

    def working_days(self, start, days, client=None):
        r = (client or self.admin).get("/api/v1/calendar/working-days?from=%s&days=%d" % (start, days))
        self.assertStatus(r, 200)
        return r.json()

    def test_seeded_year(self):
        for year in (this_year(), this_year() + 1, this_year() + 2):
            with self.subTest(year=year):
                items = self.holidays(year)
                by_date = {h["date"]: h for h in items}
                self.assertIn("%d-10-29" % year, by_date)
                self.assertFalse(by_date["%d-10-29" % year]["half_day"])
                self.assertEqual(by_date["%d-10-29" % year]["name"], "Cumhuriyet Bayramı")
                self.assertTrue(by_date["%d-10-28" % year]["half_day"], "28 Ekim is a half day")
                for mmdd in ("01-01", "04-23", "05-01", "05-19", "07-15", "08-30"):
                    self.assertIn("%d-%s" % (year, mmdd), by_date)
                names = " ".join(h["name"] for h in items)
                self.assertEqual(names.count("Ramazan Bayramı"), 4, "arife and 3 days")
                self.assertEqual(names.count("Kurban Bayramı"), 5, "arife and 4 days")
                self.assertEqual(sum(1 for h in items if h["half_day"]), 3, "two arifes and 28 Ekim")
                self.assertEqual([h["date"] for h in items], sorted(h["date"] for h in items))

    def test_year_page(self):
        year = this_year()
        page = ENV.login("viewer").get("/holidays?year=%d" % year)
        self.assertStatus(page, 200)
        rows = re.findall(r"<tr>(.*?)</tr>", page.text, re.S)
        row = {}
        for r in rows:
            m = re.search(r'<time datetime="([0-9-]+)">([^<]*)</time>', r)
            if m:
                row[m.group(1)] = (html.unescape(m.group(2)), r)
        oct29 = row.get("%d-10-29" % year)
        self.assertIsNotNone(oct29, "29 Ekim not listed")
        self.assertTrue(oct29[0].startswith("29 Ekim %d" % year), oct29[0])
        self.assertIn("Cumhuriyet Bayramı", oct29[1])
        self.assertIn("Tam gün", oct29[1])
        oct28 = row.get("%d-10-28" % year)
        self.assertIsNotNone(oct28, "28 Ekim not listed")
        self.assertIn('class="tag warn"', oct28[1])
        self.assertIn("yarım gün", html.unescape(oct28[1]))
        self.assertNotIn("/holidays/new", page.text, "a viewer is offered to add holidays")
        self.assertNotIn("/edit", page.text)
        # English.
        page = ENV.login("viewer").get("/holidays?year=%d&lang=en" % year)
        self.assertIn("29 October %d" % year, page.text)
        # Another year, and a nonsense year falls back to this one.
        self.assertIn("<h1>Resmî tatiller %d</h1>" % (year + 1), self.admin.get("/holidays?year=%d" % (year + 1)).text)
        self.assertStatus(self.admin.get("/holidays?year=abc"), 200)

    def free_weekday(self, year):
        """A working Tuesday to Thursday in February of year whose day before is a working day too."""
        cal = Calendar(self.holidays(year))
        d = datetime.date(year, 2, 3)
        while not (cal.working(d) and cal.working(d - datetime.timedelta(days=1)) and d.weekday() in (1, 2, 3)
                   and d not in cal.half):
            d += datetime.timedelta(days=1)
        return d

    def test_admin_adds_edits_deletes(self):
        year = this_year() + 1
        day = self.free_weekday(year)
        before_day = day - datetime.timedelta(days=1)
        self.assertEqual(self.working_days(before_day, 1)["due_date"], day.isoformat())
        admin = ENV.login("admin")
        self.assertStatus(admin.get("/holidays/new"), 200)
        # Bad input first: nothing written.
        for fields, field, message in (
                ({"date": "", "name": "Adsız"}, "date", "Tarih zorunludur"),
                ({"date": "%d-02-30" % year, "name": "Otuz Şubat"}, "date", None),
                ({"date": "2027/02/10", "name": "Eğik"}, "date", None),
                ({"date": day.isoformat(), "name": ""}, "name", "Tatilin adı zorunludur")):
            with self.subTest(fields=fields):
                r = admin.post_form("/holidays", fields)
                self.assertStatus(r, 422)
                err = field_error(r.text, field)
                self.assertTrue(err, "no error beside %s" % field)
                if message:
                    self.assertEqual(err, message)
        taken = "%d-10-29" % year
        r = admin.post_form("/holidays", {"date": taken, "name": "İkinci Cumhuriyet"})
        self.assertStatus(r, 422)
        self.assertEqual(field_error(r.text, "date"), "Bu tarihte kayıtlı bir tatil zaten var.")
        self.assertEqual([h for h in self.holidays(year) if h["date"] == day.isoformat()], [])

        # Add: a full day off moves the working-day deadline past it.
        r = admin.post_form("/holidays", {"date": day.isoformat(), "name": "Olağanüstü Tatil"})
        self.assertStatus(r, 303)
        self.assertEqual(r.location, "/holidays?year=%d" % year)
        added = [h for h in self.holidays(year) if h["date"] == day.isoformat()]
        self.assertEqual([(h["name"], h["half_day"]) for h in added], [("Olağanüstü Tatil", False)])
        hid = added[0]["id"]
        self.assertIn("Olağanüstü Tatil", admin.get("/holidays?year=%d" % year).text)
        after = self.working_days(before_day, 1)
        expected = Calendar(self.holidays(year)).add(before_day, 1)
        self.assertGreater(expected, day)
        self.assertEqual(after["due_date"], expected.isoformat())
        self.assertTrue(after["due_at"].endswith("T17:30:00+03:00"), after)

        # Edit: a half day is a working day that ends at 13:00.
        edit = admin.get("/holidays/%d/edit" % hid)
        self.assertStatus(edit, 200)
        self.assertIn('value="%s"' % day.isoformat(), edit.text)
        r = admin.post_form("/holidays/%d" % hid, {"date": day.isoformat(), "name": "Olağanüstü Yarım Gün",
                                                   "half_day": "1"})
        self.assertStatus(r, 303)
        h = [x for x in self.holidays(year) if x["id"] == hid][0]
        self.assertEqual((h["name"], h["half_day"]), ("Olağanüstü Yarım Gün", True))
        after = self.working_days(before_day, 1)
        self.assertEqual(after["due_date"], day.isoformat())
        self.assertEqual(after["due_at"], "%sT13:00:00+03:00" % day.isoformat())
        # Moving it onto another holiday's date is refused.
        r = admin.post_form("/holidays/%d" % hid, {"date": taken, "name": "Çakışan"})
        self.assertStatus(r, 422)
        self.assertEqual(field_error(r.text, "date"), "Bu tarihte kayıtlı bir tatil zaten var.")
        self.assertEqual([x["name"] for x in self.holidays(year) if x["id"] == hid], ["Olağanüstü Yarım Gün"])

        # Delete: only when confirmed.
        r = admin.post_form("/holidays/%d/delete" % hid, {})
        self.assertStatus(r, 422)
        self.assertEqual(field_error(r.text, "confirm"), "Silmek için kutuyu işaretleyin.")
        self.assertEqual(len([x for x in self.holidays(year) if x["id"] == hid]), 1)
        r = admin.post_form("/holidays/%d/delete" % hid, {"confirm": "1"})
        self.assertStatus(r, 303)
        self.assertEqual([x for x in self.holidays(year) if x["id"] == hid], [])
        self.assertEqual(self.working_days(before_day, 1)["due_date"], day.isoformat())
        self.assertStatus(admin.get("/holidays/%d/edit" % hid), 404)
        self.assertStatus(admin.post_form("/holidays/%d/delete" % hid, {"confirm": "1"}), 404)

        # The audit trail has the three changes with their values.
        events = self.audit(record_type="holiday", record_id=str(hid))
        self.assertEqual([e["action"] for e in events], ["holiday.delete", "holiday.update", "holiday.create"])
        self.assertEqual(events[0]["before"]["name"], "Olağanüstü Yarım Gün")
        self.assertIsNone(events[0]["after"])
        self.assertEqual((events[1]["before"]["half_day"], events[1]["after"]["half_day"]), (False, True))

    def test_non_admin_cannot_edit(self):
        year = this_year() + 1
        items = self.holidays(year)
        hid = items[0]["id"]
        for role in ("chief", "secretariat", "mayor", "directorate", "viewer"):
            c = ENV.login(role)
            with self.subTest(role=role):
                self.assertStatus(c.get("/holidays"), 200)
                self.assertNotIn("/holidays/new", c.get("/holidays").text)
                self.assertStatus(c.get("/holidays/new"), 403)
                self.assertStatus(c.get("/holidays/%d/edit" % hid), 403)
                self.assertStatus(c.post_form("/holidays", {"date": "%d-02-11" % year, "name": "Yetkisiz"}), 403)
                self.assertStatus(c.post_form("/holidays/%d" % hid, {"date": items[0]["date"], "name": "Yetkisiz"}),
                                  403)
                self.assertStatus(c.post_form("/holidays/%d/delete" % hid, {"confirm": "1"}), 403)
        self.assertEqual(self.holidays(year), items)
        self.assertIn("/holidays/new", ENV.login("admin").get("/holidays").text)

    def test_working_days_over_a_bayram(self):
        for year in (this_year(), this_year() + 1, this_year() + 2):
            items = self.holidays(year)
            cal = Calendar(items)
            for bayram in ("Ramazan Bayramı", "Kurban Bayramı"):
                first = [ymd(h["date"]) for h in items if h["name"] == bayram + " 1. Gün"]
                arife = [ymd(h["date"]) for h in items if h["name"] == bayram + " Arifesi"]
                self.assertEqual(len(first), 1, "%s %d" % (bayram, year))
                self.assertEqual(arife, [first[0] - datetime.timedelta(days=1)])
                start = first[0] - datetime.timedelta(days=6)
                for days in range(0, 8):
                    with self.subTest(year=year, bayram=bayram, days=days):
                        got = self.working_days(start, days)
                        if days == 0:
                            expected = start if cal.working(start) else cal.add(start, 1)
                        else:
                            expected = cal.add(start, days)
                        self.assertEqual(got["due_date"], expected.isoformat())
                        end = "13:00" if expected in cal.half else "17:30"
                        self.assertEqual(got["due_at"], "%sT%s:00+03:00" % (expected.isoformat(), end))
        # Spelled out for Ramazan Bayramı 2027 (arife Monday 8 March, the bayram Tuesday to Thursday).
        if any(h["date"] == "2027-03-09" for h in self.holidays(2027)):
            self.assertEqual(self.working_days("2027-03-05", 1)["due_at"], "2027-03-08T13:00:00+03:00")
            self.assertEqual(self.working_days("2027-03-05", 2)["due_date"], "2027-03-12")
            self.assertEqual(self.working_days("2027-03-05", 3)["due_date"], "2027-03-15")
            self.assertEqual(self.working_days("2027-03-08", 1)["due_date"], "2027-03-12")

    def test_working_days_bad_parameters(self):
        cases = [("days=3", "from"), ("from=2027-02-30&days=3", "from"), ("from=yarın&days=3", "from"),
                 ("from=2027-03-05", "days"), ("from=2027-03-05&days=-1", "days"),
                 ("from=2027-03-05&days=iki", "days"), ("from=2027-03-05&days=99999", "days")]
        for query, field in cases:
            with self.subTest(query=query):
                r = self.admin.get("/api/v1/calendar/working-days?" + urllib.parse.quote(query, safe="=&"))
                self.assertEqual(self.assertJsonError(r, 422, "invalid")["field"], field)


# ---------------------------------------------------------------------------------------------------------
# Settings


SMTP_SECRET = "Gizli-SMTP-Parola-" + secrets.token_hex(4)


def settings_form(**changes):
    fields = {"office_name": "Özel Kalem Müdürlüğü", "municipality_name": "Meram Belediyesi",
              "detsis_unit": "12345678", "smtp_host": "smtp.meram.bel.tr", "smtp_port": "587",
              "smtp_security": "starttls", "smtp_username": "kalem@meram.bel.tr", "smtp_password": "",
              "smtp_from_address": "kalem@meram.bel.tr", "smtp_from_name": "Özel Kalem", "sms_url": "",
              "sms_method": "POST", "sms_body_template": "", "sms_auth_header": "", "sms_auth_value": "",
              "sms_sender_id": ""}
    fields.update(changes)
    return fields


class Settings(Base):
    def test_admin_saves_smtp_password_never_shown(self):
        admin = ENV.login("admin")
        page = admin.get("/admin/settings")
        self.assertStatus(page, 200)
        self.assertIn("Kayıtlı değer yok.", page.text)
        r = admin.post_form("/admin/settings", settings_form(smtp_password=SMTP_SECRET))
        self.assertStatus(r, 303)
        self.assertEqual(r.location, "/admin/settings")
        page = admin.get("/admin/settings")
        self.assertStatus(page, 200)
        self.assertIn('value="smtp.meram.bel.tr"', page.text)
        self.assertIn('value="587"', page.text)
        self.assertIn('value="12345678"', page.text)
        self.assertIn('id="f-smtp_password" name="smtp_password" value=""', page.text)
        self.assertIn("(kayıtlı)", page.text)
        self.assertNotIn(SMTP_SECRET, page.text)
        # Saving again with the password field empty keeps it; a failed form does not echo a typed one.
        r = admin.post_form("/admin/settings", settings_form(smtp_host="mail.meram.bel.tr"))
        self.assertStatus(r, 303)
        page = admin.get("/admin/settings")
        self.assertIn('value="mail.meram.bel.tr"', page.text)
        self.assertIn("(kayıtlı)", page.text)
        r = admin.post_form("/admin/settings", settings_form(smtp_password=SMTP_SECRET + "2", smtp_port="0"))
        self.assertStatus(r, 422)
        self.assertNotIn(SMTP_SECRET, r.text)
        # The audit shows that it changed, never the value.
        events = self.audit(record_type="setting", record_id="smtp.password")
        self.assertEqual(len(events), 1)
        self.assertEqual(events[0]["after"], {"value": "***"})
        audit_page = admin.get("/admin/audit?record_type=setting")
        self.assertStatus(audit_page, 200)
        self.assertIn("smtp.password", audit_page.text)
        self.assertIn("smtp.host", audit_page.text)
        self.assertIn("<del>smtp.meram.bel.tr</del>", audit_page.text)
        self.assertIn("<ins>mail.meram.bel.tr</ins>", audit_page.text)
        self.assertNotIn(SMTP_SECRET, audit_page.text)
        self.assertNotIn(SMTP_SECRET, self.admin.get("/api/v1/audit?limit=200").text)

    def test_bad_port_422_names_it(self):
        admin = ENV.login("admin")
        self.assertStatus(admin.post_form("/admin/settings", settings_form(smtp_port="2525")), 303)
        for port in ("70000", "0", "-1", "abc", "25a", "5.5"):
            with self.subTest(port=port):
                r = admin.post_form("/admin/settings", settings_form(smtp_port=port, smtp_host="yeni.example.org"))
                self.assertStatus(r, 422)
                self.assertEqual(field_error(r.text, "smtp_port"), "Bağlantı noktası (port) geçersiz")
                self.assertRegex(r.text, r'id="f-smtp_port"[^>]*aria-invalid="true"')
                self.assertIn('value="%s"' % html.escape(port), r.text, "the typed value is kept")
        r = admin.post_form("/admin/settings?lang=en", settings_form(smtp_port="70000"))
        self.assertEqual(field_error(r.text, "smtp_port"), "Port is not valid")
        admin.cookies.pop("kalem_lang", None)
        page = admin.get("/admin/settings")
        self.assertIn('value="2525"', page.text, "a refused form changed the port")
        self.assertNotIn("yeni.example.org", page.text, "a refused form changed the host")
        # Other fields are named too.
        for fields, field in ((settings_form(office_name=""), "office_name"),
                              (settings_form(detsis_unit="12ab"), "detsis_unit"),
                              (settings_form(smtp_from_address="not-an-address"), "smtp_from_address"),
                              (settings_form(smtp_security="ssl3"), "smtp_security"),
                              (settings_form(sms_url="ftp://sms.example"), "sms_url")):
            with self.subTest(field=field):
                r = admin.post_form("/admin/settings", fields)
                self.assertStatus(r, 422)
                self.assertTrue(field_error(r.text, field), "no error beside %s" % field)
        # An empty port is allowed (the security mode's default).
        self.assertStatus(admin.post_form("/admin/settings", settings_form(smtp_port="")), 303)
        self.assertIn('id="f-smtp_port" name="smtp_port" value=""', admin.get("/admin/settings").text)

    def test_long_value_audited_whole(self):
        """A long setting (the SMS body, up to 1000 characters) keeps its old value whole in the audit trail."""
        admin = ENV.login("admin")
        old = "to={to}&text={text}&note=" + "ş" * 900  # over 1800 bytes of UTF-8
        new = "to={to}&text={text}&note=kısa"
        self.assertStatus(admin.post_form("/admin/settings", settings_form(sms_url="https://sms.example.org/send",
                                                                           sms_body_template=old)), 303)
        self.assertIn(old.replace("&", "&amp;"), admin.get("/admin/settings").text)
        self.assertStatus(admin.post_form("/admin/settings", settings_form(sms_url="https://sms.example.org/send",
                                                                           sms_body_template=new)), 303)
        events = self.audit(record_type="setting", record_id="sms.body_template")
        self.assertEqual(events[0]["after"], {"value": new})
        self.assertEqual(events[0]["before"], {"value": old}, "the old value is cut or lost in the audit trail")

    def test_sms_placeholders(self):
        admin = ENV.login("admin")
        r = admin.post_form("/admin/settings", settings_form(sms_url="https://sms.example.org/send", sms_method="GET"))
        self.assertStatus(r, 422)
        self.assertTrue(field_error(r.text, "sms_url"))
        r = admin.post_form("/admin/settings", settings_form(sms_url="https://sms.example.org/send?to={to}&m={text}",
                                                             sms_method="GET"))
        self.assertStatus(r, 303)

    def test_non_admin_403(self):
        admin = ENV.login("admin")
        before = admin.get("/admin/settings").text
        for role in ("chief", "secretariat", "mayor", "directorate", "viewer"):
            c = ENV.login(role)
            with self.subTest(role=role):
                r = c.get("/admin/settings")
                self.assertStatus(r, 403)
                self.assertNotIn("smtp", r.text.lower().replace("nav", ""))
                self.assertStatus(c.post_form("/admin/settings", settings_form(office_name="Ele Geçirildi")), 403)
        self.assertNotIn("Ele Geçirildi", admin.get("/admin/settings").text)
        self.assertEqual(before.count('value="'), admin.get("/admin/settings").text.count('value="'))


# ---------------------------------------------------------------------------------------------------------
# Users


class Users(Base):
    def users_page(self, admin):
        page = admin.get("/admin/users")
        self.assertStatus(page, 200)
        return page.text

    def user_id(self, admin, username):
        m = re.search(r"<code>%s</code>.*?/admin/users/(\d+)/edit" % re.escape(username), self.users_page(admin), re.S)
        return int(m.group(1)) if m else None

    def test_directorate_user_lifecycle(self):
        admin = ENV.login("admin")
        self.assertStatus(admin.get("/admin/users/new"), 200)
        fields = {"username": "mudurluk.yeni", "display_name": "Yeni Müdürlük Personeli", "email": "",
                  "role": "directorate", "directorate_id": "", "password": "Uzun-Bir-Parola-42"}
        # The directorate is required for the role.
        r = admin.post_form("/admin/users", fields)
        self.assertStatus(r, 422)
        self.assertEqual(field_error(r.text, "directorate_id"), "Müdürlük personeli için müdürlük seçilmelidir.")
        self.assertIn('value="mudurluk.yeni"', r.text)
        self.assertNotIn("Uzun-Bir-Parola-42", r.text, "the password is echoed back")
        r = admin.post_form("/admin/users?lang=en", fields)
        self.assertEqual(field_error(r.text, "directorate_id"), "Choose a directorate for directorate staff.")
        admin.cookies.pop("kalem_lang", None)
        r = admin.post_form("/admin/users", dict(fields, directorate_id="999999"))
        self.assertStatus(r, 422)
        self.assertTrue(field_error(r.text, "directorate_id"))
        self.assertIsNone(self.user_id(admin, "mudurluk.yeni"), "a refused user was created")
        refused = ENV.client()
        self.assertStatus(refused.login("mudurluk.yeni", "Uzun-Bir-Parola-42", check=False), (401, 422))
        self.assertIsNone(refused.session_cookie)

        # Created with the directorate: listed, and can sign in to their directorate only.
        r = admin.post_form("/admin/users", dict(fields, directorate_id=str(ENV.dir_a)))
        self.assertStatus(r, 303)
        self.assertEqual(r.location, "/admin/users")
        uid = self.user_id(admin, "mudurluk.yeni")
        self.assertIsNotNone(uid)
        row = re.search(r"<code>mudurluk\.yeni</code>.*?</tr>", self.users_page(admin), re.S).group(0)
        self.assertIn(harness.DIR_A["name"], row)
        self.assertIn("Müdürlük personeli", row)
        user = ENV.client()
        user.login("mudurluk.yeni", "Uzun-Bir-Parola-42")
        me = user.get("/api/v1/me").json()
        self.assertEqual((me["username"], me["role"], me["directorate_id"]),
                         ("mudurluk.yeni", "directorate", ENV.dir_a))
        self.assertStatus(user.get("/directorates/%d" % ENV.dir_a), 200)
        self.assertStatus(user.get("/directorates/%d" % ENV.dir_b), 403)
        self.assertStatus(user.get("/parties"), 403)
        self.assertStatus(user.get("/admin/users"), 403)

        # The same username again.
        r = admin.post_form("/admin/users", dict(fields, directorate_id=str(ENV.dir_a), display_name="İkinci"))
        self.assertStatus(r, 422)
        self.assertTrue(field_error(r.text, "username"))

        # Disabled: the open session stops at once, and signing in fails.
        r = admin.post_form("/admin/users/%d/disable" % uid, {})
        self.assertStatus(r, 303)
        self.assertJsonError(user.get("/api/v1/me"), 401, "unauthenticated")
        self.assertStatus(user.get("/"), 302)
        self.assertNotEqual(ENV.client().login("mudurluk.yeni", "Uzun-Bir-Parola-42", check=False).status, 303)
        row = re.search(r"<code>mudurluk\.yeni</code>.*?</tr>", self.users_page(admin), re.S).group(0)
        self.assertIn("Devre dışı", row)
        # Enabled again: can sign in.
        self.assertStatus(admin.post_form("/admin/users/%d/enable" % uid, {}), 303)
        ENV.client().login("mudurluk.yeni", "Uzun-Bir-Parola-42")

        # Changing the role away from directorate drops the directorate; back to it requires one.
        r = admin.post_form("/admin/users/%d" % uid, {"display_name": "Yeni Personel", "email": "",
                                                      "role": "directorate", "directorate_id": ""})
        self.assertStatus(r, 422)
        self.assertEqual(field_error(r.text, "directorate_id"), "Müdürlük personeli için müdürlük seçilmelidir.")
        r = admin.post_form("/admin/users/%d" % uid, {"display_name": "Yeni Personel", "email": "",
                                                      "role": "directorate", "directorate_id": str(ENV.dir_b)})
        self.assertStatus(r, 303)
        user = ENV.client()
        user.login("mudurluk.yeni", "Uzun-Bir-Parola-42")
        self.assertStatus(user.get("/directorates/%d" % ENV.dir_b), 200)
        self.assertStatus(user.get("/directorates/%d" % ENV.dir_a), 403)

        # The audit page lists these changes for the user.
        audit = admin.get("/admin/audit?record_type=user&record_id=%d" % uid)
        self.assertStatus(audit, 200)
        for action in ("user.create", "user.disable", "user.enable", "user.update"):
            self.assertIn("<code>%s</code>" % action, audit.text)
        self.assertNotIn("<code>holiday.", audit.text)
        self.assertNotIn("Uzun-Bir-Parola-42", audit.text)

    def test_other_roles_need_no_directorate(self):
        admin = ENV.login("admin")
        r = admin.post_form("/admin/users", {"username": "sekreter.iki", "display_name": "Sekreter İki",
                                             "role": "secretariat", "directorate_id": str(ENV.dir_a),
                                             "password": "Uzun-Bir-Parola-43"})
        self.assertStatus(r, 303)
        c = ENV.client()
        c.login("sekreter.iki", "Uzun-Bir-Parola-43")
        self.assertStatus(c.get("/parties"), 200)
        self.assertStatus(c.get("/directorates/%d" % ENV.dir_b), 200)

    def test_bad_new_user_fields(self):
        admin = ENV.login("admin")
        base = {"username": "gecerli.ad", "display_name": "Geçerli", "role": "viewer", "password": "Uzun-Bir-Parola-44"}
        for changes, field in (({"username": "Büyük Harf"}, "username"), ({"username": ""}, "username"),
                               ({"display_name": ""}, "display_name"), ({"role": "superuser"}, "role"),
                               ({"role": "integration"}, "role"), ({"password": "kisa"}, "password"),
                               ({"email": "posta@"}, "email")):
            with self.subTest(changes=changes):
                r = admin.post_form("/admin/users", dict(base, **changes))
                self.assertStatus(r, 422)
                self.assertTrue(field_error(r.text, field), "no error beside %s" % field)
        self.assertIsNone(self.user_id(admin, "gecerli.ad"))

    def test_admin_cannot_disable_self(self):
        admin = ENV.login("admin")
        aid = self.user_id(admin, "admin")
        self.assertIsNotNone(aid)
        edit = admin.get("/admin/users/%d/edit" % aid)
        self.assertStatus(edit, 200)
        self.assertNotIn("/admin/users/%d/disable" % aid, edit.text, "the page offers to disable oneself")
        r = admin.post_form("/admin/users/%d/disable" % aid, {})
        self.assertStatus(r, 403)
        self.assertIn("Kendi hesabınızı devre dışı bırakamazsınız.", r.text)
        self.assertStatus(admin.get("/api/v1/me"), 200)
        ENV.client().login("admin")
        row = re.search(r"<code>admin</code>.*?</tr>", self.users_page(admin), re.S).group(0)
        self.assertNotIn("Devre dışı", row)
        # Nor demote themself.
        r = admin.post_form("/admin/users/%d" % aid, {"display_name": "Yönetici", "role": "viewer"})
        self.assertStatus(r, 422)
        self.assertEqual(field_error(r.text, "role"), "Kendi yönetici yetkinizi kaldıramazsınız.")
        self.assertStatus(admin.get("/admin/users"), 200)

    def test_non_admin_403(self):
        uid = self.user_id(ENV.login("admin"), "viewer1")
        for role in ("chief", "secretariat", "mayor", "directorate", "viewer"):
            c = ENV.login(role)
            with self.subTest(role=role):
                self.assertStatus(c.get("/admin/users"), 403)
                self.assertStatus(c.get("/admin/users/new"), 403)
                self.assertStatus(c.post_form("/admin/users", {"username": "sizma", "display_name": "Sızma",
                                                               "role": "admin", "password": "Uzun-Bir-Parola-45"}),
                                  403)
                self.assertStatus(c.post_form("/admin/users/%d/disable" % uid, {}), 403)
        self.assertIsNone(self.user_id(ENV.login("admin"), "sizma"))
        ENV.login("viewer")  # still enabled


# ---------------------------------------------------------------------------------------------------------
# The audit page


class AuditPage(Base):
    def test_changes_with_before_after_filtered_by_type(self):
        r = self.admin.send_json("POST", "/api/v1/neighbourhoods", {"name": "Denetim Mahallesi",
                                                                    "muhtar_name": "Eski Muhtar"})
        self.assertStatus(r, 201)
        nid = r.json()["id"]
        r = self.admin.send_json("PUT", "/api/v1/neighbourhoods/%d" % nid, {"name": "Denetim Mahallesi",
                                                                           "muhtar_name": "Yeni Muhtar"})
        self.assertStatus(r, 200)
        chief = ENV.login("chief")
        page = chief.get("/admin/audit?record_type=neighbourhood")
        self.assertStatus(page, 200)
        rows = re.findall(r"<tr>(.*?)</tr>", page.text, re.S)
        mine = [r for r in rows if re.search(r">neighbourhood %d</a>" % nid, r)]
        self.assertEqual(len(mine), 2, "create and update of the neighbourhood")
        self.assertIn("<code>neighbourhood.update</code>", mine[0], "newest first")
        self.assertIn("<code>muhtar_name</code>: <del>Eski Muhtar</del> → <ins>Yeni Muhtar</ins>", mine[0])
        self.assertIn("<code>neighbourhood.create</code>", mine[1])
        self.assertIn("<ins>Denetim Mahallesi</ins>", mine[1])
        self.assertIn(">admin</a>", mine[0])
        # The filter: only neighbourhoods.
        actions = re.findall(r"<code>([a-z_]+\.[a-z_]+)</code>", page.text)
        self.assertTrue(actions)
        self.assertTrue(all(a.startswith("neighbourhood.") for a in actions), actions)
        self.assertIn('value="neighbourhood"', page.text, "the filter box keeps the value")
        # By record and by action.
        page = chief.get("/admin/audit?record_type=neighbourhood&record_id=%d" % nid)
        self.assertEqual(len(re.findall(r"<tr>", page.text)) - 1, 2)
        page = chief.get("/admin/audit?action=neighbourhood.update&record_id=%d" % nid)
        self.assertEqual(re.findall(r"<code>([a-z_]+\.[a-z_]+)</code>", page.text), ["neighbourhood.update"])
        page = chief.get("/admin/audit?record_type=nothing-like-this")
        self.assertIn("Bu ölçütlere uyan kayıt yok.", page.text)
        # The JSON API gives the values themselves.
        events = self.audit(record_type="neighbourhood", record_id=str(nid))
        self.assertEqual(events[0]["before"]["muhtar_name"], "Eski Muhtar")
        self.assertEqual(events[0]["after"]["muhtar_name"], "Yeni Muhtar")
        self.assertIsNone(events[1]["before"])

    def test_values_escaped(self):
        name = '<script>alert("denetim")</script> Mahallesi'
        r = self.admin.send_json("POST", "/api/v1/neighbourhoods", {"name": name})
        self.assertStatus(r, 201)
        page = self.admin.get("/admin/audit?record_type=neighbourhood&record_id=%d" % r.json()["id"])
        self.assertNotIn("<script>alert", page.text)
        self.assertIn("&lt;script&gt;alert(", page.text)

    def test_older_pages(self):
        """The "older" link pages through the events, each once, newest first."""
        for i in range(55):
            r = self.admin.send_json("POST", "/api/v1/neighbourhoods", {"name": "Sayfa Mahallesi %02d" % i})
            self.assertStatus(r, 201)
        seen, path = [], "/admin/audit?record_type=neighbourhood"
        for _ in range(20):
            page = self.admin.get(path)
            self.assertStatus(page, 200)
            ids = [int(x) for x in re.findall(r'<td data-label="#">(\d+)</td>', page.text)]
            self.assertLessEqual(len(ids), 50)
            seen += ids
            m = re.search(r'<a href="([^"]*)" rel="next">', page.text)
            if not m:
                break
            path = html.unescape(m.group(1))
            self.assertIn("record_type=neighbourhood", path)
        self.assertEqual(seen, sorted(set(seen), reverse=True))
        everything = []
        before = None
        while True:
            r = self.admin.get("/api/v1/audit?record_type=neighbourhood" + ("&before=%d" % before if before else ""))
            everything += [e["id"] for e in r.json()["items"]]
            before = r.json()["next_before"]
            if not before:
                break
        self.assertEqual(seen, everything)
        self.assertGreaterEqual(len(seen), 55)

    def test_roles(self):
        for role in ("secretariat", "mayor", "directorate", "viewer"):
            with self.subTest(role=role):
                self.assertStatus(ENV.login(role).get("/admin/audit"), 403)
        self.assertStatus(ENV.login("chief").get("/admin/audit"), 200)
        self.assertJsonError(ENV.login("chief").get("/api/v1/audit"), 403, "forbidden")


# ---------------------------------------------------------------------------------------------------------
# CSV


class Csv(Base):
    def upload(self, client, kind, data, filename="veri.csv", csrf=harness.AUTO):
        fields = {"kind": kind}
        token = client.csrf if csrf is harness.AUTO else csrf
        if token is not None:
            fields["_csrf"] = token
        body, ctype = harness.multipart(fields, [("file", filename, data)], file_type="text/csv")
        return client.request("POST", "/admin/import", body=body, content_type=ctype)

    def directorates(self):
        r = self.admin.get("/api/v1/directorates?limit=200")
        self.assertStatus(r, 200)
        return sorted((d["code"], d["name"], d.get("email"), d.get("phone")) for d in r.json()["items"])

    def test_directorates_csv_bom_and_turkish(self):
        r = ENV.login("viewer").get("/directorates.csv")
        self.assertStatus(r, 200)
        self.assertTrue(r.header("Content-Type").startswith("text/csv"), r.header("Content-Type"))
        self.assertRegex(r.header("Content-Disposition") or "",
                         r'^attachment; filename="directorates-\d{4}-\d\d-\d\d\.csv"$')
        self.assertTrue(r.body.startswith(b"\xef\xbb\xbf"), "no byte order mark: %r" % r.body[:10])
        text = r.body[3:].decode("utf-8")
        lines = text.split("\r\n")
        self.assertEqual(lines[0].split(";")[:2], ["kod", "ad"])
        self.assertIn(harness.DIR_A["code"] + ";" + harness.DIR_A["name"], text)
        self.assertIn("Test B Müdürlüğü", text)
        en = self.admin.get("/directorates.csv?lang=en")
        self.admin.cookies.pop("kalem_lang", None)
        self.assertEqual(en.body[3:].decode("utf-8").split("\r\n")[0].split(";")[:2], ["code", "name"])
        # Downloads are audited.
        self.assertTrue(any(e["record_id"] == "directorates" for e in self.audit(record_type="csv", action="export")))

    def test_import_good_file(self):
        chief = ENV.login("chief")
        page = chief.get("/admin/import")
        self.assertStatus(page, 200)
        data = ("Kod,Ad,E-posta,Telefon\r\n"
                "IMP-1,İmar ve Şehircilik Müdürlüğü,imar@meram.bel.tr,0332 123 45 67\r\n"
                "IMP-2,Çevre Koruma ve Kontrol Müdürlüğü,,\r\n").encode("utf-8")
        r = self.upload(chief, "directorates", data)
        self.assertStatus(r, 303)
        self.assertEqual(r.location, "/admin/import?kind=directorates&rows=2&inserted=2&updated=0&unchanged=0")
        done = chief.get(r.location)
        self.assertIn("2 satır içe aktarıldı: 2 yeni kayıt", done.text)
        got = {d["code"]: d for d in self.admin.get("/api/v1/directorates?limit=200&q=IMP-").json()["items"]}
        self.assertEqual(sorted(got), ["IMP-1", "IMP-2"])
        self.assertEqual(got["IMP-1"]["name"], "İmar ve Şehircilik Müdürlüğü")
        self.assertEqual(got["IMP-1"]["phone"], "+903321234567")
        self.assertEqual(got["IMP-2"]["name"], "Çevre Koruma ve Kontrol Müdürlüğü")
        # Our own export reads back as it is: nothing changes.
        export = self.admin.get("/directorates.csv").body
        r = self.upload(chief, "directorates", export)
        self.assertStatus(r, 303)
        self.assertRegex(r.location, r"inserted=0&updated=0&unchanged=\d+$")
        # A name that a spreadsheet would run as a formula is exported guarded, and still reads back unchanged.
        r = self.admin.send_json("POST", "/api/v1/directorates", {"code": "FRM-1", "name": "=1+2 Müdürlüğü"})
        self.assertStatus(r, 201)
        export = self.admin.get("/directorates.csv").body
        self.assertNotIn(b";=1+2", export)
        r = self.upload(chief, "directorates", export)
        self.assertStatus(r, 303)
        self.assertRegex(r.location, r"inserted=0&updated=0&unchanged=\d+$")
        self.assertEqual(self.admin.get("/api/v1/directorates?q=FRM-1").json()["items"][0]["name"], "=1+2 Müdürlüğü")
        # A neighbourhood file with a Windows-1254 (Excel) encoding, ';' separators and updates by folded name.
        data = "mahalle;muhtar;muhtar telefonu;nüfus\r\nYENİCE KÖY;Şükrü Işık;0532 000 11 22;1500\r\n"
        r = self.upload(chief, "neighbourhoods", data.encode("cp1254"))
        self.assertStatus(r, 303)
        items = self.admin.get("/api/v1/neighbourhoods?q=" + q("yenice köy")).json()["items"]
        self.assertEqual([(n["name"], n["muhtar_name"], n["muhtar_phone"], n["population"]) for n in items],
                         [("YENİCE KÖY", "Şükrü Işık", "+905320001122", 1500)])
        r = self.upload(chief, "neighbourhoods", "ad;muhtar\r\nyenice köy;Gül Işık\r\n".encode("utf-8"))
        self.assertStatus(r, 303)
        self.assertIn("updated=1", r.location)
        items = self.admin.get("/api/v1/neighbourhoods?q=" + q("yenice köy")).json()["items"]
        self.assertEqual([(n["name"], n["muhtar_name"], n["population"]) for n in items],
                         [("YENİCE KÖY", "Gül Işık", 1500)])
        # The import is in the audit trail, with each new record.
        self.assertTrue(any(e["record_id"] == "directorates" for e in self.audit(record_type="csv", action="import")))
        created = [e["after"]["code"] for e in self.audit(record_type="directorate", action="directorate.create")]
        self.assertIn("IMP-1", created)

    def test_import_one_bad_row_writes_nothing(self):
        chief = ENV.login("chief")
        before = self.directorates()
        imports_before = len(self.audit(record_type="csv", action="import"))
        data = ("kod;ad;e-posta\r\n"
                "BAD-1;Birinci İyi Satır;iyi@meram.bel.tr\r\n"
                "BAD-2;İkinci İyi Satır;\r\n"
                "BAD-3;Kötü Satır;bu-bir-adres-değil\r\n"
                "BAD-4;Dördüncü İyi Satır;\r\n").encode("utf-8")
        r = self.upload(chief, "directorates", data)
        self.assertStatus(r, 422)
        self.assertIn("hiçbir kayıt yazılmadı", r.text)
        rows = re.findall(r"<tr>\s*<td[^>]*>([^<]*)</td>\s*<td[^>]*>([^<]*)</td>\s*<td[^>]*>([^<]*)</td>\s*</tr>",
                          r.text)
        self.assertEqual([(a, html.unescape(b), html.unescape(c)) for a, b, c in rows],
                         [("4", "e-posta", "Geçersiz e-posta adresi")],
                         "the bad row is line 4 of the file (the header is line 1), column e-posta")
        self.assertEqual(self.directorates(), before, "a refused import wrote rows")
        self.assertEqual(len(self.audit(record_type="csv", action="import")), imports_before,
                         "a refused import is in the audit trail as done")
        # English, and several problems at once, each with its line and column.
        data = ("code,name,phone\r\n"
                "BAD-5,,\r\n"
                "BAD-6,Telefonu Kötü,12\r\n").encode("utf-8")
        r = self.upload(chief, "directorates", data, filename="bad.csv")
        self.assertStatus(r, 422)
        rows = re.findall(r"<tr>\s*<td[^>]*>([^<]*)</td>\s*<td[^>]*>([^<]*)</td>\s*<td[^>]*>([^<]*)</td>\s*</tr>",
                          r.text)
        self.assertEqual([(a, html.unescape(b)) for a, b, _ in rows], [("2", "name"), ("3", "phone")])
        self.assertEqual(html.unescape(rows[1][2]), "Geçersiz telefon numarası")
        self.assertEqual(self.directorates(), before)
        # A file that is not CSV of this kind, and no file at all.
        r = self.upload(chief, "directorates", "başlık;yok\r\n1;2\r\n".encode("utf-8"))
        self.assertStatus(r, 422)
        self.assertIn("Bilinmeyen sütun", html.unescape(r.text))
        r = self.upload(chief, "directorates", b"")
        self.assertStatus(r, 422)
        self.assertTrue(field_error(r.text, "file"))
        r = self.upload(chief, "nothing", b"kod;ad\r\nX;Y\r\n")
        self.assertStatus(r, 422)
        self.assertTrue(field_error(r.text, "kind"))
        self.assertEqual(self.directorates(), before)

    def test_import_roles_and_csrf(self):
        data = "kod;ad\r\nROL-1;Rol Müdürlüğü\r\n".encode("utf-8")
        before = self.directorates()
        for role in ("secretariat", "mayor", "directorate", "viewer"):
            c = ENV.login(role)
            with self.subTest(role=role):
                self.assertStatus(c.get("/admin/import"), 403)
                self.assertStatus(self.upload(c, "directorates", data), 403)
        chief = ENV.login("chief")
        self.assertStatus(self.upload(chief, "directorates", data, csrf=None), 403)
        self.assertStatus(self.upload(chief, "directorates", data, csrf="x" * 43), 403)
        self.assertEqual(self.directorates(), before)


if __name__ == "__main__":
    harness.main()
