"""Who may talk to the service: loopback Host names and the extension's origins only.

(Which of those callers may change the service's state or read its counters is auth.py's.)

Checked server-side for every request, not left to CORS headers: a web page can
still send a "simple" cross-origin POST, and DNS rebinding can point a web name
at 127.0.0.1, so both the Origin and the Host header are enforced here.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Sequence

LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})
_HOST_PORT = re.compile(r"^(\[[^\]]*\]|[^:]*)(?::\d{1,5})?$")


def host_is_loopback(host_header: str | None, extra_names: Sequence[str] = ()) -> bool:
    """True for 'localhost', '127.x.y.z', '[::1]' with or without a port, or a name in
    extra_names (the address an administrator explicitly asked the service to bind)."""
    if not host_header:
        return False
    match = _HOST_PORT.match(host_header.strip().lower())
    if not match:
        return False
    name = match.group(1)
    if name in LOOPBACK_NAMES or name in extra_names:
        return True
    parts = name.split(".")
    return len(parts) == 4 and parts[0] == "127" and all(p.isdigit() and int(p) < 256 for p in parts)


def address_is_loopback(address: str) -> bool:
    """A bind address (not a Host header): 'localhost', any 127.x.y.z, '::1' or '[::1]'."""
    name = address.strip().lower().removeprefix("[").removesuffix("]")
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


# Well-formed origins, one pattern per scheme: an extension's origin is its scheme and id only
# (Chrome/Edge: 32 letters a-p; Firefox: the install's random UUID, lower case), a web origin is
# scheme, host name and optional port. Anything else (userinfo, a path, '*', upper case, a
# trailing slash) is malformed and refused, whatever the allow-list says.
_ORIGIN_SHAPES = {
    "chrome-extension": re.compile(r"^chrome-extension://[a-p]{32}$"),
    "moz-extension": re.compile(r"^moz-extension://[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"),
    "http": re.compile(r"^http://(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*"
                       r"|\[[0-9a-f:.]+\])(?::\d{1,5})?$"),
}
_ORIGIN_SHAPES["https"] = re.compile(_ORIGIN_SHAPES["http"].pattern.replace("^http://", "^https://", 1))
# In an allow-list pattern '*' stands for one host label or extension id: letters, digits, '-'
_WILDCARD = "[a-z0-9-]+"


def origin_well_formed(origin: str) -> bool:
    scheme = origin.split("://", 1)[0]
    shape = _ORIGIN_SHAPES.get(scheme)
    return bool(shape and shape.match(origin))


def origin_pattern_regex(pattern: str) -> str:
    """An allow-list entry as an anchored regular expression (the CORS layer uses the same)."""
    return "^" + re.escape(pattern).replace(r"\*", _WILDCARD) + "$"


def origin_allowed(origin: str, allowed: Sequence[str]) -> bool:
    """A well-formed origin that is on the allow-list: exactly, or through a pattern with '*'
    (e.g. 'moz-extension://*': any Firefox install's UUID, and nothing but a UUID)."""
    if not origin_well_formed(origin):
        return False
    return any(origin == pattern or ("*" in pattern and re.match(origin_pattern_regex(pattern), origin))
               for pattern in allowed)


def origin_is_own(origin: str | None, host_header: str | None) -> bool:
    """The service's own pages: an Origin that is ``http://`` and the request's own Host, where
    that Host is a loopback name. A browser sends it only for a page this service served (the
    status page's buttons); a web page's form sends its own origin, and a ``file:`` or sandboxed
    page sends ``null``."""
    if not origin or not host_header or not host_is_loopback(host_header):
        return False
    return origin.strip().lower() == f"http://{host_header.strip().lower()}"
