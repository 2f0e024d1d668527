# test_roles.py: every route of src/web/routes.c against every role, the table's own policy, and directorate isolation.
import urllib.parse
import xml.etree.ElementTree as ET

import harness
import routes_table

ENV = harness.ModuleEnv(key_scopes=("read", "write", "open311", "admin"))
ROUTES = routes_table.routes()


def setUpModule():
    ENV.start()


def tearDownModule():
    ENV.close()


class Actors:
    """A signed-in client per role, signed in again when a request (a logout, say) ended its session."""

    def __init__(self):
        self.clients = {}

    def get(self, role):
        c = self.clients.get(role)
        if c is None:
            c = ENV.login(role)
            self.clients[role] = c
        return c

    def check(self, role):
        c = self.clients.get(role)
        if c is not None and c.get("/api/v1/me").status != 200:
            del self.clients[role]


def send(client, method, path, api_key=False):
    """One request as a browser or an API client would send it (with the CSRF token of its session)."""
    if method == "GET":
        return client.get(path)
    if path.startswith("/api/") or path.startswith("/open311/"):
        return client.send_json(method, path, {}, csrf=None if api_key else harness.AUTO)
    if api_key:
        return client.post_form(path, {}, csrf=None) if method == "POST" else client.request(method, path)
    if method == "POST":
        return client.post_form(path, {})
    return client.request(method, path, headers={"X-CSRF-Token": client.csrf or ""})


def path_for(route):
    # A directorate's own record for the directorate routes (so that the detail page's own isolation check
    # does not count as a role refusal); elsewhere an id that does not exist (404, nothing changed).
    ids = {"id": ENV.dir_a} if route.pattern.startswith("/directorates/") else {}
    return routes_table.concrete_path(route.pattern, ids)


def is_api(path):
    return path.startswith("/api/") or path.startswith("/open311/")


def assert_open311_error(case, r, status):
    """Open311 answers refusals as GeoReport v2 does: a missing or wrong api_key is a 403, and the body is the
    spec's error list (XML unless the path ends in .json)."""
    case.assertStatus(r, status)
    if r.header("Content-Type").startswith("application/json"):
        case.assertEqual(r.json()[0]["code"], status)
    else:
        case.assertEqual(ET.fromstring(r.body).findtext("error/code"), str(status))


class EveryRoute(harness.KalemCase):
    """For each route of routes.c and each role: refused exactly when the route's roles do not include it."""

    def test_table_parsed(self):
        self.assertGreaterEqual(len(ROUTES), 20)
        names = {r.name for r in ROUTES}
        for must in ("healthz", "login", "home", "directorates", "api_me"):
            self.assertIn(must, names)

    def test_staff_roles(self):
        actors = Actors()
        for route in ROUTES:
            path = path_for(route)
            for role in ("admin", "chief", "secretariat", "mayor", "directorate", "viewer"):
                allowed = "PUBLIC" in route.roles or role.upper() in route.roles
                with self.subTest(route=route.name, method=route.method, path=path, role=role):
                    r = send(actors.get(role), route.method, path)
                    if route.method != "GET":
                        actors.check(role)
                    if allowed:
                        self.assertNotIn(r.status, (401, 403), "allowed role refused: %s" % r.text[:300])
                        self.assertLess(r.status, 500, "server error: %s" % r.text[:300])
                    else:
                        self.assertStatus(r, 403, "role %s must be refused" % role)
                        if path.startswith("/open311/"):
                            assert_open311_error(self, r, 403)
                        elif is_api(path):
                            self.assertEqual(r.json()["error"]["code"], "forbidden")

    def test_anonymous(self):
        for route in ROUTES:
            path = path_for(route)
            with self.subTest(route=route.name, method=route.method, path=path):
                r = send(ENV.client(), route.method, path)
                if "PUBLIC" in route.roles:
                    self.assertNotIn(r.status, (401, 403), r.text[:300])
                    self.assertLess(r.status, 500, r.text[:300])
                elif path.startswith("/open311/"):
                    assert_open311_error(self, r, 403)
                elif is_api(path) or route.method != "GET":
                    self.assertStatus(r, 401)
                    if is_api(path):
                        self.assertEqual(r.json()["error"]["code"], "unauthenticated")
                else:
                    self.assertStatus(r, 302)
                    self.assertEqual(r.location, "/login?next=" + urllib.parse.quote(path, safe=""))

    def test_api_keys(self):
        for route in ROUTES:
            path = path_for(route)
            with self.subTest(route=route.name, method=route.method, path=path):
                statuses = {}
                for scope, key in ENV.keys.items():
                    r = send(ENV.client(bearer=key), route.method, path, api_key=True)
                    statuses[scope] = r.status
                    self.assertLess(r.status, 500, "scope %s: %s" % (scope, r.text[:300]))
                if "PUBLIC" in route.roles:
                    self.assertFalse(set(statuses.values()) & {401, 403}, statuses)
                elif "INTEGRATION" in route.roles:
                    self.assertTrue(any(s not in (401, 403) for s in statuses.values()),
                                    "no API key scope may use it: %s" % statuses)
                else:
                    self.assertEqual(set(statuses.values()), {403}, "API keys must be refused: %s" % statuses)


class TablePolicy(harness.KalemCase):
    """What the route table itself must say, whoever edits it."""

    def test_names_unique(self):
        names = [r.name for r in ROUTES]
        self.assertEqual(sorted(set(n for n in names if names.count(n) > 1)), [])

    def test_no_route_shadowed(self):
        """The router takes the first match: a later route must not be unreachable behind an earlier one."""
        def segs(p):
            return p.strip("/").split("/")

        def wild(s):
            return s.startswith("{") and s.endswith("}")

        for i, later in enumerate(ROUTES):
            for earlier in ROUTES[:i]:
                if earlier.method != later.method:
                    continue
                a, b = segs(earlier.pattern), segs(later.pattern)
                if len(a) == len(b) and all(wild(x) or (not wild(y) and x == y) for x, y in zip(a, b)):
                    self.fail("%s %s is shadowed by %s %s" % (later.method, later.pattern, earlier.method,
                                                             earlier.pattern))

    def test_csrf_exemptions_only_public(self):
        for r in ROUTES:
            if "NO_CSRF" in r.flags:
                self.assertIn("PUBLIC", r.roles, "%s is exempt from CSRF but needs a session" % r.name)

    def test_viewer_is_read_only(self):
        own_session = {("POST", "/logout"), ("POST", "/account/password"), ("DELETE", "/api/v1/session")}
        for r in ROUTES:
            if r.method != "GET" and "PUBLIC" not in r.roles and (r.method, r.pattern) not in own_session:
                self.assertNotIn("VIEWER", r.roles, "viewer may %s %s" % (r.method, r.pattern))

    def test_user_admin_and_settings_admin_only(self):
        for r in ROUTES:
            if r.pattern.startswith("/admin/users") or r.pattern.startswith("/admin/settings"):
                self.assertEqual(set(r.roles), {"ADMIN"}, "%s %s" % (r.method, r.pattern))
            if r.pattern.startswith("/admin/"):
                self.assertFalse(set(r.roles) & {"PUBLIC", "DIRECTORATE", "VIEWER", "INTEGRATION", "MAYOR"},
                                 "%s %s allows %s" % (r.method, r.pattern, sorted(r.roles)))


class Examples(harness.KalemCase):
    """The cases named in the issue, spelled out."""

    def test_viewer_cannot_create_directorate(self):
        viewer = ENV.login("viewer")
        r = viewer.post_form("/directorates", {"code": "VW-1", "name": "Viewer Yazamaz"})
        self.assertStatus(r, 403)
        self.assertIn("Bu işlem için yetkiniz yok", r.text)
        r = viewer.send_json("POST", "/api/v1/directorates", {"code": "VW-1", "name": "Viewer Yazamaz"})
        self.assertJsonError(r, 403, "forbidden")
        self.assertEqual(viewer.get("/api/v1/directorates?q=Viewer").json()["items"], [])
        self.assertStatus(viewer.get("/directorates/new"), 403)
        self.assertStatus(viewer.get("/directorates"), 200)

    def test_anonymous_home_redirects_to_login(self):
        r = ENV.client().get("/")
        self.assertStatus(r, 302)
        self.assertEqual(r.location, "/login?next=%2F")
        r = ENV.client().get("/directorates/new")
        self.assertEqual(r.location, "/login?next=%2Fdirectorates%2Fnew")

    def test_anonymous_api_401_json(self):
        self.assertJsonError(ENV.client().get("/api/v1/me"), 401, "unauthenticated")
        self.assertJsonError(ENV.client().send_json("POST", "/api/v1/directorates", {"code": "X", "name": "Y"},
                                                    csrf=None), 401, "unauthenticated")

    def test_chief_can_create_secretariat_cannot(self):
        chief = ENV.login("chief")
        self.assertStatus(chief.post_form("/directorates", {"code": "CH-1", "name": "Chief Ekler"}), 303)
        sec = ENV.login("secretariat")
        self.assertStatus(sec.post_form("/directorates", {"code": "SC-1", "name": "Sekreterya Ekleyemez"}), 403)
        self.assertEqual(sec.get("/api/v1/directorates?q=Sekreterya").json()["items"], [])


class DirectorateIsolation(harness.KalemCase):
    def test_directorate_user_sees_only_own_directorate(self):
        a = ENV.login("directorate")  # dir_a, of directorate A
        r = a.get("/directorates/%d" % ENV.dir_a)
        self.assertStatus(r, 200, "own directorate's page")
        self.assertIn(harness.DIR_A["name"], r.text)
        r = a.get("/directorates/%d" % ENV.dir_b)
        self.assertStatus(r, 403, "another directorate's page")
        self.assertNotIn(harness.DIR_B["name"], r.text)
        # And the other way round.
        b = ENV.login("dir_b")
        self.assertStatus(b.get("/directorates/%d" % ENV.dir_b), 200)
        self.assertStatus(b.get("/directorates/%d" % ENV.dir_a), 403)
        # Office roles see both.
        chief = ENV.login("chief")
        self.assertStatus(chief.get("/directorates/%d" % ENV.dir_a), 200)
        self.assertStatus(chief.get("/directorates/%d" % ENV.dir_b), 200)


class ApiKeyScopes(harness.KalemCase):
    """A key does what its scope says: read keys only read, open311 keys only speak Open311."""

    def test_open311_key_cannot_use_the_json_api(self):
        r = ENV.client(bearer=ENV.keys["open311"]).get("/api/v1/directorates")
        self.assertStatus(r, 403)
        self.assertEqual(r.json()["error"]["code"], "forbidden")

    def test_read_key_reads(self):
        r = ENV.client(bearer=ENV.keys["read"]).get("/api/v1/directorates")
        self.assertStatus(r, 200)

    def test_read_key_cannot_write(self):
        c = ENV.client(bearer=ENV.keys["read"])
        r = c.send_json("POST", "/api/v1/directorates", {"code": "KEY-R", "name": "Okuma anahtarı"}, csrf=None)
        self.assertStatus(r, 403)
        listing = ENV.client(bearer=ENV.keys["admin"]).get("/api/v1/directorates?q=KEY-R").json()
        self.assertEqual(listing["items"], [])

    def test_revoked_key_is_refused(self):
        key = ENV.api_key("t-revoked", "read")
        self.assertStatus(ENV.client(bearer=key).get("/api/v1/me"), 200)
        p = ENV.cli("apikey", "revoke", "t-revoked")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertStatus(ENV.client(bearer=key).get("/api/v1/me"), 401)


if __name__ == "__main__":
    harness.main()
