"""Risk levels of single help-seeker turns: cues, negation, other people, hypotheticals, idioms, scripts.

Every sentence here was written for these tests; none comes from an evaluation set.
"""

from __future__ import annotations

import pytest

from care.risk import RiskLevel, TurnContext, default_detector, detect
from care.risk.lexicon import LexiconError, default_lexicons, parse_lexicon

N, L, M, H, IM = (
    RiskLevel.NONE,
    RiskLevel.LOW,
    RiskLevel.MODERATE,
    RiskLevel.HIGH,
    RiskLevel.IMMINENT,
)


def level(text: str, context: TurnContext | None = None) -> RiskLevel:
    return detect(text, context).level


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Hebrew
        ("סתם יום רגיל בעבודה, קצת עייף", N),
        ("אין לי כוח יותר לכלום", L),
        ("הלוואי שלא הייתי מתעוררת מחר", L),
        ("לכולם יהיה יותר קל בלעדיי", L),
        ("אני חושבת על להתאבד כבר כמה ימים", M),
        ("אני פשוט רוצה למות", M),
        ("קניתי כדורי שינה והחבאתי אותם בארון", H),
        ("חתכתי את עצמי אתמול בלילה", H),
        ("החלטתי להתאבד בסוף השבוע", H),
        ("אני הולך להתאבד הלילה", IM),
        ("בלעתי את כל הכדורים מהארון", IM),
        # Arabic, Levantine and MSA
        ("اليوم كان عادي بالشغل", N),
        ("تعبت من هالحياة وما عاد فيني", L),
        ("حاسس حالي عبء على أهلي", L),
        ("صرت أفكر أنتحر كل يوم", M),
        ("أفكر في الانتحار منذ شهر", M),
        ("جرحت إيدي بالموس امبارح", H),
        ("اشتريت حبوب وخبيتها عند صاحبي", H),
        # Preparation with the means in reach: intent with means.
        ("اشتريت حبوب وخبيتها بغرفتي", IM),
        ("رح انتحر الليلة", IM),
        ("أنا هلأ على السطح", IM),
        # English
        ("work was fine today", N),
        ("i'm so tired of living", L),
        ("i keep thinking about killing myself", M),
        ("i want to kill myself", M),
        ("kms", M),
        ("is suicide a sin?", N),
        ("אני רוצה לשים לזה סוף", M),
        ("תכננתי לקפוץ מהגג של הבניין", H),
        ("i can't stop thinking about ending my life", M),
        ("i cut myself again last night", H),
        ("i'm going to kill myself tonight", IM),
        ("i took a whole bottle of pills", IM),
    ],
)
def test_levels(text: str, expected: RiskLevel) -> None:
    assert level(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "אני לא רוצה למות",
        "לא, אני לא אפגע בעצמי",
        "مش رح أأذي حالي",
        "ما بدي أموت، بدي بس يخلص الضغط",
        "i don't want to die",
        "i would never kill myself",
        "msh ra7 2azi 7ali",
    ],
)
def test_negation_is_not_risk(text: str) -> None:
    risk = detect(text)
    assert risk.level <= L


def test_denial_is_reported_as_a_category() -> None:
    assert "denial" in detect("אני לא רוצה למות").categories


def test_a_cue_that_carries_its_own_negation_is_risk() -> None:
    assert level("אני לא רוצה לחיות יותר") == M
    assert level("ما بدي أعيش") == M
    assert level("i don't want to live anymore") == M


@pytest.mark.parametrize(
    "text",
    [
        "my friend said she wants to die",
        "החברה שלי אמרה שהיא רוצה להתאבד",
        "صاحبتي حكتلي إنها بدها تنتحر",
        "[PERSON_1] told me he has been cutting himself",
    ],
)
def test_someone_else_caps_at_low(text: str) -> None:
    risk = detect(text)
    assert risk.level == L
    assert "other_person" in risk.categories


def test_someone_else_earlier_does_not_hide_the_writer() -> None:
    assert level("my mom yells at me every day and i want to die") == M
    assert level("אמא שלי צועקת עליי כל יום ואני רוצה למות") == M


@pytest.mark.parametrize(
    "text",
    [
        "in the movie the main character wants to kill himself",
        "בסרט הדמות הראשית רוצה להתאבד",
        "بالمسلسل في بنت بدها تنتحر",
    ],
)
def test_hypotheticals_and_stories_cap_at_low(text: str) -> None:
    assert level(text) <= L


@pytest.mark.parametrize(
    "text",
    [
        "אני מת על הסדרה הזאת",
        "מתתי מצחוק בשיעור",
        "אני מרגיש שאני מת פה מהחום",
        "אמא שלי תהרוג אותי על הציון",
        "موت ضحك على هالفيديو",
        "بموت فيك يا قلبي",
        "بموت من الجوع",
        "إمي رح تذبحني",
        "i'm dying to see you",
        "this exam is killing me lol",
        "mutt d7k",
        "bmoot fiki",
    ],
)
def test_idioms_are_not_risk(text: str) -> None:
    assert level(text) == N


@pytest.mark.parametrize(
    "text",
    [
        "אני לא מצליח לנשום, אני מרגיש שאני הולך למות",
        "قلبي بدق وحاسة إني رح أموت",
        "i feel like i'm going to die, my heart is racing",
        "7ases 2ni rah mut mn el 5ouf",
    ],
)
def test_panic_is_not_suicidality(text: str) -> None:
    assert level(text) <= L


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ma 3ad fini, ta3bt", L),
        ("sarli fatra bfakker ente7er", M),
        ("bdi mut", M),
        ("jara7t 2idi mbare7", H),
        ("ra7 ente7er el leile", IM),
    ],
)
def test_arabizi(text: str, expected: RiskLevel) -> None:
    assert level(text) == expected


def test_placeholders_are_neither_words_nor_people() -> None:
    assert level("אני [PERSON_1], גרה ב[LOCATION_2] ואני חושבת להתאבד") == M
    assert level("أنا [PERSON_1] من [LOCATION_1]، وبفكر أنتحر") == M
    # Latin letters of a placeholder do not wake the English lexicon on Hebrew text.
    assert level("[PERSON_1] [LOCATION_1] [PHONE_1]") == N


def test_intent_under_a_condition_reads_as_ideation() -> None:
    assert level("if i fail this exam i'm going to kill myself") == M
    assert level("אם אני אכשל אני הולך להתאבד") == M


def test_contextual_cues_need_a_risk_context() -> None:
    assert level("הכל מוכן") == N
    assert level("הכל מוכן", TurnContext(prior_level=M)) == H
    # A soldier mentioning his rifle is no alert; the same words after suicidal talk are.
    assert level("הנשק שלי לידי כל הלילה") == N
    assert level("הנשק שלי לידי כל הלילה", TurnContext(prior_level=H)) == IM


def test_output_names_categories_and_never_text() -> None:
    risk = detect("אני חושבת על להתאבד")
    assert risk.label == "moderate"
    assert all(c.isascii() and c.replace("_", "").isalpha() for c in risk.categories)


def test_lexicons_load_once_and_parse_errors_name_the_line() -> None:
    assert default_lexicons() is default_lexicons()
    assert default_detector() is default_detector()
    with pytest.raises(LexiconError, match=r"x\.txt:3"):
        parse_lexicon("x.txt", "@script latin\n[active_ideation]\n[nonsense]\n")
    with pytest.raises(LexiconError, match="missing @script"):
        parse_lexicon("x.txt", "[active_ideation]\nfoo\n")
