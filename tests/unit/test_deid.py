"""De-identification core. All numbers, addresses and IDs here are made up for the tests."""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterable

import pytest
from stdnum import luhn

from care.deid.core import (
    MAX_TEXT_CHARS,
    DeidentificationError,
    PlaceholderState,
    Span,
    deidentify,
    detect,
    restore,
)
from care.deid.detectors import DEFAULT_DETECTORS
from care.deid.normalize import NormalizedText

ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
PERSIAN = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


def make_id(base8: str) -> str:
    """A Teudat Zehut that passes the check digit: Luhn over the first eight digits."""
    return base8 + luhn.calc_check_digit(base8)


def make_bad_id(base8: str) -> str:
    good = make_id(base8)
    return good[:-1] + str((int(good[-1]) + 1) % 10)


def found(text: str) -> list[tuple[str, str]]:
    return [(text[s.start : s.end], s.entity_type) for s in detect(text)]


# --- PHONE -----------------------------------------------------------------------------------

PHONE_FORMATS = [
    "050-7654321",
    "0507654321",
    "050 765 4321",
    "050-765-4321",
    "+972-50-765-4321",
    "+972507654321",
    "972507654321",
    "+972 50 765 4321",
    "00972507654321",
    "+972 (0)50-765-4321",
    "(050) 7654321",
    "052-3141592",
    "054 271 8281",
    "058-1618033",
    "077-2718281",
    "03-1234567",
    "02-6543210",
    "04-8123456",
    "08 912 3456",
    "09-7654321",
    "036543210",
    "+97236543210",
    "059-9123456",
    "056 912 3456",
    "+970599123456",
    "970599123456",
    "+970 2 295 1234",
]
SENTENCES = [
    "היי, המספר שלי {} תתקשרו אחרי 8",
    "אפשר שתתקשרו ל{}? זה הטלפון של השכנה",
    "رقمي {} احكوا معي بعد الساعة ٩",
    "ابعتولي رسالة ع {}، ما بقدر احكي هلأ",
    "you can reach me on {} after school",
    "my number: {}.",
]


@pytest.mark.parametrize("number", PHONE_FORMATS)
@pytest.mark.parametrize("sentence", SENTENCES)
def test_phone_formats_are_found_in_hebrew_arabic_and_english(sentence: str, number: str) -> None:
    text = sentence.format(number)
    assert found(text) == [(number, "PHONE")]


@pytest.mark.parametrize("table", [ARABIC_INDIC, PERSIAN], ids=["arabic-indic", "persian"])
@pytest.mark.parametrize("number", ["059-7654321", "050 765 4321", "0527654321", "+970597654321"])
def test_phone_in_eastern_digits_is_masked_over_the_original_characters(
    table: dict[int, int], number: str
) -> None:
    written = number.translate(table)
    text = f"رقم تلفوني {written}، احكوا معي"
    assert found(text) == [(written, "PHONE")]
    result = deidentify(text, PlaceholderState.empty())
    assert result.text == "رقم تلفوني [PHONE_1]، احكوا معي"
    assert result.state.values == {"[PHONE_1]": written}


@pytest.mark.parametrize(
    "written",
    [
        "050\u200b7654321",  # zero-width space
        "05\u200b0-765\u200b4321",
        "058\u200e-7654321",  # left-to-right mark typed by an RTL keyboard
        "+\u200e972507654321",
        "050\u200f 765 4321",  # right-to-left mark
        "050\u00a0765\u00a04321",  # no-break spaces
        "050\u2013765\u20134321",  # en dashes
    ],
)
def test_invisible_and_unusual_characters_inside_a_phone_are_covered(written: str) -> None:
    text = f"הטלפון שלי {written} בבקשה"
    assert found(text) == [(written, "PHONE")]
    assert "765" not in deidentify(text, PlaceholderState.empty()).text


@pytest.mark.parametrize("written", ["972507654321+", "970597654321+", "٩٧٢٥٠٧٦٥٤٣٢١+"])
def test_plus_sign_moved_behind_the_digits_by_rtl_rendering_is_included(written: str) -> None:
    text = f"הטלפון של אמא שלי {written} אם משהו קורה"
    assert found(text) == [(written, "PHONE")]


@pytest.mark.parametrize(
    "written",
    [
        "[050-7654321]",
        "050_7654321",
        "(050-7654321)",
        "050-7654321/2",
        "tel:0507654321",
        "https://wa.me/972507654321",
        "2026-050-7654321",
        "19:45+972507654321",
        "+972 50 765 4321-0527654321",
    ],
)
def test_phone_in_awkward_surroundings(written: str) -> None:
    spans = detect(f"זה {written} תודה")
    # A phone inside a link is masked with the link ("https://wa.me/<number>" as one URL).
    assert {s.entity_type for s in spans} in ({"PHONE"}, {"URL"})
    masked = deidentify(f"זה {written} תודה", PlaceholderState.empty()).text
    assert "7654321" not in masked


def test_two_numbers_side_by_side_are_two_phones() -> None:
    assert found("0507654321 0523141592") == [("0507654321", "PHONE"), ("0523141592", "PHONE")]
    assert found("050-7654321, 02-6543210") == [("050-7654321", "PHONE"), ("02-6543210", "PHONE")]


def test_foreign_number_with_country_code_is_masked() -> None:
    assert ("+44 20 7946 0958", "PHONE") in found("my dad's number in London is +44 20 7946 0958")


@pytest.mark.parametrize(
    "text",
    [
        "היי, אני בת 24 מאילת",
        "انا عمري 17 سنة",
        "מאז 2026 אני לא ישנה",
        "من سنة ٢٠٢١ وانا تعبان",
        "תתקשרו אחרי 19:45",
        "احكوا معي بعد الساعة ٢٢:٥٠",
        "שילמתי 200 ש״ח על פסיכולוגית",
        'שילמתי 1,500 ש"ח',
        "دفعت 3500 شيكل",
        "ירדתי 8 קילו בחודש",
        "יש לי תור ב06/11/2026 בשעה 10:30",
        "امتحان ب٢٥/٨/٢٠٢٦",
        "died on 18.04.2024, and 02.02.2026 10:00 was the funeral",
        "between 08:00-09:00",
        "1990-2000 were good years",
        "the IP is 192.168.0.167",
        "card 4580 5757 7370 3732",
        "card 5326-6569-3104-0583",
        "IBAN IL36 0540 2200 0007 0489 981",
        "IL020207820000097086267",
        "plate 23-910-87",
        "call 1201 or *6789 or 1-800-200-300",
        "123456789",
        "my order number is 765432100",
        "050-765",
    ],
)
def test_other_numbers_are_not_taken_for_phones_ids_or_emails(text: str) -> None:
    # Dates, cards, IBANs, IPs and plates here are other detectors' business (tests/unit/deid).
    assert {s.entity_type for s in detect(text)}.isdisjoint({"PHONE", "NATIONAL_ID", "EMAIL"})


def test_nine_digits_failing_the_id_check_and_not_a_phone_are_not_masked() -> None:
    bad = make_bad_id("27182818")
    assert found(f"ת.ז. שלי {bad}") == []


# --- EMAIL -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "email"),
    [
        ("תשלחו לי למייל dana.levi84@example.co.il את הפרטים", "dana.levi84@example.co.il"),
        ("هاد ايميلي:sami_k@mail.example.com", "sami_k@mail.example.com"),
        ("write to Noa.Friedman+care@example.org.", "Noa.Friedman+care@example.org"),
        ("כתבתי...omer-1999@example.net", "omer-1999@example.net"),
        ("0507654321@example.com", "0507654321@example.com"),
        ("ו-dana@example.com", "dana@example.com"),
        ("+dana@example.com", "dana@example.com"),
        ("dana@example.co.il050", "dana@example.co.il"),
    ],
)
def test_emails(text: str, email: str) -> None:
    assert found(text) == [(email, "EMAIL")]


@pytest.mark.parametrize("text", ["a@b", "write to user@localhost", "a@b.c", "@dana_b on insta", "x@@y.com"])
def test_not_emails(text: str) -> None:
    assert [s for s in detect(text) if s.entity_type == "EMAIL"] == []


# --- NATIONAL_ID -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("template", "kind"),
    [
        ("אם זה עוזר, הת״ז שלי {}.", "plain"),
        ("my teudat zehut is {} if you need it", "plain"),
        ("رقم الهوية تبعي {}، بدي اعرف", "plain"),
        ("بدكم تتأكدوا مين انا؟ {}", "check-dash"),
        ("ת.ז. {}, ביקשו שאשלח", "check-dash"),
        ("זה המספר {}", "groups"),
    ],
)
def test_valid_ids(template: str, kind: str) -> None:
    number = make_id("31415926")
    written = {
        "plain": number,
        "check-dash": f"{number[:8]}-{number[8]}",
        "groups": "-".join((number[:3], number[3:6], number[6:])),
    }[kind]
    text = template.format(written)
    assert found(text) == [(written, "NATIONAL_ID")]


def test_valid_id_in_arabic_indic_digits() -> None:
    written = make_id("16180339").translate(ARABIC_INDIC)
    assert found(f"شو بصير اذا عطيتكم رقم هويتي {written}؟") == [(written, "NATIONAL_ID")]


def test_id_with_leading_zeros_dropped_needs_a_cue() -> None:
    full = make_id("01414213")  # 9 digits with a leading zero
    short = full.lstrip("0")
    assert found(f"ת.ז {short}") == [(short, "NATIONAL_ID")]
    assert found(f"הזמנתי {short} פעמים") == []


def test_id_with_invalid_check_digit_is_not_an_id() -> None:
    bad = make_bad_id("31415926")
    assert found(f"my id is {bad}") == []


def test_leading_zero_id_that_looks_like_a_landline_follows_the_context() -> None:
    number = make_id("02994851")  # also reads as 02-9948510-style Jerusalem landline
    assert found(f"אם אתם צריכים לזהות אותי זה {number}") == [(number, "NATIONAL_ID")]
    assert found(f"رقم الهوية {number}") == [(number, "NATIONAL_ID")]
    # Without a cue the phone reading wins: both are masked either way.
    assert found(f"هاد رقم اختي {number}") == [(number, "PHONE")]


# --- overlaps and detector plumbing ----------------------------------------------------------


def test_longer_span_wins_and_spans_are_sorted_and_disjoint() -> None:
    number = make_id("27182818")
    text = f"mail 0507654321@example.com, phone 052-3141592, id {number}, mail b@example.org"
    spans = detect(text)
    assert [s.entity_type for s in spans] == ["EMAIL", "PHONE", "NATIONAL_ID", "EMAIL"]
    assert all(a.end <= b.start for a, b in itertools.pairwise(spans))


def test_new_detectors_plug_in() -> None:
    def detect_code_words(norm: NormalizedText) -> Iterable[Span]:
        start = norm.text.find("ORCHID")
        return [Span(start, start + 6, "CODE_WORD")] if start >= 0 else []

    result = deidentify(
        "המילה היא ORCHID והטלפון 0507654321",
        PlaceholderState.empty(),
        detectors=(*DEFAULT_DETECTORS, detect_code_words),
    )
    assert result.text == "המילה היא [CODE_WORD_1] והטלפון [PHONE_1]"


def test_failing_detector_fails_closed_without_text() -> None:
    secret = "0507654321 dana.levi84@example.co.il"

    def broken(norm: NormalizedText) -> Iterable[Span]:
        raise ValueError(norm.original)

    with pytest.raises(DeidentificationError) as caught:
        deidentify(secret, PlaceholderState.empty(), detectors=(broken,))
    assert caught.value.code == "detector_failed"
    assert "0507654321" not in str(caught.value)
    assert caught.value.__cause__ is None
    assert caught.value.__suppress_context__


def test_detector_returning_a_bad_span_fails_closed() -> None:
    def wild(norm: NormalizedText) -> Iterable[Span]:
        return [Span(0, len(norm.text) + 5, "PHONE")]

    with pytest.raises(DeidentificationError) as caught:
        deidentify("hello", PlaceholderState.empty(), detectors=(wild,))
    assert caught.value.code == "detector_failed"


# --- limits ----------------------------------------------------------------------------------


def test_text_too_long_is_an_error_without_the_text() -> None:
    text = ("0507654321 " * (MAX_TEXT_CHARS // 11 + 1))[: MAX_TEXT_CHARS + 1]
    with pytest.raises(DeidentificationError) as caught:
        deidentify(text, PlaceholderState.empty())
    assert caught.value.code == "text_too_long"
    assert "0507654321" not in str(caught.value)
    with pytest.raises(DeidentificationError):
        detect(text)


def test_text_at_the_limit_is_accepted() -> None:
    text = "א" * (MAX_TEXT_CHARS - 11) + " 0507654321"
    assert len(text) == MAX_TEXT_CHARS
    assert deidentify(text, PlaceholderState.empty()).redactions == {"PHONE": 1}


def test_non_text_input_is_an_error() -> None:
    with pytest.raises(DeidentificationError) as caught:
        deidentify(b"0507654321", PlaceholderState.empty())  # type: ignore[arg-type]
    assert caught.value.code == "invalid_input"


def test_empty_text() -> None:
    result = deidentify("", PlaceholderState.empty())
    assert (result.text, dict(result.redactions), dict(result.state.values)) == ("", {}, {})


# --- placeholders ----------------------------------------------------------------------------


def test_placeholders_are_numbered_per_type() -> None:
    number = make_id("31415926")
    text = f"0507654321 או 02-6543210, a@example.com, ת.ז {number}"
    result = deidentify(text, PlaceholderState.empty())
    assert result.text == "[PHONE_1] או [PHONE_2], [EMAIL_1], ת.ז [NATIONAL_ID_1]"
    assert dict(result.redactions) == {"PHONE": 2, "EMAIL": 1, "NATIONAL_ID": 1}
    assert dict(result.state.next_index) == {"PHONE": 2, "EMAIL": 1, "NATIONAL_ID": 1}


def test_same_value_gets_the_same_placeholder_across_messages() -> None:
    first = deidentify("המספר שלי 050-7654321, המייל Dana.Levi@Example.com", PlaceholderState.empty())
    second = deidentify(
        "שוב: +972 50 765 4321 או ٠٥٠٧٦٥٤٣٢١ ו-dana.levi@example.com, ואמא 052-3141592", first.state
    )
    assert second.text == "שוב: [PHONE_1] או [PHONE_1] ו-[EMAIL_1], ואמא [PHONE_2]"
    assert dict(second.redactions) == {"PHONE": 3, "EMAIL": 1}
    # The map keeps the value as first written.
    assert second.state.values["[PHONE_1]"] == "050-7654321"
    assert second.state.values["[EMAIL_1]"] == "Dana.Levi@Example.com"


def test_palestinian_number_with_either_country_code_is_one_phone() -> None:
    first = deidentify("رقمي 0597654321", PlaceholderState.empty())
    second = deidentify("او +970597654321 او +972597654321", first.state)
    assert second.text == "او [PHONE_1] او [PHONE_1]"


def test_id_with_and_without_leading_zero_is_one_id() -> None:
    full = make_id("01414213")
    first = deidentify(f"ת.ז {full}", PlaceholderState.empty())
    second = deidentify(f"ת״ז {full[1:8]}-{full[8]}", first.state)
    assert second.text == "ת״ז [NATIONAL_ID_1]"


def test_state_is_immutable_and_a_new_one_is_returned() -> None:
    state = PlaceholderState.empty()
    result = deidentify("0507654321", state)
    assert dict(state.values) == {}
    assert dict(state.next_index) == {}
    assert result.state is not state
    with pytest.raises(TypeError):
        result.state.values["[PHONE_9]"] = "x"  # type: ignore[index]


def test_state_copies_what_it_is_given() -> None:
    values = {"[PHONE_1]": "0507654321"}
    state = PlaceholderState(values, {"PHONE": 1})
    values["[PHONE_1]"] = "changed"
    assert state.values["[PHONE_1]"] == "0507654321"


def test_stale_counter_never_reuses_a_placeholder() -> None:
    state = PlaceholderState({"[PHONE_1]": "0507654321", "[PHONE_2]": "0523141592"}, {"PHONE": 1})
    result = deidentify("02-6543210", state)
    assert result.text == "[PHONE_3]"
    assert result.state.next_index["PHONE"] == 3


def test_no_personal_details_leaves_text_and_state_alone() -> None:
    state = deidentify("0507654321", PlaceholderState.empty()).state
    result = deidentify("אני בת 16 ולא ישנה כבר 3 לילות 😢", state)
    assert result.text == "אני בת 16 ולא ישנה כבר 3 לילות 😢"
    assert result.state == state
    assert dict(result.redactions) == {}


# --- restore ---------------------------------------------------------------------------------

ROUND_TRIP_TEXTS = [
    "היי, המספר שלי 050-765-4321 או במייל dana.levi84@example.co.il",
    "رقم تلفوني ٠٥٩-٧٦٥٤٣٢١، احكوا معي بعد الساعة ٢٢:٥٠",
    "הטלפון של אמא שלי 972507654321+ אם משהו קורה לי",
    "رقمي القديم انسرق، هاد الجديد +\u200e970597654321",
    f"ת.ז. {make_id('31415926')[:8]}-{make_id('31415926')[8]}, וגם 03-1234567 ו-03-1234567 שוב",
    "nothing personal here, only 2026 and 19:45",
]


@pytest.mark.parametrize("text", ROUND_TRIP_TEXTS)
def test_deidentify_then_restore_gives_the_original(text: str) -> None:
    result = deidentify(text, PlaceholderState.empty())
    back = restore(result.text, result.state)
    assert back.text == text
    assert back.unresolved == ()


def test_restore_fills_echoed_placeholders_and_reports_unknown_ones() -> None:
    state = deidentify("0507654321 a@example.com", PlaceholderState.empty()).state
    suggestion = "נתקשר ל-[PHONE_1] או [PHONE_1], נכתוב ל-[EMAIL_1], לא [PHONE_7] [NATIONAL_ID_2] [PHONE_7]"
    result = restore(suggestion, state)
    assert result.text == (
        "נתקשר ל-0507654321 או 0507654321, נכתוב ל-a@example.com, לא [PHONE_7] [NATIONAL_ID_2] [PHONE_7]"
    )
    assert result.unresolved == ("[PHONE_7]", "[NATIONAL_ID_2]")


def test_restore_leaves_bracketed_text_that_is_not_a_placeholder() -> None:
    state = deidentify("0507654321", PlaceholderState.empty()).state
    text = "[phone_1] [PHONE] [PHONE_0] [PHONE_01] [ PHONE_1 ]"
    assert restore(text, state) == restore(text, PlaceholderState.empty())
    assert restore(text, state).text == text


def test_random_mixtures_round_trip_and_stay_disjoint() -> None:
    rng = random.Random(20260)
    pieces = [
        "אני",
        "لا",
        "please",
        "😢",
        ",",
        " ",
        "\u200b",
        "\u200f",
        "בת 24",
        "19:45",
        "2026",
        "050-7654321",
        "+972 52 314 1592",
        "٠٥٩٧٦٥٤٣٢١",
        "dana.levi84@example.co.il",
        make_id("31415926"),
        "[PHONE_1]",
        "-",
        "+",
        "0",
        "12",
    ]
    separators = [" ", ", ", " \u200f", "\n", ". "]
    state = PlaceholderState.empty()
    for _ in range(300):
        # Separated pieces: digits glued to other digits are a different number, by design.
        text = "".join(rng.choice(pieces) + rng.choice(separators) for _ in range(rng.randint(0, 12)))
        spans = detect(text)
        assert all(a.end <= b.start for a, b in itertools.pairwise(spans))
        assert all(0 <= s.start < s.end <= len(text) for s in spans)
        result = deidentify(text, state)
        state = result.state
        assert "7654321" not in result.text
        assert "dana.levi84" not in result.text
        assert sum(result.redactions.values()) == len(spans)
