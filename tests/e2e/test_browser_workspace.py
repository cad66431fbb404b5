"""The subcommittee's workspace in headless Chromium: the overview refreshes its counts live,
a section page finds a comment without its diacritics, a reviewer decides on a whole
campaign; screenshots of these pages and of the report's first two pages."""

from __future__ import annotations

import random
import shutil
import subprocess
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from services.aggregator import service
from services.aggregator.accounts import service as accounts
from shared import events as ev
from shared.auth import issue_token
from shared.broker import EmbeddedBroker
from shared.db import create_engine, session_factory, unit_of_work
from tests.aggregator.builders import comment, days_ago
from tests.aggregator.campaigns import CAMPAIGNS, DISTINCT, variant
from tests.e2e.browser import SHOTS, needs_chromium, serious_violations
from tests.factories import document_state, published
from tests.helpers import print_to_pdf
from tests.stack import KEYS, URL, ServiceProcess, stack_env

pytestmark = needs_chromium
EMAIL, PASSWORD = "lan.tt@tinh.gov.vn", "mat-khau-dung-12345"
DESKTOP = {"width": 1280, "height": 900}


class Seeded:
    def __init__(self, url: str, state: ev.DocumentState) -> None:
        self.url = url
        self.state = state

    async def apply(self, events: list[ev.AnyEvent]) -> None:
        engine = create_engine(self.url)
        async with unit_of_work(session_factory(engine)) as session:
            await service.apply_events(session, events)
        await engine.dispose()


@pytest.fixture
async def workspace_setup(
    clean_databases: dict[str, str], broker: EmbeddedBroker, topic_prefix: str, tmp_path: Path
) -> AsyncIterator[tuple[ServiceProcess, Seeded]]:
    url = clean_databases["aggregator"]
    text = (
        "Nhiệm kỳ qua, kinh tế của tỉnh tăng trưởng khá, bình quân 7,5%/năm; thu ngân sách "
        "vượt kế hoạch.\nHạ tầng giao thông nông thôn được đầu tư, 85% số xã đạt chuẩn "
        "nông thôn mới."
    )
    state = document_state(sections=6, part_text=text)
    rng = random.Random(7)
    events: list[ev.AnyEvent] = [published(state)]
    events += [
        comment(
            state,
            2,
            variant(CAMPAIGNS[0], rng),
            rng.choice(["web", "email"]),
            days_ago(rng.random() * 9),
            commenter=f"nguoi-{n % 18}",  # six people sent the circulated text twice
        )
        for n in range(24)
    ]
    events += [
        comment(
            state,
            rng.choice([3, 4, 5]),
            text,
            rng.choice(["web", "email", "post"]),
            days_ago(rng.random() * 9),
        )
        for text in DISTINCT
    ]
    seeded = Seeded(url, state)
    await seeded.apply(events)
    engine = create_engine(url)
    async with unit_of_work(session_factory(engine)) as session:
        account, _link = await accounts.invite(
            session, "test", EMAIL, "Trần Thị Lan", ["reviewer"], valid_hours=1
        )
        account.password_hash = accounts.hash_password(PASSWORD)
    await engine.dispose()
    aggregator = ServiceProcess("aggregator", {}, tmp_path)
    urls = {**URL, "aggregator": aggregator.url}
    aggregator.env = stack_env(clean_databases, broker.bootstrap, topic_prefix, urls)
    aggregator.start()
    try:
        yield aggregator, seeded
    finally:
        aggregator.stop()


async def test_overview_live_counts_search_and_a_cluster_review(
    workspace_setup: tuple[ServiceProcess, Seeded], browser: Any, tmp_path: Path
) -> None:
    aggregator, seeded = workspace_setup
    state = seeded.state
    context = await browser.new_context(viewport=DESKTOP, locale="vi-VN", bypass_csp=True)
    page = await context.new_page()
    await page.goto(f"{aggregator.url}/dang-nhap?next=/tong-hop/d/{state.document_id}")
    await page.locator("#email").fill(EMAIL)
    await page.locator("#password").fill(PASSWORD)
    await page.get_by_role("button", name="Đăng nhập").click()
    await page.wait_for_url(f"**/tong-hop/d/{state.document_id}")

    # the overview: counts per section, a chart per day, live refresh over server-sent events
    part = page.locator(f'[data-live-section="{state.sections[0].id}"]')
    assert await part.inner_text() == "24"
    assert await page.locator("figure.chart svg rect").count() > 3
    await page.get_by_text("(cập nhật trực tiếp)").wait_for(timeout=15000)
    assert await serious_violations(page) == []
    await page.screenshot(path=str(SHOTS / "09-workspace-overview.png"), full_page=True)
    await seeded.apply([comment(state, 2, "Ý kiến mới vừa đến qua thư điện tử.", "email")])
    await page.locator(f'[data-live-section="{state.sections[0].id}"]:text-is("25")').wait_for(
        timeout=15000
    )
    # ... and so do its people (a comment without contact details is its own commenter)
    people = page.locator(f'[data-live-commenters="{state.sections[0].id}"]')
    assert await people.inner_text() == "19"

    # the section page: search without diacritics
    await page.get_by_role("link", name="I. Kết quả").click()
    draft = page.get_by_role("complementary", name="Nội dung mục").locator(".draft-text p")
    assert (await draft.all_inner_texts())[1].startswith("Hạ tầng giao thông nông thôn")
    await page.get_by_label("Tìm").fill("ha tang giao thong")
    await page.get_by_role("button", name="Lọc").click()
    await page.wait_for_url("**q=ha+tang+giao+thong*")
    articles = page.locator("article.comment")
    shown = await articles.count()
    assert 20 <= shown <= 24  # a copy that lost one of these words is not found, rightly
    for text in await articles.locator("p.text").all_inner_texts():
        assert "hạ tầng giao thông" in text.lower()
    assert await serious_violations(page) == []

    # a review action on the whole campaign at once
    first = articles.first
    await first.locator("summary", has_text="Xử lý ý kiến").click()
    await first.get_by_role("radio", name="Giải trình").check()
    await first.locator("textarea[name=explanation]").fill(
        "Đã bố trí vốn cho giao thông nông thôn trong kế hoạch đầu tư công trung hạn."
    )
    await first.get_by_role("button", name="Lưu").click()
    await page.wait_for_url("**#y-kien-*")
    decided = page.locator("p.decided")
    assert await decided.count() == shown  # the whole campaign, decided at once
    assert "Trần Thị Lan" in await decided.first.inner_text()
    await page.evaluate("window.scrollTo(0, 0)")
    await page.screenshot(path=str(SHOTS / "10-workspace-section.png"), full_page=False)

    # the report's first two pages, as LibreOffice renders them
    keys = KEYS.split(",")
    token = issue_token(keys, "token:test", ["reviewer"], ttl=timedelta(minutes=5))
    async with httpx.AsyncClient(timeout=60) as client:
        response = await client.get(
            f"{aggregator.url}/api/documents/{state.document_id}/report.docx",
            headers={"Authorization": f"Bearer {token}"},
        )
    assert response.status_code == 200
    source = tmp_path / "bao-cao.docx"
    source.write_bytes(response.content)
    pdf = print_to_pdf(source)
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "60",
            "-png",
            "-f",
            "1",
            "-l",
            "2",
            str(pdf),
            str(tmp_path / "trang"),
        ],
        check=True,
        timeout=60,
    )
    pages = sorted(tmp_path.glob("trang-*.png"))
    assert len(pages) == 2
    for n, png in enumerate(pages, start=1):
        shutil.copy(png, SHOTS / f"11-report-page-{n}.png")
