"""Decoding whatever charset a message claims, legacy fonts, HTML and quotes."""

from __future__ import annotations

import unicodedata

from services.feedback.mail.charsets import decode_text
from services.feedback.mail.html import html_to_text
from services.feedback.mail.legacy import repair_legacy, tcvn3_to_unicode, vni_to_unicode
from services.feedback.mail.quotes import split_inline_forward, strip_quotes, strip_signature

from .build_corpus import cp1258, tcvn3, vni

SENTENCE = "Tôi đề nghị bổ sung nội dung về phát triển kinh tế của tỉnh Điện Biên."


class TestCharsets:
    def test_windows_1258_combining_marks_become_nfc(self) -> None:
        raw = cp1258(SENTENCE)
        assert raw != SENTENCE.encode("utf-8")
        text = decode_text(raw, "windows-1258")
        assert text == SENTENCE and unicodedata.is_normalized("NFC", text)

    def test_utf8_wins_over_a_wrong_latin_label(self) -> None:
        assert decode_text(SENTENCE.encode("utf-8"), "iso-8859-1") == SENTENCE

    def test_unknown_or_missing_label_is_guessed(self) -> None:
        assert decode_text(cp1258(SENTENCE), "x-unknown") == SENTENCE
        assert decode_text(cp1258(SENTENCE), None) == SENTENCE
        assert decode_text(cp1258(SENTENCE), "no-such-charset") == SENTENCE

    def test_decomposed_utf8_is_normalised(self) -> None:
        nfd = unicodedata.normalize("NFD", SENTENCE)
        assert decode_text(nfd.encode("utf-8"), "utf-8") == SENTENCE


class TestLegacyFonts:
    def test_tcvn3_text_read_as_latin1_is_repaired(self) -> None:
        garbled = tcvn3(SENTENCE).decode("latin-1")
        assert "®" in garbled
        assert tcvn3_to_unicode(garbled) == SENTENCE
        assert repair_legacy(garbled) == SENTENCE

    def test_vni_text_read_as_cp1252_is_repaired(self) -> None:
        garbled = vni(SENTENCE).decode("cp1252")
        assert "Ñieän Bieân" in garbled
        assert vni_to_unicode(garbled) == SENTENCE
        assert repair_legacy(garbled) == SENTENCE

    def test_french_is_left_alone(self) -> None:
        text = "Le café crème à la française, une idée naïve pour l'été."
        assert repair_legacy(text) == text


class TestHtml:
    def test_scripts_styles_and_markup_go_lines_stay(self) -> None:
        text = html_to_text(
            "<html><head><style>.a{color:red}</style><script>alert(1)</script></head><body>"
            "<p>Đoạn <b>một</b></p><div>Dòng hai<br>Dòng ba</div><ul><li>ý A</li></ul>"
            "<table><tr><td>Ô 1</td><td>Ô 2</td></tr></table><!-- ghi chú --></body></html>"
        )
        assert text == "Đoạn một\n\nDòng hai\nDòng ba\n- ý A\n\nÔ 1 | Ô 2"

    def test_blockquote_comes_out_as_quoted_lines(self) -> None:
        text = html_to_text("<div>Ý mới</div><blockquote>ý cũ<br>dòng cũ</blockquote>")
        assert text.splitlines()[0] == "Ý mới"
        assert all(line.startswith("> ") for line in text.splitlines()[1:] if line)

    def test_forward_inside_gmail_quote_is_kept(self) -> None:
        text = html_to_text(
            '<div class="gmail_quote">---------- Forwarded message ---------<br>'
            "From: A &lt;a@b.vn&gt;<br><br>Nội dung chuyển tiếp</div>"
        )
        assert "> " not in text and "Nội dung chuyển tiếp" in text


class TestQuotesAndSignatures:
    def test_vietnamese_gmail_attribution_and_quotes(self) -> None:
        text = "Ý của tôi.\n\nVào Th 2, 6 thg 7, 2020 lúc 10:00 A <a@b.vn> đã viết:\n> cũ\n> cũ nữa"
        assert strip_quotes(text) == "Ý của tôi."

    def test_wrapped_english_attribution(self) -> None:
        text = "Mine.\n\nOn Mon, Jul 6, 2020 at 8:00 AM Someone Long Name <x@y.vn>\nwrote:\n> old"
        assert strip_quotes(text) == "Mine."

    def test_inline_reply_keeps_both_answers(self) -> None:
        text = "> câu hỏi 1\nTrả lời 1\n> câu hỏi 2\nTrả lời 2"
        assert strip_quotes(text) == "Trả lời 1\nTrả lời 2"

    def test_outlook_header_block_without_quote_marks(self) -> None:
        text = "Ý mới.\n\nFrom: Văn phòng <vp@x.vn>\nSent: Monday\nTo: Hải\nSubject: RE\n\nThư cũ"
        assert strip_quotes(text) == "Ý mới."
        text = "Ý mới.\n\n-----Original Message-----\nFrom: a\nThư cũ"
        assert strip_quotes(text) == "Ý mới."

    def test_signatures(self) -> None:
        assert strip_signature("Ý kiến.\n-- \nAn\n0912") == "Ý kiến."
        assert strip_signature("Ý kiến.\n\nSent from my iPhone") == "Ý kiến."
        assert strip_signature("Ý kiến.\n\nTrân trọng,\nNguyễn An\nĐT 0912") == "Ý kiến."
        long_after = "Ý kiến.\nCảm ơn!\n" + "\n".join(["Một đoạn dài tiếp tục góp ý."] * 8)
        assert strip_signature(long_after) == long_after

    def test_inline_forward_names_the_original_sender(self) -> None:
        forwarded = split_inline_forward(
            "Chuyển giúp.\n\n-------- Thư đã chuyển tiếp --------\nTừ: Lò Văn Bình "
            "<binh@gmail.com>\nNgày: 5/7/2020\nTiêu đề: Góp ý\n\nNội dung của ông Bình."
        )
        assert forwarded is not None
        assert forwarded.sender_email == "binh@gmail.com"
        assert forwarded.sender_name == "Lò Văn Bình"
        assert forwarded.body == "Nội dung của ông Bình."
        assert forwarded.note == "Chuyển giúp."
