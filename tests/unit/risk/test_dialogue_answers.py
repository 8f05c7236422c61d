"""Turns read against the counselor's direct questions, bursts of short answers, and the phenomena
behind the second blind round's misses, each written afresh for these tests (none is copied from an
evaluation set): acts in progress without key words, timing answers, MSA goodbyes, over-calls after
an attempt that is over, moderate follow-ups, indirect passive wishes and reports about others.
"""

from __future__ import annotations

import pytest

from care.risk import COUNSELOR, HELP_SEEKER, RiskLevel, assess_turns

N, L, M, H, IM = (
    RiskLevel.NONE,
    RiskLevel.LOW,
    RiskLevel.MODERATE,
    RiskLevel.HIGH,
    RiskLevel.IMMINENT,
)


def last_level(*turns: str) -> RiskLevel:
    """Turns alternate from the help-seeker's side: lines starting with 'C:' are the counselor's."""
    pairs = [(COUNSELOR, t[2:].strip()) if t.startswith("C:") else (HELP_SEEKER, t) for t in turns]
    results = assess_turns(pairs)
    last = next(r for r in reversed(results) if r is not None)
    return last.level


CASES = [
    # 1. acts in progress without key words
    (
        ["אני רק רוצה להגיד תודה לכולם ולהתראות", "C: את חושבת לשים קץ לחייך? עשית משהו?", "כבר לקחתי אותם"],
        IM,
    ),
    (["אני רוצה למות", "C: לקחת משהו?", "את כל הכדורים מהארון של סבתא"], IM),
    (["שלום לכולם, תסלחו לי על הכל", "C: אתה שם? לקחת משהו? מתי?", "לפני בערך עשרים דקות"], IM),
    (["بدي أودعكم", "C: أخدت إشي؟ امتى؟", "من ربع ساعة تقريبا"], IM),
    (
        [
            "goodbye everyone, i'm sorry for everything",
            "C: are you still there? did you take anything?",
            "yes all of them, about 10 min ago",
        ],
        IM,
    ),
    (["ana 3ala sat7 el binaye halla2 w bdi mout"], IM),
    (["ana fo2 3al sate7 hal2et"], IM),
    (["مش قادرة أكمل", "C: إنتِ هلأ عالسطح وبتفكري ترمي حالك؟", "اه"], IM),
    (["אני לא יכולה יותר", "C: את על הגג עכשיו וחושבת לקפוץ?", "כן"], IM),
    (["אני יושב על הקצה, הרגליים בחוץ"], IM),
    (["قاعدة عالحافة ورجليّ متدلية لتحت"], IM),
    (["i'm sitting on the ledge with my legs hanging over"], IM),
    # 2. plans, timing, preparation
    (["קבעתי תאריך, אחרי הבר מצווה של הבן שלי. וכבר בדקתי איך"], H),
    (["כתבתי מכתב לכל אחד מהמשפחה"], H),
    (["كتبت رسالة لكل واحد من ولادي"], H),
    (["נתתי את התכשיטים לנכדה ואת החתול לשכנה, שלא יצטרכו להתעסק עם זה אחרי"], H),
    (["عطيت ذهبي لبنتي والقطة لجارتي، عشان ما يتغلبوا بعدين"], H),
    (
        [
            "אני חושבת על למות כל הזמן",
            "C: מתי את חושבת לעשות את זה?",
            "אחרי שהנינה תהיה בת שנה, בעוד שבועיים",
        ],
        H,
    ),
    (["بفكر أنتحر", "C: بتفكري تعمليها الليلة؟", "بعدين. مش الليلة"], H),
    (["כבר החבאתי חבל בארון", "C: את חושבת לעשות את זה הלילה?", "לא הלילה, בעלי בבית"], H),
    (["سامحوني على كل اشي", "C: إنت ناوي تنهي حياتك؟", "اه"], H),
    (["bfakker ente7er", "C: emta? el leile?", "msh el leile, ba3dein"], H),
    (
        ["i keep thinking about ending it", "C: are you planning to do it soon?", "yeah, maybe this weekend"],
        H,
    ),
    (["C: are you thinking of killing yourself?", "yeah. maybe this weekend"], H),
    # 3. MSA goodbye
    (["أردت فقط أن أكتب لأحد قبل أن أرحل. شكرا لكل من حاول"], H),
    (["أردت أن أشكر كل من حاول مساعدتي قبل أن أرحل"], H),
    # 4. over-calls: the act is over
    (["ניסיתי להתאבד אתמול, בלעתי כדורים. שחררו אותי היום מבית החולים"], H),
    (["حاولت انتحر مبارح، وطلعت اليوم من المستشفى"], H),
    (
        [
            "ניסיתי אתמול ושחררו אותי היום",
            "C: מה את מרגישה עכשיו?",
            "עדיין רוצה למות. בפעם הבאה אעשה את זה נכון",
        ],
        H,
    ),
    (
        [
            "i tried yesterday, they discharged me today",
            "C: how are you feeling now?",
            "i still want to die, next time i'll do it right",
        ],
        H,
    ),
    # 5. moderate follow-ups
    (["C: יש לך מחשבות להתאבד?", "כן", "כבר תקופה"], M),
    (["C: are you having thoughts of suicide?", "yes", "a lot, mostly at night"], M),
    (["אני חושבת על התאבדות", "C: יש לך תכנית?", "לא, רק מחשבות בלילה"], M),
    (["bfakker b el mot", "C: fakkarti kif aw emta?", "msh 3arfe"], M),
    (
        [
            "C: 3am tfakri tento7ri?",
            "ah",
            "C: fakkarti b tari2a?",
            "ma fakkart b tari2a, bas el fekra btiji w btrou7",
        ],
        M,
    ),
    (["ربما جزء مني لا يريد أن يموت"], M),
    (["חלק ממני לא רוצה למות"], M),
    (["part of me doesn't want to die"], M),
    (["מה אם למישהו יש מחשבות להתאבד?", "C: זה קורה לחברה שלך, או שזה עלייך?", "סוג של"], M),
    (
        [
            "asking for a friend, what if someone wants to kill themselves?",
            "C: is this about you?",
            "kind of",
        ],
        M,
    ),
    # 6. indirect passive wish / burden
    (["התינוקת הייתה יותר טובה עם אמא אחרת"], L),
    (["ابني كان رح يكون أحسن مع أم غيري"], L),
    (["לא רוצה להיות נטל על אף אחד, די כבר"], L),
    (["ما بدي أكون عبء على حدا، خلص"], L),
    (["ma 7ada ra7 yez3al 3alayi"], L),
    (["אני מתפלל כל לילה שאלוהים ייקח אותי ואנוח"], L),
    (["كل ليلة بدعي ربنا ياخدني وأرتاح"], L),
    (["i pray every night that god takes me"], L),
    # 7. false alarms
    (["לפני שבע שנים ניסיתי להתאבד, היום אני במקום טוב"], L),
    (["قبل 12 سنة حاولت انتحر، هلأ الحمدلله منيح"], L),
    (["בחור בן 19 מהעיר שלנו התאבד אתמול"], L),
    (["شب عمره 19 سنة من بلدنا انتحر امبارح"], L),
    (["הבן שלי אמר בצחוק 'אני אתאבד אם לא תחזירי לי את הטלפון'"], L),
    (["ابني قال وهو بمزح انا رح انتحر اذا ما رجعتيلي التلفون"], L),
    (["my son joked 'i'll kill myself if you don't give the phone back'"], L),
    (["חברה שלי העלתה סטורי ומחקה: 'לא רוצה לחיות אחרי היום, תסלחו לי'"], L),
    (["صاحبتي نزلت ستوري وحذفتها: ما بدي أعيش بعد اليوم، سامحوني"], L),
    # general gaps
    (["יש לי תוכנית להתאבד", "אם אני אבקש ישאלו שאלות, ואני לא בטוחה שאני רוצה לוותר על התוכנית"], H),
]


@pytest.mark.parametrize(("turns", "expected"), CASES)
def test_turn_in_conversation(turns: list[str], expected: RiskLevel) -> None:
    assert last_level(*turns) == expected
