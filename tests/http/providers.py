# providers.py: the notification providers the HTTP tests talk to: a recording SMTP server (aiosmtpd) and SMS gateway.
"""Shared by the HTTP tests that check what Kalem's outbox really sends (test_notify.py, test_app_notify.py,
test_applications.py).

Mailbox is an aiosmtpd handler keeping every message it receives (start_smtp runs one on loopback); Gateway is an
SMS provider's HTTP API on loopback that records each request and can be told to fail, refuse or hang; configure
saves Kalem's SMTP and SMS settings through the admin page so that both are used; wait_for polls. aiosmtpd is
Debian's python3-aiosmtpd: run the tests with /usr/bin/python3. Everything else is the standard library.
"""
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import harness

FROM_ADDRESS = "ozelkalem@meram.bel.tr"
FROM_NAME = "Özel Kalem Müdürlüğü"
SMS_BODY_TEMPLATE = '{"to":"{to}","text":"{text}","sender":"{sender}","ref":"{ref}"}'


def wait_for(predicate, timeout=20.0, what="condition"):
    """Calls predicate every 0.1 s until it returns something true, which is returned; AssertionError on timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError("timed out after %.0f s waiting for %s" % (timeout, what))


# ---------------------------------------------------------------------------------------------------------
# SMTP


class Mailbox:
    """An aiosmtpd handler keeping every message with its envelope and session facts."""

    def __init__(self):
        self.lock = threading.Lock()
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.messages.append({
                "mail_from": envelope.mail_from,
                "rcpt_tos": list(envelope.rcpt_tos),
                "data": envelope.original_content or envelope.content,
                "authenticated": bool(session.authenticated),
                "login": getattr(session, "auth_data", None),
                "tls": session.ssl is not None,
            })
        return "250 2.0.0 Ok: queued"

    def for_recipient(self, rcpt):
        with self.lock:
            return [m for m in self.messages if rcpt in m["rcpt_tos"]]


def start_smtp(handler, **kwargs):
    """Starts an aiosmtpd Controller for handler on 127.0.0.1 and a free port (kwargs go to the Controller: TLS,
    AUTH); returns it (its .port, .stop()). RuntimeError when python3-aiosmtpd is missing."""
    try:
        from aiosmtpd.controller import Controller
    except ImportError as e:
        raise RuntimeError("python3-aiosmtpd is missing: run with /usr/bin/python3 (scripts/deps.sh installs it)") \
            from e
    controller = Controller(handler, hostname="127.0.0.1", port=harness.free_port(), **kwargs)
    controller.start()
    return controller


# ---------------------------------------------------------------------------------------------------------
# SMS


class Gateway:
    """An SMS provider's HTTP API: records each request; answers 200 with a message id, or as told."""

    def __init__(self):
        self.lock = threading.Lock()
        self.requests = []
        self.fail_next = 0      # answer 503 to this many requests
        self.fail_always = False
        self.refuse = False     # answer 400 (a permanent refusal)
        self.hang = threading.Event()  # set: hold each request until released, then drop the connection
        self.release = threading.Event()
        self.httpd = None
        self.thread = None
        self.port = harness.free_port()
        self.accepted = 0

    def reset(self):
        with self.lock:
            self.fail_next = 0
            self.fail_always = False
            self.refuse = False
        self.hang.clear()
        self.release.set()

    def start(self):
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                self.answer()

            def do_POST(self):
                self.answer()

            def answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                entry = {"method": self.command, "path": self.path, "headers": dict(self.headers.items()),
                         "body": body, "at": time.monotonic()}
                with gateway.lock:
                    gateway.requests.append(entry)
                    if gateway.hang.is_set():
                        outcome = "hang"
                    elif gateway.refuse:
                        outcome = "refuse"
                    elif gateway.fail_always or gateway.fail_next > 0:
                        gateway.fail_next = max(0, gateway.fail_next - 1)
                        outcome = "fail"
                    else:
                        gateway.accepted += 1
                        outcome = "ok"
                    entry["outcome"] = outcome
                    number = gateway.accepted
                if outcome == "hang":
                    gateway.release.wait(60)
                    self.close_connection = True
                    try:
                        self.connection.shutdown(2)
                    except OSError:
                        pass
                    return
                if outcome == "ok":
                    self.reply(200, {"status": "ok", "message_id": "gw-%d" % number})
                elif outcome == "refuse":
                    self.reply(400, {"status": "error", "message": "invalid number"})
                else:
                    self.reply(503, {"status": "error", "message": "temporarily unavailable"})

            def reply(self, status, obj):
                data = json.dumps(obj).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        ThreadingHTTPServer.allow_reuse_address = True
        self.httpd = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        if self.httpd:
            self.httpd.shutdown()
            self.httpd.server_close()
            self.httpd = None

    def for_ref(self, ref):
        with self.lock:
            out = []
            for r in self.requests:
                try:
                    if json.loads(r["body"].decode()).get("ref") == ref:
                        out.append(r)
                except ValueError:
                    pass
            return out

    def containing(self, text):
        """The requests whose body contains text (e.g. a tracking code)."""
        needle = text.encode("utf-8")
        with self.lock:
            return [r for r in self.requests if needle in r["body"] or needle in r["path"].encode("utf-8")]


# ---------------------------------------------------------------------------------------------------------
# Kalem's settings


def settings_form(mail_port, gateway_port, **overrides):
    """The admin settings form using the SMTP server on mail_port (plain, no AUTH) and the SMS gateway on
    gateway_port; overrides replace fields (e.g. smtp_port, smtp_security)."""
    form = {
        "office_name": "Özel Kalem Müdürlüğü",
        "municipality_name": "Meram Belediyesi",
        "detsis_unit": "",
        "smtp_host": "127.0.0.1",
        "smtp_port": str(mail_port),
        "smtp_security": "none",
        "smtp_username": "",
        "smtp_password": "",
        "smtp_from_address": FROM_ADDRESS,
        "smtp_from_name": FROM_NAME,
        "sms_url": "http://127.0.0.1:%d/send" % gateway_port,
        "sms_method": "POST",
        "sms_body_template": SMS_BODY_TEMPLATE,
        "sms_auth_header": "",
        "sms_auth_value": "",
        "sms_sender_id": "MERAMBLD",
    }
    form.update(overrides)
    return form


def configure(admin, mail_port, gateway_port, **overrides):
    """Saves the settings through the admin page (admin: a signed-in admin client)."""
    admin.get("/admin/settings")
    r = admin.post_form("/admin/settings", settings_form(mail_port, gateway_port, **overrides))
    if r.status != 303:
        raise AssertionError("saving the settings: %d %s" % (r.status, r.text[:2000]))
