"""``shared/`` is plumbing and contracts: no module of it imports or names a service's module,
neither by an import statement nor by a string handed to importlib, uvicorn or Alembic."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHARED = sorted((ROOT / "shared").rglob("*.py"))
# "services.feedback", "services/aggregator/models.py", "services.documents.main:create_app"
SERVICE_MODULE = re.compile(r"\bservices[./][A-Za-z_]")


def service_references(source: str) -> list[str]:
    """Every import of ``services`` and every string naming one of its modules."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.split(".")[0] == "services"]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module.split(".")[0] == "services":
                found.append(node.module)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            if SERVICE_MODULE.search(node.value):
                found.append(node.value)
        elif isinstance(node, ast.JoinedStr):  # f"services.{name}.main": read {…} as a name
            text = "".join(v.value if isinstance(v, ast.Constant) else "x" for v in node.values)
            if SERVICE_MODULE.search(text):
                found.append(text)
    return found


class TestTheCheckItself:
    @pytest.mark.parametrize(
        "source",
        [
            "import services.feedback.models",
            "from services.documents import service",
            "from services import aggregator",
            "importlib.import_module('services.aggregator.models')",
            "run(f'services.{name}.main:create_app')",
            "Path('services/feedback/templates')",
        ],
    )
    def test_it_finds_a_service_named_by_import_or_string(self, source: str) -> None:
        assert service_references(source)

    @pytest.mark.parametrize(
        "source",
        [
            "from shared.events import topics",
            '"""Used by both services."""',
            "x = 'the documents service'",
        ],
    )
    def test_it_leaves_plain_words_alone(self, source: str) -> None:
        assert service_references(source) == []


def test_there_is_shared_code_to_check() -> None:
    assert len(SHARED) > 10


@pytest.mark.parametrize("path", SHARED, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_shared_module_names_a_service(path: Path) -> None:
    assert service_references(path.read_text(encoding="utf-8")) == []
