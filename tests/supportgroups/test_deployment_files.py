"""The deployment files agree with the design: one beat everywhere, pages to gunicorn, /ws/ to
daphne, and static files that survive the production (hashed manifest) collectstatic."""

import os
import re
import subprocess
import sys
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
    assert command_of(services["ws"]).startswith("daphne")
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
    assert "daphne" in lines["web"] and "supportgroups.asgi:application" in lines["web"]
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
