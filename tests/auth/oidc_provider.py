"""A real OpenID Connect provider for the sign-in tests, and a person signing in at it.

The provider is panva/node-oidc-provider (OpenID Certified), run by Node from
``oidc_provider/`` (``make test`` installs it with ``npm ci``). Its people live in a
JSON file read at every look-up, so a test can change someone's roles at the provider.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from typing import Any

import httpx

from shared.broker import free_port

PROVIDER_DIR = Path(__file__).parent / "oidc_provider"
CLIENT_ID = "gop-y-aggregator"
CLIENT_SECRET = "oidc-test-client-secret-0123456789"


@dataclass
class OidcProvider:
    issuer: str
    accounts_file: Path
    log_file: Path

    def set_people(self, people: dict[str, dict[str, Any]]) -> None:
        """Who exists at the provider: ``{sub: {email, email_verified, name, roles}}``."""
        self.accounts_file.write_text(json.dumps(people), encoding="utf-8")

    def log(self) -> str:
        return self.log_file.read_text(errors="replace")[-4000:]


def _installed() -> None:
    if shutil.which("node") is None:
        raise RuntimeError("Node.js is needed to run the test OpenID Connect provider")
    if not (PROVIDER_DIR / "node_modules" / "oidc-provider").is_dir():
        subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=PROVIDER_DIR,
            check=True,
        )


@contextmanager
def running_provider(redirect_uris: list[str], workdir: Path) -> Iterator[OidcProvider]:
    """Start the provider on a free port and wait until its discovery document answers."""
    _installed()
    port = free_port()
    provider = OidcProvider(
        issuer=f"http://127.0.0.1:{port}",
        accounts_file=workdir / "oidc-accounts.json",
        log_file=workdir / "oidc-provider.log",
    )
    provider.set_people({})
    env = {
        **os.environ,
        "PORT": str(port),
        "OIDC_CLIENT_ID": CLIENT_ID,
        "OIDC_CLIENT_SECRET": CLIENT_SECRET,
        "OIDC_REDIRECT_URIS": ",".join(redirect_uris),
        "OIDC_ACCOUNTS_FILE": str(provider.accounts_file),
    }
    with open(provider.log_file, "ab") as log:
        process = subprocess.Popen(
            ["node", "server.mjs"], cwd=PROVIDER_DIR, env=env, stdout=log, stderr=subprocess.STDOUT
        )
    try:
        _wait_for_discovery(provider, process)
        yield provider
    finally:
        process.terminate()
        process.wait(timeout=10)


def _wait_for_discovery(provider: OidcProvider, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            url = f"{provider.issuer}/.well-known/openid-configuration"
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"the OpenID Connect provider did not start:\n{provider.log()}")
        time.sleep(0.1)


def _form(page: httpx.Response) -> tuple[str, dict[str, str]]:
    """The action and hidden fields of the one form on a provider page."""
    action = re.search(r'<form[^>]*action="([^"]+)"', page.text)
    assert action, f"no form on the provider's page:\n{page.text[:2000]}"
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page.text))
    return str(page.url.join(unescape(action.group(1)))), hidden


async def callback_from_provider(
    browser: httpx.AsyncClient, start_url: str, login: str
) -> httpx.URL:
    """What a person does: click the sign-in button, log in at the provider, allow access.

    Returns the address the provider sends the browser back to, not yet visited.
    """
    page = await browser.get(start_url)
    for _ in range(4):  # the provider's login page, then its consent page, if it asks
        while page.is_redirect:
            target = page.url.join(page.headers["location"])
            if target.path == "/dang-nhap/oidc/callback":
                return target
            page = await browser.get(target)
        action, fields = _form(page)
        if fields.get("prompt") == "login":
            fields.update(login=login, password="any")
        page = await browser.post(action, data=fields)
    raise AssertionError(f"the provider never sent the browser back:\n{page.text[:2000]}")


async def sign_in_at_provider(
    browser: httpx.AsyncClient, start_url: str, login: str
) -> httpx.Response:
    """The whole round trip; the aggregator's answer to the callback is not followed, so
    the test sees the cookie and where the browser is sent."""
    return await browser.get(await callback_from_provider(browser, start_url, login))
