"""Property tests: generated drafts with a known structure parse back to that structure."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.documents.parsing import invitation_record, outline_records, parse_text
from services.documents.parsing.headings import to_roman

KINDS = ["part", "upper", "roman", "arabic1", "arabic2", "lower"]
PART_WORDS = ["nhất", "hai", "ba", "tư", "năm"]
WORDS = (
    "phát triển kinh tế xã hội nông nghiệp công nghiệp dịch vụ giáo dục y tế văn hóa "
    "quốc phòng an ninh đối ngoại đầu tư hạ tầng giao thông đô thị môi trường tài nguyên"
).split()

word = st.sampled_from(WORDS)
phrase = st.lists(word, min_size=2, max_size=9).map(" ".join)


@dataclass
class Node:
    kind: str
    ordinal: int
    title: str
    children: list[Node] = field(default_factory=list)


@st.composite
def subtree(draw: st.DrawFn, kind_index: int, depth: int) -> Node:
    kind = KINDS[kind_index]
    node = Node(kind, 0, draw(phrase))
    deeper = [
        k
        for k in range(kind_index + 1, len(KINDS))
        if not (KINDS[k] == "arabic2" and kind != "arabic1")
    ]
    if deeper and depth < 4 and draw(st.integers(0, 3)) > 0:
        child_kind = draw(st.sampled_from(deeper[:3]))
        count = draw(st.integers(1, 3))
        for i in range(count):
            child = draw(subtree(child_kind, depth + 1))
            child.ordinal = i + 1
            node.children.append(child)
    return node


@st.composite
def document_tree(draw: st.DrawFn) -> list[Node]:
    top = draw(st.sampled_from([0, 1, 2, 3]))
    roots = [draw(subtree(top, 0)) for _ in range(draw(st.integers(1, 3)))]
    for i, root in enumerate(roots):
        root.ordinal = i + 1
    return roots


def label(node: Node, parent: Node | None, variant: int) -> str:
    if node.kind == "part":
        return f"Phần thứ {PART_WORDS[node.ordinal - 1]}"
    if node.kind == "upper":
        return "ABCDE"[node.ordinal - 1]
    if node.kind == "roman":
        return to_roman(node.ordinal)
    if node.kind == "arabic1":
        return str(node.ordinal)
    if node.kind == "arabic2":
        assert parent is not None
        return f"{parent.ordinal}.{node.ordinal}"
    return "abcde"[node.ordinal - 1]


def body_lines(draw: st.DrawFn) -> list[str]:
    kinds = draw(st.lists(st.integers(0, 5), max_size=3))
    out = []
    for k in kinds:
        text = draw(phrase)
        out.append(
            [
                f"{text.capitalize()}.",
                f"- {text.capitalize()}: tăng 3,5%.",
                f"+ {text.capitalize()}.",
                f"Toàn tỉnh có\n9.052 người {text}.",
                f"Một là, {text}; Hai là, {text}.",
                f"(1) {text.capitalize()} đạt 4.221 tỷ đồng.",
            ][k]
        )
    return out


@st.composite
def rendered(draw: st.DrawFn) -> tuple[str, list[tuple]]:
    roots = draw(document_tree())
    lines: list[str] = ["Dự thảo báo cáo của Ban Chấp hành.", ""]
    expected: list[tuple] = []

    def emit(node: Node, parent: Node | None, path: list[str]) -> None:
        number = label(node, parent, 0)
        my_path = path + [number]
        line = len(lines) + 1
        if node.kind == "part":
            lines.append(draw(st.sampled_from(["", "    ", "\u00a0\u00a0"])) + number)
            title = node.title.upper()
            lines.append(title)
        elif node.kind in ("upper", "roman"):
            title = node.title.upper()
            sep = draw(st.sampled_from([". ", "- ", " - "]))
            lines.append(f"{number}{sep}{title}")
        else:
            title = node.title.capitalize()
            end = draw(st.sampled_from(["", "."])) if node.kind == "arabic2" else ""
            sep = ") " if node.kind == "lower" else ". " if not end else " "
            if node.kind == "arabic2":
                sep = ". " if end == "." else " "
            lines.append(f"{number}{sep}{title}")
        expected.append((line, len(my_path), number, title, my_path))
        lines.append("")
        for text in body_lines(draw):
            lines.extend(text.split("\n") + [""])
        for child in node.children:
            emit(child, node, my_path)

    for root in roots:
        emit(root, None, [])
    return "\n".join(lines) + "\n", expected


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rendered())
def test_generated_outline_round_trips(case: tuple[str, list[tuple]]) -> None:
    text, expected = case
    doc = parse_text(text)
    actual = [
        (h["line"], h["level"], h["number"], h["title"], h["path"]) for h in outline_records(doc)
    ]
    assert actual == expected, text
    assert doc.warnings == []


emails = st.from_regex(r"[a-z][a-z0-9]{2,10}@[a-z]{3,8}\.(vn|com|gov\.vn)", fullmatch=True)
dates = st.dates(datetime.date(2015, 1, 1), datetime.date(2030, 12, 31))


@settings(max_examples=60, deadline=None)
@given(
    email=emails,
    end=dates,
    length=st.integers(5, 60),
    street=st.integers(1, 300),
    postage=st.booleans(),
    template=st.integers(0, 2),
)
def test_invitation_round_trip(
    email: str, end: datetime.date, length: int, street: int, postage: bool, template: int
) -> None:
    start = end - datetime.timedelta(days=length)
    address = f"Số {street}, đường Trần Phú, phường Tân Thanh, thành phố Điện Biên Phủ"
    window = [
        f"từ {start.day:02d}/{start.month} đến {end.day}/{end.month}/{end.year}",
        f"đến hết ngày {end.day}/{end.month:02d}/{end.year}",
        f"trước ngày {end.day} tháng {end.month} năm {end.year}",
    ][template]
    text = (
        "I. KẾT QUẢ\nĐến ngày 30/10/2019 giải ngân đạt 386 tỷ đồng.\n\n"
        f"Mọi ý kiến góp ý xin gửi về Ban Tuyên giáo, địa chỉ: {address} hoặc qua thư điện "
        f"tử: {email}. Thời gian nhận ý kiến góp ý {window}."
        + (" Thư gửi qua bưu điện không phải dán tem." if postage else "")
        + "\n"
    )
    doc = parse_text(text)
    assert invitation_record(doc) == {
        "emails": [email],
        "postal_addresses": [address],
        "deadline": end.isoformat(),
        "postage_free": postage,
    }
    if template == 0:
        assert doc.invitation.opens == start
