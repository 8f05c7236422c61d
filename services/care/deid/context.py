"""Context cues: words shortly before a candidate that say what kind of detail it is."""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType

from care.deid.normalize import NormalizedText

# Words that, shortly before a number, say what kind of number it is. Used to break ties between
# equally long candidates (a 9-digit Teudat Zehut with a leading 0 also looks like a landline).
CONTEXT_WINDOW_CHARS = 40
CONTEXT_CUES: Mapping[str, re.Pattern[str]] = MappingProxyType(
    {
        # "account 123456782" is a bank account even when the digits also pass the ID check.
        "BANK_ACCOUNT": re.compile(r"חשבון|ח[-\"״']ן|حساب|\b(?:account|acct|iban)\b|сч[её]т", re.IGNORECASE),
        "LICENSE_PLATE": re.compile(r"רכב|לוחית|سيار|نمر|\b(?:plate|car)\b|машин", re.IGNORECASE),
        "NATIONAL_ID": re.compile(
            r"ת\s?[.\"״׳']\s?ז|תעודת\s+זהות|זהות|هوي[ةت]|\b(?:id|teudat|zehut|zeut|identity)\b"
            r"|теудат|зеут|удостоверени",
            re.IGNORECASE,
        ),
        "PHONE": re.compile(
            r"טלפון|נייד|פלאפון|וואטסאפ|תתקשר|תלפון|تلفون|تليفون|هاتف|جوال|موبايل|واتس|اتصل"
            r"|\b(?:phone|call|whatsapp|mobile|cell|tel)\b|телефон|номер|звон",
            re.IGNORECASE,
        ),
    }
)


def has_cue(entity_type: str, norm: NormalizedText, start: int) -> bool:
    cue = CONTEXT_CUES.get(entity_type)
    if cue is None:
        return False
    return cue.search(norm.text, max(0, start - CONTEXT_WINDOW_CHARS), start) is not None
