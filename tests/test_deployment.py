"""docker-compose.yml cannot run here (no Docker engine), so its structure is checked instead:
every service, port, dependency, topic and environment variable the code reads."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import AliasChoices
from pydantic_settings import BaseSettings

from services.aggregator.config import AggregatorSettings
from services.documents.config import DocumentsSettings
from services.feedback.config import FeedbackSettings
from shared.events.topics import PARTITIONS

ROOT = Path(__file__).resolve().parent.parent
APPS: dict[str, type[BaseSettings]] = {
    "documents": DocumentsSettings,
    "feedback": FeedbackSettings,
    "aggregator": AggregatorSettings,
}


def env_names(settings: type[BaseSettings]) -> set[str]:
    """Every environment variable a settings class reads."""
    prefix = str(settings.model_config.get("env_prefix", ""))
    names = set()
    for name, info in settings.model_fields.items():
        alias = info.validation_alias
        if isinstance(alias, AliasChoices):
            names.update(str(c) for c in alias.choices if str(c).isupper())
        else:
            names.add((prefix + name).upper())
    return names


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())  # type: ignore[no-any-return]


class TestServices:
    def test_all_parts_are_present(self, compose: dict[str, Any]) -> None:
        assert set(compose["services"]) >= {
            "postgres",
            "kafka",
            "kafka-init",
            "migrate",
            "documents",
            "feedback",
            "aggregator",
            "proxy",
        }
        assert compose["services"]["postgres"]["image"].startswith("postgres:16")
        assert compose["services"]["kafka"]["image"].startswith("apache/kafka:")
        assert "controller" in compose["services"]["kafka"]["environment"]["KAFKA_PROCESS_ROLES"]

    @pytest.mark.parametrize("name", list(APPS))
    def test_each_app_runs_its_own_factory_after_migrations_and_topics(
        self, compose: dict[str, Any], name: str
    ) -> None:
        service = compose["services"][name]
        assert f"services.{name}.main:create_app" in service["command"]
        assert "--factory" in service["command"]
        assert service["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        assert service["depends_on"]["kafka-init"]["condition"] == "service_completed_successfully"
        assert "/readyz" in " ".join(service["healthcheck"]["test"])

    @pytest.mark.parametrize("name", ["feedback", "aggregator"])
    def test_consumers_of_drafts_start_once_documents_is_ready(
        self, compose: dict[str, Any], name: str
    ) -> None:
        """Ready as of start-up then includes every draft documents had to publish."""
        depends = compose["services"][name]["depends_on"]
        assert depends["documents"]["condition"] == "service_healthy"

    def test_migrations_run_once_for_every_service(self, compose: dict[str, Any]) -> None:
        command = compose["services"]["migrate"]["command"]
        assert command[:3] == ["python", "-m", "shared.migrate"]
        assert set(command[3:]) == set(APPS)
        assert (
            compose["services"]["migrate"]["depends_on"]["postgres"]["condition"]
            == "service_healthy"
        )

    def test_each_service_database_is_created(self) -> None:
        sql = (ROOT / "deploy" / "postgres-init.sql").read_text()
        for name in APPS:
            assert f"CREATE DATABASE {name};" in sql


class TestEnvironment:
    @pytest.mark.parametrize("name", list(APPS))
    def test_every_variable_set_is_one_the_code_reads(
        self, compose: dict[str, Any], name: str
    ) -> None:
        env = compose["services"][name]["environment"]
        read = set().union(*(env_names(s) for s in APPS.values()))
        unknown = set(env) - read
        assert not unknown, f"compose sets variables no service reads: {sorted(unknown)}"

    @pytest.mark.parametrize("name", list(APPS))
    def test_production_essentials_are_set(self, compose: dict[str, Any], name: str) -> None:
        env = compose["services"][name]["environment"]
        for required in (
            f"{name.upper()}_DATABASE_URL",
            "KAFKA_BOOTSTRAP_SERVERS",
            "AUTH_SECRET_KEYS",
        ):
            assert required in env
        assert env[f"{name.upper()}_DATABASE_URL"].startswith("postgresql+asyncpg://")
        assert env[f"{name.upper()}_DATABASE_URL"].endswith(f"/{name}")
        assert ":?" in env["AUTH_SECRET_KEYS"], "the signing key must be required, never defaulted"


class TestTopics:
    def test_every_topic_is_created_with_the_partitions_the_code_expects(
        self, compose: dict[str, Any]
    ) -> None:
        command = " ".join(compose["services"]["kafka-init"]["command"])
        for topic, partitions in PARTITIONS.items():
            assert re.search(rf"--topic {re.escape(topic)} --partitions {partitions}\b", command), (
                topic
            )
        assert (
            compose["services"]["kafka"]["environment"]["KAFKA_AUTO_CREATE_TOPICS_ENABLE"]
            == "false"
        )


class TestProxy:
    def _routes(self) -> str:
        return (ROOT / "deploy" / "Caddyfile").read_text()

    def test_public_paths_reach_their_owner(self) -> None:
        caddy = self._routes()
        feedback = re.search(r"@feedback path ([^\n]+)", caddy)
        assert feedback is not None
        for path in ("/comments", "/receipt", "/api/comments", "/api/receipts/*"):
            assert path in feedback.group(1).split()
        assert "reverse_proxy feedback:8000" in caddy
        staff = re.search(r"@staff path ([^\n]+)", caddy)
        assert staff is not None
        for path in ("/tong-hop", "/tong-hop/*", "/dang-nhap", "/quan-tri/*", "/dat-mat-khau/*"):
            assert path in staff.group(1).split()
        assert "tallies" in caddy and "reverse_proxy aggregator:8000" in caddy
        assert "reverse_proxy documents:8000" in caddy

    def test_the_image_copies_what_the_services_need(self) -> None:
        dockerfile = (ROOT / "Dockerfile").read_text()
        for folder in ("shared", "services", "migrations"):
            assert f"COPY {folder} ./{folder}" in dockerfile
            assert (ROOT / folder).is_dir()


def _caddy_owner(caddy: str, path: str) -> str:
    """Which upstream the Caddyfile's handle blocks, in order, give a request path."""
    matchers: dict[str, list[str]] = {}
    for name, kind, args in re.findall(r"@(\w+) (path|path_regexp) ([^\n]+)", caddy):
        matchers[name] = [f"re:{args.strip()}"] if kind == "path_regexp" else args.split()
    for block in re.finditer(r"handle (?:@(\w+) )?\{\s*reverse_proxy (\w+):", caddy):
        name, upstream = block.group(1), block.group(2)
        if name is None:
            return upstream
        for pattern in matchers[name]:
            if pattern.startswith("re:") and re.match(pattern[3:], path):
                return upstream
            if pattern == path or (pattern.endswith("/*") and path.startswith(pattern[:-1])):
                return upstream
    return ""


@pytest.mark.parametrize("name", ["documents", "feedback", "aggregator"])
def test_every_route_of_a_service_reaches_it_through_the_proxy(name: str) -> None:
    """Behind one public origin, no route may be shadowed by another service's."""
    from importlib import import_module

    app = import_module(f"services.{name}.main").create_app()
    caddy = (ROOT / "deploy" / "Caddyfile").read_text()
    shared_paths = {"/api/staff/me"}
    for path in app.openapi()["paths"]:
        if path in shared_paths:
            continue
        concrete = re.sub(r"\{[^}]+\}", "x1", path)
        assert _caddy_owner(caddy, concrete) == name, f"{path} does not reach {name}"


def test_the_readme_documents_every_variable_the_code_reads() -> None:
    readme = (ROOT / "README.md").read_text()
    read = set().union(*(env_names(s) for s in APPS.values()))
    missing = sorted(name for name in read if f"`{name}`" not in readme)
    assert not missing, f"README's configuration table lacks {missing}"
