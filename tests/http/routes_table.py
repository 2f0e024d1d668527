# routes_table.py: reads the route table from src/web/routes.c (and the role bits from src/http/req.h) for the tests.
"""The route table as the server has it, so that role tests cover every route, new ones included.

routes() returns Route(method, pattern, handler, roles, flags, name) with roles and flags as sets of names
without their prefixes: {"ADMIN", "CHIEF"}, {"NO_CSRF"}; macros (PUBLIC, STAFF, ROLES_*, PARTIES_READ, ...) are
expanded from the #defines of routes.c and of the project headers it includes.
"""
import collections
import os
import re

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.environ.get("KALEM_SRC") or os.path.normpath(os.path.join(HERE, "..", "..", "src"))

Route = collections.namedtuple("Route", "method pattern handler roles flags name")

ALL_ROLES = ("ADMIN", "CHIEF", "SECRETARIAT", "MAYOR", "DIRECTORATE", "VIEWER", "INTEGRATION")

_ENTRY = re.compile(r'\{\s*HTTP_(\w+)\s*,\s*"([^"]*)"\s*,\s*(\w+)\s*,\s*([^,{}]+?)\s*,\s*([^,{}]+?)\s*,\s*"([^"]*)"\s*\}')


def _strip_comments(text):
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    return re.sub(r"//[^\n]*", " ", text)


def _defines(text):
    out = {}
    for name, value in re.findall(r"^[ \t]*#[ \t]*define[ \t]+(\w+)[ \t]+(.+)$", text, flags=re.M):
        out[name] = value.strip()
    return out


def _expand(expr, defines, prefix, depth=0):
    """'ROLE_ADMIN | STAFF' -> {"ADMIN", "CHIEF", ...}; '0' -> set()."""
    if depth > 10:
        raise ValueError("macro loop in %r" % expr)
    out = set()
    for tok in re.split(r"[|()\s]+", expr):
        if not tok or tok == "0":
            continue
        if tok in defines:
            out |= _expand(defines[tok], defines, prefix, depth + 1)
        elif tok.startswith(prefix):
            out.add(tok[len(prefix):])
        else:
            raise ValueError("cannot read %r in route table expression %r" % (tok, expr))
    return out


def _read(path):
    with open(path, encoding="utf-8") as f:
        return _strip_comments(f.read())


def _defines_of_includes(text, src, seen):
    """The #defines of every project header text includes, recursively (role macros live in module headers)."""
    out = {}
    for inc in re.findall(r'^[ \t]*#[ \t]*include[ \t]+"([^"]+)"', text, flags=re.M):
        path = os.path.join(src, inc)
        if path in seen or not os.path.exists(path):
            continue
        seen.add(path)
        header = _read(path)
        out.update(_defines_of_includes(header, src, seen))
        out.update(_defines(header))
    return out


def routes(src=SRC):
    routes_c = _read(os.path.join(src, "web", "routes.c"))
    defines = _defines_of_includes('#include "http/req.h"\n' + routes_c, src, set())
    defines.update(_defines(routes_c))
    body = routes_c[routes_c.index("routes[]"):]
    out = []
    for method, pattern, handler, roles, flags, name in _ENTRY.findall(body):
        out.append(Route(method, pattern, handler, frozenset(_expand(roles, defines, "ROLE_")),
                         frozenset(_expand(flags, defines, "ROUTE_")), name))
    # Every line that looks like an entry must have been understood.
    n_lines = len(re.findall(r'\{\s*HTTP_\w+\s*,', body))
    if n_lines != len(out):
        raise ValueError("routes.c: %d entries but only %d parsed" % (n_lines, len(out)))
    return out


def concrete_path(pattern, ids=None):
    """A request path for a pattern: {file} -> kalem.css, {id}-like segments -> ids.get(name, 999999)."""
    ids = ids or {}

    def sub(m):
        name = m.group(1)
        if name in ids:
            return str(ids[name])
        if name == "file":
            return "kalem.css"
        if name.endswith("id") or name == "id":
            return "999999"
        return "test"

    return re.sub(r"\{(\w+)\}", sub, pattern)


if __name__ == "__main__":
    for r in routes():
        print("%-6s %-40s %-45s %s" % (r.method, r.pattern, "|".join(sorted(r.roles)), "|".join(sorted(r.flags))))
