"""The safety-protocol candidate: per-language texts, configured numbers, override directory."""

from __future__ import annotations

from pathlib import Path

import pytest

from care.safety import ProtocolConfigError, SafetyPolicy, check_candidate, protocol_candidate


@pytest.mark.parametrize("route", ["he", "ar", "multi"])
def test_packaged_protocol_passes_the_gate_and_names_the_numbers(route: str) -> None:
    policy = SafetyPolicy()
    text = protocol_candidate(route, policy)
    assert policy.emergency_number in text
    assert policy.hotline_number in text
    assert "{" not in text
    assert check_candidate(text, route=route, known_placeholders=(), policy=policy) == ()


def test_protocol_asks_directly_and_stays() -> None:
    he = protocol_candidate("he")
    assert "לפגוע בעצמך" in he
    assert "איתך" in he
    ar = protocol_candidate("ar")
    assert "إيذاء النفس" in ar
    assert "معك" in ar


def test_configured_numbers_fill_the_text_and_still_pass() -> None:
    policy = SafetyPolicy(allowed_numbers=(), emergency_number="112", hotline_number="*6110")
    for route in ("he", "ar"):
        text = protocol_candidate(route, policy)
        assert "112" in text
        assert "*6110" in text
        assert check_candidate(text, route=route, known_placeholders=(), policy=policy) == ()


def test_override_directory(tmp_path: Path) -> None:
    (tmp_path / "he.txt").write_text("אני כאן איתך. אפשר להתקשר ל-{emergency_number}.\n", encoding="utf-8")
    policy = SafetyPolicy(protocol_dir=str(tmp_path))
    assert protocol_candidate("he", policy) == "אני כאן איתך. אפשר להתקשר ל-101."
    with pytest.raises(ProtocolConfigError, match="cannot read"):
        protocol_candidate("ar", policy)


@pytest.mark.parametrize("content", ["", "   \n", "שלום {name}"])
def test_bad_override_texts_rejected(tmp_path: Path, content: str) -> None:
    (tmp_path / "he.txt").write_text(content, encoding="utf-8")
    with pytest.raises(ProtocolConfigError):
        protocol_candidate("he", SafetyPolicy(protocol_dir=str(tmp_path)))


def test_unknown_route_has_no_packaged_protocol() -> None:
    with pytest.raises(ProtocolConfigError, match="no protocol text"):
        protocol_candidate("xx")
