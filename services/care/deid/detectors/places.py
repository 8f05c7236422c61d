"""Places, street addresses and organisations (schools, workplaces, army units, clinics).

Gazetteers (``gazetteers/localities_*.txt``, ``street_*.txt``, ``org_*.txt``) are matched as phrases
over word tokens: Hebrew prefix letters and Arabic clitics are peeled off the first word ("מאילת",
"باللد"), Russian case forms are generated for the last word ("Димоне", "Тель-Авиве"), and a hyphen
matches a space. Places and organisations no list can hold are caught by their context: a kind word
before the name ("תיכון ליאו באק", "مدرسة مار يوسف", "Haifa University", "компании «…»"), a street
word or a known street name before a house number, and cue phrases ("גר ב…", "ساكن ب…", "live in",
"живу в", "working at"). Bare kind words ("בבית הספר", "بالمدرسة", "at school") are never masked:
the model needs that context and it identifies nobody.
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
    if script == AR and word.startswith("ع") and len(word) >= 4:
        # Colloquial "ع" for على before a destination: "عنابلس", "عبئر السبع", "عالناصرة".
        found.append(_Stem(1, _key(word[1:]), "ع", False, True))
    return _Word(script, _key(word), tuple(found), word[0].isupper())


# --- gazetteers ------------------------------------------------------------------------------

LOC, LOC_AMB, ORG, ORG_AMB, ORG_KIND, STREET_KIND, STREET_NAME, LOC_KIND = range(8)
_NAME_CATEGORIES = frozenset({LOC, LOC_AMB, ORG, ORG_AMB, STREET_NAME})

_Entry = tuple[tuple[str, ...], int]  # the keys after the first word, category


def _entry_words(entry: str) -> list[str]:
    return [m.group() for m in _TOKEN.finditer(entry)]


def _russian_forms(word: str) -> set[str]:
    """Case forms of a Cyrillic place name's last word (nominative given): Димона -> Димоне..."""
    forms = {word}
    if len(word) < 3:
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
    if category in _NAME_CATEGORIES and _script(words[-1]) == CY:
        forms = sorted(_russian_forms(words[-1]))
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

# Next to an ambiguous organisation name ("כללית", "Apple"): work, study, health and army words.
_ORG_CUE = re.compile(
    r"עוב[דת]|עבד|לעבוד|עבודה|משמרת|מנהל|פיטר|פוטר|התקבלתי|רופא|תור\b|קופ[הת]|מרפא|בדיק|פסיכולוג"
    r"|הפני|בסיס|משרת|צבא|טירונות|גיוס|מתגייס|חייל|לומד|למדתי|סטודנט|תואר|בנק"
    r"|شغل|اشتغل|بشتغل|بتعلم|بدرس|طالب|دكتور|طبيب|عياد|فحص|تحويل|مدير|طرد|مناوب|وردي|جامع"
    r"|\b(?:work\w*|job|shift|manager|boss|hired|fired|laid|intern\w*|doctor|clinic|appointment"
    r"|stud\w*|serv\w*|unit|base|army|employ\w*)\b"
    r"|работ|уволи|смен|начальни|врач|клиник|очеред|учусь|учил|учи|студент|служ|арми|базе",
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
    start = msg.starts[hit.first]
    before = msg.text[max(0, start - _PLACE_CUE_WINDOW) : start + hit.stem.offset]
    return _PLACE_CUE.search(" " + before + "x") is not None


def _locations(msg: _Message, out: list[Span]) -> None:
    for category in (LOC, LOC_AMB):
        for hit in msg.hits.get(category, {}).values():
            if category == LOC_AMB and not _place_cued(msg, hit):
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


def _prefixed_known_word(word: _Word) -> bool:
    """The word is a preposition or conjunction on a listed word: "בחיפה", "ולא", "بحيفا"."""
    # The Arabic article alone is no preposition: "الاتصالات" after "شركة" names the company.
    return any(
        s.offset and s.prefix != "ال" and (s.key in _STOP or s.key in _SINGLE_NAMES) for s in word.stems
    )


def _name_run(msg: _Message, j: int, script: str, limit: int = 3) -> int:
    """End of the name that follows a kind word at token ``j`` (``j`` when there is none)."""
    if j >= msg.n or not msg.joined(j):
        return j
    known = msg.any_name_hit(j)
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
                cue_ok = _ORG_CUE.search(_window(text, start, end, _ORG_CUE_BEFORE, _ORG_CUE_AFTER))
                if cue_ok is None or (word is not None and word.script in (LA, CY) and not word.capitalised):
                    continue
            out.append(Span(start, end, "ORG"))
    for i, word in enumerate(msg.words):
        if word is None or not msg.joined(i + 1):
            continue
        club = next((s for s in word.stems if s.key in _CLUB_PREFIXES), None)
        place = msg.hit(LOC, i + 1) or msg.hit(LOC_AMB, i + 1)
        if club is not None and place is not None and place.stem.offset == 0:
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
        quoted = _quoted_run(msg, j)
        if quoted > j:
            out.append(Span(kind_start, msg.ends[quoted - 1], "ORG"))
            return
        if script == HE and _starts_new_clause(msg, hit, j):
            return
        end = _name_run(msg, j, script)
        if end > j:
            out.append(Span(kind_start, msg.ends[end - 1], "ORG"))
        return
    if script == CY:
        quoted = _quoted_run(msg, j)
        if quoted > j:
            out.append(Span(msg.starts[j], msg.ends[quoted - 1], "ORG"))
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
            out.append(Span(msg.starts[j], msg.ends[end - 1], "ORG"))
        return
    if script == LA:
        if hit.stem.key in _LATIN_PREFIX_STREET:
            return
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
                end = _capitalised_run(msg, j) if j is not None and j < msg.n and msg.gap(j) == " " else None
                if j is not None and end is not None and end > j:
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


# --- entry point -----------------------------------------------------------------------------


def _candidates(norm: NormalizedText) -> Iterator[Span]:
    msg = _Message(norm.text)
    if msg.n == 0:
        return
    out: list[Span] = []
    _locations(msg, out)
    _organisations(msg, out)
    _addresses(msg, out)
    yield from out


def detect_places(norm: NormalizedText) -> Iterable[Span]:
    return list(_candidates(norm))


DETECTORS: tuple[Detector, ...] = (detect_places,)
