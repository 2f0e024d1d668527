# test_notify.py: notifications end to end: a real SMTP server (aiosmtpd) and an HTTP SMS gateway on loopback.
"""The outbox against real providers.

A plain SMTP server and a STARTTLS SMTP server requiring AUTH (aiosmtpd, Debian's python3-aiosmtpd) store the
messages they receive; a small HTTP gateway (http.server) records every request and can be told to fail, refuse,
hang or be down (both in providers.py, shared with the applications' tests). The server runs with seconds instead of minutes between attempts. Settings are made through the
admin page, messages are queued with the "send a test" actions, outcomes read from the JSON API and the
notifications page. Run with /usr/bin/python3 (aiosmtpd is a Debian package).
"""
import email
import email.policy
import email.utils
import json
import logging
import os
import re
import ssl
import shutil
import subprocess
import tempfile
import time
import unittest
import urllib.parse

import harness
import providers
from providers import FROM_ADDRESS, FROM_NAME, Gateway, Mailbox, start_smtp, wait_for

try:
    from aiosmtpd.smtp import AuthResult, LoginPassword
except ImportError:  # pragma: no cover - reported as a failure below
    AuthResult = None

logging.getLogger("mail.log").setLevel(logging.ERROR)  # aiosmtpd's own AUTH code logs a deprecation notice

ENV = harness.ModuleEnv()
STATE = {}  # "server": the kalem server in use (replaced after a kill -9), mail servers, gateway, admin client

NAME = "Işık Şüküroğlu"
SUBJECT = "Kalem deneme iletisi — Işık Şüküroğlu"
SMS_TEXT = ("Özel Kalem Müdürlüğü: Kalem SMS deneme iletisi. Sayın Işık Şüküroğlu, bu ileti SMS ayarlarını "
            "denemek için gönderildi.")
SMTP_USER, SMTP_PASSWORD = "kalem", "s3cret-Parola"
GATEWAY_TOKEN = "Bearer gw-secret-123"
LEASE_S = 10
SERVER_ENV = {
    "KALEM_NOTIFY_BACKOFF": "1",        # seconds, not minutes
    "KALEM_NOTIFY_SCHEDULE": "1,2",     # 1 s, then 2 s between attempts
    "KALEM_NOTIFY_MAX_ATTEMPTS": "4",
    "KALEM_NOTIFY_LEASE": str(LEASE_S),
}


# ---------------------------------------------------------------------------------------------------------
# The providers


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = (isinstance(auth_data, LoginPassword) and auth_data.login == SMTP_USER.encode()
          and auth_data.password == SMTP_PASSWORD.encode())
    return AuthResult(success=ok, handled=False)


def make_certificate(directory):
    key, cert = os.path.join(directory, "smtp-key.pem"), os.path.join(directory, "smtp-cert.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                    "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
                   check=True, capture_output=True, timeout=60)
    return key, cert


def setUpModule():
    if AuthResult is None:
        raise RuntimeError("python3-aiosmtpd is missing: run with /usr/bin/python3 (scripts/deps.sh installs it)")
    certdir = tempfile.mkdtemp(prefix="kalem-notify-")
    STATE["certdir"] = certdir
    key, cert = make_certificate(certdir)
    env = dict(SERVER_ENV, KALEM_TLS_CA_FILE=cert)
    STATE["env"] = env

    plain = Mailbox()
    c1 = start_smtp(plain)
    tls_box = Mailbox()
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(cert, key)
    c2 = start_smtp(tls_box, tls_context=ctx, require_starttls=True, authenticator=authenticator, auth_required=True,
                    auth_require_tls=True)
    STATE.update(plain=plain, plain_ctl=c1, tls=tls_box, tls_ctl=c2)
    gw = Gateway()
    gw.start()
    STATE["gateway"] = gw

    ENV.start(server_env=env)
    STATE["server"] = ENV.server
    admin = ENV.client(ENV.server)
    admin.login(harness.ADMIN)
    STATE["admin"] = admin
    configure(admin)


def tearDownModule():
    try:
        ENV.close()
    finally:
        for name in ("plain_ctl", "tls_ctl"):
            if name in STATE:
                STATE[name].stop()
        if "gateway" in STATE:
            STATE["gateway"].reset()
            STATE["gateway"].stop()
        shutil.rmtree(STATE.get("certdir", "/nonexistent"), ignore_errors=True)


def settings_form(**overrides):
    form = {"sms_auth_header": "Authorization", "sms_auth_value": GATEWAY_TOKEN}
    form.update(overrides)
    return providers.settings_form(STATE["plain_ctl"].port, STATE["gateway"].port, **form)


def configure(admin, **overrides):
    """Saves the settings through the admin page."""
    admin.get("/admin/settings")
    r = admin.post_form("/admin/settings", settings_form(**overrides))
    if r.status != 303:
        raise AssertionError("saving the settings: %d %s" % (r.status, r.text[:2000]))


def server():
    return STATE["server"]


def admin():
    c = STATE["admin"]
    c.server = server()
    return c


def notification(nid):
    r = admin().get("/api/v1/notifications/%d" % nid)
    if r.status != 200:
        raise AssertionError("GET notification %d: %d %s" % (nid, r.status, r.text[:300]))
    return r.json()


def wait_status(nid, status, timeout=20.0):
    last = {}

    def check():
        last["n"] = notification(nid)
        return last["n"] if last["n"]["status"] == status else None

    try:
        return wait_for(check, timeout, "notification %d to be %s" % (nid, status))
    except AssertionError as e:
        raise AssertionError("%s; last seen: %s" % (e, json.dumps(last.get("n"), ensure_ascii=False)))


def queued_id(resp):
    """The id of the notification a test action queued, from its redirect."""
    m = re.search(r"/admin/notifications#n-(\d+)$", resp.location or "")
    if resp.status != 303 or not m:
        raise AssertionError("expected a redirect to the queued notification: %d %s %s"
                             % (resp.status, resp.location, resp.text[:500]))
    return int(m.group(1))


def send_test_sms(client=None, to="0532 123 45 67", name=NAME):
    c = client or admin()
    c.get("/admin/settings/test")
    return queued_id(c.post_form("/admin/settings/test-sms", {"sms_to": to, "sms_name": name}))


def send_test_email(to, name=NAME):
    c = admin()
    c.get("/admin/settings/test")
    return queued_id(c.post_form("/admin/settings/test-email", {"email_to": to, "email_name": name}))


def unfold_ics(text):
    """iCalendar content lines (RFC 5545 3.1: a CRLF followed by a space or tab continues the line)."""
    return re.sub(r"\r?\n[ \t]", "", text).splitlines()


# ---------------------------------------------------------------------------------------------------------


class Notifications(harness.KalemCase):
    def setUp(self):
        STATE["gateway"].reset()

    def test_01_email_arrives_encoded_with_its_ics(self):
        to = "isik.sukuroglu@example.org"
        nid = send_test_email(to)
        box = STATE["plain"]
        msgs = wait_for(lambda: box.for_recipient(to), 20, "the e-mail at the SMTP server")
        self.assertEqual(len(msgs), 1)
        got = msgs[0]
        self.assertEqual(got["mail_from"], FROM_ADDRESS)
        self.assertEqual(got["rcpt_tos"], [to])
        self.assertFalse(got["tls"])
        self.assertFalse(got["authenticated"])
        raw = got["data"]
        # Only ASCII on the wire: the Turkish text travels encoded.
        raw.decode("ascii")
        head = raw.split(b"\r\n\r\n", 1)[0].decode("ascii")
        self.assertRegex(head, r"(?m)^Subject: =\?UTF-8\?B\?")
        # Our encoded headers keep to RFC 2047's 76 characters a line (continuation lines included).
        field = None
        for line in head.split("\r\n"):
            if not line.startswith((" ", "\t")):
                field = line.split(":", 1)[0]
            if field in ("Subject", "From"):
                self.assertLessEqual(len(line), 76, line)
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        self.assertEqual(str(msg["Subject"]), SUBJECT)
        sender = msg["From"].addresses[0]
        self.assertEqual(sender.display_name, FROM_NAME)
        self.assertEqual(sender.addr_spec, FROM_ADDRESS)
        self.assertEqual(msg["To"].addresses[0].addr_spec, to)
        self.assertEqual(msg["MIME-Version"], "1.0")
        self.assertEqual(msg["Auto-Submitted"], "auto-generated")
        message_id = msg["Message-ID"]
        self.assertRegex(message_id, r"^<kalem\.%d\.\d+@meram\.bel\.tr>$" % nid)
        date = email.utils.parsedate_to_datetime(msg["Date"])
        self.assertEqual(date.utcoffset().total_seconds(), 3 * 3600)
        self.assertLess(abs(date.timestamp() - time.time()), 300)
        self.assertTrue(msg.is_multipart())
        self.assertEqual(msg.get_content_type(), "multipart/mixed")

        text = msg.get_body(preferencelist=("plain",))
        self.assertEqual(text.get_content_charset(), "utf-8")
        self.assertEqual(text["Content-Transfer-Encoding"], "quoted-printable")
        body = text.get_content()
        self.assertTrue(body.startswith("Sayın Işık Şüküroğlu,\r\n\r\nBu ileti, Özel Kalem Müdürlüğü adına")
                        or body.startswith("Sayın Işık Şüküroğlu,\n\nBu ileti, Özel Kalem Müdürlüğü adına"), body)
        self.assertIn("Bu iletiyi yanıtlamanız gerekmez.", body)

        attachments = list(msg.iter_attachments())
        self.assertEqual(len(attachments), 1)
        ics = attachments[0]
        self.assertEqual(ics.get_filename(), "kalem-deneme.ics")
        self.assertEqual(ics.get_content_type(), "text/calendar")
        self.assertEqual(ics.get_param("method"), "REQUEST")
        self.assertEqual(ics["Content-Transfer-Encoding"], "base64")
        lines = unfold_ics(ics.get_payload(decode=True).decode("utf-8"))
        self.assertEqual(lines[0], "BEGIN:VCALENDAR")
        self.assertEqual(lines[-1], "END:VCALENDAR")
        self.assertIn("METHOD:REQUEST", lines)
        self.assertIn("VERSION:2.0", lines)
        self.assertIn("BEGIN:VEVENT", lines)
        self.assertIn("SUMMARY:Kalem deneme etkinliği", lines)
        self.assertIn("ATTENDEE:mailto:%s" % to, lines)
        self.assertIn("ORGANIZER:mailto:%s" % FROM_ADDRESS, lines)
        start = [l for l in lines if l.startswith("DTSTART")]
        self.assertEqual(len(start), 1)
        self.assertRegex(start[0], r"^DTSTART:\d{8}T070000Z$")  # 10:00 in Turkey

        n = wait_status(nid, "sent")
        self.assertEqual(n["attempts"], 1)
        self.assertEqual(n["channel"], "email")
        self.assertEqual(n["recipient"], to)
        self.assertEqual(n["subject"], SUBJECT)
        self.assertEqual(n["provider_id"], message_id)
        self.assertGreater(n["sent_at"], 0)
        page = admin().get("/admin/notifications")
        self.assertStatus(page, 200)
        row = re.search(r'<tr id="n-%d" data-status="sent">(.*?)</tr>' % nid, page.text, re.S)
        self.assertIsNotNone(row, page.text[:3000])
        self.assertIn("Gönderildi", row.group(1))
        self.assertIn('class="tag ok"', row.group(1))
        self.assertIn("kalem-deneme.ics", row.group(1))

    def test_02_sms_reaches_the_gateway(self):
        nid = send_test_sms()
        gw = STATE["gateway"]
        reqs = wait_for(lambda: gw.for_ref("kalem-%d" % nid), 20, "the SMS at the gateway")
        n = wait_status(nid, "sent")
        self.assertEqual(len(gw.for_ref("kalem-%d" % nid)), 1)
        req = reqs[0]
        self.assertEqual(req["method"], "POST")
        self.assertEqual(req["path"], "/send")
        self.assertEqual(req["headers"].get("Authorization"), GATEWAY_TOKEN)
        self.assertEqual(req["headers"].get("Content-Type"), "application/json; charset=utf-8")
        body = json.loads(req["body"].decode("utf-8"))
        self.assertEqual(body, {"to": "+905321234567", "text": SMS_TEXT, "sender": "MERAMBLD",
                                "ref": "kalem-%d" % nid})
        self.assertEqual(n["attempts"], 1)
        self.assertEqual(n["recipient"], "+905321234567")
        self.assertRegex(n["provider_id"], r"^gw-\d+$")

    def test_03_sms_form_body_by_get(self):
        """A provider taking GET with the values in the URL: percent-encoded."""
        a = admin()
        try:
            configure(a, sms_method="GET", sms_body_template="",
                      sms_url="http://127.0.0.1:%d/api?to={to}&gsm={to_digits}&msg={text}&hdr={sender}&ref={ref}"
                      % STATE["gateway"].port)
            nid = send_test_sms()
            wait_status(nid, "sent")
            gw = STATE["gateway"]
            with gw.lock:
                mine = [r for r in gw.requests if ("ref=kalem-%d" % nid) in r["path"]]
            self.assertEqual(len(mine), 1)
            self.assertEqual(mine[0]["method"], "GET")
            q = urllib.parse.parse_qs(urllib.parse.urlsplit(mine[0]["path"]).query)
            self.assertEqual(q["to"], ["+905321234567"])
            self.assertEqual(q["gsm"], ["905321234567"])
            self.assertEqual(q["msg"], [SMS_TEXT])
            self.assertEqual(q["hdr"], ["MERAMBLD"])
        finally:
            configure(a)

    def test_04_sms_retried_until_accepted(self):
        gw = STATE["gateway"]
        gw.fail_next = 2
        nid = send_test_sms()
        n = wait_status(nid, "sent", 30)
        self.assertEqual(n["attempts"], 3)
        reqs = gw.for_ref("kalem-%d" % nid)
        self.assertEqual([r["outcome"] for r in reqs], ["fail", "fail", "ok"])
        # The schedule is kept: 1 s after the first failure, 2 s after the second. Due times are whole seconds,
        # so a wait of d seconds lasts more than d - 1.
        self.assertGreater(reqs[1]["at"] - reqs[0]["at"], 0.0)
        self.assertGreater(reqs[2]["at"] - reqs[1]["at"], 0.95)

    def test_05_sms_failed_after_max_attempts_shown_and_retried(self):
        gw = STATE["gateway"]
        gw.fail_always = True
        nid = send_test_sms()
        n = wait_status(nid, "failed", 40)
        self.assertEqual(n["attempts"], 4)
        self.assertIn("HTTP 503", n["last_error"])
        self.assertIn("temporarily unavailable", n["last_error"])
        self.assertEqual(len(gw.for_ref("kalem-%d" % nid)), 4)
        time.sleep(2.5)  # nothing more is tried once it failed
        self.assertEqual(len(gw.for_ref("kalem-%d" % nid)), 4)

        # Staff see it: the chief's list of failed ones, and failed first in the full list.
        chief = ENV.login("chief", server())
        page = chief.get("/admin/notifications?status=failed")
        self.assertStatus(page, 200)
        row = re.search(r'<tr id="n-%d" data-status="failed">(.*?)</tr>' % nid, page.text, re.S)
        self.assertIsNotNone(row, page.text[:3000])
        self.assertIn("Gönderilemedi", row.group(1))
        self.assertIn('class="tag error"', row.group(1))
        self.assertIn("HTTP 503", row.group(1))
        self.assertIn("/admin/notifications/%d/retry" % nid, row.group(1))
        full = chief.get("/admin/notifications").text
        first_row = re.search(r'<tr id="n-(\d+)" data-status="(\w+)"', full)
        self.assertEqual(first_row.group(2), "failed")
        self.assertNotIn('data-status="sent"', full[:full.find('data-status="failed"')])
        api = chief.get("/api/v1/notifications?status=failed").json()["items"]
        self.assertIn(nid, [i["id"] for i in api])

        # The provider is back; the chief retries it from the page.
        gw.fail_always = False
        r = chief.post_form("/admin/notifications/%d/retry" % nid, {"back": "/admin/notifications?status=failed"})
        self.assertStatus(r, 303)
        self.assertEqual(r.location, "/admin/notifications?status=failed")
        n = wait_status(nid, "sent")
        self.assertEqual(n["attempts"], 5)
        self.assertEqual([x["outcome"] for x in gw.for_ref("kalem-%d" % nid)], ["fail"] * 4 + ["ok"])
        # Sent: neither retried nor cancelled any more.
        self.assertStatus(chief.post_form("/admin/notifications/%d/retry" % nid), 409)
        self.assertStatus(chief.post_form("/admin/notifications/%d/cancel" % nid), 409)
        self.assertStatus(chief.post_form("/admin/notifications/999999/retry"), 404)
        events = admin().get("/api/v1/audit?record_type=notification&record_id=%d" % nid)
        self.assertStatus(events, 200)
        self.assertIn("notification.retry", events.text)

    def test_06_refused_fails_at_once_and_is_cancelled(self):
        gw = STATE["gateway"]
        gw.refuse = True
        nid = send_test_sms()
        n = wait_status(nid, "failed")
        self.assertEqual(n["attempts"], 1)
        self.assertIn("HTTP 400", n["last_error"])
        sec = ENV.login("secretariat", server())
        r = sec.post_form("/admin/notifications/%d/cancel" % nid, {"back": "//evil.example/"})
        self.assertStatus(r, 303)
        self.assertEqual(r.location, "/admin/notifications")
        self.assertEqual(notification(nid)["status"], "cancelled")
        self.assertStatus(sec.post_form("/admin/notifications/%d/retry" % nid), 409)
        page = sec.get("/admin/notifications?status=cancelled")
        self.assertIn('<tr id="n-%d" data-status="cancelled">' % nid, page.text)
        self.assertIn("İptal edildi", page.text)

    def test_07_starttls_and_auth(self):
        a = admin()
        tls_port = STATE["tls_ctl"].port
        try:
            configure(a, smtp_port=str(tls_port), smtp_security="starttls", smtp_username=SMTP_USER,
                      smtp_password=SMTP_PASSWORD)
            to = "tls.alici@example.org"
            nid = send_test_email(to)
            wait_status(nid, "sent")
            msgs = STATE["tls"].for_recipient(to)
            self.assertEqual(len(msgs), 1)
            self.assertTrue(msgs[0]["tls"])
            self.assertTrue(msgs[0]["authenticated"])
            msg = email.message_from_bytes(msgs[0]["data"], policy=email.policy.default)
            self.assertEqual(str(msg["Subject"]), SUBJECT)
            # A wrong password: 535, a permanent refusal, failed at once and shown with the server's reason.
            configure(a, smtp_port=str(tls_port), smtp_security="starttls", smtp_username=SMTP_USER,
                      smtp_password="wrong-password-1")
            bad = send_test_email("tls.ikinci@example.org")
            n = wait_status(bad, "failed")
            self.assertEqual(n["attempts"], 1)
            self.assertIn("535", n["last_error"])
            # STARTTLS is required: a server without it is not used in plain text.
            configure(a, smtp_security="starttls", smtp_username="", smtp_password="",
                      smtp_password_clear="1")
            plain_to = "plain.starttls@example.org"
            nid = send_test_email(plain_to)
            n = wait_for(lambda: notification(nid)["attempts"] >= 1 and notification(nid)["last_error"], 20,
                         "a failed STARTTLS attempt")
            self.assertEqual(STATE["plain"].for_recipient(plain_to), [])
            cancel = a.post_form("/admin/notifications/%d/cancel" % nid)
            if cancel.status != 303:  # it may be mid-attempt: wait for its outcome, then cancel
                wait_for(lambda: notification(nid)["status"] in ("queued", "failed"), 20, "the attempt's end")
                self.assertStatus(a.post_form("/admin/notifications/%d/cancel" % nid), 303)
        finally:
            configure(a, smtp_password_clear="1")

    def test_08_two_servers_send_each_once(self):
        """Two servers, each with a worker, on one database: every message goes out exactly once."""
        second = ENV.new_server(extra_env=STATE["env"])
        try:
            ids = [send_test_sms(to="0532 100 00 %02d" % i) for i in range(12)]
            for nid in ids:
                wait_status(nid, "sent", 30)
            gw = STATE["gateway"]
            for nid in ids:
                self.assertEqual(len(gw.for_ref("kalem-%d" % nid)), 1, "notification %d" % nid)
        finally:
            self.assertEqual(second.terminate(), 0)

    def test_09_roles_and_bad_input(self):
        for role in ("viewer", "directorate", "mayor"):
            c = ENV.login(role, server())
            self.assertStatus(c.get("/admin/notifications"), 403, role)
            self.assertStatus(c.get("/api/v1/notifications"), 403, role)
            self.assertStatus(c.post_form("/admin/notifications/1/retry"), 403, role)
        for role in ("chief", "secretariat"):
            c = ENV.login(role, server())
            self.assertStatus(c.get("/admin/notifications"), 200, role)
            self.assertStatus(c.get("/admin/settings/test"), 403, role)
            self.assertStatus(c.post_form("/admin/settings/test-email", {"email_to": "a@example.org"}), 403, role)
            self.assertStatus(c.post_form("/admin/settings/test-sms", {"sms_to": "05321234567"}), 403, role)
        a = admin()
        page = a.get("/admin/settings/test")
        self.assertStatus(page, 200)
        self.assertIn('action="/admin/settings/test-email"', page.text)
        self.assertIn('action="/admin/settings/test-sms"', page.text)
        before = a.get("/api/v1/notifications?limit=200").json()["items"]
        r = a.post_form("/admin/settings/test-email", {"email_to": "not-an-address"})
        self.assertStatus(r, 422)
        self.assertIn('id="e-email_to"', r.text)
        self.assertIn('aria-invalid="true"', r.text)
        r = a.post_form("/admin/settings/test-sms", {"sms_to": "12"})
        self.assertStatus(r, 422)
        self.assertIn('id="e-sms_to"', r.text)
        r = a.post_form("/admin/settings/test-sms", {"sms_to": ""})
        self.assertStatus(r, 422)
        r = a.post_form("/admin/settings/test-sms", {"sms_to": "05321234567"}, csrf=None)
        self.assertStatus(r, 403)
        after = a.get("/api/v1/notifications?limit=200").json()["items"]
        self.assertEqual(len(after), len(before))  # nothing was queued by the refused requests
        self.assertStatus(a.get("/api/v1/notifications/999999"), 404)
        self.assertStatus(a.get("/api/v1/notifications?record_type=appointment&record_id=x"), 400)
        self.assertEqual(a.get("/api/v1/notifications?record_type=appointment&record_id=5").json(), {"items": []})

    def test_10_kill9_while_queued_sends_once_after_restart(self):
        """The gateway is down; the server dies with the SMS queued; after a restart it goes out once."""
        gw = STATE["gateway"]
        gw.stop()
        nid = send_test_sms()
        n = wait_for(lambda: (lambda x: x if x["attempts"] >= 1 and x["status"] == "queued" else None)(
            notification(nid)), 20, "a failed attempt with the gateway down")
        self.assertIn("connect", n["last_error"].lower())
        server().kill9()
        STATE["server"] = ENV.new_server(extra_env=STATE["env"])
        gw.start()
        n = wait_status(nid, "sent", 30)
        time.sleep(2)
        reqs = gw.for_ref("kalem-%d" % nid)
        self.assertEqual([r["outcome"] for r in reqs], ["ok"])
        self.assertEqual(notification(nid)["status"], "sent")

    def test_11_kill9_mid_send_lease_runs_out(self):
        """The server dies while the gateway holds its request: the claim runs out, the SMS is sent once."""
        gw = STATE["gateway"]
        gw.release.clear()
        gw.hang.set()
        nid = send_test_sms()
        wait_for(lambda: gw.for_ref("kalem-%d" % nid), 20, "the request at the gateway")
        self.assertEqual(notification(nid)["status"], "sending")
        server().kill9()
        gw.hang.clear()
        gw.release.set()  # the held request ends without an answer: the provider never accepted it
        STATE["server"] = ENV.new_server(extra_env=STATE["env"])
        started = time.monotonic()
        n = wait_status(nid, "sent", LEASE_S + 20)
        self.assertEqual(n["attempts"], 2)
        self.assertIn("interrupted", n["last_error"])
        reqs = gw.for_ref("kalem-%d" % nid)
        self.assertEqual([r["outcome"] for r in reqs], ["hang", "ok"])
        self.assertLess(time.monotonic() - started, LEASE_S + 20)


if __name__ == "__main__":
    harness.main()
