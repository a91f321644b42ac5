"""Offline language detection of goals: script and function words, cautious on short text."""

from __future__ import annotations

import pytest

from masterpath.domain import language


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Quiero ser arquitecto de inteligencia artificial", "es"),
        ("Ich möchte Ingenieur für maschinelles Lernen werden", "de"),
        ("je veux devenir architecte paysagiste", "fr"),
        ("Voglio diventare ingegnere di machine learning", "it"),
        ("Quero ser engenheiro de machine learning", "pt"),
        ("Ik wil machine learning engineer worden", "nl"),
        ("機械学習エンジニアになりたい", "ja"),
        ("我想成为机器学习工程师", "zh"),
        ("머신러닝 엔지니어가 되고 싶어요", "ko"),
        ("Хочу стать инженером машинного обучения", "ru"),
        ("tech lead who enjoys system design, want to specialise in AI/ML architecture", "en"),
        ("MLOps architect at a café in Zürich", "en"),
        ("Senior AI engineer in São Paulo", "en"),
    ],
)
def test_a_goal_is_read_in_its_language(text: str, code: str) -> None:
    assert language.detect(text) == code


def test_too_little_text_is_not_called_foreign() -> None:
    for text in ("MLE", "asdf qwerty", "data analyst", "???", "Ingenieur"):
        assert language.detect(text) in {"", "en"}, text


def test_languages_have_english_names() -> None:
    assert (language.name("es"), language.name("xx")) == ("Spanish", "xx")
