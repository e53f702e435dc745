"""Numbers, money, percentages and dates per locale, all through Babel."""

from __future__ import annotations

import datetime as dt

import pytest

from atlas.formatting import Formatter

EN = Formatter("en", "en")
ES = Formatter("es", "en")


@pytest.mark.parametrize("fmt, value, expected", [
    (EN, 1.1, "$1.10"), (ES, 1.1, "1,10\xa0US$"),
    (EN, 0.275, "$0.275"), (ES, 0.275, "0,275\xa0US$"),
    (EN, 0.1 + 0.2, "$0.30"), (EN, 98000.5, "$98,000.50"), (ES, 98000.5, "98.000,50\xa0US$"),
])
def test_money(fmt, value, expected):
    assert fmt.money(value) == expected


def test_numbers_and_tokens():
    assert EN.number(200000) == "200,000"
    assert ES.number(200000) == "200.000"
    assert EN.compact(200000) == "200K"
    assert ES.compact(1048576) == "1\xa0M"


def test_percent():
    assert EN.percent(0.5) == "50%"
    assert ES.percent(0.5) == "50\xa0%"
    assert EN.score_percent(81.4) == "81.4%"
    assert ES.score_percent(72.0) == "72\xa0%"


def test_dates():
    day = dt.date(2025, 4, 16)
    assert EN.date(day) == "April 16, 2025"
    assert ES.date(day) == "16 de abril de 2025"
    assert EN.month("2024-05") == "May 2024"
    assert ES.month("2024-05-31") == "mayo de 2024"


def test_localized_text_falls_back_with_its_language():
    assert str(ES.text({"en": "Hello", "es": "Hola"})) == "Hola"
    assert str(ES.text({"en": "Hello"})) == '<span lang="en" class="fallback">Hello</span>'
    assert str(ES.text("Plain <b>")) == '<span lang="en" class="fallback">Plain &lt;b&gt;</span>'
    assert str(EN.text("Plain <b>")) == "Plain &lt;b&gt;"
    assert "lang=\"en\"" in str(ES.markdown({"en": "*Only English*"}))
