"""Places, street addresses and organisations (schools, workplaces, army units, clinics).

Gazetteers (``gazetteers/localities_*.txt``, ``street_*.txt``, ``org_*.txt``) are matched as phrases
over word tokens: Hebrew prefix letters and Arabic clitics are peeled off the first word ("מאילת",
"باللد"), Russian case forms are generated for the last word ("Димоне", "Тель-Авиве"), and a hyphen
matches a space. Places and organisations no list can hold are caught by their context: a kind word
before the name ("תיכון ליאו באק", "مدرسة مار يوسف", "Haifa University", "компании «…»"), a street
word or a known street name before a house number, and cue phrases ("גר ב…", "ساكن ب…", "live in",
"живу в", "working at"). Bare kind words ("בבית הספר", "بالمدرسة", "at school") are never masked:
the model needs that context and it identifies nobody.

Names that are also words ("אופקים" horizons, "רחובות" streets) count with a cue, or, for the ones
in ``localities_prefixed.txt``, as soon as a prefix letter is attached ("באופקים", "ברמי לוי
במודיעין"). Arabizi ("ana mn Shefa3amr", "sakne b Um el Fahem") is matched against Arab
localities by a consonant key that folds digits, vowels and the article, after an Arabizi
preposition or living cue.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from care.deid.gazetteers import load_list
from care.deid.morphology import stems
from care.deid.normalize import Detector, NormalizedText, Span

__all__ = ["DETECTORS", "detect_places"]

# --- text keys -------------------------------------------------------------------------------

# Spelling variation that should not decide a match: Arabic hamza seats, alef maqsura, ta marbuta and
# tatweel; Hebrew geresh/gershayim written as ASCII quotes; Russian ё.
_FOLD = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ى": "ي",
        "ة": "ه",
        "ئ": "ي",
        "ؤ": "و",
        "ـ": None,
        "׳": "'",
        "״": '"',
        "’": "'",
        "‘": "'",
        "`": "'",
        "ё": "е",
    }
)
_MARKS = re.compile(r"[\u0591-\u05c7\u0610-\u061a\u064b-\u065f\u0670]")
_HEBREW_CHAR = re.compile(r"[\u05d0-\u05ea]")
_ARABIC_CHAR = re.compile(r"[\u0620-\u064a]")
_CYRILLIC_CHAR = re.compile(r"[\u0400-\u04ff]")

HE, AR, LA, CY, OTHER = "he", "ar", "la", "cy", "xx"


def _script(word: str) -> str:
    first = word[0]
    if _HEBREW_CHAR.match(first):
        return HE
    if _ARABIC_CHAR.match(first):
        return AR
    if _CYRILLIC_CHAR.match(first):
        return CY
    if first.isascii() or unicodedata.name(first, "").startswith("LATIN"):
        return LA
    return OTHER


@lru_cache(maxsize=65536)
def _key(word: str) -> str:
    """How a word is compared with list entries."""
    key = _MARKS.sub("", unicodedata.normalize("NFC", word).casefold().translate(_FOLD))
    if not key:
        return key
    script = _script(key)
    if script == HE:
        # Full and defective spelling (קריית/קרית, נווה/נוה) name the same place.
        key = key.replace("יי", "י").replace("וו", "ו")
    elif script == LA:
        # Be'er Sheva / Beer Sheva, McDonald's / McDonalds, Zürich / Zurich.
        decomposed = unicodedata.normalize("NFD", key)
        key = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).replace("'", "")
    return key


# --- tokens ----------------------------------------------------------------------------------

_L = r"[^\W\d_]"
_M = _MARKS.pattern
# A word may hold geresh/gershayim or an apostrophe between letters (ג'נין, רמב"ם, McDonald's) and
# end in a geresh (רח', ז'); a number may carry a sub-number and one letter (103/8, 12א, 5b).
_TOKEN = re.compile(
    rf"(?P<num>\d+(?:/\d+)*(?:[א-תA-Za-z](?!{_L}))?)"
    rf"|{_L}(?:{_L}|{_M}|['’׳\"״](?={_L}))*(?:['’׳](?!{_L}))?"
)
# What may stand between the words of one name: spaces and hyphens ("אום אל-פחם", "Бат-Ям").
_JOIN = re.compile(r"[ \-]{0,3}")
# Between a street name and its number, or a number and the apartment: also a comma or a period.
_ADDRESS_GAP = re.compile(r" ?[,،.]? ?|[ \-]{1,3}")
_QUOTE_OPEN = re.compile(r"[\"«“„”'״]\s*$")
_QUOTES = "\"«»“”„'״"
_ASCII_LETTER = re.compile(r"[A-Za-z]")


@dataclass(frozen=True, slots=True)
class _Stem:
    offset: int
    key: str
    prefix: str
    article: bool  # the peeled prefix holds a definite article (Arabic ال), so no kind word follows
    extra: bool  # a colloquial clitic only place names take (Arabic ع "to": "عنابلس")


@dataclass(frozen=True, slots=True)
class _Word:
    script: str
    key: str
    stems: tuple[_Stem, ...]
    capitalised: bool


_ARABIC_ARTICLE_PREFIX = re.compile(r"(?:ال|لل)$")


@lru_cache(maxsize=65536)
def _analyse(word: str) -> _Word:
    script = _script(word)
    found: list[_Stem] = []
    for offset, stem in stems(word):
        prefix = word[:offset]
        # A Hebrew place or organisation name never takes the article: "העזה" is "daring", not
        # ה + עזה, and "התיכון" is a generic "the high school".
        if script == HE and "ה" in prefix:
            continue
        article = script == AR and bool(_ARABIC_ARTICLE_PREFIX.search(prefix))
        found.append(_Stem(offset, _key(stem), prefix, article, False))
    if script == AR and word.startswith("ع") and len(word) >= 3:
        # Colloquial "ع" for على before a destination: "عنابلس", "عبئر السبع", "عالناصرة".
        found.append(_Stem(1, _key(word[1:]), "ع", False, True))
    return _Word(script, _key(word), tuple(found), word[0].isupper())


# --- gazetteers ------------------------------------------------------------------------------

LOC, LOC_AMB, ORG, ORG_AMB, ORG_KIND, STREET_KIND, STREET_NAME, LOC_KIND = range(8)
_NAME_CATEGORIES = frozenset({LOC, LOC_AMB, ORG, ORG_AMB, STREET_NAME})

_Entry = tuple[tuple[str, ...], int]  # the keys after the first word, category


def _entry_words(entry: str) -> list[str]:
    return [m.group() for m in _TOKEN.finditer(entry)]


def _russian_forms(word: str, min_len: int = 3) -> set[str]:
    """Case forms of a Cyrillic place name's last word (nominative given): Димона -> Димоне..."""
    forms = {word}
    if len(word) < min_len:
        return forms
    stem, last = word[:-1], word[-1]
    if word.endswith("ия"):
        base = word[:-2]
        forms |= {base + "ии", base + "ию", base + "ией"}
    elif last == "а":
        genitive = "и" if stem[-1] in "гкхжшщч" else "ы"
        forms |= {stem + genitive, stem + "е", stem + "у", stem + "ой"}
    elif last == "я":
        forms |= {stem + "и", stem + "е", stem + "ю", stem + "ей"}
    elif last == "ь":
        forms |= {stem + "и", stem + "я", stem + "е", stem + "ю", stem + "ем", stem + "ью"}
    elif last == "й":
        forms |= {stem + "я", stem + "е", stem + "ю", stem + "ем"}
    elif last not in "аеёиоуыэюя":
        forms |= {word + "а", word + "е", word + "у", word + "ом"}
        if last in "жшщчц":
            forms.add(word + "ем")
    return forms


def _variants(entry: str, category: int) -> Iterator[tuple[str, ...]]:
    """The keys of an entry's words, once per Russian case form of its last word."""
    words = _entry_words(entry)
    if not words:
        return
    forms = [words[-1]]
    if category in (*_NAME_CATEGORIES, ORG_KIND) and _script(words[-1]) == CY:
        # A short last word of a longer name declines too: "Бат-Ям" -> "Бат-Яме".
        forms = sorted(_russian_forms(words[-1], 2 if len(words) > 1 else 3))
    for form in forms:
        keys = tuple(_key(w) for w in (*words[:-1], form))
        # One- and two-letter names collide with ordinary words ("لد" in "بلد").
        if category in _NAME_CATEGORIES and len(keys) == 1 and len(keys[0]) < 3:
            continue
        yield keys


def _build_index() -> dict[str, list[_Entry]]:
    sources: tuple[tuple[str, int], ...] = (
        ("localities_he", LOC),
        ("localities_ar", LOC),
        ("localities_latin", LOC),
        ("localities_ru", LOC),
        ("localities_ambiguous", LOC_AMB),
        ("org_names", ORG),
        ("org_names_ambiguous", ORG_AMB),
        ("org_words", ORG_KIND),
        ("street_words", STREET_KIND),
        ("street_names", STREET_NAME),
        ("locality_words", LOC_KIND),
    )
    # An ambiguous entry must not also match through the plain list.
    ambiguous = {
        LOC: {k for e in load_list("localities_ambiguous") for k in _variants(e, LOC_AMB)},
        ORG: {k for e in load_list("org_names_ambiguous") for k in _variants(e, ORG_AMB)},
    }
    index: dict[str, set[_Entry]] = {}
    for name, category in sources:
        for entry in load_list(name):
            for keys in _variants(entry, category):
                if keys not in ambiguous.get(category, ()):
                    index.setdefault(keys[0], set()).add((keys[1:], category))
    return {
        first: sorted(entries, key=lambda e: (-len(e[0]), e[1], e[0])) for first, entries in index.items()
    }


_INDEX = _build_index()
# Words that are a whole place or organisation name on their own ("חיפה", "حيفا").
_SINGLE_NAMES = frozenset(
    first
    for first, entries in _INDEX.items()
    if any(not tail and c in _NAME_CATEGORIES for tail, c in entries)
)
_STOP = frozenset(_key(w) for w in load_list("places_stopwords"))


def _keys(*words: str) -> frozenset[str]:
    return frozenset(_key(w) for w in words)


# --- cue words -------------------------------------------------------------------------------

# Hebrew and Arabic words that, one or two words before an ambiguous place name ("גרה ברחובות",
# "من الطيبة", "ההלוויה הייתה בשדרות"), say it is a place.
_PLACE_CUE = re.compile(
    r"(?:^|[\s,.])(?:[וש]?(?:גר|גרה|גרים|גרות|גרנו|גרתי|לגור|מתגורר\w*|נולד\w*|גדל\w*|עבר\w*|עוברים"
    r"|עוברת|ליד|באזור|אזור|בעיר|העיר|ביישוב|נמצא\w*|עכשיו|ההלוויה|הלוויה|המשפחה|משפחה|ההורים|חזר\w*"
    r"|נסע\w*|טס\w*|יושב\w*|יושבת|ישוב|מושב|קיבוץ)"
    r"|من|ساكن\w*|سكن\w*|عايش\w*|انتقل\w*|رحنا|رحت|نقلنا|بلد\w*|قري\w*|مدين\w*|جنب|قرب|اهلي|أهلي"
    r"|اصلي|أصلي|ضيع\w*)(?:\s+\S+)?\s+\S*$"
)
_PLACE_CUE_WINDOW = 40
# Ambiguous names that with a prefixed מ make another word: "מקדימה" (in front), "מגילה" (a scroll).
_FROM_IS_A_WORD = frozenset({"קדימה", "גילה", "מגדל"})


def _prefixed_places() -> dict[str, str]:
    """Ambiguous Hebrew names that are places with any prefix letter, and the letters that, last in
    the prefix, make another word instead ("חורה בש": "בחורה" a girl, "שחורה" black)."""
    table: dict[str, str] = {}
    for line in load_list("localities_prefixed"):
        name, _, letters = line.partition(" ")
        table[_key(name)] = letters.strip()
    return table


_PREFIXED_PLACES = _prefixed_places()
# "משרת במודיעין" is the intelligence corps, not the town.
_NOT_THE_PLACE_NEAR = {
    _key("מודיעין"): re.compile(
        r"משרת|חיל|יחיד|צבא|קצינ|קצין|שירות|גיוס|מתגייס|טירונות|קורס|8200|אמ\"ן|תפקיד|ביטחו|בטחו|סייבר"
    ),
}
# Ambiguous Hebrew organisation names that with one of these prefix letters name the organisation:
# "בצופים" is in the Scouts, "מהצופים" from them, "מתנדבת בלתת" at Latet; bare, "צופים" are viewers
# and "לתת" is "to give".
_PREFIXED_ORGS: dict[str, str] = {
    _key("צופים"): "בלמ", _key("הצופים"): "מ", _key("קרמבו"): "ב", _key("לתת"): "ב", _key("אנוש"): "ב",
    _key("עלם"): "ב", _key("אקים"): "ב", _key("תגלית"): "ב", _key("הדסים"): "ב", _key("מגשימים"): "ב",
    _key("הצלה"): "ב",
}  # fmt: skip
# Of those, the ones that bare are ordinary words even next to a work word ("לתת", "מצב אנוש").
_ORGS_NEVER_BARE = frozenset(k for k in _PREFIXED_ORGS if k not in (_key("צופים"), _key("הצופים")))

# Next to an ambiguous organisation name ("כללית", "Apple"): work, study, health and army words.
_ORG_CUE = re.compile(
    r"עוב[דת]|עבד|לעבוד|עבודה|משמרת|מנהל|פיטר|פוטר|התקבלתי|רופא|תור\b|קופ[הת]|מרפא|בדיק|פסיכולוג"
    r"|הפני|בסיס|משרת|צבא|טירונות|גיוס|מתגייס|חייל|לומד|למדתי|סטודנט|תואר|בנק"
    r"|מדריכ|חניכ|שבט|תנוע|פעולות|התנדב|מתנדב|(?<![א-ת])[בה]?קן(?![א-ת])"
    r"|متطوع|تطوع|كشاف|\b(?:volunteer\w*|scouts?|movement|madrich\w*)\b|волонт|движени|вожат"
    r"|شغل|اشتغل|بشتغل|بتعلم|بدرس|طالب|دكتور|طبيب|عياد|فحص|تحويل|مدير|طرد|مناوب|وردي|جامع"
    r"|\b(?:work\w*|job|shift|manager|boss|hired|fired|laid|intern\w*|doctor|clinic|appointment"
    r"|stud\w*|serv\w*|unit|base|army|employ\w*)\b"
    r"|работ|уволи|смен|начальни|врач|клиник|очеред|учусь|учил|учи|студент|служ|арми|базе"
    # Hospitalisation, treatment and detention: "מאושפזת בשלוותה", "лежит в Сороке", "انحبس بعوفر".
    r"|אושפז|מאושפז|אשפוז|מטופל|כלא|עציר|נעצר|אסיר|ישב\b|יושב\b"
    r"|منوم|انحبس|محبوس|مسجون|سجن|معتقل|اسير|أسير|بتتعالج|بيتعالج"
    r"|\b(?:hospitali[sz]ed|admitted|inpatient|ward|prison|jail|locked|detained|inmate)\b"
    r"|лежит|лежал|госпитализ|сидит|сидел|тюрьм|заключ|лечит|лечи",
    re.IGNORECASE,
)
_ORG_CUE_BEFORE, _ORG_CUE_AFTER = 45, 30

# Residence verbs only: after "נולדתי ב"/"גדלתי ב" come dates and circumstances as often as places.
_HEBREW_LIVE = _keys("גר", "גרה", "גרים", "גרות", "גרנו", "גרתי", "לגור", "מתגורר", "מתגוררת", "מתגוררים")
_ARABIC_LIVE = _keys(
    "ساكن", "ساكنة", "ساكنه", "ساكنين", "ساكنات", "سكنت", "سكنا", "بسكن", "انولدت", "تربيت", "نقلنا",
    "انتقلنا", "انتقلت",
)  # fmt: skip
_ARABIC_FROM_LEAD = _keys("انا", "احنا", "اصلي", "اصلا", "اصلنا", "سنة", "سنه", "سنين", "عمري", "بنت", "ابن")
_LATIN_PLACE_CUES: tuple[tuple[str, ...], ...] = (
    ("live", "in"), ("lives", "in"), ("living", "in"), ("lived", "in"), ("from",), ("moved", "to"),
    ("move", "to"), ("moving", "to"), ("moved", "back", "to"), ("grew", "up", "in"), ("born", "in"),
    ("back", "in"), ("raised", "in"), ("based", "in"), ("relocated", "to"), ("staying", "in"),
    ("stay", "in"), ("neighborhood", "of"), ("town", "of"), ("village", "of"), ("city", "of"),
)  # fmt: skip
_RUSSIAN_PLACE_CUES: tuple[tuple[str, ...], ...] = (
    *(
        (verb, prep)
        for verb in (
            "живу", "живём", "живем", "живет", "живёт", "живут", "жила", "жил", "жили", "переехал",
            "переехала", "переехали", "переезжаем", "переехать", "родилась", "родился", "родились",
            "вырос", "выросла", "выросли",
        )
        for prep in ("в", "во", "из")
    ),
    ("из",),
    ("родом", "из"),
)  # fmt: skip
_LATIN_ORG_CUES: tuple[tuple[str, ...], ...] = (
    ("work", "at"), ("work", "for"), ("works", "at"), ("works", "for"), ("working", "at"),
    ("working", "for"), ("worked", "at"), ("worked", "for"), ("job", "at"), ("shift", "at"),
    ("internship", "at"), ("intern", "at"), ("laid", "off", "from"), ("fired", "from"),
    ("let", "go", "from"), ("quit",), ("study", "at"), ("studying", "at"), ("studied", "at"),
    ("student", "at"), ("hired", "by"), ("employed", "by"), ("employed", "at"),
    ("volunteer", "at"), ("volunteering", "at"), ("serve", "in"), ("serving", "in"), ("served", "in"),
    # People and things that belong to a workplace or school: "my manager at Brightwave Analytics",
    # "everyone at Hebrew U", "my first year at Reichman".
    *(
        (who, "at")
        for who in (
            "manager", "boss", "supervisor", "coworkers", "colleagues", "everyone", "everybody",
            "people", "kids", "students", "teacher", "teachers", "counselor", "counsellor", "principal",
            "classmates", "team", "year", "semester", "classes", "course", "degree", "position", "role",
            "interview", "internship", "shifts", "enrolled", "accepted", "admitted", "intern", "interning",
            "apprentice", "trainee", "volunteered", "workers", "staff", "hr", "director", "owner",
        )
    ),
    *(
        (verb, prep)
        for verb in ("volunteer", "volunteering", "volunteered", "volunteers")
        for prep in ("with", "for")
    ),
    ("made", "aliyah", "with"), ("aliyah", "with"), ("interview", "with"), ("accepted", "to"),
    ("accepted", "into"), ("admitted", "to"), ("rejected", "by"), ("expelled", "from"),
    ("suspended", "from"), ("kicked", "out", "of"), ("dropped", "out", "of"), ("graduated", "from"),
    ("enrolled", "in"), ("transferred", "to"), ("joined",), ("member", "of"), ("members", "of"),
    ("interning", "at"), ("interned", "at"), ("interned", "with"), ("apprenticed", "at"),
)  # fmt: skip
_HEBREW_ORG_CUE = _keys(
    "עובד", "עובדת", "עובדים", "עבדתי", "עבד", "עבדה", "לעבוד", "מתנדב", "מתנדבת", "לומד", "לומדת",
    "למדתי", "פיטרו", "פוטרתי", "המשמרת", "משמרת", "מתמחה", "משרת", "משרתת",
)  # fmt: skip
_ARABIC_ORG_CUE = _keys(
    "بشتغل", "بشتغلي", "اشتغل", "اشتغلت", "بشتغلوا", "شغال", "شغالة", "شغاله", "بتعلم", "بتعلمي",
    "بدرس", "درست", "تعلمت", "طالب", "طالبة", "طالبه", "طردوني", "اتطردت", "بتدرب", "بتطوع",
    "شغلي",
)  # fmt: skip
_RUSSIAN_ORG_CUE = _keys(
    "учусь", "учился", "училась", "учится", "учимся", "учатся", "работаю", "работал", "работала",
    "работает", "работаем", "работают", "служу", "служил", "служила", "уволили", "уволился",
    "уволилась", "устроился", "устроилась",
)  # fmt: skip
_PREPOSITIONS = _keys("ב", "ל", "מ", "ب", "في", "بـ", "عند", "в", "во", "на", "из", "at", "in")

# Sports clubs are a prefix and a town: "מכבי חיפה", "הפועל באר שבע", "Hapoel Tel Aviv".
_CLUB_PREFIXES = _keys(
    "מכבי", "הפועל", 'בית"ר', "ביתר", "בני", "עירוני", "הכח", "maccabi", "hapoel", "beitar", "bnei",
    "ironi", "مكابي", "هبوعيل", "بيتار", "ابناء", "اتحاد", "маккаби", "апоэль", "бейтар",
)  # fmt: skip
# Hebrew and Arabic words that are the first half of a place name ("קריית X", "كفر X"): after a
# living cue the unknown place may be two words long.
_CONSTRUCT_PLACE = _keys(
    "קריית", "קרית", "גבעת", "נווה", "רמת", "בית", "כפר", "תל", "עין", "ראש", "מעלה", "מצפה", "שדה",
    "בן", "בת", "גני", "גן", "אבן", "הר", "נוף", "כוכב", "אור", "באר", "פסגת", "רמות", "מבשרת", "נחל", "עמק",
    "יד", "שער", "מגדל", "בני", "אום", "דיר", "ג'בל", "ואדי", "ראס", "שייח'", "ח'ירבת", "ח'אן",
    "ביר", "מג'ד", "שכונת", "بيت", "كفر", "دير", "عين", "بير", "بئر", "ام", "أم", "ابو", "أبو", "تل",
    "جسر", "مجد", "باقة", "خربة", "وادي", "جبل", "راس", "رأس", "الشيخ", "شيخ", "بني", "عرب", "حي",
    "مخيم", "خان", "نوف", "كريات", "رمات", "بات",
)  # fmt: skip
_LATIN_CONNECTORS = _keys(
    "al", "el", "a", "ad", "ash", "as", "an", "ar", "at", "az", "ha", "de", "la", "le", "of", "upon",
    "on", "da", "del", "ibn", "bin", "abu", "umm", "beit", "bet", "ben", "ha", "haa", "ed", "es",
)  # fmt: skip
_RUSSIAN_LOCATION_KINDS = _keys(
    "район", "районе", "района", "город", "городе", "города", "посёлок", "поселок", "посёлке",
    "поселке", "посёлка", "поселка", "деревня", "деревне", "деревни", "квартал", "квартале",
    "микрорайон", "микрорайоне", "кибуц", "кибуце", "кибуца", "мошав", "мошаве", "мошава",
)  # fmt: skip
# Locality words that are also common nouns take no name with the article: "במושב האחורי" is the
# back seat, "במחנה הקיץ" a summer camp.
_NAME_MUST_NOT_HAVE_ARTICLE = _keys("מושב", "מחנה", "כפר", "מושבה")
_LATIN_PREFIX_STREET = _keys("rehov", "rechov", "sderot", "derech")
# Street words that name a street even without a house number ("גר ברחוב הרצל", "بشارع الجبل");
# "דרך" is also "through", so it needs the number.
_STREET_WITHOUT_NUMBER = _keys(
    "רחוב", "רח'", "רח", "שדרות", "שד'", "כיכר", "ככר", "شارع", "دوار", "ساحة", "ул", "улица", "улице",
    "улицу", "улицы", "улицей",
)  # fmt: skip
# Words that belong to a school's or club's name although they read as adjectives:
# "مدرسة الكرمة الإعدادية", "תיכון עירוני ד' המקיף".
_NAME_TAILS = _keys(
    "الإعدادية", "الاعدادية", "الثانوية", "الابتدائية", "الأساسية", "الاساسية", "الشاملة", "الأهلية",
    "الاهلية", "للبنات", "للبنين", "الحكومية", "المقاصدية", "المسيحية", "الأرثوذكسية", "الارثوذكسية",
    "الاسلامية", "الإسلامية", "العربية", "المعمدانية",
    "המקיף", "העירוני", "העירונית", "הדתי", "הדתית", "הממלכתי", "הממלכתית", "האזורי", "האזורית",
    "לבנות", "לבנים", "למדעים", "לאמנויות", "הרפואי", "הקהילתי",
)  # fmt: skip
_ADDRESS_CONNECTORS = _keys("מספר", "מס'", "رقم", "no", "nr", "number", "№", "дом", "д")
_ADDRESS_EXTRAS = _keys(
    "דירה", "ד'", "קומה", "כניסה", "מספר", "شقة", "شقه", "طابق", "عمارة", "عماره", "بناية",
    "بنايه", "الطابق", "apt", "apartment", "flat", "unit", "suite", "floor", "entrance", "кв", "квартира",
    "подъезд", "этаж", "корпус", "к", "דירת", "ק'",
)  # fmt: skip
_TIME_WORDS = _keys(
    "שנים", "שנה", "שנות", "חודשים", "ימים", "שבועות", "שעות", "דקות", "years", "year", "months",
    "weeks", "days", "hours", "سنين", "سنة", "سنه", "اشهر", "شهور", "ايام", "лет", "года", "год",
    "месяцев", "дней", "%",
)  # fmt: skip
# Kinds whose name may be introduced by "של" and may start with the article: "בקן של הצופים",
# "שבט הראל". A number after them (or after a branch word) is a date or a branch, not a name.
_KINDS_WITH_OF = _keys("קן", "שבט")
_KINDS_WITHOUT_NUMBER = _keys("קן", "שבט", "סניף", "فرع")
# English kind words that are also common words: they name an organisation only capitalised,
# after a capitalised name ("Hillside High", "Kestrel Labs", "Delek Group").
_LATIN_KINDS_CAPITALISED = _keys(
    "high", "group", "tech", "center", "centre", "studio", "studios", "lab", "labs", "systems",
    "solutions", "software", "analytics", "agency", "hotel", "gym", "fitness", "technologies",
    "industries", "logistics", "consulting", "foundation", "association", "organization",
    "organisation", "charity", "pharmacy", "bakery", "supermarket", "motors", "airlines", "insurance",
    "kindergarten", "preschool", "daycare", "middle", "elementary", "prep", "primary",
)  # fmt: skip
_RUSSIAN_ADJECTIVE_ENDINGS = ("ский", "ская", "ское", "ском", "ской", "скую", "ского", "цкий", "цкая")
_PO_BOX = re.compile(
    r"(?:ת\s?\.\s?ד\s?\.?|ת\"ד|תא\s+דואר|ص\s?\.\s?ب\s?\.?|صندوق\s+بريد|P\.?\s?O\.?\s?Box|POB"
    r"|а/я|абонентский\s+ящик)\s*:?\s*\d{1,6}(?!\d)",
    re.IGNORECASE,
)
_LIVE_AT = _keys("live", "lives", "living", "lived", "stay", "staying")
# Words that announce an address, and what may stand between them and the street.
_ADDRESS_CUES = _keys(
    "כתובת", "הכתובת", "כתובתי", "عنوان", "عنواني", "العنوان", "عنوانا", "address", "адрес", "адресу",
)  # fmt: skip
_ADDRESS_CUE_FILLERS = _keys(
    "שלי", "שלנו", "היא", "זה", "هو", "هي", "تبعي", "تبعنا", "is", "my", "our", "мой", "наш", "по",
)  # fmt: skip


# --- the matcher -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Hit:
    category: int
    first: int  # token index
    end: int  # token index after the phrase
    stem: _Stem


class _Message:
    """One normalised message split into tokens, with every gazetteer phrase found in it."""

    def __init__(self, text: str) -> None:
        self.text = text
        starts: list[int] = []
        ends: list[int] = []
        raw: list[str] = []
        numeric: list[bool] = []
        for match in _TOKEN.finditer(text):
            starts.append(match.start())
            ends.append(match.end())
            raw.append(match.group())
            numeric.append(match.lastgroup == "num")
        self.starts, self.ends, self.raw, self.numeric = starts, ends, raw, numeric
        self.words = [_analyse(w) if not n else None for w, n in zip(raw, numeric, strict=True)]
        self.n = len(raw)
        self.hits: dict[int, dict[int, _Hit]] = {}  # category -> first token -> longest hit
        for i in range(self.n):
            self._match_at(i)

    # tokens

    def key(self, i: int) -> str:
        word = self.words[i]
        return word.key if word is not None else self.raw[i]

    def script(self, i: int) -> str:
        word = self.words[i]
        return word.script if word is not None else OTHER

    def gap(self, i: int) -> str:
        """The text between token ``i - 1`` and token ``i``."""
        return self.text[self.ends[i - 1] : self.starts[i]] if i > 0 else self.text[: self.starts[0]]

    def joined(self, i: int) -> bool:
        """Token ``i`` continues the name that token ``i - 1`` is part of."""
        return 0 < i < self.n and _JOIN.fullmatch(self.gap(i)) is not None

    def capitalised(self, i: int) -> bool:
        word = self.words[i]
        return word is not None and word.capitalised and word.script in (LA, CY)

    def is_stop(self, i: int) -> bool:
        word = self.words[i]
        if word is None:
            return False
        if word.key in _STOP:
            return True
        return any(s.offset and s.prefix != "ال" and s.key in _STOP for s in word.stems)

    def hit(self, category: int, i: int) -> _Hit | None:
        found = self.hits.get(category)
        return found.get(i) if found else None

    def any_name_hit(self, i: int) -> _Hit | None:
        """A place, organisation or street name that starts at token ``i`` as written (no prefix)."""
        best: _Hit | None = None
        for category in (LOC, LOC_AMB, ORG, ORG_AMB, STREET_NAME):
            found = self.hit(category, i)
            if found and found.stem.offset == 0 and (best is None or found.end > best.end):
                best = found
        return best

    def hits_any(self, i: int) -> bool:
        """Some list phrase (a name or a kind word) starts at token ``i``."""
        return any(i in found for found in self.hits.values())

    def span(self, first: int, offset: int, last: int) -> tuple[int, int]:
        return self.starts[first] + offset, self.ends[last]

    # gazetteer phrases

    def _match_at(self, i: int) -> None:
        word = self.words[i]
        # A number starts a name only as a whole ("8200"), never with a prefix.
        candidates = word.stems if word is not None else (_Stem(0, self.raw[i], "", False, False),)
        for stem in candidates:
            entries = _INDEX.get(stem.key)
            if not entries:
                continue
            for tail, category in entries:
                if stem.extra and category not in (LOC, LOC_AMB):
                    continue
                if stem.article and category in (ORG_KIND, STREET_KIND, LOC_KIND):
                    continue
                end = i + 1 + len(tail)
                if end > self.n or not self._tail_matches(i + 1, tail):
                    continue
                found = self.hits.setdefault(category, {})
                old = found.get(i)
                if old is None or end > old.end:
                    found[i] = _Hit(category, i, end, stem)

    def _tail_matches(self, i: int, tail: tuple[str, ...]) -> bool:
        for k, want in enumerate(tail):
            j = i + k
            if self.numeric[j]:
                if self.raw[j] != want:
                    return False
            else:
                word = self.words[j]
                if word is None or word.key != want:
                    return False
            if not self.joined(j):
                return False
        return True


def _window(text: str, start: int, end: int, before: int, after: int) -> str:
    return text[max(0, start - before) : end + after]


# --- LOCATION --------------------------------------------------------------------------------


def _place_cued(msg: _Message, hit: _Hit) -> bool:
    word = msg.words[hit.first]
    if word is None:
        return False
    if word.script in (LA, CY):
        return word.capitalised
    if word.script == HE and hit.stem.prefix.endswith("מ") and hit.stem.key not in _FROM_IS_A_WORD:
        return True  # "מרחובות": from Rehovot
    if word.script in (HE, AR) and hit.stem.offset and _prefixed_place(msg, hit):
        return True  # "באופקים", "ברמי לוי במודיעין", "بقلنسوة"
    start = msg.starts[hit.first]
    before = msg.text[max(0, start - _PLACE_CUE_WINDOW) : start + hit.stem.offset]
    return _PLACE_CUE.search(" " + before + "x") is not None


def _after_org(msg: _Message, hit: _Hit, after_org: frozenset[int]) -> bool:
    """A Hebrew or Arabic place with a "in"/"from" prefix right after an organisation's name."""
    if not hit.stem.offset or hit.first == 0 or not msg.joined(hit.first):
        return False
    if msg.ends[hit.first - 1] not in after_org:
        return False
    if hit.stem.prefix.rstrip("-")[-1:] in _PREFIXED_PLACES.get(hit.stem.key, "-"):
        return False  # "בשופרסל בחורה אחת" is a girl
    return hit.stem.prefix.rstrip("-")[-1:] in ("ב", "מ", "ب") or hit.stem.prefix.endswith(("بال", "ب"))


def _prefixed_place(msg: _Message, hit: _Hit) -> bool:
    letters = _PREFIXED_PLACES.get(hit.stem.key)
    if letters is None or hit.stem.prefix.rstrip("-")[-1:] in letters:
        return False
    counter = _NOT_THE_PLACE_NEAR.get(hit.stem.key)
    if counter is None:
        return True
    start = msg.starts[hit.first]
    return counter.search(_window(msg.text, start, msg.ends[hit.end - 1], 40, 25)) is None


def _locations(msg: _Message, out: list[Span], after_org: frozenset[int] = frozenset()) -> None:
    for category in (LOC, LOC_AMB):
        for hit in msg.hits.get(category, {}).values():
            if category == LOC_AMB and not _place_cued(msg, hit) and not _after_org(msg, hit, after_org):
                continue
            start, end = msg.span(hit.first, hit.stem.offset, hit.end - 1)
            kind = _kind_before(msg, hit)
            if kind is not None:
                start = kind
            out.append(Span(start, end, "LOCATION"))
    _location_kinds(msg, out)
    _location_cues(msg, out)


def _kind_before(msg: _Message, hit: _Hit) -> int | None:
    """Start of a locality word right before a known place ("مخيم بلاطة", "קיבוץ יגור")."""
    if hit.stem.offset or hit.first == 0 or not msg.joined(hit.first):
        return None
    for back in (1, 2):  # a one- or two-word locality word ("מחנה הפליטים")
        k = hit.first - back
        if k < 0:
            return None
        kind = msg.hit(LOC_KIND, k)
        if kind is not None and kind.end == hit.first and kind.stem.key not in _RUSSIAN_LOCATION_KINDS:
            return msg.starts[k] + kind.stem.offset
    return None


def _location_kinds(msg: _Message, out: list[Span]) -> None:
    """A locality word and an unknown name: "קיבוץ עין השופט", "حي الشجاعية", "район Бавли"."""
    for hit in msg.hits.get(LOC_KIND, {}).values():
        j = hit.end
        if j >= msg.n or msg.numeric[j] or msg.any_name_hit(j) is not None:
            continue  # known names are extended by _kind_before
        kind_script = msg.script(hit.first)
        first_key = hit.stem.key
        if kind_script in (CY, LA):
            gap_ok = _JOIN.fullmatch(msg.gap(j)) is not None
            end = _capitalised_run(msg, j) if gap_ok else j
            if end == j:
                continue
            if kind_script == CY and first_key in _RUSSIAN_LOCATION_KINDS:
                start = msg.starts[j]
            else:
                start = msg.starts[hit.first] + hit.stem.offset
            out.append(Span(start, msg.ends[end - 1], "LOCATION"))
            continue
        if not msg.joined(j) or msg.script(j) != kind_script:
            continue
        if first_key in _NAME_MUST_NOT_HAVE_ARTICLE and msg.raw[j].startswith("ה"):
            continue
        if first_key == _key("حي") and not (hit.stem.offset or _previous_key_in(msg, hit.first, _HAYY_CUES)):
            continue  # "حي" is also "alive"
        end = _name_run(msg, j, kind_script)
        if end > j:
            out.append(Span(msg.starts[hit.first] + hit.stem.offset, msg.ends[end - 1], "LOCATION"))


_HAYY_CUES = _keys("من", "في", "عنواني", "عنوان", "عنوانا", "ساكن", "ساكنة", "ساكنين", "بـ")


def _previous_key_in(msg: _Message, i: int, keys: frozenset[str]) -> bool:
    return i > 0 and msg.key(i - 1) in keys


# What may follow a place found only by its cue: the end of a clause, a conjunction-prefixed word
# or one of these. "אני מ<X>, ..." and "انا من <X> وبشتغل" end there; "انا من زمان بفكر" does not.
_AFTER_PLACE = _keys(
    "עם", "ליד", "אצל", "מאז", "לבד", "אבל", "כי", "مع", "بس", "لحالي",
    "هلأ", "هلق", "هسا", "هلا", "and", "with", "since", "but", "now", "и", "с", "а", "но", "уже",
)  # fmt: skip


def _place_ends_at(msg: _Message, last: int) -> bool:
    nxt = last + 1
    if nxt >= msg.n:
        return True
    gap = msg.gap(nxt)
    if gap.strip(" ") or msg.numeric[nxt]:
        return bool(gap.strip(" ")) and not msg.numeric[nxt]
    raw = msg.raw[nxt]
    return raw[0] in "וوف" or msg.key(nxt) in _AFTER_PLACE


def _location_cues(msg: _Message, out: list[Span]) -> None:
    for i in range(msg.n):
        word = msg.words[i]
        if word is None:
            continue
        if word.script == HE and word.key in _HEBREW_LIVE:
            _hebrew_live_cue(msg, i + 1, out)
        elif word.script == AR:
            if word.key in _ARABIC_LIVE:
                _arabic_live_cue(msg, i + 1, out)
            elif word.key == "من" and any(
                msg.key(k) in _ARABIC_FROM_LEAD for k in range(max(0, i - 3), i) if not msg.numeric[k]
            ):
                _arabic_from_cue(msg, i + 1, out)
        elif word.key in _PLACE_CUE_STARTS:
            j = _after_cue(msg, i, _PLACE_CUE_STARTS[word.key])
            end = _capitalised_run(msg, j) if j is not None and j < msg.n and msg.gap(j) == " " else None
            if j is not None and end is not None and end > j:
                out.append(Span(msg.starts[j], msg.ends[end - 1], "LOCATION"))


def _cue_index(cues: Iterable[tuple[str, ...]]) -> dict[str, tuple[tuple[str, ...], ...]]:
    """Cue phrases by their first word, longest first, so a token is checked against few."""
    index: dict[str, list[tuple[str, ...]]] = {}
    for cue in cues:
        index.setdefault(cue[0], []).append(cue)
    return {first: tuple(sorted(found, key=len, reverse=True)) for first, found in index.items()}


_PLACE_CUE_STARTS = _cue_index((*_LATIN_PLACE_CUES, *_RUSSIAN_PLACE_CUES))
_LATIN_ORG_CUE_STARTS = _cue_index(_LATIN_ORG_CUES)


def _after_cue(msg: _Message, i: int, cues: tuple[tuple[str, ...], ...]) -> int | None:
    """Index of the token after the first of ``cues`` that starts at token ``i``, if any."""
    for cue in cues:
        if i + len(cue) <= msg.n and all(
            msg.key(i + k) == want and msg.gap(i + k) == " " for k, want in enumerate(cue) if k
        ):
            return i + len(cue)
    return None


def _capitalised_run(msg: _Message, j: int, limit: int = 4) -> int:
    """End of a run of capitalised Latin/Cyrillic words at ``j`` ("Ramat Gan", "Umm al-Fahm")."""
    if j >= msg.n or not msg.capitalised(j) or msg.key(j) in _STOP:
        return j
    script = msg.script(j)
    end = j + 1
    k = j + 1
    while k < msg.n and k - j < limit + 1 and msg.joined(k) and msg.script(k) == script:
        if msg.capitalised(k) and msg.key(k) not in _STOP:
            end = k + 1
        elif msg.key(k) not in _LATIN_CONNECTORS:
            break
        k += 1
    return end


def _hebrew_live_cue(msg: _Message, j: int, out: list[Span]) -> None:
    """ "גר ב<מקום>": the word after the living verb, with ב attached, is a place."""
    if j >= msg.n or not msg.joined(j):
        return
    word = msg.words[j]
    if word is None or word.script != HE:
        return
    stem = next((s for s in word.stems if s.prefix in ("ב", "וב")), None)
    if stem is None or stem.key in _STOP or _unlikely_name(msg, j, first=True, stem=stem):
        return
    if any(msg.hit(c, j) for c in (STREET_KIND, STREET_NAME, ORG_KIND, LOC_KIND)):
        return
    end = j
    if stem.key in _CONSTRUCT_PLACE and msg.joined(j + 1) and not _unlikely_name(msg, j + 1, first=True):
        end = j + 1
    if not _place_ends_at(msg, end):
        return  # a house number or more words follow: an address, or not a place at all
    out.append(Span(msg.starts[j] + stem.offset, msg.ends[end], "LOCATION"))


def _arabic_live_cue(msg: _Message, j: int, out: list[Span]) -> None:
    """ "ساكن ب<مكان>" / "ساكن في <مكان>"."""
    if j < msg.n and msg.key(j) in _keys("في", "ب", "بـ"):
        j += 1
        stem_offset = 0
    elif j < msg.n and (word := msg.words[j]) is not None:
        stem = next((s for s in word.stems if s.prefix in ("ب", "وب")), None)
        if stem is None:
            return
        stem_offset = stem.offset
        if stem.key in _STOP:
            return
    else:
        return
    _arabic_place_after(msg, j, stem_offset, out)


def _arabic_from_cue(msg: _Message, j: int, out: list[Span]) -> None:
    """ "انا من <مكان>": only after "انا", "احنا", "اصلي" or an age, "من" is "from" a place."""
    _arabic_place_after(msg, j, 0, out)


def _arabic_place_after(msg: _Message, j: int, offset: int, out: list[Span]) -> None:
    if j >= msg.n or not msg.joined(j) or msg.script(j) != AR:
        return
    if _unlikely_name(msg, j, first=True, skip_prefix=offset == 0):
        return
    if any(msg.hit(c, j) for c in (STREET_KIND, ORG_KIND, LOC_KIND)):
        return
    word = msg.words[j]
    stem_key = next((s.key for s in word.stems if s.offset == offset), word.key) if word else ""
    end = j
    if stem_key in _CONSTRUCT_PLACE and msg.joined(j + 1) and not _unlikely_name(msg, j + 1, first=True):
        end = j + 1
    if not _place_ends_at(msg, end):
        return
    out.append(Span(msg.starts[j] + offset, msg.ends[end], "LOCATION"))


# --- names after kind words ------------------------------------------------------------------

# Verb forms that follow a kind word in a sentence but never start a name: participles ("מציקים",
# "קוראים", "צוחקות"), past plurals ("צחקו", "אמרו"), past first persons ("למדתי") and nif'al past.
_HEBREW_PARTICIPLE = re.compile(
    r"^(?:מ[\u05d0-\u05ea]{2,}|[\u05d0-\u05ea]ו[\u05d0-\u05ea]{2})(?:ים|ות)$|^[\u05d0-\u05ea]{3,4}ו$"
)
_HEBREW_PAST = re.compile(r"(?:תי|נו|תם|תן)$|^נ[\u05d0-\u05ea]{3}$")
_HEBREW_LETTER_NUMBER = re.compile(r"^[\u05d0-\u05ea]['׳]$")
# A conjunction-prefixed word, or a colloquial present-tense verb (ب + person prefix + root:
# "بيتنمروا", "بتعلم"), ends a name; shorter ب-words are names ("بيرل", "بيسان").
_ARABIC_VERB = re.compile(r"^(?:و|ف)|^ب[يتن]\w{3,}")


def _unlikely_name(
    msg: _Message, i: int, *, first: bool, stem: _Stem | None = None, skip_prefix: bool = False
) -> bool:
    """Whether token ``i`` is a function word, a verb or a generic noun rather than part of a name."""
    if i >= msg.n:
        return True
    if msg.numeric[i]:
        return True
    word = msg.words[i]
    if word is None:
        return True
    if msg.any_name_hit(i) is not None:
        return False
    if stem is None and _prefixed_place_at(msg, i):
        return True  # "بشركة بيزك بكفر برا", "בתיכון X בקריית שמונה": the next phrase is a place
    key = stem.key if stem is not None else word.key
    if key in _STOP or (stem is None and msg.is_stop(i)):
        return True
    raw = msg.raw[i][stem.offset :] if stem is not None else msg.raw[i]
    if word.script == HE:
        if _HEBREW_LETTER_NUMBER.match(raw):
            return False
        if len(key) < 2 or _HEBREW_PARTICIPLE.match(raw) or _HEBREW_PAST.search(raw):
            return True
        if not first and raw.startswith("ו"):
            return True
        # "בחיפה", "לבנות": a preposition phrase after the kind word, not its name.
        if stem is None and _prefixed_known_word(word):
            return not first or raw[0] in "בלמ"
    elif word.script == AR:
        if len(key) < 3:
            return True
        if _ARABIC_VERB.match(raw) and not raw.startswith("واد") and not (first and skip_prefix):
            return True
        # "قرية بالجليل", "مدرسة للبنات", "بحيفا": a preposition phrase, not a name.
        if stem is None and (
            raw.startswith(("بال", "لل", "عال", "فال", "كال")) or _prefixed_known_word(word)
        ):
            return True
    return False


def _prefixed_place_at(msg: _Message, i: int) -> bool:
    """A place name with a preposition glued on starts at token ``i`` ("בקריית שמונה", "بكفر برا")."""
    for category in (LOC, LOC_AMB):
        found = msg.hit(category, i)
        if found is not None and found.stem.offset and found.stem.prefix != "ال":
            return True
    return False


def _prefixed_known_word(word: _Word) -> bool:
    """The word is a preposition or conjunction on a listed word: "בחיפה", "ולא", "بحيفا"."""
    # The Arabic article alone is no preposition: "الاتصالات" after "شركة" names the company.
    return any(
        s.offset and s.prefix != "ال" and (s.key in _STOP or s.key in _SINGLE_NAMES) for s in word.stems
    )


def _prefixed_hit(hit: _Hit) -> bool:
    """A known name with a preposition glued on ("באילת", "بالناصرة"), not just the article."""
    return bool(hit.stem.offset) and not hit.stem.article and hit.stem.prefix.strip("-") not in ("ال", "")


def _name_run(msg: _Message, j: int, script: str, limit: int = 3) -> int:
    """End of the name that follows a kind word at token ``j`` (``j`` when there is none)."""
    if j >= msg.n or not msg.joined(j):
        return j
    known = msg.any_name_hit(j)
    if known is not None and _prefixed_hit(known):
        return j  # "במלון באילת", "مدرسة بالناصرة": where the kind is, not its name
    if known is not None:
        end = known.end
    elif msg.numeric[j]:
        # Unit and school numbers ("גדוד 51", "יחידה 8200"), not durations ("בתיכון 3 שנים").
        if len(msg.raw[j]) > 4 or (j + 1 < msg.n and msg.key(j + 1) in _TIME_WORDS):
            return j
        return j + 1
    elif msg.script(j) not in (script, LA):
        return j
    elif _unlikely_name(msg, j, first=True):
        # "كلية بيت بيرل", "מכללת בית ברל": a generic first word of a two-word name.
        if (
            msg.key(j) not in _CONSTRUCT_PLACE
            or not msg.joined(j + 1)
            or _unlikely_name(msg, j + 1, first=True)
        ):
            return j
        end = j + 2
    else:
        end = j + 1
    while end < msg.n and end - j < limit and msg.joined(end):
        known = msg.any_name_hit(end)
        if known is not None and _prefixed_hit(known):
            break
        if known is not None:
            end = known.end
            continue
        if msg.key(end) in _NAME_TAILS:
            end += 1
            continue
        if msg.script(end) not in (script, LA) or _unlikely_name(msg, end, first=False):
            break
        if msg.script(end) == LA and not msg.capitalised(end):
            break
        end += 1
    return end


def _quoted_run(msg: _Message, j: int, limit: int = 5) -> int:
    """End of a name in quotes that opens right before token ``j`` ("«Супер-Фарм»")."""
    if j >= msg.n or not _QUOTE_OPEN.search(msg.gap(j)):
        return j
    end = j + 1
    while end < msg.n and end - j < limit:
        gap = msg.gap(end)
        if any(q in gap for q in _QUOTES):
            return end
        if _JOIN.fullmatch(gap) is None:
            return j
        end += 1
    closing = msg.text[msg.ends[end - 1] : msg.ends[end - 1] + 2]
    return end if any(q in closing for q in _QUOTES) else j


# --- ORG -------------------------------------------------------------------------------------


def _organisations(msg: _Message, out: list[Span]) -> None:
    text = msg.text
    for category in (ORG, ORG_AMB):
        for hit in msg.hits.get(category, {}).values():
            start, end = msg.span(hit.first, hit.stem.offset, hit.end - 1)
            if category == ORG_AMB:
                word = msg.words[hit.first]
                letters = _PREFIXED_ORGS.get(hit.stem.key)
                if letters is not None and word is not None and word.script == HE:
                    if hit.stem.offset and hit.stem.prefix.rstrip("-")[-1] in letters:
                        out.append(Span(start, end, "ORG"))
                        continue
                    if hit.stem.key in _ORGS_NEVER_BARE:
                        continue
                cue_ok = _ORG_CUE.search(_window(text, start, end, _ORG_CUE_BEFORE, _ORG_CUE_AFTER))
                if cue_ok is None or (word is not None and word.script in (LA, CY) and not word.capitalised):
                    continue
            out.append(Span(start, end, "ORG"))
    # Places are few, so the club prefix is looked for only before them.
    for category in (LOC, LOC_AMB):
        for place in msg.hits.get(category, {}).values():
            i = place.first - 1
            word = msg.words[i] if i >= 0 else None
            if word is None or place.stem.offset or not msg.joined(i + 1):
                continue
            club = next((s for s in word.stems if s.key in _CLUB_PREFIXES), None)
            if club is not None and (category == LOC or msg.hit(LOC, i + 1) is None):
                out.append(Span(msg.starts[i] + club.offset, msg.ends[place.end - 1], "ORG"))
    for hit in msg.hits.get(ORG_KIND, {}).values():
        _org_after_kind(msg, hit, out)
    _org_cues(msg, out)


def _org_after_kind(msg: _Message, hit: _Hit, out: list[Span]) -> None:
    script = msg.script(hit.first)
    kind_start = msg.starts[hit.first] + hit.stem.offset
    kind_end = msg.ends[hit.end - 1]
    j = hit.end
    if script in (HE, AR):
        if hit.stem.key in _KINDS_WITH_OF and j + 1 < msg.n and msg.key(j) == "של" and msg.joined(j + 1):
            j += 1  # "בקן של הצופים"
        quoted = _quoted_run(msg, j)
        if quoted > j:
            out.append(Span(kind_start, msg.ends[quoted - 1], "ORG"))
            return
        if script == HE and hit.stem.key not in _KINDS_WITH_OF and _starts_new_clause(msg, hit, j):
            return
        if j < msg.n and msg.numeric[j] and hit.stem.key in _KINDS_WITHOUT_NUMBER:
            return  # "סניף 512", "فرع ٦٧٢": a branch number alone identifies nobody
        end = _name_run(msg, j, script)
        if end > j:
            out.append(Span(kind_start, msg.ends[end - 1], "ORG"))
        return
    if script == CY:
        # "школа Ор Хадаш", "склад «Мегатрейд»": the kind word belongs to the span, as in Hebrew
        # and Arabic.
        quoted = _quoted_run(msg, j)
        if quoted > j:
            out.append(Span(kind_start, _closing_quote(msg, quoted - 1), "ORG"))
            return
        # "Хайфский университет": a capitalised adjective before the kind word.
        k = hit.first - 1
        if (
            k >= 0
            and msg.capitalised(k)
            and msg.joined(hit.first)
            and msg.key(k).endswith(_RUSSIAN_ADJECTIVE_ENDINGS)
        ):
            out.append(Span(msg.starts[k], kind_end, "ORG"))
            return
        end = _capitalised_run(msg, j, limit=3) if j < msg.n and msg.gap(j) == " " else j
        if end > j:
            out.append(Span(kind_start, msg.ends[end - 1], "ORG"))
        return
    if script == LA:
        if hit.stem.key in _LATIN_PREFIX_STREET:
            return
        if hit.stem.key in _LATIN_KINDS_CAPITALISED and not msg.capitalised(hit.first):
            return  # "so high", "a support group", "the tech"
        start = kind_start
        k = hit.first
        # "Haifa University", "Ort school", "Tel Aviv University": capitalised words before the kind.
        while k > 0 and msg.joined(k) and msg.capitalised(k - 1) and msg.key(k - 1) not in _STOP:
            k -= 1
        if k < hit.first:
            start = msg.starts[k]
        end = kind_end
        # "University of Haifa", "Hospital of the Holy Family".
        if hit.end + 1 < msg.n and msg.key(hit.end) == "of" and msg.gap(hit.end) == " ":
            run = _capitalised_run(msg, hit.end + 1)
            if run > hit.end + 1:
                end = msg.ends[run - 1]
        quoted = _quoted_run(msg, j)
        if quoted > j:
            end = msg.ends[quoted - 1]
        if start < kind_start or end > kind_end:
            out.append(Span(start, end, "ORG"))


def _closing_quote(msg: _Message, last: int) -> int:
    """End of token ``last``, with the quote mark that closes the name after it."""
    end = msg.ends[last]
    text = msg.text
    if end < len(text) and text[end] in _QUOTES:
        return end + 1
    if end + 1 < len(text) and text[end] == " " and text[end + 1] in _QUOTES:
        return end + 2
    return end


def _starts_new_clause(msg: _Message, hit: _Hit, j: int) -> bool:
    """After a Hebrew kind word in its free form ("בבסיס", "בתיכון") a word with the article
    usually starts the next phrase ("בבסיס המפקד צועק"); only the construct form (אולפנת, עיריית)
    takes a name that starts with ה ("ישיבת הגולן", "עיריית הרצליה")."""
    if j >= msg.n or not msg.raw[j].startswith("ה") or msg.any_name_hit(j) is not None:
        return False
    construct = hit.end - hit.first == 1 and hit.stem.key.endswith("ת")
    return not construct


def _org_cues(msg: _Message, out: list[Span]) -> None:
    """Work and study cues before a name no list holds."""
    for i in range(msg.n):
        word = msg.words[i]
        if word is None:
            continue
        if word.script == LA:
            if word.key in _LATIN_ORG_CUE_STARTS:
                j = _after_cue(msg, i, _LATIN_ORG_CUE_STARTS[word.key])
                if j is not None and j + 1 < msg.n and msg.key(j) == "the" and msg.gap(j + 1) == " ":
                    j += 1  # "at the Technion"
                end = _capitalised_run(msg, j) if j is not None and j < msg.n and msg.gap(j) == " " else None
                if j is not None and end is not None and end > j and not _generic_run(msg, j, end):
                    out.append(Span(msg.starts[j], msg.ends[end - 1], "ORG"))
            continue
        cues = {AR: _ARABIC_ORG_CUE, HE: _HEBREW_ORG_CUE, CY: _RUSSIAN_ORG_CUE}.get(word.script)
        if cues is None or word.key not in cues:
            continue
        j = i + 1
        # A preposition of its own ("ب", "في", "в"), then the name in another script or quotes.
        preposition = j < msg.n and msg.key(j) in _PREPOSITIONS
        if preposition:
            j += 1
        if j < msg.n and word.script == CY and msg.hit(ORG_KIND, j) is not None:
            continue  # "работаю в компании «…»" is the kind word's business
        if j >= msg.n:
            continue
        quoted = _quoted_run(msg, j)
        if quoted > j:
            out.append(Span(msg.starts[j], msg.ends[quoted - 1], "ORG"))
            continue
        foreign = msg.script(j)
        if word.script == CY and foreign == CY and preposition:
            # "работаю в Мегатрейде": a capitalised name that is no place after the verb.
            end = _capitalised_run(msg, j, limit=3)
            if end > j and not _generic_run(msg, j, end) and msg.hit(ORG, j) is None:
                out.append(Span(msg.starts[j], msg.ends[end - 1], "ORG"))
            continue
        if foreign not in _FOREIGN_NAME_SCRIPTS[word.script] or msg.numeric[j] or msg.is_stop(j):
            continue
        # Arabic speech borrows Hebrew words ("بشتغل משמרות"); a name comes after a preposition.
        if word.script == AR and foreign == HE and not preposition:
            continue
        if foreign == LA and not msg.capitalised(j):
            continue
        end = j + 1
        while end < msg.n and end - j < 4 and msg.joined(end) and msg.script(end) == foreign:
            end += 1
        out.append(Span(msg.starts[j], msg.ends[end - 1], "ORG"))


def _generic_run(msg: _Message, j: int, end: int) -> bool:
    """A capitalised run that is a kind word or a place alone ("at School", "in Haifa"), which the
    kind and place rules handle, or a weekday or holiday the stop list holds."""
    if end - j == 1 and (msg.hit(ORG_KIND, j) is not None or msg.hit(LOC_KIND, j) is not None):
        return True
    place = msg.hit(LOC, j) or msg.hit(LOC_AMB, j)
    return place is not None and place.end >= end


# The script a workplace's name may be written in inside a message of another script: Hebrew and
# Latin names in Arabic ("بشتغل ب אל על"), Latin in Hebrew ("עובד ב-Wix"), both in Russian.
_FOREIGN_NAME_SCRIPTS = {AR: (HE, LA), HE: (LA,), CY: (HE, LA)}


# --- ADDRESS ---------------------------------------------------------------------------------


def _addresses(msg: _Message, out: list[Span]) -> None:
    for hit in msg.hits.get(STREET_KIND, {}).values():
        span = _address_after_kind(msg, hit)
        if span is not None:
            out.append(span)
    for hit in msg.hits.get(STREET_NAME, {}).values():
        word = msg.words[hit.first]
        if word is None or (word.script == LA and not word.capitalised):
            continue
        number = _number_after(msg, hit.end)
        if number is not None:
            start = msg.starts[hit.first] + hit.stem.offset
            out.append(Span(start, _address_tail(msg, number), "ADDRESS"))
    _cued_addresses(msg, out)
    _bare_streets(msg, out)
    out.extend(Span(m.start(), m.end(), "ADDRESS") for m in _PO_BOX.finditer(msg.text))


def _number_after(msg: _Message, j: int) -> int | None:
    """Index of the house number at ``j`` (after an optional "מספר"/"رقم"/"No."), if there is one."""
    if j >= msg.n or _ADDRESS_GAP.fullmatch(msg.gap(j)) is None:
        return None
    if not msg.numeric[j] and msg.key(j) in _ADDRESS_CONNECTORS:
        j += 1
        if j >= msg.n or _ADDRESS_GAP.fullmatch(msg.gap(j)) is None:
            return None
    if not msg.numeric[j] or len(msg.raw[j].split("/")[0]) > 5:
        return None
    return None if j + 1 < msg.n and msg.key(j + 1) in _TIME_WORDS else j


def _address_tail(msg: _Message, number: int) -> int:
    """End offset of an address whose house number is token ``number``: apartment, floor, town."""
    last = number
    k = number + 1
    while k + 1 < msg.n and _ADDRESS_GAP.fullmatch(msg.gap(k)) and msg.key(k) in _ADDRESS_EXTRAS:
        value = k + 1
        if _ADDRESS_GAP.fullmatch(msg.gap(value)) is None:
            break
        if not (msg.numeric[value] or _HEBREW_LETTER_NUMBER.match(msg.raw[value])):
            break
        last = value
        k = value + 1
    # ", באר שבע": the town right after the street joins the address.
    if k < msg.n and _ADDRESS_GAP.fullmatch(msg.gap(k)):
        town = msg.hit(LOC, k) or msg.hit(LOC_AMB, k)
        if town is not None and town.stem.prefix in ("", "ב", "ب"):
            last = town.end - 1
    return msg.ends[last]


def _address_after_kind(msg: _Message, hit: _Hit) -> Span | None:
    script = msg.script(hit.first)
    kind_key = hit.stem.key
    kind_start = msg.starts[hit.first] + hit.stem.offset
    if script == LA and kind_key not in _LATIN_PREFIX_STREET:
        return _latin_postfix_street(msg, hit)
    j = hit.end
    if j >= msg.n or _ADDRESS_GAP.fullmatch(msg.gap(j)) is None:
        return None
    known = msg.hit(STREET_NAME, j)
    if known is not None and known.stem.offset == 0:
        end = known.end
    elif script in (CY, LA):
        end = _capitalised_run(msg, j, limit=3)
    else:
        end = j
        while end < msg.n and end - j < 4 and (end == j or msg.joined(end)):
            if msg.numeric[end] or msg.script(end) != script:
                break
            if _unlikely_name(msg, end, first=end == j) and msg.any_name_hit(end) is None:
                break
            end += 1
    if end == j:
        return None
    number = _number_after(msg, end)
    if number is not None:
        return Span(kind_start, _address_tail(msg, number), "ADDRESS")
    # No number: only a name that is clearly a street's ("ברחוב הרצל", "بشارع الجبل").
    if kind_key not in _STREET_WITHOUT_NUMBER:
        return None
    first_raw = msg.raw[j]
    named = (
        known is not None
        or script in (CY, LA)
        or (script == HE and first_raw.startswith("ה") and len(first_raw) > 3)
        or (script == AR and _key(first_raw).startswith("ال"))
    )
    return Span(kind_start, msg.ends[end - 1], "ADDRESS") if named else None


def _latin_postfix_street(msg: _Message, hit: _Hit) -> Span | None:
    """ "94 Al-Irsal Street", "Herzl St 12", "12 Herzl St, apt 27, Netanya"."""
    k = hit.first
    while (
        k > 0
        and msg.joined(k)
        and (
            (msg.capitalised(k - 1) and msg.key(k - 1) not in _STOP)
            or (msg.key(k - 1) in _LATIN_CONNECTORS and k - 2 >= 0 and msg.capitalised(k - 2))
        )
    ):
        k -= 1
    if k == hit.first:
        return None
    start = msg.starts[k]
    end_token = hit.end - 1
    # A house number before the name ("94 Al-Irsal Street") or after the street word.
    if k > 0 and msg.numeric[k - 1] and msg.gap(k) == " ":
        start = msg.starts[k - 1]
        return Span(start, _address_tail(msg, end_token), "ADDRESS")
    number = _number_after(msg, hit.end)
    if number is not None:
        return Span(start, _address_tail(msg, number), "ADDRESS")
    return Span(start, msg.ends[end_token], "ADDRESS")


def _cued_addresses(msg: _Message, out: list[Span]) -> None:
    """A street no list holds, known by its cue and house number: "גרים בסמילנסקי 12",
    "ساكن بالمنشية 5", "הכתובת שלי: הנרקיס 4", "Мой адрес Ленина 5", "I live at Hagefen 3"."""
    for i in range(msg.n - 2):
        word = msg.words[i]
        if word is None:
            continue
        if word.key in _ADDRESS_CUES:
            j = i + 1
            # "הכתובת שלי היא", "عنواني هو", "my address is": skip the words before the street.
            while j < msg.n and j - i <= 3 and msg.key(j) in _ADDRESS_CUE_FILLERS:
                j += 1
            _street_and_number(msg, j, 0, out)
        elif (word.script == HE and word.key in _HEBREW_LIVE) or (
            word.script == AR and word.key in _ARABIC_LIVE
        ):
            nxt = msg.words[i + 1]
            if nxt is None or not msg.joined(i + 1):
                continue
            stem = next((s for s in nxt.stems if s.prefix in ("ב", "וב", "ب", "وب")), None)
            if stem is not None and stem.key not in _STOP:
                _street_and_number(msg, i + 1, stem.offset, out)
        elif word.key in _LIVE_AT and word.script in (LA, CY):
            j = i + 2 if word.script == LA and msg.key(i + 1) == "at" else i + 1
            _street_and_number(msg, j, 0, out)


def _bare_streets(msg: _Message, out: list[Span]) -> None:
    """A name, a house number and what only an address has after it: "בשבזי 14, תל אביב",
    "Shabazi 14/3", "Шабази 14, кв. 3". Without that tail, "בכיתה 5" or "קו 18" is no address."""
    for i in range(1, msg.n):
        if not msg.numeric[i] or msg.gap(i) != " " or len(msg.raw[i].split("/")[0]) > 4:
            continue
        word = msg.words[i - 1]
        if word is None or word.script == OTHER or msg.is_stop(i - 1) or msg.hits_any(i - 1):
            continue
        if word.script in (LA, CY) and not word.capitalised:
            continue
        end = _address_tail(msg, i)
        if "/" not in msg.raw[i] and end == msg.ends[i]:
            continue
        stem = next((s for s in word.stems if s.prefix in ("ב", "וב", "ب", "وب")), None)
        start = msg.starts[i - 1] + (stem.offset if stem is not None else 0)
        # "בגולדה מאיר 81, טמרה": the name's first word carries the preposition.
        previous = msg.words[i - 2] if i >= 2 else None
        if stem is None and previous is not None and msg.joined(i - 1) and previous.script == word.script:
            first = next((s for s in previous.stems if s.prefix in ("ב", "וב", "ب", "وب")), None)
            if first is not None and first.key not in _STOP and not msg.is_stop(i - 2):
                start = msg.starts[i - 2] + first.offset
        out.append(Span(start, end, "ADDRESS"))


def _street_and_number(msg: _Message, j: int, offset: int, out: list[Span]) -> None:
    """One or two name words at token ``j`` and a house number after them."""
    if j >= msg.n or msg.numeric[j] or (msg.is_stop(j) and not offset):
        return
    if msg.script(j) in (LA, CY):
        end = _capitalised_run(msg, j, limit=3)
    else:
        end = j + 1
        if end < msg.n and msg.joined(end) and not _unlikely_name(msg, end, first=False):
            end += 1
    if end == j:
        return
    number = _number_after(msg, end)
    if number is not None:
        out.append(Span(msg.starts[j] + offset, _address_tail(msg, number), "ADDRESS"))


# --- Arabizi ---------------------------------------------------------------------------------

# Arabic written in Latin letters, with digits for the letters Latin lacks: "ana mn Shefa3amr",
# "ahli bKafr Kanna", "sakne b Um el Fahem". Spelling varies freely, so Arab localities
# (``localities_arabizi.txt``) are compared by a key that keeps consonants and where vowels stand:
# 3/2/' (ع, ء) count as vowels, 7/5/kh as h, q/8/c as k, 6 as t, 9 as s, sh/ch as one letter, double
# letters as one and a final h after a vowel not at all. "Taybeh" and "Tayibe" share the key
# "taba"; "Sa7nin" and "Sakhneen" share "sahnan". A longer name may differ in its vowels too
# ("Kufr Qasem" = "Kafr Kasem"): then the consonants alone decide.
_ARABIZI_TOKEN = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z0-9]+)*")
_ARABIZI_DIGRAPH = re.compile(r"kh|gh|sh|ch|th|dh|ph|dj|ck")
_ARABIZI_DIGRAPHS = {
    "kh": "h",
    "gh": "g",
    "sh": "x",
    "ch": "x",
    "th": "t",
    "dh": "d",
    "ph": "f",
    "dj": "j",
    "ck": "k",
}
_ARABIZI_LETTERS = str.maketrans(
    {"q": "k", "c": "k", "7": "h", "5": "h", "6": "t", "8": "k", "9": "s", "3": "a", "2": "a", "'": "a",
     "’": "a", "e": "a", "i": "a", "o": "a", "u": "a", "y": "a"}
)  # fmt: skip
_REPEATED = re.compile(r"(.)\1+")
_HAS_DIGIT = re.compile(r"[0-9]")
_NOT_ARABIZI = re.compile(r"[0-9]{2}|^[0-9]+$|^[A-Z]{2,}[0-9]|[0-9][A-Z]+$")
# The article: before a name ("el Nasra") and inside one ("Umm el-Fahem", "Jisr az-Zarqa").
_ARABIZI_LEAD_ARTICLES = frozenset({"el", "al", "il", "l"})
_ARABIZI_ARTICLES = _ARABIZI_LEAD_ARTICLES | frozenset(
    {"ad", "ed", "ash", "esh", "as", "es", "az", "ez", "an", "en", "ar", "er", "at", "et", "a", "e", "ul"}
)
# Prepositions before a place: Arabizi "b", "bi", "fi", "mn", "3a", "la"..., glued ("bKafr") or not.
_ARABIZI_PREPOSITIONS = frozenset(
    {"b", "bi", "bel", "bil", "fi", "fe", "f", "fil", "fel", "mn", "min", "men", "mnl", "mel", "mil",
     "3a", "3al", "3ala", "3la", "la", "lal", "lel", "3nd", "3ind", "3and", "jamb", "janb", "jnb", "7ad",
     "2rib", "orb", "2urb", "qurb", "wb", "wfi", "wmn", "bl"}
)  # fmt: skip
_ARABIZI_GLUED = re.compile(r"(?:w?(?:bi|b|fi|f|mn|m|la|l|3a|3al))(?=[A-Z])")
_ARABIZI_GLUED_LOWER = re.compile(r"w?(?:bi|b|fi|mn|la|3a)")
_ENGLISH_PREPOSITIONS = frozenset({"in", "at", "to", "from", "near", "around", "outside"})
# Living and origin words after which an unknown capitalised name is a place ("sakne b Jdeide").
_ARABIZI_LIVE = frozenset(
    {"sakin", "saken", "sakn", "sakne", "sakneh", "sakna", "saknah", "saknin", "sakneen", "saknen",
     "sakanna", "sakant", "skant", "skonna", "3ayesh", "3aysh", "3ayish", "3ayshe", "3aysha",
     "3ayshin", "3aysheen", "3ayshen", "ahli", "ahle", "ahly", "ahlii", "ahlna", "asli", "asle", "asly",
     "aslan", "aslna", "inwaladt", "nwaladt", "twaladt", "itwaladt", "trabbet", "trabet",
     "tarabbet", "kbert", "kberet", "kbirt", "ntaqalna", "ntaqalt", "n2alna", "na2alna", "intaqalna",
     "r7alna", "ra7alna", "saknet", "saknat", "ahel", "ahlo", "ahlha", "beiti", "bety",
     "darna", "beitna", "betna"}
)  # fmt: skip
_ARABIZI_I = frozenset({"ana", "ane", "ena", "e7na", "i7na", "a7na", "ehna", "ihna", "7na", "2na", "ahna"})
_ARABIZI_FROM = frozenset({"mn", "min", "men", "mnl", "mel", "mil"})
# Words a capitalised name after a living cue never is.
_ARABIZI_NOT_PLACES = frozenset(
    {"ramadan", "ramadhan", "eid", "3eid", "el", "al", "il", "allah", "alla", "ana", "enta", "enti", "inte",
     "hal", "hay", "hon", "hone", "honik", "hunak", "bet", "beit", "dar", "3emara", "shaqqa", "bait"}
)  # fmt: skip


# Everyday Arabizi words that share a short place name's consonants and vowels.
_ARABIZI_WORDS = frozenset(
    {"7ara", "hara", "7arra", "harra", "7ar", "3emara", "3imara", "3mara", "emara", "aman", "amaan",
     "2aman", "laka", "lak", "laki", "haza", "hada", "7afa", "hafa", "sawa", "mala", "azan", "2zan",
     "adan", "tayba", "tayyba", "6ayba", "tayeb", "tayyeb", "6ayeb", "rafa3", "ta3ba", "3ara", "jat",
     "jeet", "jit", "kaba", "yana", "daba", "tar", "tir", "fara", "far"}
)  # fmt: skip


@lru_cache(maxsize=16384)
def _arabizi_key(word: str) -> str:
    decomposed = unicodedata.normalize("NFD", word.casefold())
    w = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    w = _ARABIZI_DIGRAPH.sub(lambda m: _ARABIZI_DIGRAPHS[m.group()], w)
    head = "y" if w.startswith("y") else ""
    w = _REPEATED.sub(r"\1", head + w[len(head) :].translate(_ARABIZI_LETTERS))
    if len(w) > 2 and w.endswith("ah"):
        w = w[:-1]
    return w


def _arabizi_skeleton(key: str) -> str:
    return ("a" if key.startswith("a") else "") + key.replace("a", "")


@dataclass(frozen=True, slots=True)
class _ArabiziName:
    keys: tuple[str, ...]  # the name words' keys, inner articles left out
    skeletons: tuple[str, ...]
    consonants: int
    article: bool  # the name starts with the article ("el Khalil"), which must then be written
    person_like: bool  # also a person's name ("Yafa"): counts only after a living or origin cue
    joined: bool = False  # a longer name written as one word ("Kafrkanna"): its vowels must match


def _build_arabizi_index() -> dict[str, tuple[_ArabiziName, ...]]:
    people = {
        w.casefold()
        for name in ("first_names_latin", "surnames_latin", "ambiguous_names")
        for entry in load_list(name)
        for w in _ARABIZI_TOKEN.findall(entry)
    }
    ambiguous = {
        tuple(_arabizi_key(w) for w in _ARABIZI_TOKEN.findall(entry) if w.casefold() not in _ARABIZI_ARTICLES)
        for entry in load_list("localities_ambiguous")
    }
    index: dict[str, list[_ArabiziName]] = {}
    for entry in load_list("localities_arabizi"):
        for n, spelling in enumerate(_arabizi_spellings(entry)):
            words = [w for w in re.split(r"[\s\-]+", spelling) if w]
            article = len(words) > 1 and words[0].casefold() in _ARABIZI_LEAD_ARTICLES
            body = [
                w
                for i, w in enumerate(words)
                if (i == 0 and not article) or w.casefold() not in _ARABIZI_ARTICLES
            ]
            if not body:
                continue
            keys = tuple(_arabizi_key(w) for w in body)
            if keys in ambiguous:
                continue
            skeletons = tuple(_arabizi_skeleton(k) for k in keys)
            consonants = sum(len(s) - s.startswith("a") for s in skeletons)
            # One consonant ("Akka" = "aka") or a respelling down to two ("Zar2a" = "zara") is a word.
            if consonants < (3 if n else 2):
                continue
            person_like = len(keys) == 1 and body[0].casefold() in people
            name = _ArabiziName(keys, skeletons, consonants, article, person_like)
            index.setdefault(skeletons[0], []).append(name)
            if len(keys) > 1:  # "Kafrkanna", "Umelfahem": written as one word
                joined = _arabizi_key("".join(body))
                index.setdefault(_arabizi_skeleton(joined), []).append(
                    _ArabiziName((joined,), (_arabizi_skeleton(joined),), consonants, article, False, True)
                )
    return {first: tuple(dict.fromkeys(names)) for first, names in index.items()}


def _arabizi_spellings(entry: str) -> Iterator[str]:
    """The entry, and the consonants Arabizi writes otherwise: q as 2 ("2alansawe"), th as s, dh as z."""
    yield entry
    lowered = entry.casefold()
    if "q" in lowered:
        yield lowered.replace("q", "2")
    if "th" in lowered:
        yield lowered.replace("th", "s")
    if "dh" in lowered:
        yield lowered.replace("dh", "z")


_ARABIZI_INDEX = _build_arabizi_index()
_LATIN_FIRST_NAMES = frozenset(_key(w) for w in load_list("first_names_latin"))
_ARABIZI_JOIN = re.compile(r"[ \-]{1,3}")


class _Arabizi:
    """The Latin words of a message, as Arabizi reads them."""

    def __init__(self, text: str) -> None:
        # Codes and numbers ("IL36", "B12", "3000") are no Arabizi words.
        found = [m for m in _ARABIZI_TOKEN.finditer(text) if _NOT_ARABIZI.search(m.group()) is None]
        self.text = text
        self.raw = [m.group() for m in found]
        self.lower = [w.casefold() for w in self.raw]
        self.starts = [m.start() for m in found]
        self.ends = [m.end() for m in found]
        self.n = len(found)

    def joined(self, i: int) -> bool:
        return (
            0 < i < self.n
            and _ARABIZI_JOIN.fullmatch(self.text[self.ends[i - 1] : self.starts[i]]) is not None
        )

    def spaced(self, i: int) -> bool:
        return 0 < i < self.n and self.text[self.ends[i - 1] : self.starts[i]] == " "


def _arabizi_locations(text: str, out: list[Span]) -> None:
    msg = _Arabizi(text)
    lower = msg.lower
    for i in range(msg.n):
        raw = msg.raw[i]
        if raw.isdigit():
            continue
        glued = _ARABIZI_GLUED.match(raw)
        before = lower[i - 1] if i and msg.spaced(i) else ""
        preposition = before in _ARABIZI_PREPOSITIONS
        english = before in _ENGLISH_PREPOSITIONS
        if glued is not None:
            # "sakne bJdeide": the preposition is glued on, the living word stands before it.
            cue = _arabizi_cue(msg, i + 1, glued=True)
            _arabizi_name_at(msg, i, glued.end(), True, cue > 0, out)
            if cue > 1:
                _arabizi_unknown_name(msg, i, glued.end(), out)
            continue
        cue = _arabizi_cue(msg, i)
        if preposition or english or cue or (raw[0].isupper() and _HAS_DIGIT.search(raw)):
            _arabizi_name_at(msg, i, 0, preposition, cue > 0, out)
            if cue > 1:
                _arabizi_unknown_name(msg, i, 0, out)
        if raw[0].islower() and len(raw) > 5 and (lowered := _ARABIZI_GLUED_LOWER.match(raw)) is not None:
            # "sakne btamra": only a name whose vowels match too.
            _arabizi_name_at(msg, i, lowered.end(), True, cue > 0, out, strict=True)


def _arabizi_cue(msg: _Arabizi, i: int, *, glued: bool = False) -> int:
    """How surely the words before token ``i`` announce a place: 2 after a living word and a
    preposition ("sakne b", "ahli fi") or "ana mn", 1 right after a living word ("ahli Tamra"), 0
    otherwise. With ``glued``, token ``i - 1`` is itself the preposition glued to the name."""
    if glued:
        return 2 if i >= 2 and msg.spaced(i - 1) and msg.lower[i - 2] in _ARABIZI_LIVE else 0
    if i <= 0 or not msg.spaced(i):
        return 0
    word = msg.lower[i - 1]
    if word in _ARABIZI_LIVE:
        return 1
    if i < 2 or not msg.spaced(i - 1):
        return 0
    before = msg.lower[i - 2]
    if (word in _ARABIZI_FROM and before in _ARABIZI_I) or (
        word in _ARABIZI_PREPOSITIONS and before in _ARABIZI_LIVE
    ):
        return 2
    return 0


def _arabizi_name_at(
    msg: _Arabizi, i: int, offset: int, preposition: bool, cue: bool, out: list[Span], *, strict: bool = False
) -> None:
    k = i
    lead = False
    if not offset and msg.lower[k] in _ARABIZI_LEAD_ARTICLES and msg.joined(k + 1):
        lead, k = True, k + 1
    first = msg.raw[k][offset:] if k == i else msg.raw[k]
    if len(first) < 2 or first.isdigit():
        return
    key = _arabizi_key(first)
    names = _ARABIZI_INDEX.get(_arabizi_skeleton(key))
    if not names:
        return
    capitalised = first[0].isupper()
    person = _key(first) in _LATIN_FIRST_NAMES  # "mn Ghazi" is from a man, "mn Ghazze" from Gaza
    best = -1
    for name in names:
        if name.article and not lead:
            continue
        end, exact = _arabizi_tail(msg, k + 1, name)
        if end < 0:
            continue
        exact = exact and key == name.keys[0]
        if not exact and (strict or name.joined or name.consonants < 4):
            continue
        if (name.person_like or (person and len(name.keys) == 1)) and not cue:
            continue
        digits = any(_HAS_DIGIT.search(msg.raw[t]) for t in range(k, end))
        arabizi_context = preposition or cue
        if name.consonants <= 2 and not capitalised:
            # "3ala 7afa" is on the edge, not in Haifa; "b aman" in safety, not in Amman.
            ok = cue and first.casefold() not in _ARABIZI_WORDS
        elif name.consonants <= 2 or not capitalised:
            ok = arabizi_context
        else:
            ok = arabizi_context or (msg.lower[i - 1] in _ENGLISH_PREPOSITIONS if i else False) or digits
        if not ok and not (capitalised and digits and exact):
            continue
        best = max(best, end)
    if best > 0:
        start = msg.starts[i] + offset if not lead else msg.starts[i]
        out.append(Span(start, msg.ends[best - 1], "LOCATION"))


def _arabizi_tail(msg: _Arabizi, m: int, name: _ArabiziName) -> tuple[int, bool]:
    """Index after the rest of ``name`` from token ``m`` (-1 if it is not there), and whether the
    vowels match too."""
    exact = True
    for skeleton, key in zip(name.skeletons[1:], name.keys[1:], strict=True):
        if m >= msg.n or not msg.joined(m):
            return -1, False
        got = _arabizi_key(msg.raw[m])
        if _arabizi_skeleton(got) != skeleton and msg.lower[m] in _ARABIZI_ARTICLES and msg.joined(m + 1):
            m += 1
            got = _arabizi_key(msg.raw[m])
        if _arabizi_skeleton(got) != skeleton:
            return -1, False
        exact = exact and got == key
        m += 1
    return m, exact


def _arabizi_unknown_name(msg: _Arabizi, i: int, offset: int, out: list[Span]) -> None:
    """ "sakne b Jdeide", "ana mn Wadi Ara": a capitalised name no list holds, after a living cue."""
    raw = msg.raw[i][offset:]
    if len(raw) < 3 or not raw[0].isupper() or raw.isdigit():
        return
    lowered = raw.casefold()
    if lowered in _ARABIZI_NOT_PLACES or _key(raw) in _STOP or _key(raw) in _LATIN_FIRST_NAMES:
        return
    end = i + 1
    while end < msg.n and end - i < 4 and msg.joined(end):
        word = msg.raw[end]
        if (word[0].isupper() and _key(word) not in _STOP) or (word[0].isdigit() and not word.isdigit()):
            end += 1  # "Deir 7anna": an Arabizi word may start with a digit
        elif (
            msg.lower[end] in _ARABIZI_ARTICLES
            and end + 1 < msg.n
            and msg.joined(end + 1)
            and msg.raw[end + 1][0].isupper()
        ):
            end += 2
        else:
            break
    out.append(Span(msg.starts[i] + offset, msg.ends[end - 1], "LOCATION"))


# --- entry point -----------------------------------------------------------------------------


def _candidates(norm: NormalizedText) -> Iterator[Span]:
    msg = _Message(norm.text)
    if msg.n == 0:
        return
    out: list[Span] = []
    _organisations(msg, out)
    # "ברמי לוי ברחובות", "بمدرسة الفرير بالطيبة": a prefixed place right after an organisation.
    after_org = frozenset(s.end for s in out)
    _locations(msg, out, after_org)
    _addresses(msg, out)
    if _ASCII_LETTER.search(norm.text):
        _arabizi_locations(norm.text, out)
    yield from out


def detect_places(norm: NormalizedText) -> Iterable[Span]:
    return list(_candidates(norm))


DETECTORS: tuple[Detector, ...] = (detect_places,)
