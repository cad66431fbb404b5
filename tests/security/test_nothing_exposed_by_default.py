"""Low: /metrics, /openapi.json and /docs were public on all three services, and the proxy
sent unknown paths to the documents service. Metrics answer only loopback (or a token),
the API description is off unless asked for, and the proxy routes known paths only."""

from __future__ import annotations

import re
from pathlib import Path

import httpx

from tests.security.conftest import Docs

ROOT = Path(__file__).resolve().parents[2]
OUTSIDER = ("203.0.113.7", 40000)


class TestNothingExposedByDefault:
    async def test_metrics_answer_loopback_only(self, docs: Docs) -> None:
        transport = httpx.ASGITransport(app=docs.app, client=OUTSIDER)
        async with httpx.AsyncClient(transport=transport, base_url="http://gopy") as outsider:
            assert (await outsider.get("/metrics")).status_code == 404
            forged = await outsider.get("/metrics", headers={"X-Forwarded-For": "127.0.0.1"})
            assert forged.status_code == 404
        local = await docs.anonymous.get("/metrics")
        assert local.status_code == 200 and "gopy_http_requests_total" in local.text

    async def test_api_description_is_off(self, docs: Docs) -> None:
        for path in ("/openapi.json", "/docs", "/redoc"):
            assert (await docs.anonymous.get(path)).status_code == 404, path

    def test_the_proxy_sends_unknown_paths_to_a_404(self) -> None:
        caddyfile = (ROOT / "deploy" / "Caddyfile").read_text()
        catch_all = re.search(r"\n\thandle \{(.*?)\n\t\}", caddyfile, re.S)
        assert catch_all is not None
        assert "404" in catch_all.group(1) and "reverse_proxy" not in catch_all.group(1)
        assert "/metrics" not in re.sub(r"#.*", "", caddyfile)
