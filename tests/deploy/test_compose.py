"""docker-compose.yml, as Debian's docker-compose reads it, and nginx's config beside it.

No Docker engine runs here, so the file is checked with `docker-compose config`: it must
parse, interpolate .env.example, and describe every process with a health check, sharing the
volumes the processes hand files through (the public site, static files, attachments).
"""

from __future__ import annotations

import os
import re
import subprocess

import pytest
import yaml

from tests.deploy.conftest import REPO, require_tool

APP_SERVICES = {"migrate": "migrate", "web": "web", "worker": "worker", "beat": "beat"}
LONG_RUNNING = {"postgres", "redis", "web", "worker", "beat", "nginx"}
PASSWORD = "0123abcdef4567"


@pytest.fixture(scope="module")
def config() -> dict:
    """Return `docker-compose config` of the repository's file with .env.example."""
    tool = require_tool("docker-compose", "Debian package docker-compose, to validate the file")
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),  # noqa: S108 - docker-compose wants a HOME
        # The application containers' env file: .env in a deployment, the example here.
        "ENV_FILE": ".env.example",
        "POSTGRES_PASSWORD": PASSWORD,
    }
    result = subprocess.run(  # noqa: S603 - a fixed command on our own file
        [tool, "--env-file", ".env.example", "-f", "docker-compose.yml", "config"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return yaml.safe_load(result.stdout)


def _volumes(service: dict) -> dict[str, tuple[str, bool]]:
    """Return {source: (target, read_only)} of a service's volumes as `config` prints them."""
    out = {}
    for volume in service.get("volumes", []):
        source, target, mode = [*volume.split(":"), "rw"][:3]
        out[source] = (target, mode == "ro")
    return out


def _nginx_aliases() -> dict[str, str]:
    text = (REPO / "deploy/nginx/default.conf").read_text()
    return dict(re.findall(r"location\s+(/\S*)\s*\{\s*(?:#[^\n]*\n\s*)*alias\s+(\S+);", text))


def test_every_process_is_a_service(config):
    assert set(config["services"]) == LONG_RUNNING | {"migrate"}
    assert config["services"]["postgres"]["image"] == "postgres:15"
    assert config["services"]["redis"]["image"] == "redis:7"
    assert config["services"]["nginx"]["image"].startswith("nginx:")


def test_every_long_running_service_has_a_health_check(config):
    for name in LONG_RUNNING:
        check = config["services"][name].get("healthcheck")
        assert check and check["test"], f"{name} has no health check"
        assert check["test"][0] in ("CMD", "CMD-SHELL"), name
    assert config["services"]["web"]["healthcheck"]["test"] == [
        "CMD",
        "python",
        "deploy/healthcheck.py",
        "web",
    ]
    assert "inspect ping" in config["services"]["worker"]["healthcheck"]["test"][1]
    # The one-shot migration exits: it is not restarted and has no health check.
    assert "healthcheck" not in config["services"]["migrate"]
    assert config["services"]["migrate"]["restart"] == "no"


def test_application_services_run_the_one_image_through_the_entrypoint(config):
    images = {config["services"][name]["image"] for name in APP_SERVICES}
    assert images == {"election-spoc:latest"}
    for name, command in APP_SERVICES.items():
        service = config["services"][name]
        assert service["command"] == [command]
        assert service["build"]["context"] == str(REPO)
    entrypoint = (REPO / "deploy/entrypoint.sh").read_text()
    for command in APP_SERVICES.values():
        assert f"\n  {command})\n" in entrypoint


def test_processes_start_in_order(config):
    services = config["services"]
    for name in ("web", "worker", "beat"):
        assert services[name]["depends_on"] == {
            "postgres": {"condition": "service_healthy"},
            "redis": {"condition": "service_healthy"},
            "migrate": {"condition": "service_completed_successfully"},
        }
    assert services["migrate"]["depends_on"] == {"postgres": {"condition": "service_healthy"}}
    assert services["nginx"]["depends_on"] == {"web": {"condition": "service_healthy"}}


def test_application_environment_points_at_the_services(config):
    for name in APP_SERVICES:
        env = config["services"][name]["environment"]
        assert env["DATABASE_URL"] == f"postgres://postgres:{PASSWORD}@postgres:5432/election_spoc"
        assert env["REDIS_URL"] == "redis://redis:6379/0"
        # From .env.example: production settings.
        assert env["DEBUG"] == "0"
        assert env["ALLOWED_HOSTS"] == "election-spoc.example.org"
        assert env["SECURE_PROXY_SSL_HEADER"] == "X-Forwarded-Proto"
    postgres = config["services"]["postgres"]["environment"]
    assert postgres["POSTGRES_PASSWORD"] == PASSWORD
    assert postgres["POSTGRES_HOST_AUTH_METHOD"] == "scram-sha-256"


def test_volumes_hand_the_public_site_and_static_files_to_nginx(config):
    services = config["services"]
    assert set(config["volumes"]) == {"pgdata", "media", "public_site", "static"}
    aliases = _nginx_aliases()

    # The publishing target: written by the worker (and web's "publish now" queues it),
    # read-only for nginx, which serves its `current` version at /election/.
    public_root = services["worker"]["environment"]["PUBLIC_SITE_ROOT"]
    for name in ("web", "worker", "beat"):
        assert _volumes(services[name])["public_site"] == (public_root, False)
    nginx = _volumes(services["nginx"])
    assert nginx["public_site"] == (public_root, True)
    assert aliases["/election/"] == f"{public_root}/current/"

    # Static files: web collects them into STATIC_ROOT (VAR_DIR/staticfiles) on the volume.
    var_dir = services["web"]["environment"]["VAR_DIR"]
    assert _volumes(services["web"])["static"] == (f"{var_dir}/staticfiles", False)
    assert nginx["static"] == (aliases["/static/"].rstrip("/"), True)

    # Attachments are shared by web (upload) and worker (e-mail, retention).
    for name in ("web", "worker"):
        assert _volumes(services[name])["media"] == (f"{var_dir}/media", False)

    # nginx's own configuration and certificates come from the repository's deploy/.
    assert nginx[str(REPO / "deploy/nginx/default.conf")] == (
        "/etc/nginx/conf.d/default.conf",
        True,
    )
    assert nginx[str(REPO / "deploy/tls")] == ("/etc/nginx/tls", True)


def test_only_nginx_is_published_beyond_loopback(config):
    for name, service in config["services"].items():
        for port in service.get("ports", []):
            if name == "nginx":
                assert port["target"] in (80, 443)
            else:
                assert isinstance(port, str) and port.startswith("127.0.0.1:"), (name, port)
    for name in APP_SERVICES:
        assert "ports" not in config["services"][name]


def test_nginx_proxies_the_staff_application_and_says_how_it_was_reached():
    text = (REPO / "deploy/nginx/default.conf").read_text()
    assert "server web:8000;" in text
    assert "proxy_pass http://election_spoc_web;" in text
    # Set from the connection, never the client's header passed on (SECURE_PROXY_SSL_HEADER).
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in text
    assert "proxy_set_header Host $http_host;" in text
    assert "return 301 https://$host$request_uri;" in text
    assert "location = /nginx-health" in text
