"""The HTTP session push posts go through: redirects are never followed, and the address a
connection really reaches is checked when it is made, so a name that resolves to a public
address at subscription time cannot lead inside the network later (DNS rebinding)."""

import ipaddress
import threading

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import NewConnectionError

from .endpoints import address_allowed


def _checked(connection_class, loopback_too: bool):
    class Checked(connection_class):
        def _new_conn(self):
            sock = super()._new_conn()
            peer = ipaddress.ip_address(sock.getpeername()[0].split("%", 1)[0])
            if not address_allowed(peer, loopback_too):
                sock.close()
                raise NewConnectionError(self, f"refused: {peer} is not a public address")
            return sock

    return Checked


def _pools(loopback_too: bool) -> dict:
    class HTTPPool(HTTPConnectionPool):
        ConnectionCls = _checked(HTTPConnection, loopback_too)

    class HTTPSPool(HTTPSConnectionPool):
        ConnectionCls = _checked(HTTPSConnection, loopback_too)

    return {"http": HTTPPool, "https": HTTPSPool}


class _PublicOnly(HTTPAdapter):
    def __init__(self, loopback_too: bool):
        self.pools = _pools(loopback_too)
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = self.pools


class PushSession(requests.Session):
    """One per sending thread (sessions are not shared between threads)."""

    def __init__(self, loopback_too: bool):
        super().__init__()
        adapter = _PublicOnly(loopback_too)
        self.mount("http://", adapter)
        self.mount("https://", adapter)

    def request(self, *args, **kwargs):
        kwargs["allow_redirects"] = False  # a push service never redirects
        return super().request(*args, **kwargs)


_local = threading.local()


def session(loopback_too: bool) -> PushSession:
    """This thread's session for the given policy."""
    key = f"session_{loopback_too}"
    if not hasattr(_local, key):
        setattr(_local, key, PushSession(loopback_too))
    return getattr(_local, key)
