"""Per-conversation placeholder map: ``[PHONE_1]`` <-> the value as the help-seeker wrote it."""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from care.deid.detectors.persons import name_key

# Entity types are upper-case words joined by "_" (PHONE, NATIONAL_ID); the index follows the last "_".
ENTITY_TYPE_RE = re.compile(r"[A-Z]+(?:_[A-Z]+)*")
PLACEHOLDER_RE = re.compile(r"\[([A-Z]+(?:_[A-Z]+)*)_([1-9][0-9]*)\]")


def format_placeholder(entity_type: str, index: int) -> str:
    if not ENTITY_TYPE_RE.fullmatch(entity_type) or index < 1:
        raise ValueError("invalid entity type or placeholder index")
    return f"[{entity_type}_{index}]"


def parse_placeholder(token: str) -> tuple[str, int] | None:
    match = PLACEHOLDER_RE.fullmatch(token)
    if match is None:
        return None
    return match.group(1), int(match.group(2))


@dataclass(frozen=True)
class PlaceholderState:
    """One conversation's placeholder map.

    Immutable: functions return a new state, so the shell can persist exactly what a message produced
    and a redelivered message is de-identified against the state it first saw.
    """

    values: Mapping[str, str]
    next_index: Mapping[str, int]

    def __post_init__(self) -> None:
        # Copy, so a caller mutating the dict it passed in cannot change a state after the fact.
        object.__setattr__(self, "values", MappingProxyType(dict(self.values)))
        object.__setattr__(self, "next_index", MappingProxyType(dict(self.next_index)))

    @classmethod
    def empty(cls) -> PlaceholderState:
        return cls(values={}, next_index={})


def _ascii_digits(value: str) -> str:
    # Arabic-Indic, Persian and other Unicode decimal digits name the same number as ASCII ones.
    return "".join(str(unicodedata.decimal(ch)) for ch in value if ch.isdecimal())


# Israeli and Palestinian numbers share one numbering plan: +972 5x, +970 5x and 05x with the same
# national significant number reach the same line, so they share a placeholder.
_LOCAL_COUNTRY_CODES = ("972", "970")


def _phone_key(value: str) -> str:
    digits = _ascii_digits(value)
    if digits.startswith("00"):
        digits = digits[2:]
    for code in _LOCAL_COUNTRY_CODES:
        if digits.startswith(code) and len(digits) >= len(code) + 8:
            # "+972 (0)50..." keeps the trunk zero; drop it so both spellings agree.
            return "local:" + digits[len(code) :].removeprefix("0")
    if digits.startswith("0"):
        return "local:" + digits[1:]
    return "intl:" + digits


def _national_id_key(value: str) -> str:
    # Leading zeros of a Teudat Zehut are often dropped when written.
    return _ascii_digits(value).zfill(9)


def _default_key(value: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", value).casefold().split())


# How two spellings of one value are recognised as the same value; types not listed compare
# case- and whitespace-insensitively. New entity types register their own rule here.
def _visible(value: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKC", value) if unicodedata.category(ch) != "Cf")


def _bank_account_key(value: str) -> str:
    # IBAN letters and digits only, so "IL07 0108 ..." and "IL070108..." match.
    return "".join(
        str(unicodedata.decimal(ch)) if ch.isdecimal() else ch
        for ch in _visible(value).upper()
        if ch.isdecimal() or "A" <= ch <= "Z"
    )


def _handle_key(value: str) -> str:
    return _visible(value).strip().removeprefix("@").casefold()


_URL_SCHEME_AND_WWW = re.compile(r"^(?i:[a-z]+://)?(?i:www\d{0,3}\.)?")


def _url_key(value: str) -> str:
    # Hosts are case-insensitive, paths are not (short-link codes differ by case).
    bare = _URL_SCHEME_AND_WWW.sub("", _visible(value).strip())
    host, _, path = bare.partition("/")
    return f"{host.casefold()}/{path.rstrip('/')}"


def _ip_key(value: str) -> str:
    text = "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() else ch for ch in _visible(value).strip())
    try:
        if ":" not in text:  # IPv4: "010.020.030.041" is the same address as "10.20.30.41"
            text = ".".join(str(int(part)) for part in text.split("."))
        return ipaddress.ip_address(text).compressed
    except ValueError:
        return text.casefold()


VALUE_KEYS: Mapping[str, Callable[[str], str]] = MappingProxyType(
    {
        "PHONE": _phone_key,
        "NATIONAL_ID": _national_id_key,
        "EMAIL": lambda value: value.strip().casefold(),
        "CREDIT_CARD": _ascii_digits,
        "LICENSE_PLATE": _ascii_digits,
        "BANK_ACCOUNT": _bank_account_key,
        "SOCIAL_HANDLE": _handle_key,
        "URL": _url_key,
        "IP_ADDRESS": _ip_key,
        "PERSON": name_key,
    }
)


def value_key(entity_type: str, value: str) -> str:
    return VALUE_KEYS.get(entity_type, _default_key)(value)


class PlaceholderAllocator:
    """Working copy of a state while one message is processed; ``freeze`` returns the new state."""

    def __init__(self, state: PlaceholderState) -> None:
        self._values: dict[str, str] = dict(state.values)
        self._next_index: dict[str, int] = dict(state.next_index)
        self._by_key: dict[tuple[str, str], str] = {}
        for placeholder, value in state.values.items():
            parsed = parse_placeholder(placeholder)
            if parsed is None:
                continue
            entity_type, index = parsed
            self._by_key.setdefault((entity_type, value_key(entity_type, value)), placeholder)
            # A stored counter behind the stored placeholders would hand out a used placeholder
            # for a different value; never trust it blindly.
            self._next_index[entity_type] = max(self._next_index.get(entity_type, 0), index)

    def placeholder_for(self, entity_type: str, value: str) -> str:
        key = (entity_type, value_key(entity_type, value))
        existing = self._by_key.get(key)
        if existing is not None:
            return existing
        index = self._next_index.get(entity_type, 0) + 1
        placeholder = format_placeholder(entity_type, index)
        self._next_index[entity_type] = index
        self._values[placeholder] = value
        self._by_key[key] = placeholder
        return placeholder

    def freeze(self) -> PlaceholderState:
        return PlaceholderState(values=self._values, next_index=self._next_index)
