"""The comment form shows the limits the contracts define, never numbers of its own."""

from __future__ import annotations

import re

import jinja2

from shared import events as ev
from shared.i18n import install_templates, translator


def _form(max_chars: int) -> str:
    env = jinja2.Environment(autoescape=True)
    install_templates(env)
    template = env.from_string(
        '{% from "shared/comment_form.html" import comment_form %}'
        '{{ comment_form(t, "/comments", "d1", "tok", "f", "Góp ý", max_chars=max_chars) }}'
    )
    return template.render(t=translator("vi"), max_chars=max_chars)


def test_every_personal_field_takes_its_contract_limit() -> None:
    html = _form(ev.MAX_COMMENT_CHARS)
    found = dict(re.findall(r'<input id="(\w+)-f" name="\w+" [^>]*maxlength="(\d+)"', html))
    assert found == {f: str(limit) for f, limit in ev.PERSONAL_FIELD_LIMITS.items()}
    assert list(found) == list(ev.PERSONAL_FIELDS)


def test_the_text_limit_is_the_one_passed_in() -> None:
    html = _form(1234)
    assert 'data-max="1234"' in html and "1.234" in html
    assert str(ev.MAX_COMMENT_CHARS) not in html
