"""The deployment files agree with the design: one beat everywhere, pages to gunicorn, /ws/ to
daphne, and static files that survive the production (hashed manifest) collectstatic."""

import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


def compose_services() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]


def command_of(service: dict) -> str:
    command = service.get("command") or ""
    return " ".join(command) if isinstance(command, list) else command


def test_compose_has_every_role_and_exactly_one_beat():
    services = compose_services()
    assert {"postgres", "redis", "proxy", "web", "ws", "worker", "beat", "migrate"} <= set(services)
    assert command_of(services["web"]).startswith("gunicorn supportgroups.wsgi:application")
    assert command_of(services["ws"]).startswith("python -m supportgroups.ws_server")  # daphne
    assert "supportgroups.asgi:application" in command_of(services["ws"])
    beats = [name for name, s in services.items() if re.search(r"\bbeat\b", command_of(s))]
    assert beats == ["beat"]
    assert services["beat"]["deploy"]["replicas"] == 1
    assert "migrate" in command_of(services["migrate"])
    for name in ("web", "ws", "worker", "beat"):
        assert services[name]["depends_on"]["migrate"]["condition"] == (
            "service_completed_successfully"
        )


def test_procfile_runs_daphne_and_one_worker_with_beat_inside():
    lines = dict(
        line.split(":", 1) for line in (ROOT / "Procfile").read_text().splitlines() if line
    )
    assert set(lines) == {"web", "worker"}
    assert "supportgroups.ws_server" in lines["web"]  # daphne, stopping gracefully
    assert "supportgroups.asgi:application" in lines["web"]
    assert "--beat" in lines["worker"]


def test_nginx_sends_websockets_to_daphne_and_pages_to_gunicorn():
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    assert "server web:8000;" in conf and "server ws:8001;" in conf
    ws = conf.split("location /ws/")[1].split("}")[0]
    assert "proxy_pass http://ws;" in ws and "Upgrade $http_upgrade" in ws
    pages = conf.split("location / {")[1].split("}")[0]
    assert "proxy_pass http://web;" in pages and "X-Forwarded-Proto" in pages
    assert "alias /srv/static/;" in conf


@pytest.mark.slow
def test_production_collectstatic_succeeds(tmp_path):
    """Hashed-manifest post-processing fails on a dangling url() or sourceMappingURL."""
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "collectstatic-check",
        "STATIC_MANIFEST": "1",
        "STATIC_ROOT": str(tmp_path / "static"),
    }
    run = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "static" / "staticfiles.json").exists()


def test_the_app_trusts_exactly_the_compose_proxy_and_nothing_by_default():
    """The compose stack has one proxy (nginx), which replaces X-Forwarded-For, so the app reads
    the visitor one hop from the right; `make run` has none and must not believe the header."""
    app_env = compose_services()["web"]["environment"]
    assert app_env["TRUSTED_PROXY_COUNT"] == "1"
    env = {k: v for k, v in os.environ.items() if k != "TRUSTED_PROXY_COUNT"}
    run = subprocess.run(
        [
            sys.executable,
            "-c",
            "from django.conf import settings as s; print(s.ALLAUTH_TRUSTED_PROXY_COUNT)",
        ],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "supportgroups.settings", "DEBUG": "1"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.stdout.strip() == "0", run.stderr
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    assert "$proxy_add_x_forwarded_for" not in conf  # appending would pass the visitor's own
    for location in ("location /ws/", "location / {"):
        block = conf.split(location)[1].split("}")[0]
        assert "proxy_set_header X-Forwarded-For $remote_addr;" in block
        assert "proxy_set_header X-Real-IP $remote_addr;" in block
        assert "proxy_set_header X-Forwarded-Proto $forwarded_proto;" in block


# --- nginx itself, run on this machine against deploy/nginx.conf (skipped without nginx). ---

NGINX = os.environ.get("NGINX_BIN") or shutil.which("nginx")


class _EchoHeaders(BaseHTTPRequestHandler):
    """Stands in for gunicorn and daphne: answers with the headers nginx sent it."""

    def do_GET(self):  # noqa: N802
        body = json.dumps({k.lower(): v for k, v in self.headers.items()}).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def nginx(tmp_path):
    """deploy/nginx.conf as it is, but listening on a free local port and proxying to a local
    echo server instead of the web and ws containers."""
    if not NGINX:
        pytest.skip("nginx is not installed (apt-get install nginx, or set NGINX_BIN)")
    app = ThreadingHTTPServer(("127.0.0.1", 0), _EchoHeaders)
    threading.Thread(target=app.serve_forever, daemon=True).start()
    upstream = f"127.0.0.1:{app.server_address[1]}"
    port = _free_port()
    site = (ROOT / "deploy" / "nginx.conf").read_text()
    site = site.replace("server web:8000;", f"server {upstream};")
    site = site.replace("server ws:8001;", f"server {upstream};")
    site = site.replace("listen 80 default_server;", f"listen 127.0.0.1:{port} default_server;")
    site = site.replace("listen [::]:80 default_server;", "")
    (tmp_path / "site.conf").write_text(site)
    temp = tmp_path / "temp"
    temp.mkdir()
    paths = " ".join(
        f"{kind}_temp_path {temp};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid; error_log {tmp_path}/error.log; events {{}}\n"
        f"http {{ access_log off; {paths} include {tmp_path}/site.conf; }}\n"
    )
    command = [NGINX, "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")]
    checked = subprocess.run([*command, "-t"], capture_output=True, text=True, timeout=30)
    assert checked.returncode == 0, checked.stderr
    server = subprocess.Popen([*command, "-g", "daemon off; master_process off;"])
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, (tmp_path / "error.log").read_text()
                time.sleep(0.05)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=10)
        app.shutdown()
        app.server_close()


def through_nginx(port: int, path: str, *, source: str, **headers) -> dict:
    """A request from ``source`` (127.0.0.1 stands for a TLS terminator on the host; 127.0.0.2
    for a visitor reaching nginx directly), returning what the app received."""
    connection = http.client.HTTPConnection(
        "127.0.0.1", port, timeout=5, source_address=(source, 0)
    )
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        assert response.status == 200
        return json.loads(response.read())
    finally:
        connection.close()


@pytest.mark.parametrize("path", ["/accounts/login/", "/ws/ping/"])
def test_nginx_gives_the_app_the_visitors_own_address_and_scheme(nginx, path):
    direct = through_nginx(
        nginx,
        path,
        source="127.0.0.2",
        **{
            "X-Forwarded-For": "203.0.113.9",
            "X-Real-IP": "203.0.113.9",
            "X-Forwarded-Proto": "https",
        },
    )
    assert direct["x-forwarded-for"] == "127.0.0.2"  # the visitor's made-up hop is gone
    assert direct["x-real-ip"] == "127.0.0.2"
    assert direct["x-forwarded-proto"] == "http"  # a visitor cannot claim https

    terminated = through_nginx(
        nginx,
        path,
        source="127.0.0.1",
        **{"X-Forwarded-For": "198.51.100.4, 203.0.113.7", "X-Forwarded-Proto": "https"},
    )
    # The terminator appended the visitor's address; whatever the visitor wrote before it is not
    # believed, and https from the terminator is passed on.
    assert terminated["x-forwarded-for"] == "203.0.113.7"
    assert terminated["x-real-ip"] == "203.0.113.7"
    assert terminated["x-forwarded-proto"] == "https"

    plain = through_nginx(nginx, path, source="127.0.0.1")
    assert (plain["x-forwarded-for"], plain["x-forwarded-proto"]) == ("127.0.0.1", "http")
