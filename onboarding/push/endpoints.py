"""Push endpoints are URLs the browser hands us, so the server only ever posts to a public
https host: no private, loopback, link-local or otherwise reserved address, checked on the
literal host and on every address the name resolves to. AANKOMST_PUSH_ALLOW_INSECURE=1 lets
plain http on loopback through, for local testing only."""

import ipaddress
import socket
from urllib.parse import urlsplit

from ..errors import ValidationError
from ..i18n import _

ENDPOINT_MAX = 2048


def _addresses(host: str) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return []
    return [ipaddress.ip_address(info[4][0].split("%", 1)[0]) for info in infos]


# IPv6 ranges that carry an IPv4 address (IPv4-compatible, NAT64, 6to4): Python counts some
# of them as global, but they can lead to any IPv4 address, internal ones included.
_WRAPPED_IPV4 = [
    ipaddress.ip_network(net) for net in ("::/96", "::ffff:0:0/96", "64:ff9b::/96", "2002::/16")
]


def address_allowed(address, loopback_too: bool) -> bool:
    """A public unicast address (or loopback, for local testing only)."""
    if loopback_too and address.is_loopback:
        return True
    if address.version == 6 and any(address in net for net in _WRAPPED_IPV4):
        return False
    return address.is_global and not address.is_multicast


def _refuse(message) -> ValidationError:
    return ValidationError({"endpoint": message})


def check_endpoint(url: object, allow_insecure: bool) -> str:
    """The endpoint if the server may post to it; a 400 saying why not otherwise."""
    if not isinstance(url, str) or not url or len(url) > ENDPOINT_MAX or not url.isascii():
        raise _refuse(_("This is not a valid push address."))
    try:
        parts = urlsplit(url)
        host, port = parts.hostname, parts.port
    except ValueError:
        raise _refuse(_("This is not a valid push address.")) from None
    if not host or parts.username or parts.password or port == 0:
        raise _refuse(_("This is not a valid push address."))
    if parts.scheme not in ("https", "http"):
        raise _refuse(_("Push addresses must use https."))
    addresses = _addresses(host)
    if not addresses:
        raise _refuse(_("The push service's address could not be found."))
    loopback = all(address.is_loopback for address in addresses)
    if allow_insecure and loopback:
        return url
    if parts.scheme != "https":
        raise _refuse(_("Push addresses must use https."))
    if not all(address_allowed(address, loopback_too=False) for address in addresses):
        raise _refuse(_("Push addresses must be on the public internet."))
    return url
