"""gunicorn settings for one Aankomst instance: `gunicorn --config deploy/gunicorn.conf.py
wsgi:app`. Two instances run behind nginx (deploy/nginx/aankomst.conf), one per port; the
environment file gives the app its settings (see the README's "Production" section)."""

import gc
import os
from pathlib import Path

# The kernel setting that moves connections waiting on a closing listening socket to another
# socket of the same port (deploy/sysctl/60-aankomst.conf sets it; Linux 5.14 and newer).
MIGRATE_REQUESTS = Path("/proc/sys/net/ipv4/tcp_migrate_req")

# AANKOMST_BIND picks the port of this instance (the systemd unit sets it from its name).
bind = os.environ.get("AANKOMST_BIND", "127.0.0.1:8001")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# gthread keeps nginx's kept-alive upstream connections in the worker's poller. One thread per
# worker: the app is Python-bound, and threads of one process take turns on one interpreter.
# Measured on PostgreSQL (BENCHMARKS.md, "Threads per worker"): with 1 thread instead of 4 a
# worker spends about a fifth less CPU per answer and serves the checklist about a third more
# answers a second; on SQLite, and for mixed traffic, it makes no clear difference. nginx
# buffers slow phones, so a worker never waits on one; AANKOMST_THREADS changes it.
worker_class = "gthread"
threads = int(os.environ.get("AANKOMST_THREADS", "1"))
timeout = 30
graceful_timeout = 30
keepalive = 5


# Set by this file in the master's environment when the instance starts (not a setting).
SOCKET_PER_WORKER = "AANKOMST_SOCKET_PER_WORKER_SINCE_START"


def _kernel_moves_waiting_connections() -> bool:
    try:
        return MIGRATE_REQUESTS.read_text().strip() == "1"
    except OSError:
        return False


def _socket_per_worker() -> bool:
    """Decided once, when the instance starts: a reload (SIGHUP) reads this file again but keeps
    the master's sockets, so switching there would leave the new workers without a socket."""
    if SOCKET_PER_WORKER not in os.environ:
        os.environ[SOCKET_PER_WORKER] = "1" if _kernel_moves_waiting_connections() else "0"
    return os.environ[SOCKET_PER_WORKER] == "1"


# A listening socket per worker: the kernel then spreads new connections evenly over the
# workers. With one shared socket, one worker can end up holding nearly all kept-alive
# connections while the other idles (half the machine unused, measured in BENCHMARKS.md). Only
# when the kernel moves the connections waiting on a stopping worker's socket to the others:
# without that, a reload would reset them (a phone's POST lost).
reuse_port = _socket_per_worker()

# A request body is at most 256 KiB (MAX_CONTENT_LENGTH); headers stay small.
limit_request_line = 4094
limit_request_fields = 100

# No access log here: it would write every path, and join and recovery links carry secrets in
# theirs. The app writes one JSON line per request (AANKOMST_LOG_FORMAT=json) with the route
# pattern instead. Errors go to stderr, i.e. the journal.
accesslog = None
errorlog = "-"
loglevel = "info"
# nginx on this machine sets X-Forwarded-*; the app reads them with AANKOMST_PROXY_FIX=1.
# Two instances run as one user: their control sockets would share one path ($HOME/.gunicorn).
control_socket_disable = True
forwarded_allow_ips = "127.0.0.1,::1"
proxy_allow_ips = "127.0.0.1,::1"


def post_worker_init(worker):
    """The app is loaded: move its objects (content pack, catalogs, templates, mappings) out of
    the garbage collector's way. Otherwise every full collection walks them all, about 0.1 s
    with no request answered, once every thousand or so requests."""
    gc.freeze()


def child_exit(server, worker):
    """With PROMETHEUS_MULTIPROC_DIR set, /metrics adds up all processes' counts; a worker
    that ended leaves its counters but no live gauges."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
