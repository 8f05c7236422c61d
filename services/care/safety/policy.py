"""What the safety gate allows beyond its fixed rules: the line's hotline numbers and links, and where
the safety-protocol texts live. Plain values; the settings layer builds one from configuration."""

from __future__ import annotations

from dataclasses import dataclass, field

# Israeli emergency numbers and national crisis lines (placeholders a deployment overrides):
# 101 Magen David Adom, 100 police, 102 fire and rescue, 1201 ERAN emotional first aid.
DEFAULT_ALLOWED_NUMBERS: tuple[str, ...] = ("101", "100", "102", "1201")
# Online crisis services a reply may point to: ERAN and SAHAR (support and listening online).
DEFAULT_ALLOWED_LINKS: tuple[str, ...] = ("eran.org.il", "sahar.org.il")
DEFAULT_EMERGENCY_NUMBER = "101"
DEFAULT_HOTLINE_NUMBER = "1201"

# The de-identifier's entity types that name or reach a person or a place to go. Dates, places and
# organisations are left out: a reply may say "tonight", "in Haifa" or "ERAN" without inventing
# anyone, and the restore step cannot go wrong on them.
DEFAULT_IDENTIFIER_TYPES: frozenset[str] = frozenset(
    {
        "PERSON",
        "PHONE",
        "NATIONAL_ID",
        "EMAIL",
        "URL",
        "SOCIAL_HANDLE",
        "ADDRESS",
        "LICENSE_PLATE",
        "CREDIT_CARD",
        "BANK_ACCOUNT",
        "IP_ADDRESS",
    }
)


@dataclass(frozen=True)
class SafetyPolicy:
    """Configuration of the safety gate and the protocol candidate.

    ``allowed_numbers`` and ``allowed_links`` may appear in any candidate (digits are compared
    without separators, links without scheme and ``www.``); the emergency and hotline numbers are
    always allowed too, since the protocol texts name them. ``protocol_dir``, when set, holds
    ``<route>.txt`` protocol texts that replace the packaged ones; ``lexicon_dir`` likewise replaces
    the packaged lexicons (all of them).
    """

    allowed_numbers: tuple[str, ...] = DEFAULT_ALLOWED_NUMBERS
    allowed_links: tuple[str, ...] = DEFAULT_ALLOWED_LINKS
    emergency_number: str = DEFAULT_EMERGENCY_NUMBER
    hotline_number: str = DEFAULT_HOTLINE_NUMBER
    protocol_dir: str = ""
    lexicon_dir: str = ""
    identifier_types: frozenset[str] = field(default=DEFAULT_IDENTIFIER_TYPES)

    def __post_init__(self) -> None:
        # Tuples keep the policy hashable, so derived look-ups can be cached per policy.
        object.__setattr__(self, "allowed_numbers", tuple(self.allowed_numbers))
        object.__setattr__(self, "allowed_links", tuple(self.allowed_links))
        object.__setattr__(self, "identifier_types", frozenset(self.identifier_types))


DEFAULT_POLICY = SafetyPolicy()
