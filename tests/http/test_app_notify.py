# test_app_notify.py: the e-mails of workflow 3 (applications) as a real SMTP server receives them, and the overdue escalation.
"""Applications' notifications against the real providers of #3 (providers.py), on SQLite and PostgreSQL.

A plain aiosmtpd server on loopback is Kalem's SMTP server and the recording gateway its SMS provider (set through
the admin page). An applicant who prefers e-mail is told at every step by e-mail and by nothing else: received
(with the tracking code), routed (naming the directorate), an interim notice, and the final feedback carrying the
directorate's answer; each message is checked as it arrived (envelope, headers on the wire in ASCII with the
Subject RFC 2047-encoded, a UTF-8 text body) and always in Turkish, although the staff who act use Kalem in
English. The server sweeps the clocks every second (KALEM_SWEEP_INTERVAL=1, docs/OPERATIONS.md): an application
received long ago is overdue on both clocks and the head of the secretariat (the chief user, who has an address)
receives exactly one e-mail about it, however many sweeps follow; a fresh application brings none.
"""
import email
import email.header
import email.policy
import re
import shutil
import tempfile
import time
from datetime import datetime, timedelta, timezone

import harness
import providers
from providers import FROM_ADDRESS, FROM_NAME, Gateway, Mailbox, start_smtp, wait_for

CHIEF_EMAIL = "ozel.kalem.muduru@meram.bel.tr"
TR = timezone(timedelta(hours=3))
ENV = harness.ModuleEnv(key_scopes=(), emails={"chief": CHIEF_EMAIL})
STATE = {}  # "box": the Mailbox, "smtp": its aiosmtpd controller, "gateway", "var"
ENGLISH_WORDS = ("Dear", "Your application", "application", "has been", "ran out")


def setUpModule():
    STATE["var"] = tempfile.mkdtemp(prefix="kalem-appmail-var-")
    try:
        STATE["box"] = Mailbox()
        STATE["smtp"] = start_smtp(STATE["box"])
        STATE["gateway"] = Gateway()
        STATE["gateway"].start()
        ENV.start(server_env={"KALEM_VAR": STATE["var"], "KALEM_SWEEP_INTERVAL": "1", "KALEM_NOTIFY_BACKOFF": "1",
                              "KALEM_NOTIFY_SCHEDULE": "1,2"})
        providers.configure(ENV.login("admin"), STATE["smtp"].port, STATE["gateway"].port)
    except BaseException:
        tearDownModule()  # unittest does not call it when setUpModule fails
        raise


def tearDownModule():
    try:
        ENV.close()
    finally:
        if "smtp" in STATE:
            STATE.pop("smtp").stop()
        if "gateway" in STATE:
            STATE["gateway"].reset()
            STATE.pop("gateway").stop()
        shutil.rmtree(STATE.get("var", "/nonexistent"), ignore_errors=True)


def iso(dt):
    return dt.astimezone(TR).isoformat(timespec="seconds")


def english(client):
    """The client uses Kalem in English from now on (the language cookie the ?lang=en link sets)."""
    client.cookies["kalem_lang"] = "en"
    return client


def mails(rcpt, containing=None):
    """The messages the SMTP server received for rcpt (whose raw text contains containing), oldest first."""
    got = STATE["box"].for_recipient(rcpt)
    if containing is not None:
        got = [m for m in got if containing in parsed(m)["Subject"] + body_of(parsed(m))]
    return got


def parsed(m):
    return email.message_from_bytes(m["data"], policy=email.policy.default)


def body_of(msg):
    """The text/plain body, line ends as LF."""
    return msg.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")


class AppMailCase(harness.KalemCase):
    def create(self, client, **values):
        body = {"kind": "complaint", "channel": "phone", "category_code": "parks_green"}
        body.update(values)
        r = client.send_json("POST", "/api/v1/applications", body)
        self.assertStatus(r, 201)
        return r.json()

    def act(self, client, aid, action, **fields):
        fields["action"] = action
        r = client.send_json("POST", "/api/v1/applications/%d/transitions" % aid, fields)
        self.assertStatus(r, 200, action)
        return r.json()

    def notifications(self, aid):
        r = ENV.login("admin").get("/api/v1/notifications?record_type=application&record_id=%d" % aid)
        self.assertStatus(r, 200)
        return sorted(r.json()["items"], key=lambda n: n["id"])

    def next_mail(self, rcpt, count, what):
        """Waits for the count-th message to rcpt; returns it (and checks no more came meanwhile)."""
        got = wait_for(lambda: mails(rcpt) if len(mails(rcpt)) >= count else None, 30,
                       "%s at the SMTP server" % what)
        self.assertEqual(len(got), count, "one message per step: %s" % [parsed(m)["Subject"] for m in got])
        return got[-1]

    def check_mail(self, m, to, subject, paragraphs):
        """m: a message as received; to its envelope and To; subject the decoded Subject; the body's paragraphs."""
        self.assertEqual(m["mail_from"], FROM_ADDRESS)
        self.assertEqual(m["rcpt_tos"], [to])
        raw = m["data"]
        raw.decode("ascii")  # only ASCII on the wire: the Turkish travels encoded
        head = raw.split(b"\r\n\r\n", 1)[0].decode("ascii")
        fields = re.findall(r"(?m)^Subject:([^\r\n]*(?:\r\n[ \t][^\r\n]*)*)", head)
        self.assertEqual(len(fields), 1, head)
        encoded = fields[0].strip()
        self.assertRegex(encoded, r"^=\?(?i:utf-8)\?[BbQq]\?", "an RFC 2047 encoded-word: %s" % encoded)
        decoded = str(email.header.make_header(email.header.decode_header(encoded)))
        self.assertEqual(decoded, subject)
        msg = parsed(m)
        self.assertEqual(str(msg["Subject"]), subject)
        sender = msg["From"].addresses[0]
        self.assertEqual((sender.display_name, sender.addr_spec), (FROM_NAME, FROM_ADDRESS))
        self.assertEqual([a.addr_spec for a in msg["To"].addresses], [to])
        self.assertEqual(msg["Auto-Submitted"], "auto-generated")
        self.assertTrue(msg["Message-ID"])
        text = msg.get_body(preferencelist=("plain",))
        self.assertIsNotNone(text, "a text/plain body")
        self.assertEqual(text.get_content_charset(), "utf-8")
        self.assertIn(text["Content-Transfer-Encoding"], ("quoted-printable", "base64"))
        body = body_of(msg)
        self.assertEqual(body.strip().split("\n\n"), paragraphs, body)
        for word in ENGLISH_WORDS:
            self.assertNotIn(word, subject)
            self.assertNotIn(word, body)
        return msg


class ApplicantByEmail(AppMailCase):
    def test_every_step_by_email_in_turkish_for_english_staff(self):
        to = "zeynep.ozturk@example.org"
        name, subj = "Zeynep Öztürk", "Çınar ağacının dalları kırıldı"
        sec = english(ENV.login("secretariat"))
        dir_a = english(ENV.login("directorate"))
        # The staff really work in English: the same request answers in English.
        err = sec.send_json("POST", "/api/v1/applications", {"kind": "complaint", "subject": ""})
        self.assertStatus(err, 422)
        tr_err = ENV.login("secretariat").send_json("POST", "/api/v1/applications", {"kind": "complaint",
                                                                                       "subject": ""})
        self.assertNotEqual(err.json()["error"]["message"], tr_err.json()["error"]["message"])
        page = sec.get("/applications")
        self.assertStatus(page, 200)
        self.assertIn('<html lang="en"', page.text)

        # Received: the tracking code, by e-mail (preferred) although a phone number was given too.
        a = self.create(sec, applicant_name=name, phone="0532 222 33 44", email=to, preferred_channel="email",
                        subject=subj, description="Rüzgârda kopan dallar yürüyüş yolunu kapattı.")
        aid, code = a["id"], a["tracking_code"]
        self.assertRegex(code, r"^B[A-Z2-9]{9}$")
        m = self.next_mail(to, 1, "the received e-mail")
        got = self.check_mail(m, to, "Başvurunuz alındı (%s)" % code, [
            'Sayın %s, "%s" konulu başvurunuz alınmıştır. Takip kodunuz: %s. Başvurunuzun durumunu bu kod ve '
            'telefon numaranızın son dört hanesiyle izleyebilirsiniz.' % (name, subj, code)])
        message_ids = [got["Message-ID"]]

        # Routed: the applicant is told which directorate has it.
        self.act(sec, aid, "route", directorates=[ENV.dir_a], note="Acil budama")
        m = self.next_mail(to, 2, "the routed e-mail")
        got = self.check_mail(m, to, "Başvurunuz ilgili birime iletildi (%s)" % code, [
            'Sayın %s, %s takip kodlu "%s" konulu başvurunuz değerlendirilmek üzere %s birimine iletilmiştir.'
            % (name, code, subj, harness.DIR_A["name"])])
        message_ids.append(got["Message-ID"])

        # An interim notice of the stage reached, by e-mail.
        interim = "Ekiplerimiz ağacı yerinde inceledi; budama önümüzdeki hafta yapılacak."
        o = self.act(sec, aid, "interim", via="email", text=interim)
        self.assertEqual(o["clocks"]["legal"]["status"], "stopped")
        m = self.next_mail(to, 3, "the interim e-mail")
        got = self.check_mail(m, to, "Başvurunuzun durumu (%s)" % code, [
            'Sayın %s, %s takip kodlu "%s" konulu başvurunuzun geldiği aşama:' % (name, code, subj), interim])
        message_ids.append(got["Message-ID"])

        # The directorate answers (in English too); the office gives the final feedback by e-mail: the answer.
        answer = "Kırılan dallar kesildi, yürüyüş yolu açıldı. Çınar ağacı 3 Mart'ta budandı."
        rid = o["routes"][0]["id"]
        for action, fields in (("accept", {}), ("answer", {"answer": answer})):
            r = dir_a.send_json("POST", "/api/v1/applications/%d/routes/%d/transitions" % (aid, rid),
                                dict(fields, action=action))
            self.assertStatus(r, 200, action)
        self.assertEqual(r.json()["state"], "answered")
        self.assertEqual(len(mails(to)), 3, "answering tells the applicant nothing yet")
        o = self.act(sec, aid, "give_feedback", via="email")
        self.assertEqual(o["state"], "feedback_given")
        self.assertEqual(o["feedback_via"], "email")
        m = self.next_mail(to, 4, "the feedback e-mail")
        got = self.check_mail(m, to, "Başvurunuzun sonucu (%s)" % code, [
            'Sayın %s, %s takip kodlu "%s" konulu başvurunuzun sonucu:' % (name, code, subj), answer])
        message_ids.append(got["Message-ID"])

        # Nothing more arrives, nothing went by SMS, and each message is the outbox's record of it, sent once.
        time.sleep(2)
        self.assertEqual(len(mails(to)), 4)
        self.assertEqual(STATE["gateway"].containing(code), [])
        self.assertEqual(len(set(message_ids)), 4)
        notes = self.notifications(aid)
        self.assertEqual([n["template_key"] for n in notes], ["application_received", "application_routed",
                                                              "application_interim", "application_feedback"])
        for n, mid in zip(notes, message_ids):
            self.assertEqual((n["channel"], n["recipient"], n["status"], n["attempts"]), ("email", to, "sent", 1))
            self.assertEqual(n["provider_id"], mid)
        contacts = [(c["kind"], c["via"]) for c in self.get_app(sec, aid)["contacts"]]
        self.assertIn(("interim", "email"), contacts)
        self.assertIn(("final", "email"), contacts)

    def test_feedback_by_email_with_the_office_text_and_sms_applicant_not_mailed(self):
        """give_feedback by e-mail with its own text; an applicant preferring SMS gets no e-mail until asked."""
        to = "mehmet.cakir@example.org"
        sec = english(ENV.login("secretariat"))
        a = self.create(sec, applicant_name="Mehmet Çakır", phone="0533 444 55 66", email=to,
                        preferred_channel="sms", subject="Oyun parkında kırık kaydırak")
        aid, code = a["id"], a["tracking_code"]
        wait_for(lambda: STATE["gateway"].containing(code), 30, "the received SMS at the gateway")
        self.act(sec, aid, "answer", answer="Kaydırak değiştirildi.")
        self.assertEqual(mails(to), [], "an applicant who prefers SMS is not e-mailed")
        # Bad feedback is refused and sends nothing: an unknown channel; e-mail to one who gave no address.
        err = self.assertJsonError(sec.send_json("POST", "/api/v1/applications/%d/transitions" % aid, {
            "action": "give_feedback", "via": "pigeon", "text": "x"}), 422)
        self.assertEqual(err["field"], "via")
        no_mail = self.create(sec, applicant_name="Adres Yok", phone="0533 444 55 00", subject="Adressiz başvuru")
        self.act(sec, no_mail["id"], "answer", answer="Yapıldı.")
        err = self.assertJsonError(sec.send_json("POST", "/api/v1/applications/%d/transitions" % no_mail["id"], {
            "action": "give_feedback", "via": "email", "text": "Yapıldı."}), 422)
        self.assertEqual(err["field"], "via")
        self.assertEqual(self.get_app(sec, no_mail["id"])["state"], "answered")
        self.assertEqual([n["template_key"] for n in self.notifications(no_mail["id"])], ["application_received"])
        self.assertEqual(self.get_app(sec, aid)["state"], "answered")
        text = "Sayın Mehmet Bey, kaydırak yenisiyle değiştirildi; ilginiz için teşekkür ederiz."
        self.act(sec, aid, "give_feedback", via="email", text=text)
        m = self.next_mail(to, 1, "the feedback e-mail")
        self.check_mail(m, to, "Başvurunuzun sonucu (%s)" % code, [
            'Sayın Mehmet Çakır, %s takip kodlu "Oyun parkında kırık kaydırak" konulu başvurunuzun sonucu:' % code,
            text])
        self.assertEqual([n["template_key"] for n in self.notifications(aid) if n["channel"] == "email"],
                         ["application_feedback"])

    def get_app(self, client, aid):
        r = client.get("/api/v1/applications/%d" % aid)
        self.assertStatus(r, 200)
        return r.json()


class Escalation(AppMailCase):
    def events(self, aid):
        r = ENV.login("admin").get("/api/v1/applications/%d/events" % aid)
        self.assertStatus(r, 200)
        return r.json()["items"]

    def test_overdue_reaches_the_head_of_the_secretariat_once(self):
        sec = english(ENV.login("secretariat"))
        now = datetime.now(TR)
        subj = "Kaldırımı kaldıran ağaç kökleri"
        late = self.create(sec, applicant_name="Hatice Demir", phone="0535 666 77 88", subject=subj,
                           channel="letter", received_at=iso(now - timedelta(days=60)))
        fresh = self.create(sec, applicant_name="Ali Kaya", phone="0535 666 77 99", subject="Yeni dikilen fidanlar")
        code = late["tracking_code"]
        m = wait_for(lambda: mails(CHIEF_EMAIL, code), 30, "the overdue e-mail to the chief")[0]
        o = ENV.login("admin").get("/api/v1/applications/%d" % late["id"]).json()
        due = o["clocks"]["office"]["due"]
        self.assertTrue(due)
        self.check_mail(m, CHIEF_EMAIL, "Süresi dolan başvuru: %s" % code, [
            '%s takip kodlu "%s" konulu başvurunun ofis hedef süresi %s itibarıyla doldu.' % (code, subj, due)])
        # 60 days: both the office target and the 30-day legal clock ran out, in the same sweep; one escalation.
        ev = self.events(late["id"])
        self.assertEqual(sorted(e["clock"] for e in ev if e["event"] == "overdue"), ["legal", "office"], ev)
        self.assertEqual(len([e for e in ev if e["event"] == "escalated"]), 1, ev)
        self.assertEqual(o["clocks"]["office"]["status"], "overdue")
        # Several more sweeps: still exactly one e-mail, and none for the fresh application.
        time.sleep(4)
        self.assertEqual(len(mails(CHIEF_EMAIL, code)), 1)
        self.assertEqual(mails(CHIEF_EMAIL, fresh["tracking_code"]), [])
        self.assertEqual(len([e for e in self.events(late["id"]) if e["event"] == "escalated"]), 1)
        chief = [n for n in self.notifications(late["id"]) if n["recipient"] == CHIEF_EMAIL]
        self.assertEqual([(n["template_key"], n["status"]) for n in chief], [("application_overdue", "sent")])
        self.assertEqual(chief[0]["provider_id"], parsed(m)["Message-ID"])
        # The applicant (SMS, no address) was told by SMS only; the SMTP server saw nothing else about it.
        self.assertEqual(len(STATE["gateway"].containing(code)), 1)
        with STATE["box"].lock:
            about = [x for x in STATE["box"].messages if code in parsed(x)["Subject"]]
        self.assertEqual(len(about), 1)

    def test_category_target_shortened_makes_it_overdue_and_escalates_once(self):
        """An administrator shortens a category's office target: an open application under it falls overdue."""
        chief = english(ENV.login("chief"))
        r = chief.send_json("POST", "/api/v1/categories", {
            "code": "tree_roots_%d" % (time.time_ns() % 10 ** 9), "name_tr": "Ağaç kökleri", "name_en": "Tree roots",
            "directorate_id": ENV.dir_a, "office_warn_days": 20, "office_due_days": 30, "legal_clock": "none"})
        self.assertStatus(r, 201)
        cat = r.json()
        subj = "Bahçe duvarını yıkan kökler"
        sec = ENV.login("secretariat")
        a = self.create(sec, applicant_name="Emine Şahin", phone="0536 123 45 67", subject=subj, channel="letter",
                        category_code=cat["code"], received_at=iso(datetime.now(TR) - timedelta(days=10)))
        code = a["tracking_code"]
        self.assertEqual(a["clocks"]["office"]["status"], "running")
        self.assertEqual(a["clocks"]["legal"]["status"], "none")
        time.sleep(2.5)  # two sweeps: not due, nothing sent
        self.assertEqual(mails(CHIEF_EMAIL, code), [])
        r = chief.send_json("PUT", "/api/v1/categories/%d" % cat["id"], {"office_warn_days": 1, "office_due_days": 2})
        self.assertStatus(r, 200)
        m = wait_for(lambda: mails(CHIEF_EMAIL, code), 30, "the overdue e-mail after the policy change")[0]
        o = ENV.login("admin").get("/api/v1/applications/%d" % a["id"]).json()
        self.check_mail(m, CHIEF_EMAIL, "Süresi dolan başvuru: %s" % code, [
            '%s takip kodlu "%s" konulu başvurunun ofis hedef süresi %s itibarıyla doldu.'
            % (code, subj, o["clocks"]["office"]["due"])])
        time.sleep(3)
        self.assertEqual(len(mails(CHIEF_EMAIL, code)), 1)
        ev = self.events(a["id"])
        self.assertEqual([e["clock"] for e in ev if e["event"] == "overdue"], ["office"], ev)
        self.assertEqual(len([e for e in ev if e["event"] == "escalated"]), 1, ev)


if __name__ == "__main__":
    harness.main()
