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


def _refuse(message) -> ValidationError:
    return ValidationError({"endpoint": message})


def check_endpoint(url: object, allow_insecure: bool) -> str:
    """The endpoint if the server may post to it; a 400 saying why not otherwise."""
    if not isinstance(url, str) or not url or len(url) > ENDPOINT_MAX:
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
    if allow_insecure and loopback and parts.scheme in ("http", "https"):
        return url
    if parts.scheme != "https":
        raise _refuse(_("Push addresses must use https."))
    if any(not address.is_global or address.is_multicast for address in addresses):
        raise _refuse(_("Push addresses must be on the public internet."))
    return url
