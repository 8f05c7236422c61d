"""Synthetic chat messages for the benchmarks: what help-seekers on the line typically write.

Written for the benchmark, not taken from any conversation. Every personal detail is made up at
random (names from common-name lists, numbers with valid check digits but random digits), so the
text exercises the detectors without describing anyone. The mix is deterministic for a given seed:

* languages: Hebrew, Modern Standard Arabic, spoken Arabic (Palestinian/Levantine, with Arabizi),
  English, Russian, and mixed messages (Hebrew-English, Arabic-Hebrew, Russian-Hebrew);
* length: mostly short chat turns, some medium, about one in ten long (several sentences);
* about 30% of messages carry one or two personal details of the kinds CARE redacts, the rest none.

Each personal detail's position is recorded, so a benchmark can check what was redacted.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from stdnum import iban, luhn

__all__ = [
    "LANGUAGES",
    "PII_RATE",
    "Conversation",
    "Message",
    "Pii",
    "conversations",
]

PII_RATE = 0.30
# Share of conversations per language; a conversation keeps one language, as real chats mostly do.
LANGUAGES: Mapping[str, float] = {
    "he": 0.34,
    "ar": 0.12,
    "ar-dialect": 0.20,
    "en": 0.10,
    "ru": 0.12,
    "mixed": 0.12,
}
LONG_RATE = 0.10
_SLOT = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class Pii:
    start: int
    end: int
    kind: str  # a CARE entity type: PHONE, PERSON, ...


@dataclass(frozen=True)
class Message:
    text: str
    lang: str
    pii: tuple[Pii, ...]


Conversation = list[Message]


# --- values ------------------------------------------------------------------------------------

FIRST_NAMES: Mapping[str, Sequence[str]] = {
    "he": ("נועה", "יובל", "מאיה", "איתי", "תמר", "עומר", "שירה", "דניאל", "רוני", "אורי", "ליה", "עידו"),
    "ar": ("محمد", "أحمد", "سلمى", "ليان", "يوسف", "رنا", "عمر", "نور", "كريم", "هبة", "ريم", "سامي"),
    "en": ("Noa", "Daniel", "Sarah", "Michael", "Emily", "Adam", "Maya", "Jonathan", "Lior", "Rachel"),
    "ru": ("Анна", "Дмитрий", "Ольга", "Сергей", "Наташа", "Максим", "Юлия", "Игорь", "Алина", "Артём"),
}
SURNAMES: Mapping[str, Sequence[str]] = {
    "he": ("כהן", "לוי", "מזרחי", "פרץ", "ביטון", "אברהם", "פרידמן", "אזולאי", "שפירא", "גולן"),
    "ar": ("خليل", "حداد", "عودة", "منصور", "صالح", "نصار", "حسين", "زعبي", "دراوشة", "مصاروة"),
    "en": ("Cohen", "Levi", "Smith", "Goldberg", "Haddad", "Katz", "Miller", "Friedman"),
    "ru": ("Иванова", "Кузнецов", "Смирнова", "Волков", "Попова", "Соколов", "Лебедева"),
}
CITIES: Mapping[str, Sequence[str]] = {
    "he": ("חיפה", "תל אביב", "באר שבע", "ירושלים", "נתניה", "אשדוד", "עכו", "קריית שמונה", "דימונה"),
    "ar": ("الناصرة", "حيفا", "رام الله", "أم الفحم", "سخنين", "الطيبة", "يافا", "القدس", "طمرة", "رهط"),
    "en": ("Haifa", "Tel Aviv", "Beer Sheva", "Jerusalem", "Netanya", "Ashdod", "Nazareth", "Eilat"),
    "ru": ("Хайфа", "Тель-Авив", "Ашдод", "Беэр-Шева", "Нетания", "Кирьят-Ям", "Бат-Ям", "Иерусалим"),
}
STREETS: Mapping[str, Sequence[str]] = {
    "he": ("רחוב הרצל", "שדרות בן גוריון", "רח' ויצמן", "רחוב הנביאים", "רחוב הגפן", "דרך העצמאות"),
    "ar": ("شارع البشارة", "شارع الجليل", "شارع الكرمل", "شارع الزيتون", "شارع المطران"),
    "en": ("Herzl St", "Ben Gurion Blvd", "Weizmann St", "HaNevi'im St", "Allenby St"),
    "ru": ("улица Герцль", "бульвар Бен-Гурион", "улица Вейцман", "улица Жаботинского"),
}
ORGS: Mapping[str, Sequence[str]] = {
    "he": ("תיכון עירוני ה'", "מקיף ג'", "ישיבת אור חדש", "סניף של רמי לוי", "מכללת אופקים"),
    "ar": ("مدرسة الجليل الثانوية", "ثانوية المطران", "مستشفى الرحمة", "كلية النور"),
    "en": ("Hillside High", "Oakwood College", "the Carmel call centre", "Northfield Academy"),
    "ru": ("школа Ор Хадаш", "колледж Офаким", "ульпан Алеф", "склад Мегатрейд"),
}
EMAIL_DOMAINS = ("gmail.com", "walla.co.il", "hotmail.com", "yahoo.com", "example.org", "mail.ru")
LATIN_NAMES = ("noa", "yuval", "maya", "itay", "lian", "yousef", "rana", "omar", "anna", "dima", "ola")
HANDLE_SITES = ("instagram.com/", "tiktok.com/@", "facebook.com/", "t.me/")


def _digits(rng: random.Random, count: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(count))


def _phone(rng: random.Random, lang: str) -> str:
    prefix = rng.choice(("050", "052", "053", "054", "055", "058", "059"))
    rest = _digits(rng, 7)
    layouts = (
        f"{prefix}-{rest}",
        f"{prefix}{rest}",
        f"{prefix} {rest[:3]} {rest[3:]}",
        f"+972-{prefix[1:]}-{rest[:3]}-{rest[3:]}",
        f"+972{prefix[1:]}{rest}",
    )
    phone = rng.choice(layouts)
    if lang.startswith("ar") and rng.random() < 0.3:
        phone = phone.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    return phone


def _national_id(rng: random.Random, lang: str) -> str:
    base = _digits(rng, 8)
    return base + str(luhn.calc_check_digit(base))


def _email(rng: random.Random, lang: str) -> str:
    local = rng.choice(LATIN_NAMES) + rng.choice(("", ".", "_")) + _digits(rng, rng.randint(0, 4))
    return f"{local.rstrip('._') or 'user'}@{rng.choice(EMAIL_DOMAINS)}"


def _name(rng: random.Random, lang: str) -> str:
    return rng.choice(FIRST_NAMES[lang])


def _full_name(rng: random.Random, lang: str) -> str:
    return f"{rng.choice(FIRST_NAMES[lang])} {rng.choice(SURNAMES[lang])}"


def _city(rng: random.Random, lang: str) -> str:
    return rng.choice(CITIES[lang])


def _address(rng: random.Random, lang: str) -> str:
    street = rng.choice(STREETS[lang])
    number = rng.randint(1, 120)
    if lang == "en":
        return f"{number} {street}"
    return f"{street} {number}"


def _org(rng: random.Random, lang: str) -> str:
    return rng.choice(ORGS[lang])


def _url(rng: random.Random, lang: str) -> str:
    return f"https://www.{rng.choice(HANDLE_SITES)}{rng.choice(LATIN_NAMES)}_{_digits(rng, 3)}"


def _handle(rng: random.Random, lang: str) -> str:
    return f"@{rng.choice(LATIN_NAMES)}{rng.choice(('.', '_', ''))}{_digits(rng, 2)}"


def _date(rng: random.Random, lang: str) -> str:
    day, month, year = rng.randint(1, 28), rng.randint(1, 12), rng.randint(2004, 2012)
    return rng.choice(
        (f"{day}/{month}/{year}", f"{day:02d}.{month:02d}.{year}", f"{day}.{month}.{year % 100:02d}")
    )


def _plate(rng: random.Random, lang: str) -> str:
    return rng.choice(
        (
            f"{_digits(rng, 2)}-{_digits(rng, 3)}-{_digits(rng, 2)}",
            f"{_digits(rng, 3)}-{_digits(rng, 2)}-{_digits(rng, 3)}",
        )
    )


def _card(rng: random.Random, lang: str) -> str:
    base = "4580" + _digits(rng, 11)
    number = base + str(luhn.calc_check_digit(base))
    return " ".join(number[i : i + 4] for i in range(0, 16, 4))


def _bank_account(rng: random.Random, lang: str) -> str:
    bban = _digits(rng, 19)
    number = "IL" + str(iban.calc_check_digits("IL00" + bban)) + bban
    return " ".join(number[i : i + 4] for i in range(0, len(number), 4))


def _ip(rng: random.Random, lang: str) -> str:
    return ".".join(str(rng.randint(1, 223)) for _ in range(4))


_Value = Callable[[random.Random, str], str]
SLOTS: Mapping[str, tuple[str, _Value]] = {
    "phone": ("PHONE", _phone),
    "id": ("NATIONAL_ID", _national_id),
    "email": ("EMAIL", _email),
    "name": ("PERSON", _name),
    "full_name": ("PERSON", _full_name),
    "city": ("LOCATION", _city),
    "address": ("ADDRESS", _address),
    "org": ("ORG", _org),
    "url": ("URL", _url),
    "handle": ("SOCIAL_HANDLE", _handle),
    "date": ("DATE", _date),
    "plate": ("LICENSE_PLATE", _plate),
    "card": ("CREDIT_CARD", _card),
    "iban": ("BANK_ACCOUNT", _bank_account),
    "ip": ("IP_ADDRESS", _ip),
}


# --- texts -------------------------------------------------------------------------------------

# Chat turns without personal details. Short ones dominate real chats.
PLAIN: Mapping[str, Sequence[str]] = {
    "he": (
        "היי",
        "כן",
        "לא יודעת",
        "אני פה",
        "תודה",
        "אוקיי",
        "סליחה שאני כותבת באמצע הלילה",
        "אני לא מצליחה להירדם כבר כמה ימים",
        "אני לא יודע למי עוד לפנות",
        "אני מרגישה שאף אחד לא מבין אותי",
        "ההורים שלי כל הזמן צועקים בבית ואני כבר לא יכולה יותר",
        "היה לי יום ממש קשה בבית ספר",
        "אני מפחד שיקרה משהו אם אספר למישהו",
        "מאז הפרידה אני לא אוכלת כמעט כלום",
        "אני לא רוצה שההורים שלי ידעו שפניתי",
        "זה קורה כבר חודשים ואני לא יודעת איך לעצור את זה",
        "לפעמים אני חושבת שעדיף שלא הייתי פה",
        "אתם עונים גם מחר?",
        "רגע, מישהו נכנס לחדר",
        "אני מרגיש לבד לגמרי",
        "הבוס שלי צועק עליי כל יום מול כולם",
        "אני עולה חדשה ואין לי פה אף אחד",
        "בא לי פשוט לבכות",
        "קשה לי לדבר על זה",
        "תודה שאתם פה, זה עוזר קצת",
        "אני בסדר עכשיו, באמת",
        "מה עושים כשכבר אין כוח?",
        "הם אמרו לי שאני מגזימה",
    ),
    "ar": (
        "مرحبا",
        "نعم",
        "لا أعرف",
        "شكرا لكم",
        "أنا هنا",
        "لا أستطيع النوم منذ أيام",
        "أشعر أنني وحيدة تماما",
        "لا أعرف مع من أتحدث عن هذا الموضوع",
        "أهلي لا يفهمونني ويصرخون علي طوال الوقت",
        "أخاف أن يعرف أحد أنني تواصلت معكم",
        "منذ أن فقدت عملي وأنا لا أخرج من البيت",
        "هل يمكنني التحدث معكم غدا أيضا؟",
        "أشعر بضغط كبير في المدرسة",
        "أحيانا أفكر أنه من الأفضل أن أختفي",
        "لم أخبر أحدا بهذا من قبل",
        "أعتذر، كان علي أن أذهب للحظة",
        "أنا متعب جدا من كل شيء",
        "الكلام معكم يساعدني قليلا",
    ),
    "ar-dialect": (
        "هاي",
        "اه",
        "مش عارفة",
        "يسلمو",
        "ماشي",
        "مش قادرة أنام من مبارح",
        "بدي أحكي مع حدا بس مش عارف مع مين",
        "أهلي ما بفهموني ودايما بصرخوا علي",
        "خايفة حدا يعرف إني حكيت معكم",
        "والله تعبت من كل اشي",
        "شو بعمل هلأ؟",
        "صحابي كلهم تركوني",
        "بحس حالي لحالي كتير",
        "استنى شوي، أمي دخلت الغرفة",
        "ما حكيت لحدا عن هاد الاشي",
        "بالمدرسة في ولاد بضايقوني كل يوم",
        "ana m3sbe ktir w mish 3arfe sho a3mal",
        "ma 7ada byefhamni",
        "شكرا إنكم موجودين",
        "بكرا كمان فيكم تحكوا؟",
    ),
    "en": (
        "hi",
        "yes",
        "idk",
        "thanks",
        "ok",
        "I can't sleep again tonight",
        "I don't know who else to talk to",
        "my parents keep fighting and I can't take it anymore",
        "I feel like nobody at school even notices me",
        "sorry, someone came into the room",
        "it's been like this for months",
        "I haven't told anyone about this before",
        "sometimes I think everyone would be better off without me",
        "are you there tomorrow too?",
        "talking helps a bit, thank you",
        "I'm scared to tell my mom",
    ),
    "ru": (
        "привет",
        "да",
        "не знаю",
        "спасибо",
        "я тут",
        "Мне очень плохо, не знаю, что делать",
        "Я не сплю уже несколько ночей",
        "Мне не с кем поговорить",
        "Родители постоянно ругаются, я больше не могу",
        "Я недавно переехала и у меня здесь никого нет",
        "Я боюсь, что кто-то узнает, что я вам написала",
        "Извините, кто-то зашёл в комнату",
        "Иногда мне кажется, что всем было бы лучше без меня",
        "Вы завтра тоже работаете?",
        "Спасибо, что вы есть",
    ),
    "mixed": (
        "אני ממש stressed עכשיו",
        "יש לי panic attack ואני לא יודעת מה לעשות",
        "sorry, אני כותבת לאט",
        "היום היה literally הכי גרוע",
        "انا بشتغل بمطعم والمنהל بصرخ علي כל הזמן",
        "بدي أروح عالמרפאה بس خايفة",
        "يعني סבבה، بس مش كتير",
        "я в מקלט уже третий день",
        "мне сказали пойти в קופת חולים но я боюсь",
        "ok אז מה עכשיו?",
        "yalla, תודה",
        "ana b3ref enno בסדר bas ana mish mni7a",
    ),
}

# Turns with personal details: {slot} names a value from SLOTS.
WITH_PII: Mapping[str, Sequence[str]] = {
    "he": (
        "אפשר לחזור אליי ל-{phone}?",
        "המספר שלי {phone} אם זה עוזר",
        "קוראים לי {name}",
        "אני {full_name}, אני בת 15",
        "אני גרה ב{city} עם אמא שלי",
        "אני גר ב{address}, {city}",
        "המייל שלי {email}",
        "ת.ז. שלי {id}",
        "תעודת זהות {id}, נולדתי ב-{date}",
        "אני לומדת ב{org} והמורה שלי {full_name}",
        "תבדקו את האינסטגרם שלי {url}",
        "תחפשו אותי {handle}",
        "הוא מחכה לי ברכב, מספר {plate}",
        "הכרטיס אשראי של אבא שלי {card}",
        "החבר שלי {name} אמר שהוא יפגע בעצמו",
        "הבוס שלי {full_name} מאיים עליי",
        "הם גרים ב{address} ואני מפחדת לחזור",
    ),
    "ar": (
        "رقمي {phone} إذا أردتم الاتصال",
        "اسمي {full_name}",
        "أنا {name} عمري 16 سنة",
        "أسكن في {city} مع عائلتي",
        "عنواني {address} في {city}",
        "بريدي الإلكتروني {email}",
        "رقم الهوية {id}",
        "تاريخ ميلادي {date}",
        "أدرس في {org}",
        "أخي {name} لا يرد على الهاتف",
        "حسابي البنكي {iban}",
    ),
    "ar-dialect": (
        "هاد رقمي {phone} احكوني",
        "انا {name} من {city}",
        "اسمي {full_name} وعمري 14",
        "ساكنة ب{address}",
        "الإيميل تبعي {email}",
        "هويتي {id}",
        "صاحبتي {name} قالت إنها بدها تأذي حالها",
        "بتعلم ب{org}",
        "شوفوا حسابي {handle}",
        "هاد الرابط {url}",
        "w ismi {name}, ana min {city}",
    ),
    "en": (
        "my number is {phone}",
        "I'm {full_name}",
        "my name is {name}",
        "I live in {city}",
        "we live at {address}, {city}",
        "you can email me at {email}",
        "my ID is {id}",
        "I was born on {date}",
        "I go to {org}",
        "my friend {name} said she wants to hurt herself",
        "he's outside in the car, plate {plate}",
        "my profile is {url}",
        "someone logged in from {ip}",
    ),
    "ru": (
        "мой номер {phone}",
        "меня зовут {full_name}",
        "Я {name}, мне 17",
        "Я живу в городе {city}",
        "адрес: {address}, {city}",
        "моя почта {email}",
        "теудат зеут {id}",
        "Я учусь в {org}",
        "мой брат {name} не отвечает уже два дня",
        "номер машины {plate}",
        "карта {card}",
    ),
    "mixed": (
        "my number {phone} תתקשרו",
        "קוראים לי {name} btw",
        "اسمي {name} ואני גרה ב{city}",
        "رقمي {phone} אם צריך",
        "я {name}, живу в {city}",
        "המייל שלי {email} thanks",
    ),
}

# Slot values come in the language of the text around them; Arabizi and mixed turns use Latin or
# the language of the first script in the template.
_VALUE_LANG = {"he": "he", "ar": "ar", "ar-dialect": "ar", "en": "en", "ru": "ru"}
_HEBREW = re.compile(r"[\u05d0-\u05ea]")
_ARABIC = re.compile(r"[\u0620-\u064a]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")


def _value_lang(lang: str, template: str) -> str:
    if lang in _VALUE_LANG:
        if lang == "ar-dialect" and not _ARABIC.search(template):
            return "en"  # Arabizi: Latin letters
        return _VALUE_LANG[lang]
    for pattern, script in ((_CYRILLIC, "ru"), (_ARABIC, "ar"), (_HEBREW, "he")):
        if pattern.search(template):
            return script
    return "en"


def _fill(rng: random.Random, template: str, lang: str) -> tuple[str, list[Pii]]:
    value_lang = _value_lang(lang, template)
    parts: list[str] = []
    pii: list[Pii] = []
    position = 0
    length = 0
    for match in _SLOT.finditer(template):
        literal = template[position : match.start()]
        parts.append(literal)
        length += len(literal)
        kind, make = SLOTS[match.group(1)]
        value = make(rng, value_lang)
        pii.append(Pii(length, length + len(value), kind))
        parts.append(value)
        length += len(value)
        position = match.end()
    parts.append(template[position:])
    return "".join(parts), pii


def _message(rng: random.Random, lang: str) -> Message:
    plain = PLAIN[lang]
    sentences: list[tuple[str, list[Pii]]] = []
    if rng.random() < PII_RATE:
        for _ in range(2 if rng.random() < 0.2 else 1):
            sentences.append(_fill(rng, rng.choice(WITH_PII[lang]), lang))
    if rng.random() < LONG_RATE:
        # A long turn: several sentences about what happened, details wherever they fall.
        full = [sentence for sentence in plain if len(sentence) > 20]
        sentences.extend((rng.choice(full), []) for _ in range(rng.randint(3, 8)))
        rng.shuffle(sentences)
    elif not sentences:
        sentences.append((rng.choice(plain), []))
    elif rng.random() < 0.3:
        sentences.insert(0, (rng.choice(plain), []))

    separator = rng.choice((". ", ", ", "\n", " ")) if len(sentences) > 1 else ""
    text_parts: list[str] = []
    pii: list[Pii] = []
    offset = 0
    for index, (sentence, spans) in enumerate(sentences):
        if index:
            text_parts.append(separator)
            offset += len(separator)
        text_parts.append(sentence)
        pii.extend(Pii(p.start + offset, p.end + offset, p.kind) for p in spans)
        offset += len(sentence)
    return Message(text="".join(text_parts), lang=lang, pii=tuple(pii))


def conversations(count: int, *, length: int = 10, seed: int = 0) -> Iterator[Conversation]:
    """``count`` conversations of ``length`` messages each; the same seed gives the same messages."""
    rng = random.Random(seed)  # noqa: S311 - synthetic text, reproducible by seed; nothing secret
    languages = list(LANGUAGES)
    weights = list(LANGUAGES.values())
    for _ in range(count):
        lang = rng.choices(languages, weights)[0]
        yield [_message(rng, lang) for _ in range(length)]
