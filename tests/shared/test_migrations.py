"""Each service's Alembic history builds exactly the tables its models describe, so a model
change without its migration (or a hand-written migration that drifts) fails here."""

from __future__ import annotations

import pytest
from alembic import command

from shared import migrate


@pytest.mark.parametrize("service", migrate.histories())
def test_the_migrated_database_matches_the_models(
    service: str, database_urls: dict[str, str]
) -> None:
    command.check(migrate.alembic_config(service, database_urls[service]))
