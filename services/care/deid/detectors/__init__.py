"""Detectors of personal details. Each finds spans of one or more entity types in normalised text.

A detector is any callable ``(NormalizedText) -> Iterable[Span]`` whose spans are offsets into
``NormalizedText.text``; the core maps them back onto the original text, resolves overlaps and
replaces them. A module adds detectors through its ``DETECTORS`` tuple.

Why not Presidio's analyzer/anonymizer: its recognizers are English-centric patterns with English
context words, it has no notion of Hebrew prefix letters or Arabic clitics, it matches on the raw text
(no normalisation of Arabic-Indic digits or bidi controls with offsets kept), and its anonymizer
has no per-conversation placeholder numbering. The architecture idea is kept (independent
recognizers, overlap resolution by score and priority, one replacement pass); the benchmark
(`make bench`, bench/results/deid.md) measures Presidio's AnalyzerEngine on the same messages.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from care.deid.detectors import identifiers, persons, places, structured
from care.deid.normalize import Detector

if TYPE_CHECKING:
    from care.config import Settings

DEFAULT_DETECTORS: tuple[Detector, ...] = (
    identifiers.DETECTORS + structured.DETECTORS + persons.DETECTORS + places.DETECTORS
)

# The entity types, as the CLI and the placeholders name them.
ENTITY_TYPES: tuple[str, ...] = (
    "PERSON",
    "PHONE",
    "NATIONAL_ID",
    "EMAIL",
    "URL",
    "SOCIAL_HANDLE",
    "ADDRESS",
    "LOCATION",
    "DATE",
    "LICENSE_PLATE",
    "CREDIT_CARD",
    "BANK_ACCOUNT",
    "ORG",
    "IP_ADDRESS",
)

# At equal length (after context cues) the earlier type wins: a number that is both a plausible
# phone and a valid ID is more often a phone; a checksum-validated identifier beats a pattern.
TYPE_PRIORITY: tuple[str, ...] = (
    "PHONE",
    "NATIONAL_ID",
    "CREDIT_CARD",
    "BANK_ACCOUNT",
    "IP_ADDRESS",
    "EMAIL",
    "URL",
    "SOCIAL_HANDLE",
    "LICENSE_PLATE",
    "DATE",
    "ADDRESS",
    "PERSON",
    "ORG",
    "LOCATION",
)


def configured_detectors(settings: Settings) -> tuple[Detector, ...]:
    """The rule-based detectors, plus the transformer NER models configured in CARE_DEID_NER_MODEL_DIRS."""
    model_dirs = [d.strip() for d in settings.deid_ner_model_dirs.split(",") if d.strip()]
    if not model_dirs:
        return DEFAULT_DETECTORS
    # Imported only when configured: onnxruntime's import costs start-up time.
    from care.deid.ner import ner_detectors

    return DEFAULT_DETECTORS + tuple(ner_detectors(model_dirs))
