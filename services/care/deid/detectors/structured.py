"""URLs, social handles, dates, licence plates, payment cards, bank accounts and IP addresses.

Libraries, and why:
- python-stdnum: ``luhn`` checks payment-card check digits; ``iban`` checks an IBAN's mod-97 digits
  *and* its country's length and BBAN layout from stdnum's IBAN registry, so a random "XX00 ..." run
  does not pass. stdnum has no Israeli domestic bank-account module (``stdnum.il`` holds only
  ``idnr`` and ``hp``), and Israeli account check digits differ per bank (Masav rules), so domestic
  accounts are found by their layout next to a context word.
- ipaddress (standard library) validates what the IPv4/IPv6 patterns propose; IPv6's "::"
  compression rules are not worth re-implementing.
- No date parser: dateutil's fuzzy mode is English-only and reads a date into almost any number;
  month names in four languages are a small table, and day/month ranges are checked here.
- Presidio's recognizers are not used (a separate benchmark compares against them): their patterns
  and context words are English-centric, know nothing of Hebrew/Arabic prefix letters or cue words,
  run on raw text rather than through our normalisation and offset map, and their per-call overhead
  is far above this stage's budget.

Over-masking costs the model context, so every numeric pattern that also reads as a quantity (a
weight, a dose, money, a score, a time, an age, a year alone) needs either a checksum, a layout
nothing else has, or a context word in front of it.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable

from stdnum import iban, luhn

from care.deid.normalize import Detector, NormalizedText, Span

__all__ = [
    "DETECTORS",
    "detect_bank_accounts",
    "detect_credit_cards",
    "detect_dates",
    "detect_ip_addresses",
    "detect_license_plates",
    "detect_social_handles",
    "detect_urls",
]

# Normalised text has ASCII digits only, but ``\d`` and ``\w`` are Unicode-wide in Python, so the
# patterns spell out the ASCII classes they mean. Hebrew and Arabic prefix letters glued to a value
# ("ב12/3", "ب١٨/١٢", "ל-IL36...") must not block a match, so "not glued" means no ASCII neighbour.
# Digit patterns start with the digit itself and look behind it afterwards: re then skips ahead to
# the next digit in C instead of trying every position (4x faster on chat messages).
_FIRST_DIGIT_NOT_GLUED = r"[0-9](?<![A-Za-z0-9_.,/+][0-9])(?<![A-Za-z0-9]-[0-9])"
_NO_DIGITS_AFTER = r"(?![0-9A-Za-z_]|[.,/:-][0-9])"
_NOT_LETTER_AFTER = r"(?![^\W\d_])"
_NOT_LETTER_BEFORE = r"(?<![^\W\d_])"

# A number followed by one of these is a quantity (weight, dose, money, duration, count), not an
# identifier: "ירדתי 2.5 קילו", "بالمية", "3/4 כדור", "12000 ש"ח".
_QUANTITY_AFTER = re.compile(
    r"\s*(?:[%٪₪$€]"
    r"|(?:קילו|ק\"ג|ק״ג|גרם|מ\"ג|מ״ג|מ\"ל|ליטר|כדור(?:ים)?|שעות|שעה|דקות|ימים|שבועות|חודשים|שנים|אחוז(?:ים)?"
    r"|ש\"ח|ש״ח|שקל(?:ים)?|אלף|מיליון|נקודות|עוקבים|לייקים|צפיות|ס\"מ|מטר|מעלות|פעמים"
    r"|كيلو|كغ|غرام|ملغ|حب(?:ة|ات)?|ساع(?:ة|ات)|دقيقة|دقايق|دقائق|ايام|أيام|اسابيع|أسابيع|شهور|سنين|سنوات"
    r"|بالمية|بالمئة|شيكل|شواقل|دولار|الف|ألف|نقطة|علامة|درجة|متابع\w*|لايك\w*|مشاهد\w*|مرات"
    r"|кг|кило\w*|грамм\w*|мг|таблет\w*|час\w*|минут\w*|дн(?:я|ей)|недел\w*|месяц\w*|лет|год\w*"
    r"|процент\w*|шекел\w*|доллар\w*|тыс\w*|балл\w*|подписчик\w*|лайк\w*|просмотр\w*|раз[а]?)"
    + _NOT_LETTER_AFTER
    + r"|(?i:kg|kilos?|g|mg|ml|lbs?|pounds?|pills?|tablets?|hours?|hrs?|mins?|minutes?|days?|weeks?"
    r"|months?|years?|percent|shekels?|nis|ils|dollars?|usd|eur|k|points?|stars?|cm|km|degrees?|times"
    r"|followers|likes|views)(?![A-Za-z]))"
)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


def _any_of(words: str) -> re.Pattern[str]:
    """A gate in front of a cue pattern that is slow to scan: plain lower-case substrings, one of
    which every cue contains. An alternation of literals lets re jump between their first letters."""
    keys = sorted(words.split(), key=len, reverse=True)
    return re.compile("|".join(re.escape(key) for key in keys))


def _cue_matches(pattern: re.Pattern[str], keys: re.Pattern[str], text: str) -> Iterable[re.Match[str]]:
    """Matches of a cue-led ``pattern``, tried only just before each key found in the text.

    A long alternation of cue words costs ~0.3 us per position when scanned; the keys' literal
    alternation finds the few places where a cue can start (at most 8 characters before its key).
    """
    lowered = text.lower()
    if len(lowered) != len(text):  # a few letters lower-case to two characters
        yield from pattern.finditer(text)
        return
    resume = 0
    for hit in keys.finditer(lowered):
        for start in range(max(resume, hit.start() - 8), hit.start() + 1):
            match = pattern.match(text, start)
            if match is not None:
                resume = match.end()
                yield match
                break


def _quantity_after(text: str, end: int) -> bool:
    return _QUANTITY_AFTER.match(text, end) is not None


# --- CREDIT_CARD --------------------------------------------------------------------------------

# Digit groups joined by single spaces or dashes; which groups form the card is decided below, so a
# count or a date written right after the number ("... 3732 2 times") does not spoil it.
_DIGIT_GROUPS = re.compile(_FIRST_DIGIT_NOT_GLUED + r"[0-9]*(?:[ -][0-9]+)*(?![0-9A-Za-z_])")
_GROUP_SPLIT = re.compile(r"[ -]")


def _plausible_card(digits: str) -> bool:
    """An issuer prefix (IIN) with a length that issuer uses, and a valid Luhn check digit."""
    return 13 <= len(digits) <= 19 and _issuer_length_ok(digits) and bool(luhn.is_valid(digits))


def _issuer_length_ok(digits: str) -> bool:
    length = len(digits)
    head2, head4 = int(digits[:2]), int(digits[:4])
    if digits[0] == "4":  # Visa
        return length in (13, 16, 19)
    if 51 <= head2 <= 55 or 2221 <= head4 <= 2720:  # Mastercard
        return length == 16
    if 2200 <= head4 <= 2204:  # Mir, common among Russian speakers
        return length >= 16
    if head2 in (34, 37):  # American Express
        return length == 15
    if head2 in (30, 36, 38, 39) or 3528 <= head4 <= 3589:  # Diners, JCB
        return length >= 14
    # Maestro (50, 56-59) and Discover / UnionPay / Maestro (6).
    return head2 == 50 or 56 <= head2 <= 59 or digits[0] == "6"


def _card_span(groups: list[str], starts: list[int]) -> tuple[int, int] | None:
    """The longest run of whole groups that is a plausible card number."""
    best: tuple[int, int] | None = None
    for i in range(len(groups)):
        total = 0
        for j in range(i, len(groups)):
            total += len(groups[j])
            if total > 19:
                break
            if total < 13:
                continue
            if _plausible_card("".join(groups[i : j + 1])):
                span = (starts[i], starts[j] + len(groups[j]))
                if best is None or span[1] - span[0] > best[1] - best[0]:
                    best = span
    return best


def detect_credit_cards(norm: NormalizedText) -> list[Span]:
    text = norm.text
    spans: list[Span] = []
    for match in _DIGIT_GROUPS.finditer(text):
        run = match.group()
        if sum(ch.isdigit() for ch in run) < 13:
            continue
        groups: list[str] = []
        starts: list[int] = []
        offset = match.start()
        for part in _GROUP_SPLIT.split(run):
            groups.append(part)
            starts.append(offset)
            offset += len(part) + 1
        found = _card_span(groups, starts)
        if found is not None:
            spans.append(Span(found[0], found[1], "CREDIT_CARD"))
    return spans


# --- BANK_ACCOUNT -------------------------------------------------------------------------------

# Country code, check digits, then the BBAN with optional single spaces or dashes; the BBAN is taken
# generously and trimmed back group by group until stdnum accepts it ("... 981 OK" is not part of it).
_IBAN = re.compile(r"[A-Za-z](?<![A-Za-z0-9][A-Za-z])[A-Za-z][0-9]{2}(?:[ -]?[A-Z0-9]){11,30}")
_ISRAELI_IBAN_SHAPE = re.compile(r"IL[0-9]{21}")

# Context words, as substrings so Hebrew and Arabic prefix letters may be glued on ("לחשבון",
# "بالحساب"). "חשבון"/"حساب"/"account" also mean a social-media account, which is why a number
# after them must look like an account number and not like a quantity.
_ACCOUNT_CUE = (
    r"(?:חשבון(?!ית)|(?<![א-ת])ח[-\"״'׳.]ן(?![א-ת])|حساب|(?<![A-Za-z])(?i:account|acct|acc|a/c|iban)"
    r"(?![A-Za-z])|(?i:сч[её]т)\w*|איבן|ايبان|آيبان)"
)
_BRANCH_CUE = r"(?:סניף|فرع|(?<![A-Za-z])(?i:branch)(?![A-Za-z])|(?i:отделени|филиал)\w*)"
_BANK_CUE = r"(?:בנק|بنك|(?<![A-Za-z])(?i:bank)(?![A-Za-z])|(?i:банк)\w*)"
_NUMBER_WORD = r"(?:מספר|מס['׳]?|(?i:number|num|no\.?|nr\.?)|#|رقم|(?i:номер)|№)"

# The cue must be close, with no other number between it and the candidate.
_ACCOUNT_CUE_BEFORE = re.compile(_ACCOUNT_CUE + r"[^0-9]{0,25}\Z")
_MONEY_WORDS = re.compile(
    r"מינוס|חוב|יתרה|משכורת|(?i:minus|overdraft|balance|debt|owe|salary)|ناقص|دين|رصيد|معاش|راتب"
    r"|(?i:минус|долг|баланс|остаток|зарплат)|[₪$€]"
)
_ACCOUNT_NUMBER = re.compile(
    _FIRST_DIGIT_NOT_GLUED + r"[0-9]{0,12}(?:[-/][0-9]{1,13}| [0-9]{3,13}){0,2}" + _NO_DIGITS_AFTER
)
# Bank-branch-account with dashes ("12-345-678901") is a layout nothing else uses; phone numbers
# with a trunk zero have the same shape, so those are left to the phone detector.
_BANK_BRANCH_ACCOUNT = re.compile(r"[1-9][0-9]?-[0-9]{3}-[0-9]{6,9}")
_PAIR = (
    rf"(?:{_ACCOUNT_CUE}|{_BRANCH_CUE}|{_BANK_CUE})(?:\s*{_NUMBER_WORD})?\s*[:#.-]?\s*"
    r"[0-9]{1,13}(?:-[0-9]{1,9})?(?![0-9])"
)
# After a bank or branch number, a bare "number" word introduces the account itself: "סניף 512
# מספר 338172", "فرع ٦٧٢ رقم ٤٤٠٩١٨", "branch 512 number 338172".
_NUMBERED = rf"{_NUMBER_WORD}\s*[:#.-]?\s*[0-9]{{1,13}}(?:-[0-9]{{1,9}})?(?![0-9])"
_CHAIN_JOIN = r"\s*[,;/]?\s*(?:ו|و|(?i:and)|и)?\s*"
# "בנק 12 סניף 345 חשבון 123456", "account 123456789 branch 612": one span from the first number
# to the last, since together they identify the account. A branch number alone identifies nobody.
_CHAIN = re.compile(
    rf"{_PAIR}(?:(?:{_CHAIN_JOIN}{_PAIR})+(?:{_CHAIN_JOIN}{_NUMBERED})?|{_CHAIN_JOIN}{_NUMBERED})"
)
_FIRST_DIGIT = re.compile(r"[0-9]")
# Substrings one of which every cue above contains: messages without any skip the cue patterns.
_BANK_CUE_KEYS = _any_of(
    "חשבון ח-ן ח\"ן ח״ן ח'ן ח׳ן ח.ן איבן סניף בנק حساب ايبان آيبان فرع بنك acc a/c iban branch bank сч банк "
    "отделени филиал"
)


def _valid_iban(candidate: str) -> bool:
    compact = candidate.replace(" ", "").replace("-", "").upper()
    # An Israeli IBAN with a mistyped check digit is still somebody's account, and "IL" + 21 digits
    # means nothing else.
    if _ISRAELI_IBAN_SHAPE.fullmatch(compact):
        return True
    # stdnum's full check (registry look-up, country rules) costs ~15 us; most candidates that get
    # here are trimmed prefixes that fail the plain mod-97 sum, which is checked first.
    rearranged = compact[4:] + compact[:4]
    if int("".join(str(int(ch, 36)) for ch in rearranged)) % 97 != 1:
        return False
    return bool(iban.is_valid(compact))


def _iban_spans(text: str) -> Iterable[Span]:
    for match in _IBAN.finditer(text):
        start, end = match.span()
        # Longest first, trimming one character at a time back to a group boundary.
        while end - start >= 15:
            if (end == len(text) or not text[end].isalnum()) and _valid_iban(text[start:end]):
                yield Span(start, end, "BANK_ACCOUNT")
                break
            end -= 1
            while end > start and text[end - 1] in " -":
                end -= 1


def detect_bank_accounts(norm: NormalizedText) -> list[Span]:
    text = norm.text
    spans = list(_iban_spans(text))
    cued = _BANK_CUE_KEYS.search(text.lower()) is not None
    for match in _ACCOUNT_NUMBER.finditer(text):
        start, end = match.span()
        value = match.group()
        digits = sum(ch.isdigit() for ch in value)
        # Israeli account numbers have 6-9 digits (more with bank and branch); five bare digits
        # after "החשבון" are more often an amount than an account.
        if not (6 if value.isdigit() else 5) <= digits <= 15:
            continue
        if _BANK_BRANCH_ACCOUNT.fullmatch(value):
            spans.append(Span(start, end, "BANK_ACCOUNT"))
            continue
        if not cued:
            continue
        cue = _ACCOUNT_CUE_BEFORE.search(text, max(0, start - 40), start)
        if cue is None or _quantity_after(text, end):
            continue
        if _MONEY_WORDS.search(text, cue.start(), start):
            continue
        spans.append(Span(start, end, "BANK_ACCOUNT"))
    for match in _cue_matches(_CHAIN, _BANK_CUE_KEYS, text) if cued else ():
        chain = match.group()
        if sum(ch.isdigit() for ch in chain) < 6:
            continue
        first = _FIRST_DIGIT.search(chain)
        if first is not None:
            spans.append(Span(match.start() + first.start(), match.end(), "BANK_ACCOUNT"))
    return spans


# --- LICENSE_PLATE ------------------------------------------------------------------------------

# Israeli plates: 7 digits as 12-345-67 (until 2017) and 8 digits as 123-45-678. With dashes the
# layout is distinctive enough on its own; with spaces, dots or no separators it needs a vehicle word.
_PLATE_DASHED = re.compile(
    _FIRST_DIGIT_NOT_GLUED + r"(?:[0-9]-[0-9]{3}-[0-9]{2}|[0-9]{2}-[0-9]{2}-[0-9]{3})" + _NO_DIGITS_AFTER
)
_PLATE_CUED = re.compile(
    _FIRST_DIGIT_NOT_GLUED
    + r"(?:[0-9]([ .]?)[0-9]{3}\1[0-9]{2}|[0-9]{2}([ .]?)[0-9]{2}\2[0-9]{3})"
    + r"(?![0-9A-Za-z_]|[.,/:-]?[0-9])"
)
_PLATE_CUE_BEFORE = re.compile(
    r"(?:רכב|אוטו|מכונית|לוחית|רישוי|משאית|אופנוע|קטנוע|טוסטוס|ג['׳]יפ|טנדר|מונית"
    r"|سيار[ةه]|نمر[ةه]|لوح[ةه]|ترخيص|موتور|تكسي"
    r"|(?<![A-Za-z])(?i:plates?|licen[cs]e|reg(?:istration)?|car|vehicle|truck|van|motorbike|taxi)(?![A-Za-z])"
    r"|(?i:машин|автомоб|тачк|госномер|номерн)\w*)"
    r"[^0-9]{0,30}\Z"
)


def detect_license_plates(norm: NormalizedText) -> list[Span]:
    text = norm.text
    spans = [Span(m.start(), m.end(), "LICENSE_PLATE") for m in _PLATE_DASHED.finditer(text)]
    for match in _PLATE_CUED.finditer(text):
        start = match.start()
        if _PLATE_CUE_BEFORE.search(text, max(0, start - 45), start) and not _quantity_after(
            text, match.end()
        ):
            spans.append(Span(start, match.end(), "LICENSE_PLATE"))
    return spans


# --- IP_ADDRESS ---------------------------------------------------------------------------------

# Four dot-separated numbers; three ("1.2.3") is a version, and a date has a 4-digit year.
_IPV4 = re.compile(
    r"[0-9](?<![A-Za-z0-9_.][0-9])[0-9]{0,2}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}(?![0-9A-Za-z_]|\.[0-9])"
)
_IPV6 = re.compile(
    r"(?<![A-Za-z0-9_:.])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}"
    r"(?:(?<=:)[0-9]{1,3}(?:\.[0-9]{1,3}){3})?(?![A-Za-z0-9_:])"
)
_HEX_LETTER = re.compile(r"[A-Fa-f]")
_VERSION_BEFORE = re.compile(r"(?i:version|ver\.?|v)\s*\Z|(?:גרסה|גירסה|إصدار|اصدار|نسخة|(?i:версия))\s*\Z")


def _valid_ipv4(candidate: str) -> bool:
    # ipaddress rejects leading zeros ("010.1.1.1"), which people do type.
    parts = [part.lstrip("0") or "0" for part in candidate.split(".")]
    try:
        ipaddress.IPv4Address(".".join(parts))
    except ValueError:
        return False
    return True


def _valid_ipv6(candidate: str) -> bool:
    # Clock times and scores are all-digit with few colons; real addresses have hex letters or 8 groups.
    if candidate.count(":") < 5 and not _HEX_LETTER.search(candidate):
        return False
    try:
        ipaddress.IPv6Address(candidate)
    except ValueError:
        return False
    return True


def detect_ip_addresses(norm: NormalizedText) -> list[Span]:
    text = norm.text
    spans: list[Span] = []
    if "." in text:
        for match in _IPV4.finditer(text):
            if _valid_ipv4(match.group()) and not _VERSION_BEFORE.search(
                text, max(0, match.start() - 10), match.start()
            ):
                spans.append(Span(match.start(), match.end(), "IP_ADDRESS"))
    if text.count(":") >= 2:
        spans.extend(
            Span(m.start(), m.end(), "IP_ADDRESS") for m in _IPV6.finditer(text) if _valid_ipv6(m.group())
        )
    return spans


# --- URL ----------------------------------------------------------------------------------------

# Path characters: URL punctuation and letters of any script (Hebrew Wikipedia links are pasted
# decoded), but not "," ";" quotes or brackets, which in chat end the link; that also keeps an e-mail
# written right after a link ("bit.ly/x,dana@example.com") outside the URL.
_PATH_CHARS = r"(?:[A-Za-z0-9\-._~/?#@!$&*+=%:]|[^\W\x00-\x7f])"
_HOST = r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+"
_NOT_IN_WORD_OR_ADDRESS = r"(?<![A-Za-z0-9@._/])(?<![A-Za-z0-9]-)"
_URL_SCHEME = re.compile(r"(?<![A-Za-z0-9])(?i:https?|ftp)://" + _PATH_CHARS + "+")
_URL_WWW = re.compile(
    _NOT_IN_WORD_OR_ADDRESS + r"(?i:www)[0-9]{0,3}\." + _HOST + r"[A-Za-z]{2,24}(?![A-Za-z0-9-])"
    r"(?::[0-9]{2,5})?(?:[/?#]" + _PATH_CHARS + "*)?"
)
# A bare domain is a URL with a path ("instagram.com/x", "bit.ly/abc"), or without one when its
# top-level domain is a common one. An e-mail's domain is excluded by the "@" look-behind, and a
# dotted e-mail local part ("noa.levi@...") by the look-ahead.
_URL_BARE = re.compile(
    _NOT_IN_WORD_OR_ADDRESS + _HOST + r"(?P<tld>[A-Za-z]{2,13})(?![A-Za-z0-9-]|@|\.[A-Za-z0-9])"
    r"(?P<rest>(?::[0-9]{2,5})?/" + _PATH_CHARS + "*)?"
)
# Without a path only these count: "tired.so", "home.me" are sentences typed without a space.
_DOTTED_WORD = re.compile(r"[A-Za-z0-9]\.[A-Za-z]")
_COMMON_TLDS = _words("com net org info biz io il ru ua ps xyz")
_URL_TRAILING = ".:!?*~-"


def _trim_url(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1] in _URL_TRAILING:
        end -= 1
    return end


def detect_urls(norm: NormalizedText) -> list[Span]:
    text = norm.text
    if "." not in text:
        return []
    spans: list[Span] = []
    lowered = text.lower()
    patterns = [pattern for pattern, key in ((_URL_SCHEME, "://"), (_URL_WWW, "www")) if key in lowered]
    for pattern in patterns:
        for match in pattern.finditer(text):
            end = _trim_url(text, match.start(), match.end())
            if end - match.start() > 8:
                spans.append(Span(match.start(), end, "URL"))
    for match in _URL_BARE.finditer(text) if _DOTTED_WORD.search(text) else ():
        rest = match.group("rest")
        has_path = rest is not None and len(rest.rstrip(_URL_TRAILING)) > 1
        if not has_path and match.group("tld").lower() not in _COMMON_TLDS:
            continue
        end = _trim_url(text, match.start(), match.end())
        spans.append(Span(match.start(), end, "URL"))
    return spans


# --- SOCIAL_HANDLE ------------------------------------------------------------------------------

# "@dana_k": not an e-mail's "@" (a letter before it), not a path ("tiktok.com/@x"), not "@ 5".
# Dots and underscores inside, never a trailing dot ("@yusuf.n." ends a sentence).
_AT_HANDLE = re.compile(
    r"(?<![A-Za-z0-9_.@/+=])(?<![A-Za-z0-9]-)"
    r"@(?P<h>[A-Za-z0-9_](?:[A-Za-z0-9_.]{0,28}[A-Za-z0-9_])?)(?![A-Za-z0-9_@])"
)
# "@5pm", "@home": "at", not an account.
_AT_WORDS = _words("home work school night everyone all here there")
_TIME_LIKE = re.compile(r"[0-9]{1,2}(?:[.][0-9]{2})?(?i:am|pm|h|hrs?)?|[0-9]+")

# Platform or user-name words, then at most three filler words ("שלי הוא", "تبعي", "is", ":"), then
# a Latin handle. Hebrew/Arabic/Russian cues are substrings so prefix letters may be glued on.
_PLATFORM_CUE = (
    r"אינסטגרם|אינסטה|טיקטוק|טיק טוק|סנאפ(?:צ['׳]אט)?|סנפצ['׳]ט|פייסבוק|פייס|טוויטר|טלגרם|דיסקורד|יוטיוב"
    r"|انستا|انستغرام|انستجرام|انستقرام|إنستا|إنستغرام|تيك ?توك|سناب(?: ?شات)?|فيسبوك|فيس|تويتر|تلغرام"
    r"|تلجرام|تيليجرام|ديسكورد|يوتيوب"
    r"|(?i:инст\w*|тик-?ток\w*|снэп\w*|снап\w*|телег\w*|дискорд\w*|ютуб\w*|(?<!\w)тг(?!\w)|(?<!\w)вк(?!\w))"
    r"|(?<![A-Za-z])(?i:insta(?:gram)?|ig|tik ?tok|snap(?:chat)?|sc|telegram|tg|twitter|facebook|fb"
    r"|discord|youtube|yt|twitch|threads|reddit)(?![A-Za-z])"
)
_USERNAME_CUE = (
    r"שם (?:ה)?משתמש|יוזר|ניק(?![א-ת])|המשתמש|يوزر|اليوزر|اسم المستخدم"
    r"|(?i:(?<!\w)ник(?:нейм)?(?!\w)|юзернейм|логин)"
    r"|(?<![A-Za-z])(?i:user ?name|user|handle|nick(?:name)?)(?![A-Za-z])"
)
_FILLER = r"(?:[^\sA-Za-z0-9@]+|(?i:is|it's|its|my|me|on|as|at|name|called|account|handle|username))"
_CUED_HANDLE = re.compile(
    rf"(?:(?P<platform>{_PLATFORM_CUE})|(?P<user>{_USERNAME_CUE}))"
    rf"(?P<between>(?:\s*[:=,-]\s*|\s+|'s\s+)(?:{_FILLER}(?:\s*[:=,-]\s*|\s+)){{0,3}})"
    r"@?(?P<h>[A-Za-z0-9_](?:[A-Za-z0-9_.]{0,28}[A-Za-z0-9_])?)(?![A-Za-z0-9_@/]|\.[A-Za-z0-9])"
)
# Substrings one of which every cue above contains; checked first so that the cue pattern, slow to
# scan, runs only on messages that may need it.
_HANDLE_CUE_KEYS = _any_of(
    "אינסט טיק סנאפ סנפ פייס טוויטר טלגרם דיסקורד יוטיוב משתמש יוזר ניק انست إنست توك سناب فيس تويتر "
    "تلغرام تلجرام تيليجرام ديسكورد يوتيوب يوزر المستخدم инст ток снэп снап телег дискорд ютуб тг вк ник "
    "юзернейм логин insta ig sc tg yt fb tik snap telegram twitter facebook discord youtube twitch "
    "threads reddit user handle nick"
)
_ASCII_LETTER = re.compile(r"[A-Za-z]")
_HANDLE_MARKS = re.compile(r"[0-9_.]")
# English words that follow a platform name in chat, also inside Hebrew and Arabic sentences.
_NOT_HANDLES = _words(
    "http https www ok okay lol omg wtf idk pls plz sorry thanks thx hi hey bye yes no yeah bro the "
    "a an and or but so to of in on at by for with from about after before is are was were be been "
    "has have had not me my you your he she his her him it its we they them this that there here "
    "all just still too also now then again only even really very got get gets keep keeps posted "
    "posting live story stories reels reel dm dms chat video videos post posts profile account "
    "accounts page private public hacked blocked banned deleted closed app group groups link links "
    "pic pics photo photos message messages comment comments follow followers like likes online "
    "offline every"
)
_AFFIRMING_FILLER = re.compile(r"(?<![A-Za-z])(?i:is)(?![A-Za-z])|'s|הוא|היא|זה|هو|هي|(?i:это)")
# "my discord is moonlight": an owner's platform named right before; "Discord is down" has none.
_OWNER_BEFORE = re.compile(r"(?<![A-Za-z])(?i:my|his|her|their|our|ur|your|the guy's|his new|her new)\s+\Z")
# Words that follow "my snap is" and say how the account is, not what it is called.
_STATE_WORDS = _words(
    "down dead broken gone empty full new old fake same different weird boring toxic active inactive "
    "off up literally basically honestly actually probably always never mostly kinda like fine good "
    "bad great awful terrible better worse crazy quiet silent spam dry lit where what how why who "
    "mine yours his hers theirs ours open locked full useless nothing everything literally lowkey "
    "highkey def definitely prob kind sort pretty super so too way getting being going"
)
_WORD_FORM = re.compile(r"[a-z]+(?:ing|ed|ly)")
# An Arabizi word: lower-case letters with digits standing for Arabic letters inside it or at its
# start ("3arfetko", "7abibi", "sa7bi"), never a run of digits or one at the end as handles have.
_ARABIZI_WORD = re.compile(r"[235789][a-z]+(?:[235789][a-z]+)*|[a-z]+(?:[235789][a-z]+)+")
# Discord's "name#1234" tags: a name, "#" and four digits, nothing else looks like that in chat.
_DISCORD_TAG = re.compile(r"(?<![A-Za-z0-9_.#@/])(?P<h>[A-Za-z0-9_.]{2,32}#[0-9]{4})(?![0-9A-Za-z_])")


def _cued_handle_ok(match: re.Match[str]) -> bool:
    handle = match.group("h")
    if not _ASCII_LETTER.search(handle) or handle.lower() in _NOT_HANDLES:
        return False
    between = match.group("between")
    if _ARABIZI_WORD.fullmatch(handle) and ":" not in between and "=" not in between:
        return False  # "ana mn Facebook 3arfetko": digits that are Arabic letters in a word
    if _HANDLE_MARKS.search(handle):
        return True
    # A plain word ("my insta is private", "the user blocked me") is a handle only when set off by
    # ":", announced ("username is ..."), or standing in a sentence not written in Latin script
    # ("הטיקטוק שלי הוא danakoren").
    if ":" in between or "=" in between:
        return True
    if _AFFIRMING_FILLER.search(between) and (match.group("user") or _owned_platform(match)):
        lowered = handle.lower()
        return lowered not in _STATE_WORDS and _WORD_FORM.fullmatch(lowered) is None
    cue = match.group("platform") or match.group("user")
    return not _ASCII_LETTER.search(cue) and not _ASCII_LETTER.search(between)


def _owned_platform(match: re.Match[str]) -> bool:
    start = match.start("platform")
    return _OWNER_BEFORE.search(match.string, max(0, start - 16), start) is not None


def detect_social_handles(norm: NormalizedText) -> list[Span]:
    text = norm.text
    spans: list[Span] = []
    if "#" in text:
        for match in _DISCORD_TAG.finditer(text):
            if _ASCII_LETTER.search(match.group("h")):
                spans.append(Span(match.start("h"), match.end("h"), "SOCIAL_HANDLE"))
    if "@" in text:
        for match in _AT_HANDLE.finditer(text):
            handle = match.group("h")
            if (
                _ASCII_LETTER.search(handle)
                and not _TIME_LIKE.fullmatch(handle)
                and handle.lower() not in _AT_WORDS
            ):
                spans.append(Span(match.start(), match.end(), "SOCIAL_HANDLE"))
    for match in _cue_matches(_CUED_HANDLE, _HANDLE_CUE_KEYS, text):
        if _cued_handle_ok(match):
            start = match.start("h")
            if start > 0 and text[start - 1] == "@":
                start -= 1
            spans.append(Span(start, match.end("h"), "SOCIAL_HANDLE"))
    return spans


# --- DATE ---------------------------------------------------------------------------------------
#
# Masked: a specific day ("12/03/2008", "24.6.25", "2008-03-12", "3 במרץ 2008", "ב-12 למרץ",
# "١٦ أغسطس", "12 آذار/مارس", "March 3rd, 2008", "3 марта 2008"), a day and month written with
# digits when it reads as a date, and a month with a year after a birth word ("נולדתי במרץ 2008").
# Not masked: relative days ("אתמול", "yesterday", "امبارح", "вчера"), weekday names alone, clock
# times ("19:45"), a year alone ("מאז 2021", "С 2020 года"), a month alone or month and year without
# a birth word, ages and durations; this follows how the annotated dev data draws the line.

_EN_MONTHS = (
    r"january|february|march|april|june|july|august|september|october|november|december"
    r"|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec"
)
_HE_MONTHS = r"ינואר|פברואר|מרץ|מרס|אפריל|מאי|יוני|יולי|אוגוסט|ספטמבר|אוקטובר|נובמבר|דצמבר"
_AR_MONTHS = (
    r"يناير|فبراير|مارس|أبريل|ابريل|إبريل|مايو|يونيو|يونيه|يوليو|يوليه|أغسطس|اغسطس|سبتمبر|أكتوبر|اكتوبر"
    r"|نوفمبر|ديسمبر|كانون الثاني|كانون الأول|كانون الاول|شباط|آذار|اذار|أذار|نيسان|أيار|ايار|حزيران|تموز"
    r"|آب|أيلول|ايلول|تشرين الأول|تشرين الاول|تشرين الثاني"
)
_RU_MONTHS_GENITIVE = r"января|февраля|марта|апреля|мая|июня|июля|августа|сентября|октября|ноября|декабря"
_RU_MONTHS_PREPOSITIONAL = (
    r"январе|феврале|марте|апреле|мае|июне|июле|августе|сентябре|октябре|ноябре|декабре"
)

# Hebrew months take a glued preposition ("בנובמבר", "למרץ"); Arabic ones sometimes do ("بآذار"),
# except the bare spelling of August, "اب", since "باب" is a door.
# English "may" is a month only as "May" or with a year, since "I'm 16 may I ask" is common.
_MONTH = (
    rf"(?:(?:[בלה]-?)?(?:{_HE_MONTHS})|(?:[بل]?(?:{_AR_MONTHS})|اب)(?:\s*[/(-]\s*(?:{_AR_MONTHS})\)?)?"
    rf"|(?i:{_EN_MONTHS})\.?|May|(?i:{_RU_MONTHS_GENITIVE}))" + _NOT_LETTER_AFTER
)
_YEAR = r"(?:19|20)[0-9]{2}(?![0-9])"
_DAY_MONTH_NAME = re.compile(
    r"(?P<day>[0-9](?<![0-9.,:/][0-9])[0-9]?)(?![0-9])(?:st|nd|rd|th|-?го|-?е)?\s*-?\s*"
    r"(?:(?i:of)\s+|من\s+)?(?:(?:ال)?شهر\s+)?" + _MONTH + rf"(?:\s*,?\s*(?:(?i:of|in)\s+)?{_YEAR})?"
)
_MONTH_NAME_DAY = re.compile(
    rf"(?<![A-Za-z])(?:(?i:{_EN_MONTHS})\.?|May)\s+(?:(?i:the)\s+)?(?P<day>[0-9]{{1,2}})(?:st|nd|rd|th)?"
    rf"(?![0-9A-Za-z]|[:.,/][0-9])(?:,?\s+{_YEAR})?"
)
# English month-first dates need a Latin word right before a number; most messages have none.
_LATIN_WORD_THEN_NUMBER = re.compile(r"[A-Za-z]\.?\s+(?:the\s+)?[0-9]")
_LOWER_MAY_WITH_YEAR = re.compile(
    rf"(?<![0-9.,:/])(?P<day>[0-9]{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?may\s*,?\s*{_YEAR}"
    rf"|(?<![A-Za-z])may\s+(?P<day2>[0-9]{{1,2}})(?:st|nd|rd|th)?,?\s+{_YEAR}"
)
# Levantine "12 شهر 3" (day, "month", month number).
_DAY_MONTH_NUMBER_AR = re.compile(
    rf"(?P<day>[0-9](?<![0-9.,:/][0-9])[0-9]?)\s+(?:من\s+)?(?:ال)?شهر\s+(?P<month>[0-9]{{1,2}})(?![0-9])"
    rf"(?:\s+{_YEAR})?"
)
# Month and year, looked for backwards from a year so that messages without one cost nothing.
_YEAR_NUMBER = re.compile(rf"(?<![0-9]){_YEAR}")
_MONTH_BEFORE_YEAR = re.compile(
    _NOT_LETTER_BEFORE + rf"(?:(?:[בל]-?)?(?:{_HE_MONTHS})|(?:[بل])?(?:{_AR_MONTHS})|(?i:{_EN_MONTHS}|may)"
    rf"|(?i:{_RU_MONTHS_GENITIVE}|{_RU_MONTHS_PREPOSITIONAL}))" + r"\s*,?\s*\Z"
)
_BIRTH_CUE_BEFORE = re.compile(
    r"(?:נולד|הולדת|יליד|ילידת|ميلاد|مواليد|انولدت|(?i:born|birth|b-?day)|(?i:родил|рождени)\w*)[^0-9]{0,30}\Z"
)

# Two numbers joined by a date separator; the numeric date patterns run only where this finds one.
_SEPARATED_DIGITS = re.compile(r"[0-9] ?[-/.] ?[0-9]")
# Numeric dates: year first (ISO) or day first, with the same separator twice; a year may have two
# digits ("24.6.25").
_NUMERIC_DATE = re.compile(
    r"(?<![A-Za-z0-9_.,/:+])(?<![0-9]-)"
    r"(?:(?P<iy>(?:19|20)[0-9]{2})(?P<isep>[-/.])(?P<im>[0-9]{1,2})(?P=isep)(?P<id>[0-9]{1,2})"
    r"|(?P<d>[0-9]{1,2})(?P<sep>[-/.])(?P<m>[0-9]{1,2})(?:(?P=sep)(?P<y>[0-9]{4}|[0-9]{2}))?)"
    r"(?![0-9]|[.,/:-][0-9])"
)
# Right-to-left editors and phone keyboards sometimes put spaces around the separators
# ("12 / 03 / 2008"); with a 4-digit year that is still unambiguous.
_SPACED_DATE = re.compile(
    r"(?P<d>[0-9](?<![A-Za-z0-9_.,/:+][0-9])[0-9]?) ?(?P<sep>[-/.]) ?(?P<m>[0-9]{1,2}) ?(?P=sep) ?"
    r"(?:19|20)[0-9]{2}(?![0-9])"
)
# Words that, shortly before a day/month written without a year, say it is a date.
_DATE_CUE_BEFORE = re.compile(
    r"(?:הולדת|יומולדת|נולד|נפטר|תאריך|מבחן|בגרות|(?<![א-ת])[הלב]?תור(?![א-ת])|פגישה|דיון|משפט|חתונה|אזכרה"
    r"|יום (?:ראשון|שני|שלישי|רביעי|חמישי|שישי)|שבת"
    r"|ميلاد|مواليد|توف[ىيا]|توفيت|تاريخ|امتحان|إمتحان|موعد|عرس|ذكرى|الأحد|الاحد|الاثنين|الإثنين|الثلاثاء"
    r"|الأربعاء|الاربعاء|الخميس|الجمعة|السبت"
    r"|(?<![A-Za-z])(?i:birthday|bday|b-day|born|died|passed away|date|exam|test|appointment|court|hearing"
    r"|wedding|funeral|anniversary|monday|tuesday|wednesday|thursday|friday|saturday|sunday)(?![A-Za-z])"
    r"|(?i:рождени|родил|умер|скончал|дат[аы]|экзамен|при[её]м|суд|свадьб|похорон|годовщин|понедельник|вторник"
    r"|сред[ау]|четверг|пятниц|суббот|воскресень)\w*)"
    r"[^0-9]{0,30}\Z"
)
# A preposition or a glued prefix right before the number: "מאז 8.9", "ב12/3", "ب19/4", "since 3/4".
_DATE_PREPOSITION_BEFORE = re.compile(
    r"(?:"
    + _NOT_LETTER_BEFORE
    + r"(?:מאז|עד|ביום|מיום|ליום|(?i:since|on|until|till|by|before|after)|منذ|من|لغاية|لحد|حتى|يوم|بيوم|في"
    r"|(?i:с|со|до|по|к|на|после|от))\s*-?\s*(?:ה-?|(?i:the)\s+|ال)?"
    r"|" + _NOT_LETTER_BEFORE + r"[וש]?(?:[בלמה]|עד ?ה|מה|בה)-?"
    r"|" + _NOT_LETTER_BEFORE + r"و?(?:ب|ل|لل|ع)-?"
    r")\Z"
)
# "9.10" after "בשעה" or before "בבוקר" is a clock time written with a dot.
_TIME_BEFORE = re.compile(r"(?:שעה|الساعة|ساعة|(?i:at|around|about|около|в))\s*-?\s*\Z")
_TIME_AFTER = re.compile(
    r"\s*(?:בבוקר|בערב|בלילה|בצהריים|אחה\"צ|אחה״צ|(?i:am|pm|a\.m|p\.m|o'clock)(?![A-Za-z])"
    r"|صباح|الصبح|مساء|بالليل|(?i:утра|вечера|ночи|дня)(?!\w))"
)
_STREET_BEFORE = re.compile(
    r"(?:רחוב|רח['׳]|שד['׳]|שדרות|شارع|(?i:street|st\.?|ул\.?|улиц\w*))[^0-9]{0,25}\Z"
)


def _valid_day_month(day: int, month: int) -> bool:
    return 1 <= day <= 31 and 1 <= month <= 12


# A score or a version number, not a date: "rated 13/10", "ציון 17/20", "גרסה 9.4.12".
_SCORE_OR_VERSION_BEFORE = re.compile(
    r"(?:(?i:rated|rating|score|scored|grade|level|version|ver\.?|v)|ציון|דירוג|גרסה|גירסה|רמה"
    r"|علامة|درجة|تقييم|إصدار|اصدار|نسخة|(?i:оценк\w*|балл\w*|верси\w*|уровень))\s*:?\s*\Z"
)


def _numeric_date_ok(text: str, match: re.Match[str]) -> bool:
    if _SCORE_OR_VERSION_BEFORE.search(text, max(0, match.start() - 12), match.start()):
        return False
    if match.group("iy"):
        return _valid_day_month(int(match.group("id")), int(match.group("im")))
    day, month, sep = int(match.group("d")), int(match.group("m")), match.group("sep")
    year = match.group("y")
    if year is not None:
        if len(year) == 4 and not 1900 <= int(year) <= 2099:
            return False
        # With a year it is a date either way round (an American writes 05/17/2025).
        return _valid_day_month(day, month) or _valid_day_month(month, day)
    if not _valid_day_month(day, month) or sep == "-" or (day, month) == (24, 7):
        # "3-4" is a range far more often than the 3rd of April, and "24/7" means always.
        return False
    start, end = match.span()
    if (
        _quantity_after(text, end)
        or _TIME_AFTER.match(text, end)
        or _TIME_BEFORE.search(text, max(0, start - 12), start)
        or _STREET_BEFORE.search(text, max(0, start - 35), start)
    ):
        return False
    cued = bool(
        _DATE_CUE_BEFORE.search(text, max(0, start - 40), start)
        or _DATE_PREPOSITION_BEFORE.search(text, max(0, start - 14), start)
    )
    if sep == "." or cued:
        # "2.5", "16.5" are decimals (weights, BMI, grades) unless a word says they are dates.
        return cued
    # Slash without a cue: "25/3" is a date, "3/4", "1/2" fractions and "7/10" ratings are not.
    return day > month


def detect_dates(norm: NormalizedText) -> list[Span]:
    text = norm.text
    spans: list[Span] = []
    if _SEPARATED_DIGITS.search(text):
        spans.extend(
            Span(m.start(), m.end(), "DATE")
            for m in _NUMERIC_DATE.finditer(text)
            if _numeric_date_ok(text, m)
        )
        spans.extend(
            Span(m.start(), m.end(), "DATE")
            for m in _SPACED_DATE.finditer(text)
            if " " in m.group() and _valid_day_month(int(m.group("d")), int(m.group("m")))
        )
    patterns = (
        (_DAY_MONTH_NAME, _MONTH_NAME_DAY, _LOWER_MAY_WITH_YEAR)
        if _LATIN_WORD_THEN_NUMBER.search(text)
        else (_DAY_MONTH_NAME,)
    )
    for pattern in patterns:
        for match in pattern.finditer(text):
            day = match.group("day") or match.groupdict().get("day2")
            if day is not None and 1 <= int(day) <= 31:
                spans.append(Span(match.start(), match.end(), "DATE"))
    for match in _DAY_MONTH_NUMBER_AR.finditer(text) if "شهر" in text else ():
        if _valid_day_month(int(match.group("day")), int(match.group("month"))):
            spans.append(Span(match.start(), match.end(), "DATE"))
    for year in _YEAR_NUMBER.finditer(text):
        month = _MONTH_BEFORE_YEAR.search(text, max(0, year.start() - 25), year.start())
        if month is not None and _BIRTH_CUE_BEFORE.search(text, max(0, month.start() - 40), month.start()):
            spans.append(Span(month.start(), year.end(), "DATE"))
    return spans


# stdnum loads its IBAN registry on first use; do it at import, not inside the first message.
iban.is_valid("IL620108000000099999999")

DETECTORS: tuple[Detector, ...] = (
    detect_urls,
    detect_social_handles,
    detect_dates,
    detect_license_plates,
    detect_credit_cards,
    detect_bank_accounts,
    detect_ip_addresses,
)
