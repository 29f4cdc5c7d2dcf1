"""deploy/: the nginx site passes `nginx -t`, its limits match the app's, and the Procfile,
systemd units and gunicorn settings start the processes the app has."""

import datetime
import gc
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from ..conftest import IN_CI

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
SITE = DEPLOY / "nginx" / "aankomst.conf"


def nginx_or_skip() -> str:
    found = shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/sbin/nginx") if Path(p).exists()), None
    )
    if found is None:
        if IN_CI:
            pytest.fail("nginx is missing in CI: `make test` installs it (the nginx target)")
        pytest.skip("nginx is not installed (apt-get install nginx)")
    return found


def self_signed(folder: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "aankomst.example.org")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=2))
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "fullchain.pem", folder / "privkey.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def test_the_nginx_site_passes_nginx_t(tmp_path):
    """The site as shipped, with only the machine paths moved into a temporary folder."""
    nginx = nginx_or_skip()
    cert, key = self_signed(tmp_path)
    site = SITE.read_text()
    for shipped, here in (
        ("/etc/letsencrypt/live/aankomst.example.org/fullchain.pem", str(cert)),
        ("/etc/letsencrypt/live/aankomst.example.org/privkey.pem", str(key)),
        ("/var/log/nginx", str(tmp_path)),
        ("/var/cache/nginx/aankomst", str(tmp_path / "cache")),
        ("/var/www/acme", str(tmp_path / "acme")),
    ):
        assert shipped in site, shipped
        site = site.replace(shipped, here)
    (tmp_path / "aankomst.conf").write_text(site)
    temp = "\n".join(
        f"    {kind}_temp_path {tmp_path / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path / 'nginx.pid'};\n"
        f"error_log {tmp_path / 'error.log'};\n"
        "events {}\n"
        "http {\n"
        f"    access_log {tmp_path / 'access.log'};\n"
        f"{temp}\n"
        f"    include {tmp_path / 'aankomst.conf'};\n"
        "}\n"
    )
    result = subprocess.run(
        [nginx, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"),
         "-e", str(tmp_path / "error.log")],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "syntax is ok" in result.stderr and "test is successful" in result.stderr


def test_the_nginx_site_matches_the_app(app):
    site = SITE.read_text()
    limit = int(re.search(r"client_max_body_size (\d+)k;", site).group(1)) * 1024
    assert limit == app.config["MAX_CONTENT_LENGTH"]
    upstream = re.search(r"upstream aankomst_app \{(.*?)\}", site, re.S).group(1)
    assert len(re.findall(r"^\s*server 127\.0\.0\.1:\d+", upstream, re.M)) == 2
    for header in ("X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host", "X-Request-ID"):
        assert f"proxy_set_header {header} " in site
    # nginx passes the server's proxy_set_header lines only into a location that sets none.
    server_level = {line.strip() for line in re.findall(r"^    proxy_set_header .*;$", site, re.M)}
    for location in re.findall(r"^    location .*? \{\n(.*?)^    \}", site, re.S | re.M):
        own = {line.strip() for line in re.findall(r"^\s*proxy_set_header .*;$", location, re.M)}
        assert not own or server_level <= own, location
    # Only versioned assets are cached by nginx; no log line holds a path.
    assert site.count("proxy_cache aankomst_assets;") == 1
    assert "location /assets/ {" in site
    log_format = re.search(r"log_format aankomst_private (.*?);", site, re.S).group(1)
    assert "$request " not in log_format and "$request_uri" not in log_format
    assert "$uri" not in log_format and "$args" not in log_format
    for line in re.findall(r"^\s*access_log .*;", site, re.M):
        assert line.rstrip(";").endswith("aankomst_private")


def test_procfile_and_systemd_units_start_commands_the_app_has(app):
    procfile = dict(
        line.split(": ", 1) for line in (ROOT / "Procfile").read_text().splitlines() if line
    )
    assert set(procfile) == {"web", "worker", "scheduler"}
    assert procfile["web"] == "gunicorn --config deploy/gunicorn.conf.py wsgi:app"
    commands = set(app.cli.list_commands(None))
    for name in ("worker", "scheduler"):
        assert procfile[name].endswith(f"flask --app wsgi {name}")
        assert name in commands
    # RQ forks a process for every job, and each would leave its own metrics files behind.
    assert procfile["worker"].startswith("PROMETHEUS_MULTIPROC_DIR= ")
    units = {path.name: path.read_text() for path in (DEPLOY / "systemd").glob("*.service")}
    assert set(units) == {
        "aankomst-web@.service", "aankomst-worker.service", "aankomst-scheduler.service",
    }  # fmt: skip
    for name, unit in units.items():
        for section in ("[Unit]", "[Service]", "[Install]"):
            assert section in unit, (name, section)
        assert "EnvironmentFile=/etc/aankomst/aankomst.env" in unit
        [start] = re.findall(r"^ExecStart=(.*)$", unit, re.M)
        process = name.removeprefix("aankomst-").split("@")[0].split(".")[0]
        command = procfile[process].removeprefix("PROMETHEUS_MULTIPROC_DIR= ")
        assert start.endswith(command.split(" ", 1)[1]), (name, start)
        leaves_metrics_alone = "Environment=PROMETHEUS_MULTIPROC_DIR=\n" in unit
        assert leaves_metrics_alone == (command != procfile[process]), name


def gunicorn_settings() -> dict:
    settings: dict = {}
    exec(compile((DEPLOY / "gunicorn.conf.py").read_text(), "gunicorn.conf.py", "exec"), settings)
    return settings


def test_gunicorn_settings_load(monkeypatch):
    monkeypatch.setenv("AANKOMST_BIND", "127.0.0.1:8002")
    settings = gunicorn_settings()
    assert settings["bind"] == "127.0.0.1:8002"
    assert settings["workers"] >= 2
    assert settings["accesslog"] is None  # it would write paths with join tokens


# Where deploy/gunicorn.conf.py keeps, in the master's environment, the choice made at start.
SOCKET_DECISION = "AANKOMST_SOCKET_PER_WORKER_SINCE_START"


@pytest.fixture
def instance_start(monkeypatch):
    """As when an instance starts: no socket choice made yet (and none left behind after)."""
    monkeypatch.setenv(SOCKET_DECISION, "")
    monkeypatch.delenv(SOCKET_DECISION)


@pytest.mark.parametrize(("setting", "expected"), [("1\n", True), ("0\n", False), (None, False)])
def test_a_socket_per_worker_only_where_the_kernel_moves_waiting_connections(
    tmp_path, instance_start, setting, expected
):
    """reuse_port without net.ipv4.tcp_migrate_req = 1 would reset the connections waiting on
    a stopping worker's socket at every reload (tests/deploy tries a reload under load)."""
    settings = gunicorn_settings()
    assert settings["reuse_port"] == settings["_kernel_moves_waiting_connections"]()
    switch = tmp_path / "tcp_migrate_req"
    if setting is not None:
        switch.write_text(setting)
    settings["MIGRATE_REQUESTS"] = switch
    assert settings["_kernel_moves_waiting_connections"]() is expected


def test_a_reload_keeps_the_socket_setup_the_instance_started_with(monkeypatch, instance_start):
    """gunicorn reads this file again on a reload (SIGHUP) but keeps the master's sockets: a
    switch there would leave the new workers without a socket, or fighting over the shared one."""
    started = gunicorn_settings()
    kernel_now = started["_kernel_moves_waiting_connections"]()
    assert started["reuse_port"] is kernel_now
    # The kernel setting is not what it was when the instance started; then it reloads.
    monkeypatch.setenv(SOCKET_DECISION, "0" if kernel_now else "1")
    assert gunicorn_settings()["reuse_port"] is (not kernel_now)


def test_the_sysctl_file_turns_on_what_gunicorn_looks_for():
    settings = gunicorn_settings()
    [line] = [
        line
        for line in (DEPLOY / "sysctl" / "60-aankomst.conf").read_text().splitlines()
        if line and not line.startswith("#")
    ]
    name, value = (part.strip() for part in line.split("="))
    assert Path("/proc/sys", *name.split(".")) == settings["MIGRATE_REQUESTS"]
    assert value == "1"


def test_a_worker_freezes_the_loaded_app_out_of_the_collectors_way():
    settings = gunicorn_settings()
    before = gc.get_freeze_count()
    try:
        settings["post_worker_init"](object())
        assert gc.get_freeze_count() > before
    finally:
        gc.unfreeze()


def test_nginx_lets_go_of_an_idle_connection_before_gunicorn_does():
    """Otherwise nginx may send a request on a connection gunicorn is closing: a 502 for a
    phone whose POST nginx will not resend."""
    nginx_seconds = re.search(r"^\s*keepalive_timeout (\d+)s;", SITE.read_text(), re.M)
    gunicorn_seconds = re.search(
        r"^keepalive = (\d+)", (DEPLOY / "gunicorn.conf.py").read_text(), re.M
    )
    assert nginx_seconds and gunicorn_seconds
    assert int(nginx_seconds.group(1)) < int(gunicorn_seconds.group(1))
