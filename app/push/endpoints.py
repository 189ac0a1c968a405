"""Which push endpoints Trellis accepts and which addresses it will connect to (SSRF guard).

A subscription's endpoint comes from the browser, so it is untrusted input that makes our
server send requests. It must be https on port 443 at a known push service (FCM, Mozilla,
Apple, Windows, plus hosts an operator adds in PUSH_SERVICE_HOSTS). At send time the host's
addresses are checked again as it is resolved, and loopback, private, link-local, shared,
reserved and cloud-metadata addresses are refused. Only the testing setting
PUSH_ALLOW_LOOPBACK_FOR_TESTS lets an endpoint on 127.0.0.1 through (the tests' fake service).
"""

import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric import ec
from flask_babel import lazy_gettext as _l
from py_vapid.utils import b64urldecode

#: Push services of the browsers people use, by the name stored on a subscription.
KNOWN_PUSH_SERVICES = {
    "fcm": ("fcm.googleapis.com",),  # Chrome, Edge on Android, Samsung Internet, Opera
    "mozilla": ("updates.push.services.mozilla.com", "push.services.mozilla.com"),
    "apple": ("web.push.apple.com", "*.push.apple.com"),  # Safari on iPhone and Mac
    "windows": ("*.notify.windows.com",),  # Edge on Windows (WNS)
}
#: Addresses cloud providers serve instance metadata (and credentials) on.
METADATA_ADDRESSES = {
    ipaddress.ip_address("169.254.169.254"),
    ipaddress.ip_address("fd00:ec2::254"),
    ipaddress.ip_address("100.100.100.200"),
    ipaddress.ip_address("192.0.0.192"),
}
MAX_ENDPOINT_LENGTH = 2048
LOOPBACK_HOSTS = {"127.0.0.1", "::1", "[::1]"}
_BASE64URL = re.compile(r"[A-Za-z0-9_-]*={0,2}")


class InvalidSubscription(ValueError):
    """A subscription that cannot be stored; `reason` says why, for the 400 answer."""

    def __init__(self, reason):
        super().__init__(str(reason))
        self.reason = reason


class BlockedAddress(OSError):
    """An endpoint resolved to an address Trellis will not connect to."""


@dataclass(frozen=True)
class Endpoint:
    """A checked endpoint: its URL, the push-service origin (the JWT audience) and service."""

    url: str
    origin: str
    host: str
    push_service: str


def _host_matches(host: str, pattern: str) -> bool:
    if pattern.startswith("*."):
        return host.endswith(pattern[1:]) and len(host) > len(pattern) - 1
    return host == pattern


def extra_hosts(setting: str | list | tuple | None) -> tuple[str, ...]:
    """PUSH_SERVICE_HOSTS as a tuple of lower-case host patterns."""
    if not setting:
        return ()
    items = setting.split(",") if isinstance(setting, str) else setting
    return tuple(h.strip().lower().rstrip(".") for h in items if h.strip())


def push_service_for(host: str, extra: tuple[str, ...] = ()) -> str | None:
    """The known push service a host belongs to ("other" for an operator's host), or None."""
    for name, patterns in KNOWN_PUSH_SERVICES.items():
        if any(_host_matches(host, p) for p in patterns):
            return name
    if any(_host_matches(host, p) for p in extra):
        return "other"
    return None


def address_allowed(address: str, allow_loopback: bool = False) -> bool:
    """Whether Trellis may connect to this IP address (public unicast, not metadata)."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if allow_loopback and ip.is_loopback:
        return True
    if ip in METADATA_ADDRESSES:
        return False
    return ip.is_global and not ip.is_multicast


def _ip_literal(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def check_endpoint(url: str, allow_loopback: bool = False, extra: tuple[str, ...] = ()
                   ) -> Endpoint:
    """Check an endpoint URL; raise InvalidSubscription with the reason when it is refused."""
    if not isinstance(url, str) or not url or len(url) > MAX_ENDPOINT_LENGTH:
        raise InvalidSubscription(_l("The endpoint is missing or too long."))
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise InvalidSubscription(_l("The endpoint is not a valid URL.")) from None
    host = (parts.hostname or "").lower().rstrip(".")
    if not host or parts.username is not None or parts.password is not None or parts.fragment:
        raise InvalidSubscription(_l("The endpoint is not a valid push service URL."))
    literal = _ip_literal(host)
    if allow_loopback and literal is not None and literal.is_loopback:
        origin = f"{parts.scheme}://{parts.netloc.lower()}"
        if parts.scheme in ("http", "https"):
            return Endpoint(url, origin, host, "test")
    if parts.scheme != "https":
        raise InvalidSubscription(_l("The endpoint must use https."))
    if port not in (None, 443):
        raise InvalidSubscription(_l("The endpoint must use port 443."))
    if literal is not None:
        if not address_allowed(host):
            raise InvalidSubscription(_l("The endpoint points at a private or local address."))
        raise InvalidSubscription(_l("The endpoint must name a push service, not an address."))
    service = push_service_for(host, extra)
    if service is None:
        raise InvalidSubscription(_l("The endpoint is not at a known push service."))
    return Endpoint(url, f"https://{host}", host, service)


def b64url_decode(text) -> bytes:
    """Decode base64url (padded or not) with py_vapid; ValueError when `text` is anything else
    (py_vapid's decoder alone would skip characters outside the alphabet)."""
    if not isinstance(text, str) or not _BASE64URL.fullmatch(text):
        raise ValueError("not base64url")
    return b64urldecode(text.rstrip("=").encode())


def check_keys(p256dh, auth) -> tuple[str, str]:
    """The browser's keys, checked: a valid uncompressed P-256 point and a 16-byte secret."""
    try:
        point = b64url_decode(p256dh)
    except (ValueError, TypeError):
        raise InvalidSubscription(_l("The p256dh key is not base64url.")) from None
    if len(point) != 65 or point[0] != 4:
        raise InvalidSubscription(_l("The p256dh key must be a 65-byte uncompressed P-256 point."))
    try:
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
    except ValueError:
        raise InvalidSubscription(_l("The p256dh key is not a point on the P-256 curve.")) from None
    try:
        secret = b64url_decode(auth)
    except (ValueError, TypeError):
        raise InvalidSubscription(_l("The auth secret is not base64url.")) from None
    if len(secret) != 16:
        raise InvalidSubscription(_l("The auth secret must be 16 bytes."))
    return p256dh.rstrip("="), auth.rstrip("=")


def check_resolved(host: str, addresses: list[str], allow_loopback: bool) -> list[str]:
    """The addresses of `host` we may connect to; raise BlockedAddress when there are none."""
    allowed = [a for a in addresses if address_allowed(a, allow_loopback)]
    if not allowed:
        raise BlockedAddress(f"{host} resolves only to addresses Trellis does not connect to")
    return allowed
