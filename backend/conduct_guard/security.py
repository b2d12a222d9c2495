"""Who may talk to the service: loopback Host names and the extension's origins only.

Checked server-side for every request, not left to CORS headers: a web page can
still send a "simple" cross-origin POST, and DNS rebinding can point a web name
at 127.0.0.1, so both the Origin and the Host header are enforced here.
"""

from __future__ import annotations

import fnmatch
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


def origin_allowed(origin: str, allowed: Sequence[str]) -> bool:
    """Exact origins, or patterns with '*' (e.g. 'moz-extension://*')."""
    origin = origin.strip()
    for pattern in allowed:
        if "*" in pattern:
            if fnmatch.fnmatchcase(origin, pattern) and "/" not in origin.split("://", 1)[-1]:
                return True
        elif origin == pattern:
            return True
    return False
