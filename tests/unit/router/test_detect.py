"""Per-message language detection: scripts, Arabizi, mixed messages, statistical detection."""

from __future__ import annotations

from pathlib import Path

import pytest

from care.router.arabizi import score
from care.router.detect import (
    MAX_DETECT_CHARS,
    MessageLanguageDetector,
    UnknownLanguageError,
)

MESSAGES = Path(__file__).parents[2] / "data" / "lang-messages.tsv"


def labelled_messages() -> list[tuple[str, str]]:
    rows = []
    for line in MESSAGES.read_text("utf-8").splitlines():
        if line and not line.startswith("#"):
            label, text = line.split("\t")
            rows.append((label, text))
    return rows


def test_labelled_messages_written_for_the_project(detector: MessageLanguageDetector) -> None:
    """Every message of the project's own set, Arabizi in three dialects' spellings included."""
    misses = [(label, detector(text)) for label, text in labelled_messages() if detector(text) != label]
    assert misses == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("אני לא מצליחה לישון כבר שבוע", "he"),
        ("שָׁלוֹם, מה נשמע?", "he"),  # niqqud
        ("ما بقدر أنام من أسبوع", "ar"),
        ("٠٥٩ ما بعرف شو أعمل", "ar"),
        # Dialect that general detectors call Persian or Urdu is Arabic script all the same.
        ("شو بدك احكيلك، ما في اشي منيح", "ar"),
        ("ana mish 3aref shu a3mel", "arabizi"),
        ("ma ba3ref", "arabizi"),
        ("tamam", "arabizi"),
        ("heik heik", "arabizi"),
        ("ANA MISH MNEE7", "arabizi"),
        ("I can't sleep for a week now", "en"),
        ("Я не могу спать уже неделю", "ru"),
        ("Je veux déranger personne", "fr"),
        ("ምናልባት ይቅርታ", "am"),
        ("ฉันเหนื่อยมาก", "th"),
        # Code-switching: Hebrew with English stays Hebrew; Arabic with Hebrew words is Arabic.
        ("אני רק רוצה peace of mind...", "mixed-he-en"),
        ("הכל פה so fake", "mixed-he-en"),
        ("بدي أروح على פסיכולוג بس أهلي بقولوا عيب", "mixed-ar-he"),
        ("ما قبلوني بالתואר اللي بدي إياه", "mixed-ar-he"),  # an Arabic prefix on a Hebrew noun
        ("ביטוח לאומי وقفوا المخصصات تبعت أمي", "mixed-ar-he"),
        # One Arabic word in a Hebrew sentence does not make it Arabic.
        ("אני ממש עייף היום ואין לי כוח, يلا", "he"),
        # Hebrew written by an Arabic speaker is Hebrew: route by the text.
        ("אני לא מרגיש טוב, אבא שלי לא מדבר איתי", "he"),
        ("Из עירייה пришёл счёт за ארנונה, а денег нет", "ru"),
        ("ana ro7t 3al מכינה w ma 7ada 7aka ma3i", "arabizi"),
    ],
)
def test_hard_cases(detector: MessageLanguageDetector, text: str, expected: str) -> None:
    assert detector(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "😢",
        "🙏🙏",
        "...",
        "?",
        "!!",
        "16",
        "2026",
        "19:45",
        "",
        "   ",
        "ok",
        "OK ok",
        "lol",
        "k.",
        "[PHONE_1]",
    ],
)
def test_neutral_messages(detector: MessageLanguageDetector, text: str) -> None:
    assert detector(text) == "neutral"


def test_placeholders_are_not_words(detector: MessageLanguageDetector) -> None:
    assert detector("[PHONE_1] [EMAIL_2] [NATIONAL_ID_1] 🙏") == "neutral"
    assert detector("המספר שלי [PHONE_1] ואת [EMAIL_1]") == "he"
    assert detector("رقمي [PHONE_1] او [EMAIL_1] او [NATIONAL_ID_1]") == "ar"


def test_english_with_arabizi_looking_names_and_times_stays_english(
    detector: MessageLanguageDetector,
) -> None:
    assert detector("Ana told me to write here") == "en"
    assert detector("it happened at 3am last night") == "en"
    assert detector("see you 2morrow, gr8") == "en"


@pytest.mark.parametrize(
    "text",
    [
        "\x00\x01\x02\x1b[31m",
        "א\u202eب\u202c",  # bidi override between letters
        "\ufeff\u200b\u200d",
        "\ud800"[:0] + "a\u0000b",
        "x" * 100_000,
        "אני " * 50_000,
    ],
)
def test_bad_input_never_raises(detector: MessageLanguageDetector, text: str) -> None:
    assert isinstance(detector(text), str)


def test_huge_text_is_read_only_up_to_a_bound(detector: MessageLanguageDetector) -> None:
    hebrew_then_english = "אני " * (MAX_DETECT_CHARS // 4 + 10) + "and then a long English essay " * 5_000
    assert detector(hebrew_then_english) == "he"


def test_arabizi_score_weighs_function_words_against_lexicon() -> None:
    assert score(["ana", "mish", "3aref"]).is_arabizi
    assert not score(["the", "thing", "is", "that", "I", "do", "not", "know"]).is_arabizi
    assert not score([]).is_arabizi


def test_configured_languages() -> None:
    only_english = MessageLanguageDetector(latin_languages=["en"], cyrillic_languages=["ru"])
    assert only_english("je ne sais pas") == "en", "one configured language is the only answer"
    assert only_english("не знаю") == "ru"
    with pytest.raises(UnknownLanguageError, match="xx"):
        MessageLanguageDetector(latin_languages=["en", "xx"])
