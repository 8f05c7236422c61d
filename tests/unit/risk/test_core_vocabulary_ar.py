"""Core Arabic and Arabizi vocabulary, category by category, enumerated by form.

Person, gender and tense; Levantine first, then MSA, Egyptian and Gulf; Arabizi spellings with digits.
Every sentence here was written for these tests from general knowledge of how people in crisis write;
none comes from an evaluation set. Risk sentences assert a floor; idiom and negation traps assert none.
"""

from __future__ import annotations

import pytest

from care.risk import RiskLevel, TurnContext, detect

N, L, M, H, IM = (
    RiskLevel.NONE,
    RiskLevel.LOW,
    RiskLevel.MODERATE,
    RiskLevel.HIGH,
    RiskLevel.IMMINENT,
)
IN_RISK_TALK = TurnContext(prior_level=RiskLevel.MODERATE)


def level(text: str, context: TurnContext | None = None) -> RiskLevel:
    return detect(text, context).level


# --- self-harm -------------------------------------------------------------------------------------
SELF_HARM = [
    ("جرحت حالي مبارح", H),
    ("مبارح جرحت حالي بالشفرة", H),
    ("جرحتها لإيدي", H),
    ("عملت جروح على ايدي", H),
    ("عملت بحالي إشي مبارح", H),
    ("حرقت حالي بالولاعة", H),
    ("من يومين جرحت حالي", H),
    ("جرحت نفسي بشفرة", H),
    ("أذيت نفسي اليوم", H),
    ("جرحت حالي كمان مرة", H),
    ("بدي أجرح حالي", M),
    ("نفسي أجرح حالي", M),
    ("بفكر أجرح حالي", M),
    ("أريد أن أجرح نفسي", M),
    ("عايزة أجرح نفسي", M),
    ("ودي أجرح نفسي", M),
    ("بدي أحرق حالي", M),
    ("بدي أعمل إشي بحالي", M),
    ("كنت أجرح حالي وأنا بالمدرسة", L),
    ("بطلت أجرح حالي من سنة", L),
    ("jara7t 7ali mbare7", H),
    ("jra7t 7ali bl shfra", H),
    ("jara7t eidi bl shafra", H),
    ("7ara2t 7ali", H),
    ("bdi ejra7 7ali", M),
    ("bdi ajr7 7ali", M),
    ("bfakker ajra7 7ali", M),
    ("ra7 a7ra2 7ali", M),
]

# --- wanting to die, suicide words and euphemisms ---------------------------------------------------
IDEATION = [
    ("بدي أموت", M),
    ("نفسي أموت", M),
    ("بدي أخلص من حالي", M),
    ("بدي أخلص من حياتي", M),
    ("بدي أنهي كل إشي", M),
    ("ما عاد بدي أعيش", M),
    ("أريد أن أموت", M),
    ("أريد أن أضع حدا لحياتي", M),
    ("أفكر في إنهاء حياتي", M),
    ("ما عدت أريد أن أعيش", M),
    ("أرغب في الموت", M),
    ("عايز أموت", M),
    ("عاوزة أموت", M),
    ("مش عايزة أعيش", M),
    ("مش عاوز أعيش", M),
    ("أبي أموت", M),
    ("ودي أموت", M),
    ("ما ابغى اعيش", M),
    ("بفكر بالانتحار", M),
    ("بدي أقتل حالي", M),
    ("بدي أذي حالي", M),
    ("بفكر أرمي حالي من الشباك", M),
    ("بفكر أشرب الحبوب كلها", M),
    ("بدي أبلع كل الحبوب", M),
    ("بفكر أشنق حالي", M),
    ("رح أنتحر", H),
    ("سأنتحر", H),
    ("قررت أموت", H),
    ("ناوية أموت حالي", H),
    ("أنا رايح أنتحر", H),
    ("رايحة أنتحر", H),
    ("هرمي نفسي من البلكونة", H),
    ("بنتحر الليلة", H),
    ("رح أبلع الحبوب كلها", H),
    ("رح أعمل إشي بحالي", H),
    ("أنوي الانتحار", H),
    ("لدي خطة للانتحار", H),
    ("رح أطخ حالي بالفرد", H),
    ("ودي أذبح نفسي", M),
    ("بفكر أنط من الطابق العاشر", M),
    ("bdi amot", M),
    ("baddi moot", M),
    ("bdi a5las mn 7ali", M),
    ("bdi akhlas min hayati", M),
    ("bdi entahar", M),
    ("bfakkir bel mot", M),
    ("bfakker bil intihar", M),
    ("wddi amot", M),
    ("3ayza amout", M),
    ("bdi a3mel shi b 7ali", M),
    ("bdi abla3 kol el hbob", M),
    ("ma 3ad bdi 3eesh", M),
    ("ra7 a5las mn 7ali", H),
    ("ra7 a2fez mn el jesr", H),
    ("ra7 a3mel shi b 7ali", H),
    ("r7 ente7er el leile", H),
]

# --- overdose and means -----------------------------------------------------------------------------
MEANS_AND_ACTS = [
    ("بلعت كل الحبوب", IM),
    ("أخدت 20 حبة أكامول", IM),
    ("اخدت علبة بنادول كاملة", IM),
    ("شربت الكلور", IM),
    ("أخدت جرعة زائدة", H),
    ("أخدت حبوب امبارح عشان أموت", H),
    ("حطيت الشفرة على ايدي", IM),
    ("الحبل حوالين رقبتي", IM),
    ("bala3t kil el 7bob", IM),
    ("bl3t kol el hbob", IM),
    ("5adt 20 7aba", IM),
    ("a5adt 3elbet panadol", IM),
    ("bla3t 30 7abbe", IM),
]

# --- being there now (read in a conversation already about suicide) --------------------------------
THERE_NOW = [
    ("الحبوب قدامي هلأ", IM),
    ("معي الشفرة هلق", IM),
    ("أنا بالحمام ومعي الموس", IM),
    ("حطيتها على إيدي", IM),
    ("أنا عالسكة", IM),
    ("أخدت حبوب كتير", IM),
    ("عم بنزف كتير", IM),
    ("بجرح حالي هلأ", IM),
    ("ana hala2 3al satt7", IM),
    ("ana halla 3al jesr", IM),
    ("ma3i el shfra hala", IM),
    ("el 7boob 2eddami hala2", IM),
    ("bl3t 7bob kteer", IM),
]

# --- plans, preparation, goodbye without the word suicide ------------------------------------------
PLANS = [
    ("كتبت وصيتي", H),
    ("سامحوني على كل إشي", H),
    ("بدي أحكي لحدا قبل ما أخلص", H),
    ("خبيت الحبوب", H),
    ("katabt risale la ahli", H),
    ("katabt wasiyti", H),
    ("wadda3t ahli", H),
]
PLANS_IN_RISK_TALK = [
    ("رتبت كل إشي", H),
    ("جهزت كل إشي", H),
    ("خلص ما في إشي يرجعني", H),
    ("ودعتهم", H),
    ("جبت الشفرة", H),
    ("rattabt kil shi", H),
    ("عندي كلاشن بالبيت", H),
    ("3indi baroude bl bet", H),
    ("jahhazt kil shi", H),
    ("ma fi shi yrajje3ni", H),
]

# --- passive ideation, burden, hopelessness --------------------------------------------------------
PASSIVE = [
    ("أحسن لو مش موجودة", L),
    ("أنا ثقل عليهم", L),
    ("كلهم أحسن بدوني", L),
    ("ما في إشي يستاهل", L),
    ("ما إلي لزمة", L),
    ("نفسي أنام وما أصحى", L),
    ("بدي أروح وما أرجع", L),
    ("ta3bt mn el 7aya", L),
    ("kollon a7san bdouni", L),
    ("ana t2il 3alehom", L),
    ("ana 3eb2 3alehom", L),
    ("ya reet amot", L),
    ("لا أرى أي أمل", L),
    ("نفسي أروح عند ربنا", L),
]

# --- idioms, accidents, chores and negations: none -------------------------------------------------
TRAPS = [
    "رح موت ضحك",
    "بموت فيك",
    "بدي أموت من الجوع",
    "بدي اموت من الحر",
    "قتلتني بالضحك",
    "أبوي رح يذبحني",
    "رح يقتلني أبوي إذا عرف",
    "مش رح أنتحر",
    "ما بدي أموت",
    "لا ما بدي أأذي حالي",
    "ما رح أعمل إشي بحالي",
    "جرحت إيدي وأنا بقطع بصل",
    "قطعت البصل بالسكين",
    "حرقت حالي بالشمس",
    "اشتريت دوا للرشح",
    "أخدت حبتين بنادول للراس",
    "طلعت على السطح أنشر الغسيل",
    "بدي أنزل من السطح",
    "بدي أسافر وما أرجع",
    "بدي أعمل اشي لحالي",
    "عم بنزف من مناخيري",
    "رسمت خطوط على إيدي بالقلم",
    "قررت أدرس طب",
    "بدي أخلص الواجب",
    "جهزت كل إشي للعرس",
    "ودعت صاحبتي بالمطار",
    "بدي اختفي من الحفلة",
    "bdi mout mn el jo3",
    "bmout fiki",
    "msh ra7 ente7er",
    "la2 ma ra7 a3mel shi b 7ali",
    "bdi a3mel shi la 7ali",
    "jara7t eidi w ana b2ata3 basal",
    "2ata3t el basal bl sekkine",
    "eshtaret dawa lal rash7",
    "tle3t 3al sat7 anshor el 8asil",
    "bla3t 7abbet dawa",
    "5adt 2 panadol la rasi",
    "bdi a5las mn el shi8l bakkir",
    "jahhazt kil shi lal 3ers",
    "بقتل حالي بالشغل",
    "نفسي أروح لبيت الله",
    "آخر الشهر بقبض",
    "3indi fard bl bet",
]


@pytest.mark.parametrize(("text", "floor"), SELF_HARM + IDEATION + MEANS_AND_ACTS + PLANS + PASSIVE)
def test_core_vocabulary_reaches_its_level(text: str, floor: RiskLevel) -> None:
    assert level(text) >= floor


@pytest.mark.parametrize(("text", "floor"), THERE_NOW + PLANS_IN_RISK_TALK)
def test_core_vocabulary_in_risk_talk(text: str, floor: RiskLevel) -> None:
    assert level(text, IN_RISK_TALK) >= floor


@pytest.mark.parametrize("text", TRAPS)
def test_idioms_accidents_and_negations_are_not_risk(text: str) -> None:
    assert level(text) == N


@pytest.mark.parametrize(
    "text",
    ["رتبت كل إشي", "جهزت كل إشي", "ودعتهم", "قررت", "rattabt kil shi", "الحبوب قدامي هلأ"],
)
def test_context_only_cues_are_quiet_alone(text: str) -> None:
    assert level(text) < M


@pytest.mark.parametrize("text", ["أخدت حبوب كتير", "5adt 7bob kteer"])
def test_many_pills_is_an_act_only_in_risk_talk(text: str) -> None:
    # "I took a lot of pills" alone may be a cold; in a conversation about suicide it is an act.
    assert level(text) < H
    assert level(text, IN_RISK_TALK) == IM
