"""Medium: the development signing key is public (it is in the source); every service
refuses to start with it anywhere but a loopback development run."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from services.aggregator.config import AggregatorSettings
from services.documents.config import DocumentsSettings
from services.feedback.config import FeedbackSettings
from shared.config import DEV_SECRET

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = [DocumentsSettings, FeedbackSettings, AggregatorSettings]
REAL_KEY = "a-real-random-key-for-this-deployment-0123456789abcdef"


class TestDevelopmentKeyRefusedOutsideLoopback:
    @pytest.mark.parametrize("settings_class", SETTINGS)
    def test_https_public_urls_with_the_dev_key_refuse_to_start(
        self, settings_class: type[DocumentsSettings], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.delenv("AUTH_SECRET_KEYS", raising=False)
        monkeypatch.setenv("PUBLIC_DOCUMENTS_URL", "https://gopy.tinh.gov.vn")
        with pytest.raises(ValidationError, match="AUTH_SECRET_KEYS"):
            settings_class()

    def test_production_mode_refuses_it_even_on_loopback(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("GOPY_ENV", "production")
        monkeypatch.delenv("AUTH_SECRET_KEYS", raising=False)
        with pytest.raises(ValidationError):
            DocumentsSettings()
        with pytest.raises(ValidationError):
            DocumentsSettings(auth_secret_keys=f"{REAL_KEY},{DEV_SECRET}")
        assert DocumentsSettings(auth_secret_keys=REAL_KEY).signing_keys == [REAL_KEY]

    def test_a_loopback_development_run_still_starts(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.delenv("AUTH_SECRET_KEYS", raising=False)
        monkeypatch.delenv("GOPY_ENV", raising=False)
        assert DocumentsSettings().signing_keys == [DEV_SECRET]
        local = DocumentsSettings(public_aggregator_url="http://localhost:8003")
        assert local.is_loopback_development

    def test_the_image_runs_in_production_mode(self) -> None:
        dockerfile = (ROOT / "Dockerfile").read_text()
        assert "GOPY_ENV=production" in dockerfile
