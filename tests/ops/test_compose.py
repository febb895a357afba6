"""docker-compose.yml: the production topology, checked without a Docker engine."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml

from tests.ops.settings_names import GUNICORN_CONFIG, names_read_by, names_read_by_settings

REPO = Path(__file__).resolve().parents[2]
APP_SERVICES = {"migrate", "web", "worker", "beat"}
# Variables the official postgres image reads; they never reach Django.
POSTGRES_IMAGE_VARS = {"POSTGRES_DB", "POSTGRES_USER", "POSTGRES_PASSWORD"}


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((REPO / "docker-compose.yml").read_text())


@pytest.fixture(scope="module")
def services(compose: dict) -> dict:
    return compose["services"]


def _command(service: dict) -> str:
    command = service["command"]
    return " ".join(command) if isinstance(command, list) else command


def _healthcheck(service: dict) -> str:
    test = service["healthcheck"]["test"]
    return " ".join(test) if isinstance(test, list) else test


def test_it_matches_the_compose_specification_schema(compose: dict) -> None:
    # The Compose Specification's JSON schema (tests/ops/compose_spec.json, Apache-2.0,
    # as shipped with docker-compose 1.29): unknown keys and wrong shapes are errors.
    schema = json.loads((REPO / "tests" / "ops" / "compose_spec.json").read_text())
    jsonschema.Draft201909Validator(schema).validate(compose)


def test_it_has_the_whole_topology(services: dict) -> None:
    assert set(services) == {"db", "redis", "migrate", "proxy", "web", "worker", "beat"}
    for name, service in services.items():
        assert service.get("image") or service.get("build"), name
    for name in APP_SERVICES:
        assert services[name]["build"] == ".", name
        assert _command(services[name]), name


def test_it_only_sets_variables_the_settings_read(services: dict) -> None:
    for name in APP_SERVICES:
        read = names_read_by_settings()
        if name == "web":
            read |= names_read_by(GUNICORN_CONFIG)
        environment = services[name]["environment"]
        assert isinstance(environment, dict), name
        unknown = set(environment) - read
        assert not unknown, f"{name} sets {sorted(unknown)}, which config/settings.py never reads"
        assert {"SECRET_KEY", "DATABASE_URL", "REDIS_URL", "ALLOWED_HOSTS"} <= set(environment)
    assert set(services["db"]["environment"]) <= POSTGRES_IMAGE_VARS


def test_it_requires_a_secret_key_instead_of_shipping_one(services: dict) -> None:
    assert services["web"]["environment"]["SECRET_KEY"].startswith("${SECRET_KEY:?")


def test_it_keeps_postgres_in_a_named_volume_behind_a_readiness_check(
    compose: dict, services: dict
) -> None:
    db = services["db"]
    volume = db["volumes"][0].split(":")[0]
    assert volume in compose["volumes"]
    assert _healthcheck(db).startswith("CMD pg_isready")


def test_it_runs_redis_append_only_with_a_health_check(services: dict) -> None:
    redis = services["redis"]
    assert re.search(r"--appendonly yes", _command(redis))
    assert _healthcheck(redis) == "CMD redis-cli ping"


def test_it_migrates_once_before_anything_serves(services: dict) -> None:
    migrate = services["migrate"]
    assert _command(migrate) == "python manage.py migrate --noinput"
    assert migrate["restart"] == "no"
    assert migrate["depends_on"]["db"]["condition"] == "service_healthy"
    for name in ("web", "worker", "beat"):
        depends = services[name]["depends_on"]
        assert depends["db"]["condition"] == "service_healthy", name
        assert depends["redis"]["condition"] == "service_healthy", name
        assert depends["migrate"]["condition"] == "service_completed_successfully", name


def test_it_serves_with_gunicorn_and_checks_readiness(services: dict) -> None:
    web = services["web"]
    assert _command(web).startswith("gunicorn --config config/gunicorn.conf.py")
    assert "http://127.0.0.1:8000/readyz" in _healthcheck(web)


def test_it_publishes_only_nginx_in_front_of_gunicorn(services: dict) -> None:
    # Slow clients must meet nginx, which buffers whole requests, never gunicorn.
    published = {name for name, service in services.items() if service.get("ports")}
    assert published == {"proxy"}
    assert services["proxy"]["ports"] == ["${WEB_PORT:-8000}:8000"]
    assert services["web"]["expose"] == ["8000"]


def test_its_proxy_serves_the_repository_nginx_config_and_reaches_gunicorn(
    services: dict,
) -> None:
    proxy = services["proxy"]
    assert proxy["image"].startswith("nginx:")
    source, target, mode = proxy["volumes"][0].split(":")
    template = (REPO / source).read_text()
    # The nginx image renders /etc/nginx/templates/*.template from its environment.
    assert target == "/etc/nginx/templates/default.conf.template" and mode == "ro"
    for placeholder in re.findall(r"\$\{(NGINX_[A-Z_]+)\}", template):
        assert placeholder in proxy["environment"], placeholder
    assert proxy["environment"]["NGINX_UPSTREAM"] == "web:8000"
    assert "0.0.0.0:8000" in _command(services["web"])
    assert proxy["environment"]["NGINX_LISTEN"] == proxy["ports"][0].rsplit(":", 1)[1]
    assert proxy["depends_on"]["web"]["condition"] == "service_healthy"
    assert "http://127.0.0.1:8000/healthz" in _healthcheck(proxy)


def test_it_counts_the_proxy_among_the_trusted_proxies(services: dict) -> None:
    # nginx appends the address it saw to X-Forwarded-For.
    assert services["web"]["environment"]["TRUSTED_PROXY_COUNT"] == "${TRUSTED_PROXY_COUNT:-1}"


def test_it_pings_each_worker_by_its_own_node_name(services: dict) -> None:
    worker = services["worker"]
    assert _command(worker).startswith("celery -A config worker")
    # $$ escapes compose's interpolation, so the container's shell expands HOSTNAME.
    assert _healthcheck(worker) == "CMD-SHELL celery -A config inspect ping -d celery@$$HOSTNAME"
    assert "deploy" not in worker, "workers must stay scalable with --scale worker=N"


def test_it_runs_exactly_one_beat(services: dict) -> None:
    beat = services["beat"]
    assert _command(beat).startswith("celery -A config beat")
    assert beat["deploy"]["replicas"] == 1
    assert "scale" not in beat
    schedulers = [n for n, s in services.items() if "command" in s and " beat" in _command(s)]
    assert schedulers == ["beat"]


def test_its_example_env_file_only_names_variables_something_reads() -> None:
    names = {
        line.split("=", 1)[0]
        for line in (REPO / ".env.example").read_text().splitlines()
        if line and not line.startswith("#")
    }
    assert names - {"POSTGRES_PASSWORD"} <= names_read_by_settings()
    assert {"SECRET_KEY", "ALLOWED_HOSTS", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS"} <= names
