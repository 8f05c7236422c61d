"""Round 7 phenomena, with sentences written for these tests (not taken from any evaluation set)."""

from __future__ import annotations

import pytest

from care.risk import RiskLevel, context_for, detect


def level(text: str, counselor: str | None = None, prior: RiskLevel = RiskLevel.NONE) -> RiskLevel:
    return detect(text, context_for(counselor, prior)).level


@pytest.mark.parametrize(
    "text",
    [
        "השארתי לבעלי מכתב שיסלח לי על הכל",
        "שלחתי לאחותי הודעה שאני מצטערת ושאני אוהבת אותה",
        "תזמנתי פוסט שיעלה מחר בבוקר",
        "ارسلت لامي رسالة انها تسامحني",
        "بعتلهم فويس انهم يسامحوني",
        "جدولت رسالة عالواتس تنزل بكرا الصبح",
        "bas biddi 2ol la 7ada enni asef",
    ],
)
def test_goodbye_messages_are_high(text: str) -> None:
    assert level(text) >= RiskLevel.HIGH


@pytest.mark.parametrize(
    ("text", "counselor"),
    [
        ("כבר לא מתלבטת. החלטתי. בעוד שבוע, אחרי יום ההולדת", "את חושבת להתאבד?"),
        ("الامتحان بعد اسبوع. بعده بيوم رح اخلص", "هل تفكر بالانتحار؟"),
    ],
)
def test_intent_tied_to_a_date_is_high(text: str, counselor: str) -> None:
    assert level(text, counselor) >= RiskLevel.HIGH


@pytest.mark.parametrize(
    "text",
    [
        "הכדורים על השולחן מולי, אני בוהה בהם כבר שעתיים",
        "المسدس جنبي وانا بطلع فيه من ساعة",
    ],
)
def test_means_watched_for_long_is_imminent(text: str) -> None:
    assert level(text, prior=RiskLevel.LOW) == RiskLevel.IMMINENT


def test_means_held_then_put_down_days_ago_is_an_attempt() -> None:
    text = "قبل ايام قعدت بالحمام والموس بايدي وقت طويل وبعدين رجعته"
    assert level(text, prior=RiskLevel.LOW) == RiskLevel.HIGH


@pytest.mark.parametrize(
    "text",
    ["אף אחת לא תחפש אותי עד מחר בצהריים", "ما حدا رح يدور علي لبكرا"],
)
def test_nobody_will_find_me_is_a_plan(text: str) -> None:
    assert level(text, prior=RiskLevel.MODERATE) >= RiskLevel.HIGH


@pytest.mark.parametrize("text", ["עוד לא, אבל אני יודעת מאיפה להשיג", "لسا، بس بعرف من وين اجيبهم"])
def test_knowing_where_to_get_means_after_ideation_is_high(text: str) -> None:
    assert level(text, "יש לך את מה שאתה צריך?", RiskLevel.MODERATE) >= RiskLevel.HIGH


@pytest.mark.parametrize(
    ("text", "counselor"),
    [
        ("فيه. مش دايما", "عندك افكار انك تنتحر؟"),
        ("لا، ما في خطة. بس افكار بتمر", "عندك خطة؟"),
    ],
)
def test_hedged_thoughts_are_moderate(text: str, counselor: str) -> None:
    assert level(text, counselor, RiskLevel.MODERATE if "خطة" in counselor else RiskLevel.NONE) >= (
        RiskLevel.MODERATE
    )


@pytest.mark.parametrize(
    ("text", "counselor"),
    [
        ("הפצעים הגלידו. אני פשוט עייפה", "הפצעים צריכים טיפול? את חושבת לפגוע בעצמך היום?"),
        ("الجرح طاب، انا بس تعبانة", "الجرح بدو علاج؟ بتفكري تأذي حالك الليلة؟"),
    ],
)
def test_healed_and_just_tired_is_no_alarm(text: str, counselor: str) -> None:
    assert level(text, counselor, RiskLevel.HIGH) < RiskLevel.MODERATE


def test_overdose_told_on_a_past_weekday_is_not_in_progress() -> None:
    assert level("ביום שלישי בלעתי את כל הכדורים שהיו בבית", prior=RiskLevel.LOW) == RiskLevel.HIGH


def test_means_thrown_away_by_someone_else_is_no_access() -> None:
    assert level("לא, אבא זרק את כל הכדורים", "יש לך גישה לכדורים?", RiskLevel.HIGH) < RiskLevel.HIGH
