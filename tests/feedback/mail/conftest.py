"""The corpus draft's catalogue, built once: the reader works on it, not on a database."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from services.documents.parsing import parse_file
from services.feedback.mail.catalogue import Catalogue
from services.feedback.mail.draft import catalogue_from_document

HERE = Path(__file__).parent
DRAFT = HERE / "draft_dienbien_2020.txt"
CORPUS = HERE / "corpus"


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    return catalogue_from_document(parse_file(DRAFT))


@pytest.fixture(scope="session")
def expected() -> dict[str, dict[str, Any]]:
    data: dict[str, dict[str, Any]] = json.loads((HERE / "expected.json").read_text("utf-8"))
    return data
