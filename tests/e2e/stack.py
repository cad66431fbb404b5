"""The three services as real uvicorn processes over the real broker, for end-to-end tests."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx

from shared.auth import issue_token
from shared.config import ServiceSettings
from tests.helpers import ServiceProcess, eventually

SMALL_DRAFT = """DỰ THẢO BÁO CÁO CHÍNH TRỊ
của Ban Chấp hành Đảng bộ tỉnh

Phần thứ nhất
ĐÁNH GIÁ KẾT QUẢ NHIỆM KỲ

I. NHỮNG KẾT QUẢ NỔI BẬT

1. Về phát triển kinh tế

1.1. Nông nghiệp: Sản lượng lương thực đạt 9.052 tấn, tăng so với năm trước.

1.2. Công nghiệp

Giá trị sản xuất công nghiệp tăng bình quân 8%/năm.

2. Về văn hóa - xã hội

Chất lượng giáo dục được nâng lên.

II. HẠN CHẾ, YẾU KÉM

Một số chỉ tiêu chưa đạt.

Phần thứ hai
PHƯƠNG HƯỚNG NHIỆM KỲ TỚI

I. MỤC TIÊU

Phát triển nhanh và bền vững.

Mọi ý kiến đóng góp gửi về Email: vanphong@example.vn trước ngày 31/7/2020.
"""


@dataclass
class Stack:
    env: dict[str, str]
    log_dir: Path
    processes: dict[str, ServiceProcess] = field(default_factory=dict)

    def start(self, *names: str) -> Stack:
        for name in names or ("documents", "feedback", "aggregator"):
            self.processes[name] = ServiceProcess(name, self.env, self.log_dir).start()
        return self

    def stop(self, *names: str, kill: bool = False) -> None:
        for name in names or tuple(self.processes):
            self.processes[name].stop(kill=kill)

    def url(self, name: str) -> str:
        return self.processes[name].url

    @property
    def token(self) -> str:
        keys = ServiceSettings().signing_keys
        return issue_token(keys, "test-admin", ["admin", "reviewer"], ttl=timedelta(hours=1))

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    async def publish_draft(
        self, client: httpx.AsyncClient, text: str = SMALL_DRAFT
    ) -> dict[str, Any]:
        """Import and open a draft; return its API representation once feedback knows it."""
        docs = self.url("documents")
        created = await client.post(
            f"{docs}/api/documents", json={"text": text, "source_name": "t.txt"}, headers=self.auth
        )
        assert created.status_code == 201, created.text
        document_id = created.json()["id"]
        opened = await client.post(
            f"{docs}/api/documents/{document_id}/open", json={"days": 30}, headers=self.auth
        )
        assert opened.status_code == 200, opened.text
        return (await client.get(f"{docs}/api/documents/{document_id}")).json()  # type: ignore[no-any-return]

    async def comment(
        self,
        client: httpx.AsyncClient,
        document_id: str,
        section_id: str | None,
        text: str = "Đề nghị bổ sung số liệu.",
    ) -> dict[str, Any]:
        """Post a comment, waiting first (with a deadline) for feedback to learn the document."""
        body = {"document_id": document_id, "section_id": section_id, "text": text}

        async def post() -> httpx.Response:
            return await client.post(f"{self.url('feedback')}/api/comments", json=body)

        response = await eventually(
            post, lambda r: r.status_code != 422 or "Không tìm thấy dự thảo" not in r.text
        )
        assert response.status_code == 201, response.text
        return response.json()  # type: ignore[no-any-return]

    async def tallies(
        self, client: httpx.AsyncClient, document_id: str
    ) -> dict[tuple[str, ...], int]:
        response = await client.get(
            f"{self.url('aggregator')}/api/documents/{document_id}/tallies", headers=self.auth
        )
        if response.status_code != 200:
            return {}
        return {tuple(row["path"]): row["total"] for row in response.json()}


def stack_env(database_urls: dict[str, str], bootstrap: str, prefix: str) -> dict[str, str]:
    return {
        "DOCUMENTS_DATABASE_URL": database_urls["documents"],
        "FEEDBACK_DATABASE_URL": database_urls["feedback"],
        "AGGREGATOR_DATABASE_URL": database_urls["aggregator"],
        "KAFKA_BOOTSTRAP_SERVERS": bootstrap,
        "KAFKA_TOPIC_PREFIX": prefix,
        "AGGREGATOR_CONSUMER_GROUP": f"aggregator-{uuid.uuid4().hex[:6]}",
        # every request comes from 127.0.0.1 here; the hourly limit is tested in tests/feedback
        "FEEDBACK_RATE_LIMIT_PER_HOUR": "1000000",
        "LOG_LEVEL": "INFO",
    }
