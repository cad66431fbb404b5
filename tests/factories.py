"""Builders of realistic events and states for tests."""

from __future__ import annotations

import uuid
from datetime import timedelta
from pathlib import Path

from shared import events as ev

# A short draft with every level of a Party congress report: parts, Roman, 1, 1.1.
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
# The sample draft of `make run` (a real provincial report, shortened).
SAMPLE_DRAFT = (Path(__file__).parent / "feedback" / "draft_sample.txt").read_text(encoding="utf-8")


def document_state(
    status: str = "open", sections: int = 3, part_text: str | None = None
) -> ev.DocumentState:
    """A document with a small tree: I > 1 > 1.1, and II, ...; ``part_text``: I's own body."""
    now = ev.utcnow()
    part = uuid.uuid4()
    child = uuid.uuid4()
    infos = [
        ev.SectionInfo(
            id=part,
            position=0,
            level=1,
            number="I",
            title="Kết quả",
            path=["I"],
            text=part_text,
        ),
        ev.SectionInfo(
            id=child,
            parent_id=part,
            position=1,
            level=2,
            number="1",
            title="Kinh tế",
            path=["I", "1"],
        ),
        ev.SectionInfo(
            id=uuid.uuid4(),
            parent_id=child,
            position=2,
            level=3,
            number="1.1",
            title="Nông nghiệp",
            path=["I", "1", "1.1"],
        ),
    ]
    for n in range(3, sections):
        infos.append(
            ev.SectionInfo(
                id=uuid.uuid4(),
                position=n,
                level=1,
                number=f"P{n}",
                title=f"Phần {n}",
                path=[f"P{n}"],
            )
        )
    return ev.DocumentState(
        document_id=uuid.uuid4(),
        slug=f"du-thao-{uuid.uuid4().hex[:6]}",
        title="Dự thảo Báo cáo",
        status=status,  # type: ignore[arg-type]
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=30),
        sections=infos,
    )


def published(state: ev.DocumentState) -> ev.DocumentPublished:
    return ev.DocumentPublished(producer="documents", payload=state)


def submitted(
    state: ev.DocumentState,
    section_index: int | None = 2,
    channel: str = "web",
    comment_id: uuid.UUID | None = None,
) -> ev.CommentSubmitted:
    section_id = state.sections[section_index].id if section_index is not None else None
    return ev.CommentSubmitted(
        producer="feedback",
        payload=ev.CommentSubmittedPayload(
            comment_id=comment_id or uuid.uuid4(),
            document_id=state.document_id,
            section_id=section_id,
            channel=channel,
            text="Đề nghị bổ sung số liệu.",
            submitted_at=ev.utcnow(),
        ),
    )  # type: ignore[arg-type]
