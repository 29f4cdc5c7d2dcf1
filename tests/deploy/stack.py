"""The production setup on loopback ports, for tests/deploy: a PostgreSQL cluster and a Redis
of its own (the machine's are never touched), two gunicorn instances with
deploy/gunicorn.conf.py, the RQ worker, and Debian's nginx with deploy/nginx/aankomst.conf
(without TLS) in front. Every process is a child of the test run and ends with it."""

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from http.cookies import SimpleCookie
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / ".venv" / "bin"
SITE = ROOT / "deploy" / "nginx" / "aankomst.conf"
SECRET_KEY = "deploy-test-secret-key-0123456789-abcdefghij"
# The environment of the test run that must not reach the app processes: settings of the suite
# itself, and libfaketime (`make test-dates`), which moves the test's clock but would only make
# PostgreSQL, Redis and nginx unreliable. The processes run on the real clock.
LEFT_OUT = ("AANKOMST_", "FLASK_", "GUNICORN_", "FAKETIME", "PROMETHEUS_MULTIPROC_DIR")
# deploy/sysctl/60-aankomst.conf's setting: with it, each gunicorn worker gets a socket of its own.
MIGRATE_REQUESTS = Path("/proc/sys/net/ipv4/tcp_migrate_req")
LEFT_OUT_NAMES = {"DATABASE_URL", "REDIS_URL", "TEST_DATABASE_URL", "WEB_CONCURRENCY", "LD_PRELOAD"}


class StackError(RuntimeError):
    """A process did not start or stop in time; the message ends with its log."""


def keep_cookies(jar: dict[str, str], answer: requests.Response) -> None:
    """Keep the cookies an answer sets, by name, in `jar` (an expired one goes). By hand: the
    cookie jar of `requests` drops a cookie that has expired by the caller's clock, which
    libfaketime moves (`make test-dates`) while the app's clock is the real one."""
    for line in answer.raw.headers.getlist("Set-Cookie"):
        parsed = SimpleCookie()
        parsed.load(line)
        for name, morsel in parsed.items():
            if morsel["max-age"] == "0":
                jar.pop(name, None)
            else:
                jar[name] = morsel.value


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(what: str, check: Callable[[], bool], seconds: float, log: Path | None = None):
    """Poll `check` every 0.2 s until it is true; StackError (with the log's end) at the
    deadline."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except (OSError, requests.RequestException):
            pass
        time.sleep(0.2)
    raise StackError(f"{what}: not within {seconds} s{tail(log)}")


def tail(log: Path | None, lines: int = 40) -> str:
    if log is None or not log.exists():
        return ""
    end = "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    return f"\n--- {log}\n{end}"


def postgres_bin() -> Path | None:
    """The newest PostgreSQL server programs Debian installed."""
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda p: [int(part) for part in p.parts[-3].split(".")],
    )
    return found[-1].parent if found else None


def nginx_bin() -> str | None:
    return shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/sbin/nginx") if Path(p).exists()), None
    )


def missing_programs() -> list[str]:
    """What this machine lacks to run the stack."""
    missing = []
    if nginx_bin() is None:
        missing.append("nginx (make nginx)")
    if postgres_bin() is None:
        missing.append("PostgreSQL server (apt-get install postgresql)")
    if shutil.which("redis-server") is None:
        missing.append("redis-server (apt-get install redis-server)")
    if not (BIN / "gunicorn").exists():
        missing.append("gunicorn in .venv (make install)")
    return missing


def move_waiting_connections(on: str = "1") -> str | None:
    """Set what the production recipe's sysctl file sets (`on`), where this process may (as
    root); returns the value it had, None if unknown."""
    try:
        before = MIGRATE_REQUESTS.read_text().strip()
        if before != on and os.geteuid() == 0:
            MIGRATE_REQUESTS.write_text(on)
        return before
    except OSError:
        return None


def listening_sockets(port: int) -> int:
    """How many sockets listen on 127.0.0.1:`port` (one per gunicorn worker, or one shared)."""
    local = f"0100007F:{port:04X}"
    rows = [row.split() for row in Path("/proc/net/tcp").read_text().splitlines()[1:]]
    return sum(1 for row in rows if row[1] == local and row[3] == "0A")


def site_without_tls(site: str, folder: Path, port: int, upstream: tuple[int, int]) -> str:
    """deploy/nginx/aankomst.conf as shipped, but plain HTTP on 127.0.0.1:`port`, the two
    instances on `upstream`, and the machine's paths moved into `folder`. Each change checks
    that the shipped file still has what it replaces."""

    def replace(text: str, pattern: str, new: str, flags=0) -> str:
        changed, count = re.subn(pattern, new, text, flags=flags)
        assert count, f"deploy/nginx/aankomst.conf no longer has {pattern!r}"
        return changed

    site = replace(site, r"server 127\.0\.0\.1:8001 ", f"server 127.0.0.1:{upstream[0]} ")
    site = replace(site, r"server 127\.0\.0\.1:8002 ", f"server 127.0.0.1:{upstream[1]} ")
    # The port-80 server only sends visitors to HTTPS.
    site = replace(site, r"^server \{\n    listen 80;.*?^\}\n", "", re.S | re.M)
    site = replace(site, r"^    listen 443 ssl http2;\n", f"    listen 127.0.0.1:{port};\n", re.M)
    site = replace(site, r"^    listen \[::\]:443 ssl http2;\n", "", re.M)
    site = replace(site, r"^    ssl_\w+ .*;\n", "", re.M)
    site = replace(site, "/var/log/nginx", str(folder))
    site = replace(site, "/var/cache/nginx/aankomst", str(folder / "cache"))
    return site


@dataclass
class Stack:
    """Start with `Stack.start()`, end with `close()` (also after a failed start)."""

    folder: Path
    vapid_private_key: str
    vapid_subject: str
    pg_port: int = 0
    redis_port: int = 0
    socket_per_worker: bool = False
    migrate_before: str | None = None
    web_ports: tuple[int, int] = (0, 0)
    nginx_port: int = 0
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)
    logs: dict[str, Path] = field(default_factory=dict)

    # --- addresses ---------------------------------------------------------------------------

    @property
    def database_url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.pg_port}/aankomst?connect_timeout=5"

    @property
    def dsn(self) -> str:
        """For psycopg in the test itself."""
        return f"host=127.0.0.1 port={self.pg_port} user=postgres dbname=aankomst"

    @property
    def redis_url(self) -> str:
        return f"redis://127.0.0.1:{self.redis_port}/0"

    @property
    def instances(self) -> tuple[str, str]:
        return tuple(f"http://127.0.0.1:{port}" for port in self.web_ports)

    @property
    def nginx(self) -> str:
        return f"http://127.0.0.1:{self.nginx_port}"

    @property
    def everywhere(self) -> tuple[str, str, str]:
        """Both instances directly, and nginx."""
        return (*self.instances, self.nginx)

    # --- starting ------------------------------------------------------------------------------

    @classmethod
    def start(cls, vapid_private_key: str, vapid_subject: str) -> "Stack":
        folder = Path(tempfile.mkdtemp(prefix="aankomst-deploy-"))
        stack = cls(folder, vapid_private_key, vapid_subject)
        try:
            stack.pg_port, stack.redis_port, stack.nginx_port = (
                free_port(),
                free_port(),
                free_port(),
            )
            stack.web_ports = (free_port(), free_port())
            stack._init_postgres()
            stack.start_postgres()
            stack._create_database()
            stack._start_redis()
            stack._flask("db", "upgrade")
            stack.migrate_before = move_waiting_connections()
            stack.socket_per_worker = MIGRATE_REQUESTS.read_text().strip() == "1"
            for port in stack.web_ports:
                stack._start_web(port)
            stack._spawn("worker", [str(BIN / "flask"), "--app", "wsgi", "worker"])
            stack._start_nginx()
            for base in stack.everywhere:
                wait_until(
                    f"{base}/readyz",
                    lambda base=base: requests.get(f"{base}/readyz", timeout=5).ok,
                    60,
                    stack.logs.get("nginx"),
                )
            stack._wait_for_worker()
        except BaseException:
            stack.close()
            raise
        return stack

    def app_environment(self) -> dict[str, str]:
        """The variables of the README's production recipe, for this stack. Without
        AANKOMST_ENV=production: its cookies are for HTTPS only, and this nginx speaks HTTP."""
        kept = {
            name: value
            for name, value in os.environ.items()
            if name not in LEFT_OUT_NAMES and not name.startswith(LEFT_OUT)
        }
        return {
            **kept,
            "SECRET_KEY": SECRET_KEY,
            "DATABASE_URL": self.database_url,
            "REDIS_URL": self.redis_url,
            "AANKOMST_PUBLIC_URL": self.nginx,
            "AANKOMST_PROXY_FIX": "1",
            "AANKOMST_LOG_FORMAT": "json",
            "VAPID_PRIVATE_KEY": self.vapid_private_key,
            "VAPID_SUBJECT": self.vapid_subject,
            # The stand-in push service of the test listens on plain HTTP on 127.0.0.1.
            "AANKOMST_PUSH_ALLOW_INSECURE": "1",
            "WEB_CONCURRENCY": "2",
        }

    def _as_postgres(self, command: list[str]) -> list[str]:
        """PostgreSQL refuses to run as root: as root, run it as the postgres user."""
        return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command

    def _run(self, name: str, command: list[str], env=None, timeout: float = 120, input=None):
        log = self.folder / f"{name}.log"
        with log.open("ab") as out:
            result = subprocess.run(
                command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                timeout=timeout, input=input,
            )  # fmt: skip
        if result.returncode != 0:
            raise StackError(f"{' '.join(command)} failed ({result.returncode}){tail(log)}")

    def _spawn(self, name: str, command: list[str], env=None) -> subprocess.Popen:
        log = self.folder / f"{name}.log"
        self.logs[name] = log
        with log.open("ab") as out:
            process = subprocess.Popen(
                command, cwd=ROOT, env=env or self.app_environment(), stdout=out,
                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
            )  # fmt: skip
        self.processes[name] = process
        return process

    def _init_postgres(self) -> None:
        pg = self.folder / "pg"
        pg.mkdir()
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres")
            shutil.chown(pg, "postgres")
        self.logs["postgres"] = pg / "server.log"
        self._run(
            "initdb",
            self._as_postgres(
                [str(postgres_bin() / "initdb"), "-D", str(pg / "data"), "-U", "postgres",
                 "--auth=trust", "-E", "UTF8", "--no-sync", "--no-instructions"]
            ),
        )  # fmt: skip

    def start_postgres(self) -> None:
        """(Again) on the same port and data; returns once it accepts connections."""
        pg = self.folder / "pg"
        options = f"-p {self.pg_port} -k {pg} -c listen_addresses=127.0.0.1"
        self._run(
            "pg_ctl",
            self._as_postgres(
                [str(postgres_bin() / "pg_ctl"), "-D", str(pg / "data"), "-l",
                 str(pg / "server.log"), "-o", options, "-w", "-t", "60", "start"]
            ),
        )  # fmt: skip

    def stop_postgres(self, mode: str = "fast") -> None:
        self._run(
            "pg_ctl",
            self._as_postgres(
                [str(postgres_bin() / "pg_ctl"), "-D", str(self.folder / "pg" / "data"),
                 "-m", mode, "-w", "-t", "60", "stop"]
            ),
        )  # fmt: skip

    def _create_database(self) -> None:
        import psycopg

        with psycopg.connect(
            f"host=127.0.0.1 port={self.pg_port} user=postgres dbname=postgres", autocommit=True
        ) as connection:
            connection.execute("CREATE DATABASE aankomst")

    def _start_redis(self) -> None:
        from redis import Redis

        self._spawn(
            "redis",
            ["redis-server", "--port", str(self.redis_port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no", "--dir", str(self.folder)],
        )  # fmt: skip
        client = Redis(port=self.redis_port, socket_connect_timeout=1)
        wait_until("redis-server", client.ping, 30, self.logs["redis"])
        client.close()

    def _flask(self, *args: str) -> None:
        self._run("flask", [str(BIN / "flask"), "--app", "wsgi", *args], self.app_environment())

    def _start_web(self, port: int) -> None:
        env = {**self.app_environment(), "AANKOMST_BIND": f"127.0.0.1:{port}"}
        self._spawn(
            f"web-{port}",
            [str(BIN / "gunicorn"), "--config", "deploy/gunicorn.conf.py", "wsgi:app"],
            env,
        )

    def _start_nginx(self) -> None:
        folder = self.folder / "nginx"
        folder.mkdir()
        site = site_without_tls(SITE.read_text(), folder, self.nginx_port, self.web_ports)
        (folder / "aankomst.conf").write_text(site)
        temp = "\n".join(
            f"    {kind}_temp_path {folder / kind};"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        # As root, nginx's workers would switch to "nobody", who cannot enter this folder.
        user = "user root;\n" if os.geteuid() == 0 else ""
        (folder / "nginx.conf").write_text(
            f"{user}daemon off;\nworker_processes 1;\npid {folder / 'nginx.pid'};\n"
            f"error_log {folder / 'error.log'} warn;\n"
            "events { worker_connections 256; }\n"
            "http {\n"
            f"    access_log {folder / 'access.log'};\n"
            f"{temp}\n"
            f"    include {folder / 'aankomst.conf'};\n"
            "}\n"
        )
        command = [nginx_bin(), "-p", str(folder), "-c", str(folder / "nginx.conf"),
                   "-e", str(folder / "error.log")]  # fmt: skip
        self._run("nginx-t", [*command, "-t"])
        self._spawn("nginx", command)
        self.logs["nginx"] = folder / "error.log"

    def _wait_for_worker(self) -> None:
        """The RQ worker has registered with this Redis."""
        from redis import Redis
        from rq import Worker

        client = Redis.from_url(self.redis_url)
        try:
            wait_until("rq worker", lambda: Worker.count(connection=client) > 0, 60,
                       self.logs["worker"])  # fmt: skip
        finally:
            client.close()

    # --- using it ------------------------------------------------------------------------------

    def check_running(self) -> None:
        """Every process still runs (a crash shows with its log)."""
        for name, process in self.processes.items():
            if process.poll() is not None:
                raise StackError(f"{name} ended ({process.returncode}){tail(self.logs[name])}")

    def server_today(self) -> str:
        """The app's date in Amsterdam (ISO), from an answer's Date header: the test's own clock
        may be moved (libfaketime), the app's is not."""
        from zoneinfo import ZoneInfo

        answer = requests.get(f"{self.instances[0]}/healthz", timeout=5)
        moment = parsedate_to_datetime(answer.headers["Date"])
        return moment.astimezone(ZoneInfo("Europe/Amsterdam")).date().isoformat()

    def sql(self, query: str, *params):
        """One query on a new connection (so a database restart leaves nothing stale)."""
        import psycopg

        with psycopg.connect(self.dsn, connect_timeout=5) as connection:
            return connection.execute(query, params).fetchall()

    # --- ending --------------------------------------------------------------------------------

    def close(self) -> None:
        """Stop every process this stack started (nginx first, the database last) and remove
        its folder."""
        for name in reversed(list(self.processes)):
            _end(self.processes[name])
        if self.migrate_before is not None:
            move_waiting_connections(self.migrate_before)
        if (self.folder / "pg" / "data" / "postmaster.pid").exists():
            with contextlib.suppress(StackError, subprocess.TimeoutExpired):
                self.stop_postgres("immediate")
        shutil.rmtree(self.folder, ignore_errors=True)


def _end(process: subprocess.Popen, seconds: float = 20) -> None:
    """SIGTERM to the process (gunicorn, the RQ worker and nginx then stop their own children),
    SIGKILL to its whole process group if that takes too long."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(seconds)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(5)
