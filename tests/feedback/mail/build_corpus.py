"""Writes the .eml corpus of tests/feedback/mail/corpus (run by hand; its output is committed).

Every message is invented for these tests.  Binary shapes (base64, quoted-printable,
windows-1258 with combining tone marks, TCVN3/VNI bytes, .docx/.pdf attachments) are
encoded here so the files on disk are exactly what a mail client would have sent.

Usage: .venv/bin/python tests/feedback/mail/build_corpus.py
"""

from __future__ import annotations

import base64
import io
import quopri
import shutil
import subprocess
import sys
import tempfile
import unicodedata
from email.header import Header
from pathlib import Path

HERE = Path(__file__).parent
CORPUS = HERE / "corpus"
TO = "dienbientv.vn@gmail.com"
_TONES = "\u0300\u0301\u0303\u0309\u0323"
_TCVN3 = dict(
    zip(
        "àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵĂÂĐÊÔƠƯ",
        "µ¸¶·¹¨»¾¼½Æ©ÇÊÈÉË®ÌÐÎÏÑªÒÕÓÔÖ×ÝØÜÞßãáâä«åèæçé¬êíëìîïóñòô\xadõøö÷ùúýûüþ¡¢§£¤¥¦",
        strict=True,
    )
)
_VNI_TONE = {"\u0300": "ø", "\u0301": "ù", "\u0309": "û", "\u0303": "õ", "\u0323": "ï"}
_VNI_CIRC = {"": "â", "\u0300": "à", "\u0301": "á", "\u0309": "å", "\u0303": "ã", "\u0323": "ä"}
_VNI_BREVE = {"": "ê", "\u0300": "è", "\u0301": "é", "\u0309": "ú", "\u0303": "ü", "\u0323": "ë"}
_VNI_I = {"\u0300": "ì", "\u0301": "í", "\u0309": "æ", "\u0303": "ó", "\u0323": "ò"}


def cp1258(text: str) -> bytes:
    """windows-1258 as Vietnamese Windows wrote it: base letter, then a combining tone mark."""
    out = bytearray()
    for char in text:
        try:
            out += char.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        parts = unicodedata.normalize("NFD", char)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in _TONES))
        out += base.encode("cp1258") + "".join(c for c in parts if c in _TONES).encode("cp1258")
    return bytes(out)


def tcvn3(text: str) -> bytes:
    """Text as typed with a .VnTime (TCVN3/ABC) font, lower-case letters only."""
    return "".join(_TCVN3.get(c, c) for c in text).encode("latin-1")


def vni(text: str) -> bytes:
    """Text as typed with a VNI-Times font: base letter followed by its mark bytes."""
    out = []
    for char in text:
        lower = char.lower()
        parts = unicodedata.normalize("NFD", lower)
        base, marks = parts[0], parts[1:]
        tone = next((m for m in marks if m in _TONES), "")
        upper = char != lower
        if lower == "đ":
            piece = "ñ"
        elif base == "i" and tone:
            piece = _VNI_I[tone]
        elif base == "y" and tone == "\u0323":
            piece = "î"
        elif "\u031b" in marks:  # horn: ơ ư
            piece = ("ô" if base == "o" else "ö") + (_VNI_TONE[tone] if tone else "")
        elif "\u0302" in marks:
            piece = base + _VNI_CIRC[tone]
        elif "\u0306" in marks:
            piece = base + _VNI_BREVE[tone]
        elif tone:
            piece = base + _VNI_TONE[tone]
        else:
            piece = char
            upper = False
        out.append(piece.upper() if upper else piece)
    return "".join(out).encode("cp1252")


def b64(data: bytes) -> str:
    return base64.encodebytes(data).decode("ascii")


def qp(data: bytes) -> str:
    return quopri.encodestring(data).decode("ascii")


def word(text: str, charset: str = "utf-8") -> str:
    return Header(text, charset).encode()


def headers(
    sender: str,
    subject: str,
    mid: str,
    date: str = "Mon, 06 Jul 2020 09:15:00 +0700",
    extra: str = "",
) -> str:
    if not sender.isascii() and " <" in sender:
        name, address = sender.rsplit(" <", 1)
        sender = f"{word(name)} <{address}"
    return (
        f"From: {sender}\nTo: {TO}\nSubject: {subject}\nDate: {date}\n"
        f"Message-ID: <{mid}>\nMIME-Version: 1.0\n{extra}"
    )


def plain(sender: str, subject: str, mid: str, body: str, extra: str = "") -> bytes:
    head = headers(sender, word(subject), mid, extra=extra)
    return (
        head + "Content-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: 8bit\n\n" + body
    ).encode("utf-8")


def docx_bytes(paragraphs: list[str]) -> bytes:
    from docx import Document

    document = Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def pdf_bytes(paragraphs: list[str]) -> bytes:
    """A real PDF with a text layer, printed from a .docx by LibreOffice."""
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "gopy.docx"
        source.write_bytes(docx_bytes(paragraphs))
        office = shutil.which("soffice") or shutil.which("libreoffice")
        if office is None:
            sys.exit("LibreOffice is needed once to print the PDF attachment")
        subprocess.run(
            [office, "--headless", "--convert-to", "pdf", "--outdir", tmp, str(source)],
            check=True,
            capture_output=True,
            timeout=180,
        )
        return (Path(tmp) / "gopy.pdf").read_bytes()


def mixed(
    sender: str, subject: str, mid: str, body: str, files: list[tuple[str, str, bytes]]
) -> bytes:
    boundary = "==mixed_7c1f0b2a=="
    out = headers(sender, word(subject), mid)
    out += f'Content-Type: multipart/mixed; boundary="{boundary}"\n\n'
    out += "This is a multi-part message in MIME format.\n\n"
    out += f"--{boundary}\nContent-Type: text/plain; charset=UTF-8\n"
    out += "Content-Transfer-Encoding: base64\n\n" + b64(body.encode("utf-8"))
    for name, ctype, data in files:
        out += f'--{boundary}\nContent-Type: {ctype}; name="{name}"\n'
        out += f'Content-Disposition: attachment; filename="{name}"\n'
        out += "Content-Transfer-Encoding: base64\n\n" + b64(data)
    out += f"--{boundary}--\n"
    return out.encode("ascii")


P2_V_1_3 = ["Phần thứ hai", "V", "1", "1.3"]
P1_I_2_2 = ["Phần thứ nhất", "I", "2", "2.2"]
APPENDIX = ["Phần thứ hai", "V", "6", "6.6"]


def expect(
    outcome: str,
    sections: list[list[str]] | None = None,
    sender: str | None = None,
    contains: list[str] | None = None,
    absent: list[str] | None = None,
) -> dict[str, object]:
    return {
        "outcome": outcome,
        "sections": sections or [],
        "sender_email": sender,
        "contains": contains or [],
        "absent": absent or [],
    }


def simple_messages() -> list[tuple[str, bytes, dict[str, object]]]:
    """Plain UTF-8 messages: every way of naming a section, and none."""
    m: list[tuple[str, bytes, dict[str, object]]] = []
    m.append(
        (
            "01_subject_muc_phan_thu_hai.eml",
            plain(
                "=?utf-8?b?Tmd1eeG7hW4gVsSDbiBBbg==?= <an.nguyen1962@gmail.com>",
                "Góp ý mục 1.3 phần thứ hai",
                "CAK1x9f2a.01@mail.gmail.com",
                "Kính gửi Ban biên tập,\n\nTôi đề nghị bổ sung giải pháp làm đường ô tô đến trung tâm "
                "các xã còn lại của huyện Mường Nhé, vì đi lại mùa mưa rất khó khăn.\n\nTrân trọng,\n"
                "Nguyễn Văn An\nĐT: 0912 345 678\n",
            ),
            expect(
                "accepted", [P2_V_1_3], "an.nguyen1962@gmail.com", ["Mường Nhé"], ["0912 345 678"]
            ),
        )
    )
    m.append(
        (
            "02_diem_muc_phan_thu_nhat.eml",
            plain(
                '"Lò Thị Hương" <huong.lt.dbp@yahoo.com.vn>',
                "Ý kiến đóng góp dự thảo báo cáo chính trị",
                "20200707081533.GA1234@yahoo.com.vn",
                "Tại điểm 2.2, mục I, Phần thứ nhất có nêu kết quả tái cơ cấu nông nghiệp. Tôi thấy "
                "cần đánh giá thêm việc trồng cây mắc ca, vì nhiều hộ ở Tủa Chùa đã trồng mà chưa có "
                "nơi thu mua.\n",
            ),
            expect("accepted", [P1_I_2_2], "huong.lt.dbp@yahoo.com.vn", ["mắc ca"]),
        )
    )
    m.append(
        (
            "03_phan_roman_v.eml",
            plain(
                "Quàng Văn Dũng <dungqv@dienbien.gov.vn>",
                "Góp ý phần V",
                "5f1c2a.03@dienbien.gov.vn",
                "Về phần V (chủ trương và các giải pháp chủ yếu), đề nghị nêu rõ nguồn lực thực hiện "
                "từng giải pháp, tránh chung chung.\n",
            ),
            expect("accepted", [["Phần thứ hai", "V"]], "dungqv@dienbien.gov.vn", ["nguồn lực"]),
        )
    )
    m.append(
        (
            "04_no_diacritics_tieu_muc.eml",
            plain(
                "Tong Van Khanh <khanh.tv88@gmail.com>",
                "gop y bao cao",
                "CAF8a.04@mail.gmail.com",
                "Chao ban bien tap, toi xin gop y tieu muc 1.3 muc I phan thu nhat: can noi ro so "
                "lao dong qua dao tao nghe o cac huyen vung cao, khong chi tinh chung toan tinh.\n",
            ),
            expect(
                "accepted",
                [["Phần thứ nhất", "I", "1", "1.3"]],
                "khanh.tv88@gmail.com",
                ["dao tao"],
            ),
        )
    )
    m.append(
        (
            "05_roman_dash.eml",
            plain(
                "Vi Thị Mai <maivt@gmail.com>",
                "Gop y",
                "CAF8a.05@mail.gmail.com",
                "Mục II- Phần thứ nhất (những hạn chế, khuyết điểm) còn viết nhẹ, chưa nói đến việc "
                "chậm giải ngân vốn đầu tư công ở một số huyện.\n",
            ),
            expect("accepted", [["Phần thứ nhất", "II"]], "maivt@gmail.com", ["giải ngân"]),
        )
    )
    m.append(
        (
            "06_roman_dot_no_diacritics.eml",
            plain(
                "Ha Van Toan <toanhv@gmail.com>",
                "Muc II. phan thu hai",
                "CAF8a.06@mail.gmail.com",
                "Toi thay cac chi tieu ve kinh te dat ra hoi cao so voi thuc te 5 nam qua, de nghi "
                "xem xet lai cho phu hop.\n",
            ),
            expect("accepted", [["Phần thứ hai", "II"]], "toanhv@gmail.com", ["chi tieu"]),
        )
    )
    m.append(
        (
            "07_whole_document.eml",
            plain(
                "Cầm Thị Lan <lanct@gmail.com>",
                "Góp ý dự thảo",
                "CAF8a.07@mail.gmail.com",
                "Dự thảo viết công phu, nhưng còn dài, nhiều số liệu. Đề nghị rút gọn, viết dễ hiểu "
                "hơn để người dân ở bản cũng đọc được.\n\nCầm Thị Lan\n",
            ),
            expect("accepted", [[]], "lanct@gmail.com", ["rút gọn"]),
        )
    )
    m.append(
        (
            "08_nonexistent_section.eml",
            plain(
                "Lường Văn Sơn <sonlv@gmail.com>",
                "Góp ý mục 9.7 phần thứ hai",
                "CAF8a.08@mail.gmail.com",
                "Đề nghị bổ sung nội dung về phát triển chè Shan tuyết.\n",
            ),
            expect("quarantined", [], "sonlv@gmail.com"),
        )
    )
    m.append(
        (
            "09_ambiguous_section.eml",
            plain(
                "Lường Văn Sơn <sonlv@gmail.com>",
                "Góp ý",
                "CAF8a.09@mail.gmail.com",
                "Ở mục 1.3, đề nghị viết lại cho rõ ý về nhân lực và hạ tầng.\n",
            ),
            expect("quarantined", [], "sonlv@gmail.com"),
        )
    )
    m.append(
        (
            "10_context_from_subject.eml",
            plain(
                "Điêu Chính Tới <toidc@gmail.com>",
                "Góp ý Phần thứ hai",
                "CAF8a.10@mail.gmail.com",
                "Mục 4.2: cần nói rõ trách nhiệm của Ủy ban nhân dân cấp xã trong việc giải quyết "
                "đơn thư của người dân.\n",
            ),
            expect("accepted", [["Phần thứ hai", "V", "4", "4.2"]], "toidc@gmail.com", ["đơn thư"]),
        )
    )
    m.append(
        (
            "11_several_sections.eml",
            plain(
                "Nguyễn Thị Bích Ngọc <ngocntb@gmail.com>",
                "Ý kiến góp ý dự thảo",
                "CAF8a.11@mail.gmail.com",
                "Kính gửi Tiểu ban Văn kiện,\nTôi xin góp một số ý như sau:\n\n"
                "1. Tại điểm 2.2, mục I, Phần thứ nhất: cần nêu số hộ thoát nghèo nhờ trồng cây ăn "
                "quả.\n\n"
                "2. Mục 1.3 phần thứ hai: đề nghị ưu tiên đường đến các xã biên giới.\n"
                "Nên có lộ trình cụ thể từng năm.\n\n"
                "3. Phần thứ hai, mục III: đồng ý với ba khâu đột phá nhưng cần thêm chỉ tiêu đo "
                "lường.\n\nTrân trọng cảm ơn!\nNgọc\n",
            ),
            expect(
                "accepted",
                [P1_I_2_2, P2_V_1_3, ["Phần thứ hai", "III"]],
                "ngocntb@gmail.com",
                ["thoát nghèo", "lộ trình", "đột phá"],
            ),
        )
    )
    m.append(
        (
            "12_enumeration_same_text.eml",
            plain(
                "Bạc Cầm Quân <quanbc@gmail.com>",
                "gop y",
                "CAF8a.12@mail.gmail.com",
                "Mục 1.2 và 1.3 của phần thứ hai đều nói về đầu tư, đề nghị gộp lại cho gọn.\n",
            ),
            expect(
                "accepted",
                [["Phần thứ hai", "V", "1", "1.2"], P2_V_1_3],
                "quanbc@gmail.com",
                ["gộp lại"],
            ),
        )
    )
    m.append(
        (
            "13_quoted_title.eml",
            plain(
                "Lý Văn Páo <paolv@gmail.com>",
                "Về du lịch",
                "CAF8a.13@mail.gmail.com",
                "Phần “Phát triển du lịch trở thành ngành kinh tế mũi nhọn” cần gắn với văn hóa các "
                "dân tộc Thái, Mông, Khơ Mú.\n",
            ),
            expect("accepted", [["Phần thứ hai", "IV", "3"]], "paolv@gmail.com", ["Khơ Mú"]),
        )
    )
    m.append(
        (
            "14_quoted_phrase_of_text.eml",
            plain(
                "Trần Đức Minh <minhtd@gmail.com>",
                "Góp ý",
                "CAF8a.14@mail.gmail.com",
                'Câu "hợp tác phát triển du lịch 8 tỉnh Tây Bắc mở rộng" nên bổ sung thêm hợp tác '
                "với các tỉnh Bắc Lào.\n",
            ),
            expect("accepted", [["Phần thứ hai", "IV", "3"]], "minhtd@gmail.com", ["Bắc Lào"]),
        )
    )
    m.append(
        (
            "15_appendix_indicator.eml",
            plain(
                "Phạm Thu Trang <trangpt@gmail.com>",
                "Về phụ lục chỉ tiêu",
                "CAF8a.15@mail.gmail.com",
                "Chỉ tiêu tổng sản lượng lương thực đến 2025 là 280 nghìn tấn, tôi thấy nên nâng lên "
                "vì diện tích lúa nước cánh đồng Mường Thanh ổn định.\n",
            ),
            expect("accepted", [APPENDIX], "trangpt@gmail.com", ["280 nghìn tấn"]),
        )
    )
    m.append(
        (
            "16_part_context_in_body.eml",
            plain(
                "Đỗ Văn Hùng <hungdv@gmail.com>",
                "Góp ý văn kiện",
                "CAF8a.16@mail.gmail.com",
                "Phần thứ hai:\n- Mục 1.3: nên nói rõ tuyến đường Điện Biên - Tây Trang.\n"
                "- Mục 4.2: Ủy ban nhân dân các cấp cần công khai tiến độ giải quyết thủ tục.\n",
            ),
            expect(
                "accepted",
                [P2_V_1_3, ["Phần thứ hai", "V", "4", "4.2"]],
                "hungdv@gmail.com",
                ["Tây Trang", "công khai"],
            ),
        )
    )
    m.append(
        (
            "17_empty.eml",
            plain("Nguyen Van Binh <binhnv@gmail.com>", "", "CAF8a.17@mail.gmail.com", "\n\n"),
            expect("not_a_comment", [], "binhnv@gmail.com"),
        )
    )
    return m


def shaped_messages() -> list[tuple[str, bytes, dict[str, object]]]:
    """HTML, alternatives, replies, forwards: what mail clients wrap around the comment."""
    m: list[tuple[str, bytes, dict[str, object]]] = []
    html = (
        "<html><head><meta charset='utf-8'><style>p{font-family:Arial} .x{color:red}</style>"
        "<script>var tracking=1;</script><title>Góp ý</title></head><body>"
        "<div dir='ltr'><p>Kính gửi Ban biên tập,</p><p>Về <b>mục 3.1</b>, <i>mục I</i>, "
        "Phần thứ nhất:<br>đề nghị bổ sung kết quả kiên cố hóa trường lớp&nbsp;học ở "
        "vùng&nbsp;cao.</p><ul><li>Nêu số phòng học tạm còn lại</li><li>Nêu kế hoạch xóa "
        "phòng học tạm</li></ul></div></body></html>"
    )
    head = headers("Hoàng Thị Yến <yenht@outlook.com>", word("Góp ý giáo dục"), "html.18@outlook")
    m.append(
        (
            "18_html_only.eml",
            (
                head
                + "Content-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: base64\n\n"
                + b64(html.encode("utf-8"))
            ).encode("ascii"),  # fmt: skip
            expect(
                "accepted",
                [["Phần thứ nhất", "I", "3", "3.1"]],
                "yenht@outlook.com",
                ["phòng học tạm", "vùng cao"],
                ["<", "tracking", "font-family"],
            ),
        )
    )
    boundary = "000000000000a1b2c3d4e5"
    text = "Mục 2.3 Phần thứ nhất, mục I: nên nhắc đến thủy điện nhỏ và môi trường.\n"
    alt_html = (
        '<div dir="ltr">Mục 2.3 Phần thứ nhất, mục I: nên nhắc đến thủy điện nhỏ '
        "và môi trường.</div>"
    )
    head = headers("Lê Minh Tuấn <tuanlm@gmail.com>", word("gop y"), "alt.19@mail.gmail.com")
    body = (
        f'Content-Type: multipart/alternative; boundary="{boundary}"\n\n'
        f'--{boundary}\nContent-Type: text/plain; charset="UTF-8"\n'
        f"Content-Transfer-Encoding: quoted-printable\n\n{qp(text.encode())}\n"
        f'--{boundary}\nContent-Type: text/html; charset="UTF-8"\n'
        f"Content-Transfer-Encoding: quoted-printable\n\n{qp(alt_html.encode())}\n"
        f"--{boundary}--\n"
    )
    m.append(
        (
            "19_alternative_qp.eml",
            (head + body).encode("ascii"),
            expect(
                "accepted", [["Phần thứ nhất", "I", "2", "2.3"]], "tuanlm@gmail.com", ["thủy điện"]
            ),
        )
    )
    stub_html = (
        "<html><body><table><tr><td>Đề nghị <b>phần thứ hai</b>, mục IV, mục 6 bổ sung "
        "chính sách hỗ trợ nhà ở cho hộ nghèo.</td></tr></table></body></html>"
    )
    head = headers("Bùi Văn Chiến <chienbv@vnpt.vn>", word("Gop y"), "alt.20@vnpt.vn")
    body = (
        'Content-Type: multipart/alternative; boundary="alt-20"\n\n'
        "--alt-20\nContent-Type: text/plain; charset=us-ascii\n\n"
        "This is an HTML message.\n"
        "--alt-20\nContent-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n"
        f"{stub_html}\n--alt-20--\n"
    )
    m.append(
        (
            "20_alternative_stub_plain.eml",
            (head + body).encode("utf-8"),
            expect(
                "accepted",
                [["Phần thứ hai", "IV", "6"]],
                "chienbv@vnpt.vn",
                ["hỗ trợ nhà ở"],
                ["HTML message"],
            ),
        )
    )
    m.append(
        (
            "21_reply_gmail_vietnamese.eml",
            plain(
                "Mùa A Sử <sumua@gmail.com>",
                "Re: Xin ý kiến dự thảo Báo cáo chính trị",
                "CAF8a.21@mail.gmail.com",
                "Tôi góp ý mục 2.2 phần thứ hai, mục V: cần thêm bác sĩ cho trạm y tế xã.\n\n"
                "Vào Th 2, 6 thg 7, 2020 vào lúc 08:00 Đài PTTH Điện Biên <dienbientv.vn@gmail.com>"
                "\nđã viết:\n\n> Kính mời bạn đọc góp ý dự thảo.\n> Mục 1.3 phần thứ nhất ...\n",
                extra="In-Reply-To: <invite.2020@dienbientv>\n",
            ),
            expect(
                "accepted",
                [["Phần thứ hai", "V", "2", "2.2"]],
                "sumua@gmail.com",
                ["bác sĩ"],
                ["Kính mời", "Mục 1.3 phần thứ nhất"],
            ),
        )
    )
    m.append(
        (
            "22_reply_english_client.eml",
            plain(
                "Nguyen Hoang Long <longnh@hotmail.com>",
                "RE: Gop y du thao",
                "CAF8a.22@hotmail.com",
                "Ve muc 2.1 phan thu hai, muc V: can day manh xa hoi hoa giao duc.\n\n"
                "On Mon, Jul 6, 2020 at 8:00 AM Dai PTTH Dien Bien <dienbientv.vn@gmail.com> wrote:\n"
                "> Moi ban doc gop y phan thu nhat, muc 9.9\n",
            ),
            expect(
                "accepted",
                [["Phần thứ hai", "V", "2", "2.1"]],
                "longnh@hotmail.com",
                ["xa hoi hoa"],
                ["Moi ban doc"],
            ),
        )
    )
    m.append(
        (
            "23_reply_outlook_header_block.eml",
            plain(
                "Trịnh Văn Hải <haitv@dienbien.gov.vn>",
                "TL: Dự thảo báo cáo",
                "CAF8a.23@dienbien.gov.vn",
                "Đồng ý với mục 6.4, mục V, phần thứ hai về công tác dân vận; đề nghị thêm vai trò "
                "của người có uy tín trong đồng bào.\n\n________________________________\n"
                "From: Văn phòng Tỉnh ủy <vanphong@dienbien.gov.vn>\n"
                "Sent: Monday, July 6, 2020 7:45 AM\nTo: Trịnh Văn Hải\n"
                "Subject: Dự thảo báo cáo\n\nGửi đồng chí dự thảo, mục 9.9 phần thứ tư.\n",
            ),
            expect(
                "accepted",
                [["Phần thứ hai", "V", "6", "6.4"]],
                "haitv@dienbien.gov.vn",
                ["người có uy tín"],
                ["Gửi đồng chí"],
            ),
        )
    )
    html_reply = (
        '<div dir="ltr">Góp ý <b>mục 5.2 phần thứ nhất, mục I</b>: cần đánh giá thực chất '
        'chất lượng sinh hoạt chi bộ.<br><br>-- <br><div class="gmail_signature">Lê Văn Tâm'
        '<br>Chi bộ bản Na Sang</div></div><br><div class="gmail_quote"><div dir="ltr" '
        'class="gmail_attr">Vào Th 3, 7 thg 7, 2020 lúc 09:00 Ban Tuyên giáo &lt;'
        'btg@dienbien.gov.vn&gt; đã viết:<br></div><blockquote class="gmail_quote" '
        'style="margin:0px 0px 0px 0.8ex">Mời góp ý mục 9.9.</blockquote></div>'
    )
    head = headers("Lê Văn Tâm <tamlv@gmail.com>", word("Re: Mời góp ý"), "html.24@gmail")
    m.append(
        (
            "24_html_reply_gmail_quote.eml",
            (
                head + "Content-Type: text/html; charset=UTF-8\nContent-Transfer-Encoding: "
                "quoted-printable\n\n" + qp(html_reply.encode())
            ).encode("ascii"),  # fmt: skip
            expect(
                "accepted",
                [["Phần thứ nhất", "I", "5", "5.2"]],
                "tamlv@gmail.com",
                ["chi bộ"],
                ["Mời góp ý", "Na Sang"],
            ),
        )
    )
    inner = (
        "From: Giàng A Chứ <chuga1958@gmail.com>\nTo: Giàng Thị Mỷ <mygt@gmail.com>\n"
        "Subject: =?UTF-8?B?" + base64.b64encode("Ý kiến phần V".encode()).decode() + "?=\n"
        "Date: Sun, 05 Jul 2020 20:10:00 +0700\nMessage-ID: <inner.25@gmail>\n"
        "Content-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: 8bit\n\n"
        "Tôi là cựu chiến binh, góp ý mục 3.2, mục V, phần thứ hai: cần quan tâm hơn nữa "
        "đến an ninh vùng biên giới Mường Nhé.\n"
    )
    head = headers("Giàng Thị Mỷ <mygt@gmail.com>", word("Fwd: Ý kiến phần V"), "fwd.25@gmail")
    body = (
        'Content-Type: multipart/mixed; boundary="fwd25"\n\n--fwd25\n'
        "Content-Type: text/plain; charset=UTF-8\n\nCháu gửi giúp ý kiến của bố cháu ạ.\n"
        "--fwd25\nContent-Type: message/rfc822\nContent-Disposition: attachment; "
        'filename="Y kien.eml"\n\n' + inner + "--fwd25--\n"
    )
    m.append(
        (
            "25_forward_rfc822.eml",
            (head + body).encode("utf-8"),
            expect(
                "accepted",
                [["Phần thứ hai", "V", "3", "3.2"]],
                "chuga1958@gmail.com",
                ["cựu chiến binh"],
                ["bố cháu"],
            ),
        )
    )
    m.append(
        (
            "26_forward_inline.eml",
            plain(
                "Xã Thanh Xương <xathanhxuong@gmail.com>",
                "Fwd: Góp ý dự thảo",
                "CAF8a.26@mail.gmail.com",
                "Xã chuyển ý kiến của ông Tòng đến Ban biên tập.\n\n"
                "---------- Forwarded message ---------\n"
                "From: Tòng Văn Pọm <pomtv@gmail.com>\nDate: Th 7, 4 thg 7, 2020 lúc 15:20\n"
                "Subject: Góp ý dự thảo\nTo: <xathanhxuong@gmail.com>\n\n"
                "Đề nghị mục 2.2 phần thứ nhất, mục I nói thêm về cánh đồng lúa Mường Thanh.\n",
            ),
            expect(
                "accepted",
                [P1_I_2_2],
                "pomtv@gmail.com",
                ["cánh đồng lúa"],
                ["Xã chuyển"],
            ),
        )
    )
    return m


def encoded_messages() -> list[tuple[str, bytes, dict[str, object]]]:
    """Encodings: encoded words, base64, windows-1258, mislabels, legacy fonts, broken MIME."""
    m: list[tuple[str, bytes, dict[str, object]]] = []
    text = (
        "Góp ý mục 1.2 phần thứ hai: cần cơ chế thu hút nhà đầu tư vào nông nghiệp công nghệ cao.\n"
    )
    head = headers(
        word("Phùng Thị Duyên") + " <duyenpt@gmail.com>",
        word("Ý kiến về cơ chế, chính sách"),
        "b64.27@mail.gmail.com",
    )
    m.append(
        (
            "27_encoded_words_base64.eml",
            (
                head
                + "Content-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: base64\n\n"
                + b64(text.encode())
            ).encode("ascii"),  # fmt: skip
            expect(
                "accepted",
                [["Phần thứ hai", "V", "1", "1.2"]],
                "duyenpt@gmail.com",
                ["công nghệ cao"],
            ),
        )
    )
    text = (
        "Kính gửi Ban biên tập. Tôi đề nghị phần thứ hai, mục V, tiểu mục 2.4 bổ sung việc "
        "bảo tồn chữ viết của người Thái.\n"
    )
    head = headers(
        "=?windows-1258?Q?"
        + qp(cp1258("Lò Văn Mười")).replace(" ", "_").strip()
        + "?= <muoilv@yahoo.com>",
        "=?windows-1258?Q?" + qp(cp1258("Góp ý")).replace(" ", "_").strip() + "?=",
        "cp1258.28@yahoo.com",
    )
    m.append(
        (
            "28_windows1258_qp.eml",
            (
                head + "Content-Type: text/plain; charset=windows-1258\n"
                "Content-Transfer-Encoding: quoted-printable\n\n" + qp(cp1258(text))
            ).encode("ascii"),  # fmt: skip
            expect(
                "accepted",
                [["Phần thứ hai", "V", "2", "2.4"]],
                "muoilv@yahoo.com",
                ["chữ viết của người Thái"],
            ),
        )
    )
    text = "Về mục 4.1 phần thứ nhất mục I: lực lượng dân quân tự vệ được huấn luyện tốt.\n"
    head = headers("Luong Van Thanh <thanhlv@gmail.com>", "Gop y", "nolabel.29@gmail")
    m.append(
        (
            "29_windows1258_unlabelled.eml",
            (head + "Content-Type: text/plain\nContent-Transfer-Encoding: 8bit\n\n").encode("ascii")
            + cp1258(text),
            expect(
                "accepted",
                [["Phần thứ nhất", "I", "4", "4.1"]],
                "thanhlv@gmail.com",
                ["dân quân tự vệ"],
            ),
        )
    )
    text = "Mục 4.3, mục I, phần thứ nhất: hợp tác với các tỉnh Bắc Lào cần nêu kết quả cụ thể.\n"
    head = headers("Vàng Thị Súa <suavt@gmail.com>", "Gop y doi ngoai", "mislabel.30@gmail")
    m.append(
        (
            "30_utf8_labelled_latin1.eml",
            (
                head
                + "Content-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: 8bit\n\n"
            ).encode("ascii")
            + text.encode("utf-8"),  # fmt: skip
            expect(
                "accepted", [["Phần thứ nhất", "I", "4", "4.3"]], "suavt@gmail.com", ["Bắc Lào"]
            ),
        )
    )
    text = (
        "Tôi đề nghị mục 3.6, mục I, phần thứ nhất nêu thêm số lao động đi làm việc ở nước ngoài.\n"
    )
    head = headers("Sung A Lử <lusa@gmail.com>", "Gop y", "unknown.31@gmail")
    m.append(
        (
            "31_unknown_charset_label.eml",
            (
                head
                + "Content-Type: text/plain; charset=x-unknown\nContent-Transfer-Encoding: 8bit\n\n"
            ).encode("ascii")
            + cp1258(text),  # fmt: skip
            expect(
                "accepted", [["Phần thứ nhất", "I", "3", "3.6"]], "lusa@gmail.com", ["nước ngoài"]
            ),
        )
    )
    text = (
        "Tôi là giáo viên về hưu, góp ý mục 3.1 phần thứ nhất, mục I: cần đánh giá chất lượng "
        "dạy tiếng việt cho học sinh người dân tộc.\n"
    )
    head = headers("Nguyen Duc Tho <thond@vnn.vn>", "Gop y giao duc", "tcvn3.32@vnn.vn")
    m.append(
        (
            "32_tcvn3_legacy.eml",
            (
                head + "Content-Type: text/plain; charset=windows-1252\nContent-Transfer-Encoding: "
                "quoted-printable\n\n"
            ).encode("ascii")
            + qp(tcvn3(text)).encode("ascii"),  # fmt: skip
            expect(
                "accepted",
                [["Phần thứ nhất", "I", "3", "3.1"]],
                "thond@vnn.vn",
                ["giáo viên về hưu", "người dân tộc"],
            ),
        )
    )
    text = (
        "Tôi góp ý mục 3.3, mục I, phần thứ nhất: cần nói rõ số trạm y tế xã đạt chuẩn quốc gia "
        "và số bác sĩ về công tác tại xã.\n"
    )
    head = headers("Tran Van Quy <quytv@fpt.vn>", "Gop y y te", "vni.33@fpt.vn")
    m.append(
        (
            "33_vni_legacy.eml",
            (
                head + "Content-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: "
                "8bit\n\n"
            ).encode("ascii")
            + vni(text),  # fmt: skip
            expect(
                "accepted",
                [["Phần thứ nhất", "I", "3", "3.3"]],
                "quytv@fpt.vn",
                ["trạm y tế xã", "bác sĩ"],
            ),
        )
    )
    head = headers("Đinh Văn Khoa <khoadv@gmail.com>", word("Góp ý"), "broken.34@gmail")
    body = (
        'Content-Type: multipart/mixed; boundary="b34"\n\n--b34\n'
        "Content-Type: text/plain; charset=utf-8\n\n"
        "Mục 5.4, mục I, phần thứ nhất: công tác dân vận ở cơ sở còn hình thức, cần sát dân "
        "hơn.\n"
    )
    m.append(
        (
            "34_broken_mime_no_closing_boundary.eml",
            (head + body).encode("utf-8"),
            expect(
                "accepted", [["Phần thứ nhất", "I", "5", "5.4"]], "khoadv@gmail.com", ["sát dân"]
            ),
        )
    )
    head = headers("Tao Van Vuong <vuongtv@gmail.com>", "gop y", "flowed.35@gmail")
    body = (
        "Content-Type: text/plain; charset=utf-8; format=flowed\n"
        "Content-Transfer-Encoding: 8bit\n\n"
        "Về mục 1.9 phần thứ hai, mục V: các dự án trọng điểm cần công khai tiến \n"
        "độ cho nhân dân biết và giám sát.\n\n-- \nTao Van Vuong\nBan Thanh tra nhân dân\n"
    )
    m.append(
        (
            "35_format_flowed_signature.eml",
            (head + body).encode("utf-8"),
            expect(
                "accepted",
                [["Phần thứ hai", "V", "1", "1.9"]],
                "vuongtv@gmail.com",
                ["công khai tiến độ cho nhân dân"],
                ["Ban Thanh tra"],
            ),
        )
    )
    m.append(
        (
            "36_iphone_footer.eml",
            plain(
                "Quàng Thị Ngân <nganqt@icloud.com>",
                "Góp ý phần thứ hai mục IV tiểu mục 5",
                "iphone.36@icloud.com",
                "Cần bảo tồn nhà sàn truyền thống và lễ hội Hoa Ban.\n\nGửi từ iPhone của tôi\n",
            ),
            expect(
                "accepted",
                [["Phần thứ hai", "IV", "5"]],
                "nganqt@icloud.com",
                ["nhà sàn"],
                ["iPhone"],
            ),
        )
    )
    return m


def attachment_messages() -> list[tuple[str, bytes, dict[str, object]]]:
    """The comment in an attached Word or PDF file; a photographed letter."""
    m: list[tuple[str, bytes, dict[str, object]]] = []
    letter = [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Ý KIẾN GÓP Ý DỰ THẢO BÁO CÁO CHÍNH TRỊ",
        "1. Mục 2.5, mục I, Phần thứ nhất: cần đánh giá việc huy động vốn xã hội hóa.",
        "2. Mục 1.4 Phần thứ hai: tái cơ cấu đầu tư công phải đi đôi với chống thất thoát.",
        "Người góp ý: Hà Văn Thắng, bản Phiêng Lơi",
    ]
    m.append(
        (
            "37_docx_attachment.eml",
            mixed(
                "Hà Văn Thắng <thanghv@gmail.com>",
                "Góp ý dự thảo (file đính kèm)",
                "docx.37@mail.gmail.com",
                "Tôi gửi ý kiến góp ý trong file đính kèm.\nTrân trọng.\n",
                [
                    (
                        "gop_y_du_thao.docx",
                        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                        docx_bytes(letter),
                    )
                ],
            ),
            expect(
                "accepted",
                [["Phần thứ nhất", "I", "2", "2.5"], ["Phần thứ hai", "V", "1", "1.4"]],
                "thanghv@gmail.com",
                ["xã hội hóa", "thất thoát"],
            ),
        )
    )
    m.append(
        (
            "38_pdf_attachment.eml",
            mixed(
                "Hội Nông dân xã Nà Tấu <hndnatau@gmail.com>",
                "Gửi ý kiến góp ý",
                "pdf.38@mail.gmail.com",
                "Kính gửi, Hội Nông dân xã gửi kèm văn bản góp ý (tệp PDF).\n",
                [
                    (
                        "Gop y Hoi Nong dan.pdf",
                        "application/pdf",
                        pdf_bytes(
                            [
                                "Hội Nông dân xã Nà Tấu góp ý Phần thứ hai, mục IV, mục 1:",
                                "Đề nghị có chính sách hỗ trợ giống cà phê và chè cho hội viên nông dân.",
                            ]
                        ),
                    )
                ],
            ),
            expect(
                "accepted", [["Phần thứ hai", "IV", "1"]], "hndnatau@gmail.com", ["giống cà phê"]
            ),
        )
    )
    jpeg = (
        bytes.fromhex("ffd8ffe000104a46494600010100000100010000ffdb004300")
        + bytes(64)
        + b"\xff\xd9"
    )
    m.append(
        (
            "39_scanned_letter_image_only.eml",
            mixed(
                "Lò Văn Khiêm <khiemlv@gmail.com>",
                "Thư góp ý",
                "scan.39@mail.gmail.com",
                "",
                [("thu_gop_y.jpg", "image/jpeg", jpeg)],
            ),
            expect("quarantined", [], "khiemlv@gmail.com"),
        )
    )
    return m


def not_comment_messages() -> list[tuple[str, bytes, dict[str, object]]]:
    """Auto-replies, bounces, lists and spam: recorded with their reason, never filed."""
    m: list[tuple[str, bytes, dict[str, object]]] = []
    m.append(
        (
            "40_auto_submitted.eml",
            plain(
                "Sở Nội vụ <sonoivu@dienbien.gov.vn>",
                "Trả lời tự động: Góp ý dự thảo",
                "auto.40@dienbien.gov.vn",
                "Cảm ơn ông/bà đã gửi thư. Chúng tôi sẽ phản hồi trong thời gian sớm nhất.\n",
                extra="Auto-Submitted: auto-replied\n",
            ),
            expect("not_a_comment", [], "sonoivu@dienbien.gov.vn"),
        )
    )
    m.append(
        (
            "41_out_of_office_x_autoreply.eml",
            plain(
                "Nguyen Thi Hoa <hoant@dienbien.gov.vn>",
                "Out of Office: Gop y du thao",
                "ooo.41@dienbien.gov.vn",
                "Toi dang di cong tac den 15/7, se tra loi sau.\n",
                extra="X-Autoreply: yes\n",
            ),
            expect("not_a_comment", [], "hoant@dienbien.gov.vn"),
        )
    )
    m.append(
        (
            "42_newsletter_bulk.eml",
            plain(
                "Báo Điện Biên Phủ <bantin@baodienbienphu.example.vn>",
                "Bản tin sáng 7/7",
                "news.42@baodienbienphu.example.vn",
                "Tin nổi bật: Hội nghị triển khai nhiệm vụ 6 tháng cuối năm.\n",
                extra="Precedence: bulk\nList-Unsubscribe: <mailto:unsub@baodienbienphu.example.vn>\n",
            ),
            expect("not_a_comment", [], "bantin@baodienbienphu.example.vn"),
        )
    )
    head = headers(
        "Mail Delivery Subsystem <MAILER-DAEMON@googlemail.com>",
        "Delivery Status Notification (Failure)",
        "dsn.43@googlemail.com",
    )
    body = (
        'Content-Type: multipart/report; report-type=delivery-status; boundary="dsn43"\n\n'
        "--dsn43\nContent-Type: text/plain; charset=UTF-8\n\n"
        "Address not found: Your message wasn't delivered to bantuyengiao@dienbien.gov.vn\n"
        "--dsn43\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; googlemail.com\n\n"
        "Final-Recipient: rfc822; bantuyengiao@dienbien.gov.vn\nAction: failed\n"
        "Status: 5.1.1\n--dsn43--\n"
    )
    m.append(
        (
            "43_delivery_failure.eml",
            (head + body).encode("utf-8"),
            expect("not_a_comment", [], "mailer-daemon@googlemail.com"),
        )
    )
    m.append(
        (
            "44_spam_gambling.eml",
            plain(
                "Nha cai uy tin <khuyenmai@bet88-vip.example.com>",
                "Nhận ngay 500K khi đăng ký nhà cái uy tín",
                "spam.44@bet88-vip.example.com",
                "Cá cược bóng đá, casino trực tuyến, nhận thưởng ngay!\n"
                "http://bet88-vip.example.com/dang-ky\nhttp://bet88-vip.example.com/khuyen-mai\n"
                "http://bet88-vip.example.com/app\nVay tiền nhanh lãi suất 0%: http://vay.example.com\n",
            ),
            expect("rejected_spam", [], "khuyenmai@bet88-vip.example.com"),
        )
    )
    m.append(
        (
            "45_spam_flag_header.eml",
            plain(
                "Investment Team <team@profit.example.org>",
                "Dau tu sinh loi 30%/thang",
                "spam.45@profit.example.org",
                "Co hoi dau tu sinh loi chua tung co.\n",
                extra="X-Spam-Flag: YES\nX-Spam-Status: Yes, score=9.1\n",
            ),
            expect("rejected_spam", [], "team@profit.example.org"),
        )
    )
    return m


def duplicate_messages() -> list[tuple[str, bytes, dict[str, object]]]:
    """The same message twice, and the same text from the same sender again."""
    m: list[tuple[str, bytes, dict[str, object]]] = []
    m.append(
        (
            "46_same_message_id_as_01.eml",
            plain(
                "=?utf-8?b?Tmd1eeG7hW4gVsSDbiBBbg==?= <an.nguyen1962@gmail.com>",
                "Góp ý mục 1.3 phần thứ hai",
                "CAK1x9f2a.01@mail.gmail.com",
                "Kính gửi Ban biên tập,\n\nTôi đề nghị bổ sung giải pháp làm đường ô tô đến trung tâm "
                "các xã còn lại của huyện Mường Nhé, vì đi lại mùa mưa rất khó khăn.\n",
            ),
            expect("duplicate", [], "an.nguyen1962@gmail.com"),
        )
    )
    m.append(
        (
            "47_same_sender_same_text_as_07.eml",
            plain(
                "Cầm Thị Lan <LanCT@gmail.com>",
                "Góp ý dự thảo (gửi lại)",
                "CAF8a.47.resend@mail.gmail.com",
                "Dự thảo viết công phu,  nhưng còn dài, nhiều số liệu.\nĐề nghị rút gọn, viết dễ hiểu "
                "hơn để người dân ở bản cũng đọc được!\n",
            ),
            expect("duplicate", [], "lanct@gmail.com"),
        )
    )
    m.append(
        (
            "48_same_text_other_sender.eml",
            plain(
                "Cầm Văn Hướng <huongcv@gmail.com>",
                "Góp ý dự thảo",
                "CAF8a.48@mail.gmail.com",
                "Dự thảo viết công phu, nhưng còn dài, nhiều số liệu. Đề nghị rút gọn, viết dễ hiểu "
                "hơn để người dân ở bản cũng đọc được.\n",
            ),
            expect("accepted", [[]], "huongcv@gmail.com", ["rút gọn"]),
        )
    )
    return m


def more_messages() -> list[tuple[str, bytes, dict[str, object]]]:
    """Outlook in Vietnamese, Apple Mail, one paragraph about two sections, an old .doc."""
    m: list[tuple[str, bytes, dict[str, object]]] = []
    m.append(
        (
            "49_outlook_forward_vietnamese.eml",
            plain(
                "Văn phòng Đảng ủy xã Mường Phăng <vpdu.muongphang@gmail.com>",
                "TR: Ý kiến góp ý của cựu giáo chức",
                "outlook.49@muongphang",
                "Kính chuyển Ban biên tập ý kiến của ông Lò Văn Hặc.\n\n"
                "________________________________\n"
                "Từ: Lò Văn Hặc <haclv@gmail.com>\nĐã gửi: Thứ Hai, 6 tháng 7, 2020 7:30 SA\n"
                "Đến: vpdu.muongphang@gmail.com\nChủ đề: Ý kiến góp ý\n\n"
                "Về mục 2.1, mục V, phần thứ hai: cần quan tâm giữ chân giáo viên ở các điểm "
                "trường lẻ.\n",
            ),
            expect(
                "accepted",
                [["Phần thứ hai", "V", "2", "2.1"]],
                "haclv@gmail.com",
                ["điểm trường lẻ"],
                ["Kính chuyển"],
            ),
        )
    )
    m.append(
        (
            "50_apple_mail_reply.eml",
            plain(
                "Phan Anh Tú <tupa@icloud.com>",
                "Re: Lấy ý kiến nhân dân",
                "apple.50@icloud.com",
                "Đề nghị phần thứ hai, mục IV, mục 7 nêu rõ việc xây dựng đồn, trạm biên phòng.\n\n"
                "> On 6 Jul 2020, at 08:00, Đài PTTH Điện Biên <dienbientv.vn@gmail.com> wrote:\n"
                ">\n> Kính mời nhân dân góp ý phần thứ nhất.\n",
            ),
            expect(
                "accepted",
                [["Phần thứ hai", "IV", "7"]],
                "tupa@icloud.com",
                ["biên phòng"],
                ["Kính mời"],
            ),
        )
    )
    m.append(
        (
            "51_two_sections_one_paragraph.eml",
            plain(
                "Khoàng Văn Thưởng <thuongkv@gmail.com>",
                "Góp ý",
                "para.51@mail.gmail.com",
                "Tôi có hai ý kiến. Thứ nhất, mục 2.4, mục V, phần thứ hai cần nói đến việc giữ gìn "
                "múa xòe Thái. Thứ hai, phần thứ nhất mục III tiểu mục 3 nên rút ra bài học về "
                "phát huy sức dân.\n",
            ),
            expect(
                "accepted",
                [["Phần thứ hai", "V", "2", "2.4"], ["Phần thứ nhất", "III", "3"]],
                "thuongkv@gmail.com",
                ["múa xòe", "sức dân"],
            ),
        )
    )
    m.append(
        (
            "52_heading_copied_from_draft.eml",
            plain(
                "Lầu A Dế <delau@gmail.com>",
                "gop y",
                "heading.52@mail.gmail.com",
                "3. Phát triển du lịch trở thành ngành kinh tế mũi nhọn\n"
                "Đề nghị làm đường lên hang Thẩm Pua để khách đến tham quan.\n",
            ),
            expect("accepted", [["Phần thứ hai", "IV", "3"]], "delau@gmail.com", ["Thẩm Pua"]),
        )
    )
    m.append(
        (
            "53_old_word_doc_attachment.eml",
            mixed(
                "Quàng Văn Nọi <noiqv@gmail.com>",
                "Góp ý dự thảo",
                "doc.53@mail.gmail.com",
                "Tôi gửi file đính kèm ý kiến của tôi.\n",
                [
                    (
                        "gop y.doc",
                        "application/msword",
                        bytes.fromhex("d0cf11e0a1b11ae1") + bytes(512),
                    )
                ],
            ),
            expect("quarantined", [], "noiqv@gmail.com"),
        )
    )
    raw_utf8 = (
        "From: Nguyễn Thị Hòa <hoant.tuachua@gmail.com>\nTo: " + TO + "\n"
        "Subject: Góp ý phần V về giáo dục\nDate: Tue, 07 Jul 2020 21:04:00 +0700\n"
        "Message-ID: <utf8hdr.54@gmail>\nMIME-Version: 1.0\n"
        "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n"
        'Content-Disposition: inline; filename="noname"\n\n'
        "Cần thêm trường phổ thông dân tộc bán trú ở Tủa Chùa.\n"
    )
    m.append(
        (
            "54_raw_utf8_headers_inline_noname.eml",
            raw_utf8.encode("utf-8"),
            expect("accepted", [["Phần thứ hai", "V"]], "hoant.tuachua@gmail.com", ["bán trú"]),
        )
    )
    return m


def main() -> None:
    CORPUS.mkdir(exist_ok=True)
    for old in CORPUS.glob("*.eml"):
        old.unlink()
    expected: dict[str, object] = {}
    for name, raw, outcome in (
        simple_messages()
        + shaped_messages()
        + encoded_messages()
        + attachment_messages()
        + not_comment_messages()
        + duplicate_messages()
        + more_messages()
    ):
        (CORPUS / name).write_bytes(raw.replace(b"\r\n", b"\n"))
        expected[name] = outcome
    import json

    (HERE / "expected.json").write_text(
        json.dumps(expected, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    print(f"{len(expected)} messages written to {CORPUS}")


if __name__ == "__main__":
    main()
